/**
 * Provider credentials, encrypted per field exactly like channel credentials: the vault's AAD binds the
 * org, this provider's id and the field, so a ciphertext copied to another row, field or org does not
 * decrypt. Plaintext exists only between the request and `encrypt`, and between `decrypt` and the model
 * call; neither runs inside a database transaction (the vault opens its own).
 */
import type { Deps } from '../../deps.js';
import type { EncryptedCredentials } from './repo.js';

export type PlainCredentials = Record<string, string>;

const aadField = (field: string) => `credentials.${field}`;

/** `...` + the last 4 characters, only for keys long enough that 4 characters give nothing useful away. */
export function hintFor(creds: PlainCredentials | null): string | null {
  const key = creds?.api_key;
  return key && key.length >= 20 ? `...${key.slice(-4)}` : null;
}

export async function encryptCredentials(deps: Deps, orgId: string, providerId: string, creds: PlainCredentials): Promise<EncryptedCredentials> {
  const out: EncryptedCredentials = {};
  for (const [field, plaintext] of Object.entries(creds)) {
    out[field] = await deps.vault.encrypt({ orgId, recordId: providerId, field: aadField(field), plaintext });
  }
  return out;
}

/** Every stored field, decrypted. Throws VaultDecryptError (ids only) when one does not decrypt. */
export async function decryptCredentials(deps: Deps, orgId: string, providerId: string, stored: EncryptedCredentials): Promise<PlainCredentials> {
  const out: PlainCredentials = {};
  for (const [field, ciphertext] of Object.entries(stored)) {
    out[field] = await deps.vault.decrypt({ orgId, recordId: providerId, field: aadField(field), ciphertext });
  }
  return out;
}
