import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wrapDataKey } from './dek.js';
import { createVault } from './envelope.js';
import { parseKeyring, rotateKeyringText } from './keyring-core.js';
import { createMemoryDataKeyStore } from './memory-store.js';
import { rewrapDataKeys, type DataKeyRewrapStore } from './rotation.js';
import { VaultDecryptError } from './errors.js';

const orgs = [randomUUID(), randomUUID(), randomUUID()];

async function seed() {
  const text1 = randomBytes(32).toString('base64');
  const k1 = parseKeyring(text1);
  const store = createMemoryDataKeyStore();
  const vault = createVault({ keyring: k1, store });
  const records: { orgId: string; recordId: string; field: string; ciphertext: string; plaintext: string }[] = [];
  for (const orgId of orgs) {
    await vault.rotateDataKey(orgId); // two data keys per org
    for (let i = 0; i < 3; i++) {
      const ref = { orgId, recordId: randomUUID(), field: 'auth_header', plaintext: `secret-${orgId}-${i}` };
      records.push({ ...ref, ciphertext: await vault.encrypt(ref) });
    }
    await vault.rotateDataKey(orgId);
  }
  const { text: text2, newKeyId } = rotateKeyringText(text1);
  return { k1, k2: parseKeyring(text2), text2, newKeyId, store, records };
}

describe('master key rotation (rewrap)', () => {
  it('re-wraps every data key under the new primary; old records stay readable', async () => {
    const { k1, k2, text2, newKeyId, store, records } = await seed();
    expect(store.dump().every((w) => w.master_key_id === k1.primaryId)).toBe(true);

    const dry = await rewrapDataKeys(k2, store, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, rewrapped: 0, alreadyCurrent: 0 });
    expect(dry.stillOnOldKeys).toHaveLength(6);
    expect(dry.stillOnOldKeys.every((s) => s.reason === 'dry_run' && s.master_key_id === k1.primaryId)).toBe(true);
    expect(store.dump().every((w) => w.master_key_id === k1.primaryId)).toBe(true); // dry run wrote nothing

    const before = store.dump();
    const report = await createVault({ keyring: k2, store }).rewrapAll(store);
    expect(report).toMatchObject({ primary: newKeyId, rewrapped: 6, alreadyCurrent: 0, stillOnOldKeys: [] });
    expect(report.byMasterKey).toEqual({ [newKeyId]: 6 });
    expect(report.removableMasterKeys).toEqual([]); // old key is still the pinned signing key
    const after = store.dump();
    expect(after.every((w) => w.master_key_id === newKeyId)).toBe(true);
    expect(after.map((w) => w.id)).toEqual(before.map((w) => w.id)); // data key ids unchanged
    after.forEach((w, i) => expect(w.wrapped).not.toBe(before[i]?.wrapped));

    // Ciphertexts reference data keys, not master keys: readable with a keyring holding only the new key.
    const newKey = (JSON.parse(text2) as { keys: Record<string, string> }).keys[newKeyId];
    const onlyNew = parseKeyring(JSON.stringify({ primary: newKeyId, keys: { [newKeyId]: newKey } }));
    const vault = createVault({ keyring: onlyNew, store });
    for (const r of records) expect(await vault.decrypt(r)).toBe(r.plaintext);

    const again = await rewrapDataKeys(k2, store);
    expect(again).toMatchObject({ rewrapped: 0, alreadyCurrent: 6, stillOnOldKeys: [] });
  });

  it('reports keys it cannot re-wrap (master key missing, concurrent change, written during run)', async () => {
    const { k2, store } = await seed();
    const stray = wrapDataKey(parseKeyring(randomBytes(32).toString('base64')), orgs[0] ?? '', randomUUID(), randomBytes(32));
    await store.insert(orgs[0] ?? '', stray);
    const report = await rewrapDataKeys(k2, store);
    expect(report.rewrapped).toBe(6);
    expect(report.stillOnOldKeys).toEqual([
      { org_id: orgs[0], dek_id: stray.id, master_key_id: stray.master_key_id, reason: 'master_key_missing' },
    ]);

    const { k2: kb, store: s2 } = await seed();
    const racing: DataKeyRewrapStore = { ...s2, listAll: s2.listAll, updateWrapping: async () => false };
    const r2 = await rewrapDataKeys(kb, racing);
    expect(r2.rewrapped).toBe(0);
    expect(r2.stillOnOldKeys.map((s) => s.reason)).toEqual(Array(6).fill('changed_concurrently'));
  });

  it('after rewrap, an old-key-only keyring can no longer unwrap (loudly)', async () => {
    const { k1, k2, store, records } = await seed();
    await rewrapDataKeys(k2, store);
    const r = records[0]!;
    const err = await createVault({ keyring: k1, store }).decrypt(r).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultDecryptError);
    expect((err as VaultDecryptError).reason).toBe('master_key_missing');
  });
});
