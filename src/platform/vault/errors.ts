/**
 * Vault error types. Messages never contain plaintext, ciphertext, key material or the text of a key
 * source (an env var or key file): only ids, reasons and lengths. None of these are `AppError`s, so the
 * HTTP layer turns them into a plain 500.
 */

/** Base class for every error thrown by the vault. */
export class VaultError extends Error {
  override readonly name: string = 'VaultError';
}

/** The master keyring could not be loaded, parsed, written or used. */
export class KeyringError extends VaultError {
  override readonly name = 'KeyringError';
}

/** Why a ciphertext could not be decrypted. */
export type DecryptFailure =
  | 'malformed' // not a `v1.<dek>.<nonce>.<ct>` string, bad base64url, wrong lengths
  | 'unknown_data_key' // the org has no data key with that id (wrong org, or shredded)
  | 'master_key_missing' // the data key is wrapped by a master key id that is not in the keyring
  | 'data_key_unwrap_failed' // the wrapped data key failed authentication
  | 'auth_failed'; // wrong org / record / field binding, or tampered nonce, ciphertext or tag

/**
 * A secret could not be decrypted. Loud by design: callers must never fall back to a default,
 * an empty value or another org's key. Carries ids only.
 */
export class VaultDecryptError extends VaultError {
  override readonly name = 'VaultDecryptError';
  constructor(
    readonly reason: DecryptFailure,
    readonly orgId: string,
    readonly field?: string,
  ) {
    super(`vault: cannot decrypt${field === undefined ? ' data key' : ` field "${field}"`} (${reason})`);
  }
}
