/**
 * Master keyring sources: the CONVERSE_MASTER_KEY string or the CONVERSE_MASTER_KEY_FILE path, both
 * passed in by config (this module never reads process.env). Also the dev key generator and the
 * atomic file rotation behind `converse keys rotate`. Formats and ids: see keyring-core.ts.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { KeyringError } from './errors.js';
import { keyringFromDoc, newKeyringDoc, parseKeyringDoc, rotateKeyringText, serializeKeyringDoc, type Keyring } from './keyring-core.js';

export {
  Keyring,
  MASTER_KEY_BYTES,
  deriveFromKeyId,
  deriveKey,
  masterKeyId,
  parseKeyring,
  rotateKeyringText,
} from './keyring-core.js';

const MAX_KEY_FILE_BYTES = 64 * 1024;
export const DEV_KEYRING_FILE = 'master.json';

export interface KeyringSource {
  /** Value of CONVERSE_MASTER_KEY: a base64 32-byte key or a JSON keyring. */
  key?: string | undefined;
  /** Value of CONVERSE_MASTER_KEY_FILE: path to a file holding either form. */
  keyFile?: string | undefined;
}

/**
 * Loads the keyring from exactly one source. Empty/whitespace values count as unset.
 * Returns null when neither is set (the caller decides: dev → generateDevKeyring, production → refuse).
 * Throws KeyringError when both are set or the source is invalid.
 */
export async function loadKeyring(source: KeyringSource): Promise<Keyring | null> {
  const key = source.key?.trim() ? source.key : undefined;
  const keyFile = source.keyFile?.trim() ? source.keyFile.trim() : undefined;
  if (key !== undefined && keyFile !== undefined) {
    throw new KeyringError('set only one of CONVERSE_MASTER_KEY and CONVERSE_MASTER_KEY_FILE');
  }
  if (key !== undefined) return keyringFromDoc(parseKeyringDoc(key, 'CONVERSE_MASTER_KEY'));
  if (keyFile !== undefined) return readKeyringFile(keyFile, 'CONVERSE_MASTER_KEY_FILE');
  return null;
}

async function readKeyringFile(path: string, label: string): Promise<Keyring> {
  const where = `${label} (${path})`;
  let text: string;
  const warnings: string[] = [];
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new KeyringError(`${where}: not a regular file`);
    if (st.size > MAX_KEY_FILE_BYTES) throw new KeyringError(`${where}: too large for a keyring`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      warnings.push(`${where}: readable by group/others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600`);
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof KeyringError) throw err;
    throw new KeyringError(`${where}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return keyringFromDoc(parseKeyringDoc(text, where), warnings);
}

/** Resolves symlinks of the longest existing prefix of `p` (p itself may not exist yet). */
async function realpathLoose(p: string): Promise<string> {
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(await realpathLoose(parent), basename(abs));
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface DevKeyring {
  keyring: Keyring;
  path: string;
  created: boolean;
}

/**
 * Zero-config development: returns the keyring in `<dir>/master.json`, creating it (file 0600, dir 0700
 * if created) when absent. Refuses a `dir` equal to or inside `forbiddenParent` (the database folder):
 * the master key must never sit next to the data it protects.
 */
export async function generateDevKeyring(dir: string, opts: { forbiddenParent?: string } = {}): Promise<DevKeyring> {
  const target = await realpathLoose(dir);
  if (opts.forbiddenParent !== undefined && isInside(target, await realpathLoose(opts.forbiddenParent))) {
    throw new KeyringError('dev keyring: refusing to keep the master key inside the database folder');
  }
  const path = join(target, DEV_KEYRING_FILE);
  const existed = await lstat(target).then(() => true, () => false);
  if (!existed) {
    await mkdir(target, { recursive: true, mode: 0o700 });
    await chmod(target, 0o700);
  }
  try {
    await writeNewFile(path, serializeKeyringDoc(newKeyringDoc()));
    return { keyring: await readKeyringFile(path, 'dev keyring'), path, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { keyring: await readKeyringFile(path, 'dev keyring'), path, created: false };
  }
}

/** Creates `path` exclusively with mode 0600, writes and fsyncs it. Throws EEXIST if present. */
async function writeNewFile(path: string, text: string): Promise<void> {
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await fh.chmod(0o600); // the umask may have narrowed or (if odd) the platform widened the mode
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * `converse keys rotate`: adds a fresh master key to the keyring file, makes it primary, keeps the old
 * keys (and pins `signing`), writes a 0600 temp file in the same folder, fsyncs and renames it over the
 * original. A bare-key file becomes a JSON keyring. Returns the new key id.
 * Running servers keep their loaded keyring until restarted; rewrap data keys after restarting them.
 */
export async function addKeyToKeyringFile(path: string): Promise<string> {
  const where = `keyring file (${path})`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KeyringError(`${where}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { text: next, newKeyId } = rotateKeyringText(text, where);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeNewFile(tmp, next);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new KeyringError(`${where}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  await syncDir(dirname(path));
  return newKeyId;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort: some platforms cannot fsync a directory
  }
}
