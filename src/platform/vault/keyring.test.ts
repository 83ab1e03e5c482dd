import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyringError } from './errors.js';
import {
  addKeyToKeyringFile, deriveFromKeyId, deriveKey, generateDevKeyring, loadKeyring, masterKeyId, parseKeyring, rotateKeyringText,
} from './keyring.js';

const posix = process.platform !== 'win32';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'converse-keyring-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (b: Buffer): string => b.toString('base64');
const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('parsing', () => {
  it('a bare base64 key gets id mk_ + 8 hex of sha256', () => {
    const key = randomBytes(32);
    const kr = parseKeyring(b64(key));
    expect(kr.primaryId).toMatch(/^mk_[0-9a-f]{8}$/);
    expect(kr.primaryId).toBe(masterKeyId(key));
    expect(kr.signingId).toBe(kr.primaryId);
    expect(parseKeyring(key.toString('base64url')).primaryId).toBe(kr.primaryId); // base64url accepted too
  });

  it('a JSON keyring parses, from the string and from a file', async () => {
    const a = b64(randomBytes(32));
    const b = b64(randomBytes(32));
    const json = JSON.stringify({ primary: 'k2', signing: 'k1', keys: { k1: a, k2: b } });
    const fromString = await loadKeyring({ key: json });
    const file = join(dir, 'keys.json');
    await writeFile(file, json, { mode: 0o600 });
    const fromFile = await loadKeyring({ keyFile: file });
    for (const kr of [fromString, fromFile]) {
      expect(kr?.primaryId).toBe('k2');
      expect(kr?.signingId).toBe('k1');
      expect(kr?.ids.sort()).toEqual(['k1', 'k2']);
    }
    expect(fromFile?.warnings).toEqual([]);
  });

  it('a bare key parses from both sources identically', async () => {
    const key = b64(randomBytes(32));
    const file = join(dir, 'bare.key');
    await writeFile(file, key + '\n', { mode: 0o600 });
    expect((await loadKeyring({ keyFile: file }))?.primaryId).toBe((await loadKeyring({ key }))?.primaryId);
  });

  it.each([
    ['16 bytes', b64(randomBytes(16)), /32 bytes, got 16/],
    ['33 bytes', b64(randomBytes(33)), /32 bytes, got 33/],
    ['hex', randomBytes(32).toString('hex'), /looks like hex/],
    ['not base64', 'this is not a key!', /not base64/],
    ['all zero', b64(Buffer.alloc(32)), /no entropy/],
  ])('rejects an invalid key (%s) with a clear error', (_n, text, msg) => {
    expect(() => parseKeyring(text)).toThrow(KeyringError);
    expect(() => parseKeyring(text)).toThrow(msg);
  });

  it('rejects bad JSON keyrings without quoting their content', () => {
    const secret = b64(randomBytes(32));
    const bad = [
      `{"primary":"a","keys":{"a":"${secret}"`, // truncated
      JSON.stringify({ primary: 'b', keys: { a: secret } }),
      JSON.stringify({ primary: 'a', signing: 'zz', keys: { a: secret } }),
      JSON.stringify({ primary: 'a', keys: { a: secret }, primay: 'x' }),
      JSON.stringify({ primary: 'a', keys: { a: b64(randomBytes(31)) } }),
      JSON.stringify({ primary: 'a', keys: { a: secret, b: secret } }),
      JSON.stringify({ primary: 'a.b', keys: { 'a.b': secret } }),
    ];
    for (const text of bad) {
      let err: unknown;
      try {
        parseKeyring(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KeyringError);
      expect((err as Error).message).not.toContain(secret);
      expect((err as Error).message).not.toContain(secret.slice(0, 12));
    }
  });

  it('sources: none → null, both → error, empty counts as unset', async () => {
    expect(await loadKeyring({})).toBeNull();
    expect(await loadKeyring({ key: '  ', keyFile: '' })).toBeNull();
    await expect(loadKeyring({ key: b64(randomBytes(32)), keyFile: '/x' })).rejects.toThrow(/only one/);
    await expect(loadKeyring({ keyFile: join(dir, 'missing') })).rejects.toThrow(/cannot read \(ENOENT\)/);
  });

  it.runIf(posix)('warns when a key file is readable by others', async () => {
    const file = join(dir, 'loose.key');
    await writeFile(file, b64(randomBytes(32)));
    await chmod(file, 0o644);
    const kr = await loadKeyring({ keyFile: file });
    expect(kr?.warnings.join()).toMatch(/chmod 600/);
  });

  it('never shows key bytes through JSON or inspect', () => {
    const key = b64(randomBytes(32));
    const kr = parseKeyring(key);
    expect(JSON.stringify(kr)).not.toContain(key);
    expect(inspect(kr, { showHidden: true, depth: 10 })).not.toContain(key);
    expect(JSON.stringify(kr)).toContain(kr.primaryId);
  });
});

describe('dev keyring', () => {
  it.runIf(posix)('creates <dir>/master.json 0600 in a 0700 dir, and reuses it', async () => {
    const keyDir = join(dir, 'keys', 'nested');
    const first = await generateDevKeyring(keyDir);
    expect(first.created).toBe(true);
    expect(first.path.endsWith(join('nested', 'master.json'))).toBe(true);
    expect(await mode(first.path)).toBe(0o600);
    expect(await mode(keyDir)).toBe(0o700);
    const second = await generateDevKeyring(keyDir);
    expect(second.created).toBe(false);
    expect(second.keyring.primaryId).toBe(first.keyring.primaryId);
    const doc = JSON.parse(await readFile(first.path, 'utf8'));
    expect(doc.primary).toBe(first.keyring.primaryId);
    expect(doc.signing).toBe(first.keyring.primaryId);
  });

  it('refuses a folder inside (or equal to) the database folder, also through a symlink', async () => {
    const db = join(dir, 'db');
    await mkdir(db);
    await expect(generateDevKeyring(join(db, 'keys'), { forbiddenParent: db })).rejects.toThrow(/inside the database folder/);
    await expect(generateDevKeyring(db, { forbiddenParent: db })).rejects.toThrow(KeyringError);
    if (posix) {
      await symlink(db, join(dir, 'alias'));
      await expect(generateDevKeyring(join(dir, 'alias', 'k'), { forbiddenParent: db })).rejects.toThrow(KeyringError);
    }
    expect(await readdir(db)).toEqual([]);
    const ok = await generateDevKeyring(join(dir, 'keys'), { forbiddenParent: db });
    expect(ok.created).toBe(true);
  });
});

describe('rotation of the keyring file and derivation', () => {
  it.runIf(posix)('adds a primary, keeps old keys, pins signing, writes 0600 atomically', async () => {
    const { path, keyring: before } = await generateDevKeyring(join(dir, 'k'));
    const derivedBefore = deriveKey(before, 'jwt-signing:v1');
    const newId = await addKeyToKeyringFile(path);
    const after = (await loadKeyring({ keyFile: path }))!;
    expect(after.primaryId).toBe(newId);
    expect(newId).not.toBe(before.primaryId);
    expect(after.ids.sort()).toEqual([before.primaryId, newId].sort());
    expect(after.signingId).toBe(before.primaryId);
    expect(deriveKey(after, 'jwt-signing:v1').equals(derivedBefore)).toBe(true);
    expect(await mode(path)).toBe(0o600);
    expect(await readdir(join(dir, 'k'))).toEqual(['master.json']); // no temp file left behind
    const third = await addKeyToKeyringFile(path);
    const last = (await loadKeyring({ keyFile: path }))!;
    expect(last.ids).toHaveLength(3);
    expect(last.primaryId).toBe(third);
    expect(last.signingId).toBe(before.primaryId);
  });

  it('a bare key becomes a JSON keyring keeping its id as signing', () => {
    const key = randomBytes(32);
    const { text, newKeyId } = rotateKeyringText(b64(key));
    const kr = parseKeyring(text);
    expect(kr.primaryId).toBe(newKeyId);
    expect(kr.signingId).toBe(masterKeyId(key));
  });

  it('a JSON keyring without signing pins the old primary on rotation', () => {
    const json = JSON.stringify({ primary: 'a', keys: { a: b64(randomBytes(32)), b: b64(randomBytes(32)) } });
    expect(parseKeyring(json).warnings.join()).toMatch(/no "signing"/);
    expect(parseKeyring(rotateKeyringText(json).text).signingId).toBe('a');
  });

  it('derivation is deterministic, purpose-separated and key-specific', () => {
    const json = JSON.stringify({ primary: 'a', keys: { a: b64(randomBytes(32)), b: b64(randomBytes(32)) } });
    const kr = parseKeyring(json);
    const x = deriveFromKeyId(kr, 'a', 'jwt-signing:v1');
    expect(x).toHaveLength(32);
    expect(deriveFromKeyId(parseKeyring(json), 'a', 'jwt-signing:v1').equals(x)).toBe(true);
    expect(deriveFromKeyId(kr, 'a', 'csrf:v1').equals(x)).toBe(false);
    expect(deriveFromKeyId(kr, 'b', 'jwt-signing:v1').equals(x)).toBe(false);
    expect(deriveKey(kr, 'jwt-signing:v1', 64)).toHaveLength(64);
    expect(() => deriveFromKeyId(kr, 'zz', 'x')).toThrow(KeyringError);
    expect(() => deriveKey(kr, '')).toThrow(/purpose/);
  });
});
