/** Converse vault: master keyring, per-org envelope encryption, rotation, redaction helpers. */
export { VaultError, KeyringError, VaultDecryptError, type DecryptFailure } from './errors.js';
export {
  Keyring,
  MASTER_KEY_BYTES,
  DEV_KEYRING_FILE,
  loadKeyring,
  generateDevKeyring,
  addKeyToKeyringFile,
  deriveKey,
  deriveFromKeyId,
  masterKeyId,
  parseKeyring,
  rotateKeyringText,
  type KeyringSource,
  type DevKeyring,
} from './keyring.js';
export { createVault, parseCiphertext, type DataKeyStore, type Vault, type VaultOptions, type SecretRef, type WrappedKey } from './envelope.js';
export { DekCache, createDekCache, type DekCacheOptions } from './dek-cache.js';
export { rewrapDataKeys, type DataKeyRewrapStore, type RewrapOptions, type RewrapReport, type StillOnOldKey } from './rotation.js';
export { secretHint, redact, isSecretFieldName, normalizeFieldName, REDACT_FIELD_NAMES, REDACT_FIELD_SUBSTRINGS, PINO_REDACT_PATHS, REDACTED } from './redact.js';
export { createMemoryDataKeyStore, type MemoryDataKeyStore } from './memory-store.js';
