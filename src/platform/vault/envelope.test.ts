import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DekCache } from './dek-cache.js';
import { unwrapDataKey } from './dek.js';
import { createVault, parseCiphertext, type DataKeyStore } from './envelope.js';
import { VaultDecryptError, type DecryptFailure } from './errors.js';
import { parseKeyring } from './keyring-core.js';
import { createMemoryDataKeyStore } from './memory-store.js';

const ORG_A = randomUUID();
const ORG_B = randomUUID();
const REC = randomUUID();

function setup(cache?: DekCache) {
  const masterKey = randomBytes(32);
  const keyring = parseKeyring(masterKey.toString('base64'));
  const store = createMemoryDataKeyStore();
  return { masterKey, keyring, store, vault: createVault({ keyring, store, cache: cache ?? new DekCache() }) };
}

async function expectDecryptError(p: Promise<unknown>, reason?: DecryptFailure): Promise<VaultDecryptError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(VaultDecryptError);
  if (reason) expect((err as VaultDecryptError).reason).toBe(reason);
  return err as VaultDecryptError;
}

function flipBit(ct: string, part: 'nonce' | 'body', bit: number): string {
  const [v, dek, n = '', b = ''] = ct.split('.');
  const buf = Buffer.from(part === 'nonce' ? n : b, 'base64url');
  const i = bit % (buf.length * 8);
  buf[i >> 3] = (buf[i >> 3] ?? 0) ^ (1 << (i & 7));
  const s = buf.toString('base64url');
  return part === 'nonce' ? [v, dek, s, b].join('.') : [v, dek, n, s].join('.');
}

describe('vault envelope encryption', () => {
  it('round-trips any string, in the v1 compact format', async () => {
    const { vault } = setup();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (plaintext) => {
        const ct = await vault.encrypt({ orgId: ORG_A, recordId: REC, field: 'auth_header', plaintext });
        expect(ct).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
        expect(await vault.decrypt({ orgId: ORG_A, recordId: REC, field: 'auth_header', ciphertext: ct })).toBe(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it('one active data key per org, distinct between orgs, even under concurrent first use', async () => {
    const { vault, store } = setup();
    const cts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => vault.encrypt({ orgId: i % 2 ? ORG_A : ORG_B, recordId: REC, field: 'f', plaintext: 'x' })),
    );
    expect(store.dump()).toHaveLength(2);
    expect(new Set(cts.map((c) => parseCiphertext(c)?.dekId)).size).toBe(2);
  });

  it('a ciphertext moved to another org, record or field fails loudly', async () => {
    const { vault } = setup();
    await vault.encrypt({ orgId: ORG_B, recordId: REC, field: 'f', plaintext: 'b' }); // org B has a key too
    const ref = { orgId: ORG_A, recordId: REC, field: 'api_key' };
    const ciphertext = await vault.encrypt({ ...ref, plaintext: 'sk-live-123' });
    await expectDecryptError(vault.decrypt({ ...ref, orgId: ORG_B, ciphertext }), 'unknown_data_key');
    await expectDecryptError(vault.decrypt({ ...ref, recordId: randomUUID(), ciphertext }), 'auth_failed');
    await expectDecryptError(vault.decrypt({ ...ref, field: 'other', ciphertext }), 'auth_failed');
    // same plaintext, same record, other org's key id spliced in: still fails
    const other = await vault.encrypt({ ...ref, orgId: ORG_B, plaintext: 'sk-live-123' });
    const spliced = ['v1', parseCiphertext(other)?.dekId, ...ciphertext.split('.').slice(2)].join('.');
    await expectDecryptError(vault.decrypt({ ...ref, orgId: ORG_B, ciphertext: spliced }), 'auth_failed');
    expect(await vault.decrypt({ ...ref, ciphertext })).toBe('sk-live-123');
  });

  it('any 1-bit flip in nonce, ciphertext or tag fails', async () => {
    const { vault } = setup();
    const ref = { orgId: ORG_A, recordId: REC, field: 'token' };
    const ct = await vault.encrypt({ ...ref, plaintext: 'a secret of some length' });
    const bodyBits = (parseCiphertext(ct)?.body.length ?? 0) * 8;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<'nonce' | 'body'>('nonce', 'body'), fc.nat(), async (part, bit) => {
        const tampered = flipBit(ct, part, part === 'nonce' ? bit % 96 : bit % bodyBits);
        await expectDecryptError(vault.decrypt({ ...ref, ciphertext: tampered }), 'auth_failed');
      }),
      { numRuns: 300 },
    );
    for (let bit = bodyBits - 128; bit < bodyBits; bit++) {
      await expectDecryptError(vault.decrypt({ ...ref, ciphertext: flipBit(ct, 'body', bit) }), 'auth_failed'); // every tag bit
    }
  });

  it('malformed ciphertexts and unknown key ids fail as VaultDecryptError', async () => {
    const { vault } = setup();
    const ref = { orgId: ORG_A, recordId: REC, field: 'f' };
    const ct = await vault.encrypt({ ...ref, plaintext: 'x' });
    const [, dek, n, b] = ct.split('.');
    for (const bad of ['', 'plain', `v2.${dek}.${n}.${b}`, `v1.${dek}.${n}`, `v1.${dek}.${n}.${b}.x`, `v1.${dek}.${n}A.${b}`,
      `v1.${dek}.${n}.${b}!`, `v1.${dek}.${n}.AAAA`, `v1.d.e.k.${n}.${b}`]) {
      await expectDecryptError(vault.decrypt({ ...ref, ciphertext: bad }), 'malformed');
    }
    await expectDecryptError(vault.decrypt({ ...ref, ciphertext: `v1.${randomUUID()}.${n}.${b}` }), 'unknown_data_key');
  });

  it('10,000 encryptions use 10,000 distinct nonces (and ciphertexts)', async () => {
    const { vault } = setup();
    const nonces = new Set<string>();
    const cts = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const ct = await vault.encrypt({ orgId: ORG_A, recordId: REC, field: 'f', plaintext: 'same plaintext' });
      nonces.add(ct.split('.')[2] ?? '');
      cts.add(ct);
    }
    expect(nonces.size).toBe(10_000);
    expect(cts.size).toBe(10_000);
  });

  it('plaintext and master key bytes never appear in ciphertexts, the store dump or errors', async () => {
    const { vault, store, masterKey } = setup();
    const canary = `CANARY-${randomUUID()}`;
    const ref = { orgId: ORG_A, recordId: REC, field: 'password' };
    const cts = [];
    for (let i = 0; i < 20; i++) cts.push(await vault.encrypt({ ...ref, plaintext: canary }));
    const dump = JSON.stringify(store.dump());
    const raw = Buffer.concat([Buffer.from(dump), ...cts.map((c) => Buffer.from(c))]);
    const needles = [canary, Buffer.from(canary).toString('base64'), Buffer.from(canary).toString('base64url'),
      masterKey.toString('base64'), masterKey.toString('base64url'), masterKey.toString('hex')];
    for (const n of needles) expect(raw.includes(n)).toBe(false);
    expect(raw.includes(masterKey)).toBe(false);
    for (const w of store.dump()) expect(Buffer.from(w.wrapped.slice(3), 'base64url').includes(masterKey.subarray(0, 8))).toBe(false);
    const err = await expectDecryptError(vault.decrypt({ ...ref, field: 'x', ciphertext: cts[0] ?? '' }));
    expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toContain(canary);
    expect(err.message).not.toContain(cts[0]);
  });

  it('shredding an org (deleting its data keys) makes its secrets undecryptable', async () => {
    const cache = new DekCache({ ttlMs: 60_000 });
    const { vault, store, keyring } = setup(cache);
    const a = { orgId: ORG_A, recordId: REC, field: 'f' };
    const b = { ...a, orgId: ORG_B };
    const ctA = await vault.encrypt({ ...a, plaintext: 'a' });
    const ctB = await vault.encrypt({ ...b, plaintext: 'b' });
    expect(store.deleteOrg(ORG_A)).toBe(1);
    vault.forget(ORG_A);
    await expectDecryptError(vault.decrypt({ ...a, ciphertext: ctA }), 'unknown_data_key');
    const fresh = createVault({ keyring, store }); // another process: no cache at all
    await expectDecryptError(fresh.decrypt({ ...a, ciphertext: ctA }), 'unknown_data_key');
    expect(await fresh.decrypt({ ...b, ciphertext: ctB })).toBe('b');
  });

  it('caches data keys per (org, dek) with a TTL', async () => {
    let now = 0;
    const cache = new DekCache({ ttlMs: 1000, now: () => now });
    const { store, keyring } = setup();
    let gets = 0;
    const counting: DataKeyStore = { ...store, get: (o, d) => (gets++, store.get(o, d)) };
    const vault = createVault({ keyring, store: counting, cache });
    const ref = { orgId: ORG_A, recordId: REC, field: 'f' };
    const ct = await vault.encrypt({ ...ref, plaintext: 'x' });
    const dek = parseCiphertext(ct)?.dekId ?? '';
    await vault.decrypt({ ...ref, ciphertext: ct });
    expect(gets).toBe(0); // cached by encrypt
    expect(cache.get(ORG_A, dek)).toBeDefined();
    expect(cache.get(ORG_B, dek)).toBeUndefined(); // keyed by org too
    now = 1000;
    await vault.decrypt({ ...ref, ciphertext: ct });
    expect(gets).toBe(1); // expired, re-read from the store
  });

  it('the cache is a bounded LRU', () => {
    const cache = new DekCache({ maxEntries: 2 });
    const k = randomBytes(32);
    cache.set('o1', 'd', k);
    cache.set('o2', 'd', k);
    expect(cache.get('o1', 'd')).toBe(k); // o1 now most recent
    cache.set('o3', 'd', k);
    expect(cache.get('o2', 'd')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.forgetOrg('o1');
    expect(cache.get('o1', 'd')).toBeUndefined();
  });

  it('keeps old data keys readable after rotateDataKey', async () => {
    const { vault, store } = setup();
    const ref = { orgId: ORG_A, recordId: REC, field: 'f' };
    const old = await vault.encrypt({ ...ref, plaintext: 'old' });
    const newId = await vault.rotateDataKey(ORG_A);
    const fresh = await vault.encrypt({ ...ref, plaintext: 'new' });
    expect(parseCiphertext(fresh)?.dekId).toBe(newId);
    expect(parseCiphertext(old)?.dekId).not.toBe(newId);
    expect(await vault.decrypt({ ...ref, ciphertext: old })).toBe('old');
    expect(await vault.decrypt({ ...ref, ciphertext: fresh })).toBe('new');
    expect(store.dump()).toHaveLength(2);
  });

  it('rejects a store row that does not belong to the asked org', async () => {
    const { vault, store, keyring } = setup();
    const ref = { orgId: ORG_A, recordId: REC, field: 'f' };
    const ct = await vault.encrypt({ ...ref, plaintext: 'x' });
    const leaky: DataKeyStore = { ...store, get: async (_o, d) => (await store.get(ORG_A, d)) }; // ignores orgId
    const v = createVault({ keyring, store: leaky });
    await expectDecryptError(v.decrypt({ ...ref, orgId: ORG_B, ciphertext: ct }), 'unknown_data_key');
  });

  it('a wrapped data key copied to another org or id does not unwrap', async () => {
    const { vault, store, keyring } = setup();
    await vault.encrypt({ orgId: ORG_A, recordId: REC, field: 'f', plaintext: 'x' });
    const [row] = store.dump();
    expect(unwrapDataKey(keyring, row!)).toHaveLength(32);
    for (const moved of [{ ...row!, org_id: ORG_B }, { ...row!, id: randomUUID() }]) {
      expect(() => unwrapDataKey(keyring, moved)).toThrow(expect.objectContaining({ reason: 'data_key_unwrap_failed' }));
    }
    expect(() => unwrapDataKey(keyring, { ...row!, wrapped: row!.wrapped.slice(0, -2) })).toThrow(VaultDecryptError);
  });

  it('validates inputs', async () => {
    const { vault } = setup();
    await expect(vault.encrypt({ orgId: '', recordId: REC, field: 'f', plaintext: 'x' })).rejects.toThrow(/orgId/);
    await expect(vault.encrypt({ orgId: ORG_A, recordId: REC, field: 'f', plaintext: 1 as unknown as string })).rejects.toThrow(/plaintext/);
  });

  it('binary data round-trips in its own format, bound to org, record and field like text', async () => {
    const { vault } = setup();
    await vault.encrypt({ orgId: ORG_B, recordId: REC, field: 'f', plaintext: 'b' });
    const ref = { orgId: ORG_A, recordId: REC, field: 'recording.0' };
    const plaintext = new Uint8Array(randomBytes(4096));
    const ct = await vault.encryptBytes({ ...ref, plaintext });
    expect(ct.subarray(0, 4).toString('latin1')).toBe('v1b.');
    expect(ct.length).toBe(plaintext.length + 4 + 36 + 1 + 12 + 16); // prefix, data key id (a UUID), '.', nonce, tag
    expect(ct.includes(Buffer.from(plaintext.subarray(0, 32)))).toBe(false);
    expect(Buffer.compare(await vault.decryptBytes({ ...ref, ciphertext: ct }), Buffer.from(plaintext))).toBe(0);
    await expectDecryptError(vault.decryptBytes({ ...ref, orgId: ORG_B, ciphertext: ct }), 'unknown_data_key');
    await expectDecryptError(vault.decryptBytes({ ...ref, field: 'recording.1', ciphertext: ct }), 'auth_failed');
    await expectDecryptError(vault.decryptBytes({ ...ref, recordId: randomUUID(), ciphertext: ct }), 'auth_failed');
    const flipped = Buffer.from(ct);
    flipped[flipped.length - 20]! ^= 1;
    await expectDecryptError(vault.decryptBytes({ ...ref, ciphertext: flipped }), 'auth_failed');
    for (const bad of [Buffer.alloc(0), Buffer.from('v1b.'), ct.subarray(0, 50), Buffer.from(await vault.encrypt({ ...ref, plaintext: 'text' }))]) {
      await expectDecryptError(vault.decryptBytes({ ...ref, ciphertext: bad }), 'malformed');
    }
    // A text ciphertext's parts under the binary prefix do not decrypt either (the AAD differs).
    const text = parseCiphertext(await vault.encrypt({ ...ref, plaintext: 'same' }))!;
    const forged = Buffer.concat([Buffer.from(`v1b.${text.dekId}.`), text.nonce, text.body]);
    await expectDecryptError(vault.decryptBytes({ ...ref, ciphertext: forged }), 'auth_failed');
  });
});
