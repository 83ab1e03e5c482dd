/**
 * Storage wiring of the vault: wrapped data keys in app.org_data_keys, reached only through `withOrg`.
 *
 * HAZARD: every method opens its OWN short tenant transaction. So the vault (encrypt, decrypt, rotate)
 * must never be called while a `withOrg` transaction is open: in embedded mode PGlite has one session
 * and a second transaction waits for the first forever; and plaintext has no business inside a database
 * transaction anyway. Encrypt before opening the write transaction; decrypt after the read one closed.
 *
 * @example
 *   const creds = await deps.vault.encrypt({ orgId, recordId: id, field: 'auth_token', plaintext });
 *   await withOrg(deps.db, scope, (tx) => repo.insertChannel(tx, { ..., credentials: { auth_token: creds } }));
 */
import type { Database } from '../db/database.js';
import { withOrg, withoutOrg } from '../db/with-org.js';
import type { Keyring } from './keyring-core.js';
import type { WrappedKey } from './dek.js';
import type { DekCache } from './dek-cache.js';
import { createVault, type DataKeyStore, type Vault } from './envelope.js';
import type { DataKeyRewrapStore } from './rotation.js';
import * as repo from './repo.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type DbDataKeyStore = DataKeyStore & DataKeyRewrapStore;

export function createDbDataKeyStore(db: Database): DbDataKeyStore {
  const scope = (orgId: string) => ({ orgId });
  return {
    getActive: (orgId) => withOrg(db, scope(orgId), (tx) => repo.getActiveDataKey(tx)),
    // A data key id comes from a ciphertext; one that is not a UUID cannot be ours (and must not reach
    // the uuid column, where it would be a driver error instead of "unknown data key").
    get: async (orgId, dataKeyId) => (UUID_RE.test(dataKeyId) ? withOrg(db, scope(orgId), (tx) => repo.getDataKey(tx, dataKeyId)) : null),
    insert: async (orgId, key) => {
      if (key.org_id !== orgId) throw new Error('vault store: data key of another organization');
      await withOrg(db, scope(orgId), (tx) => repo.insertDataKey(tx, key));
    },
    // Operator path (rotation): org ids through the named door, then each org's keys under its own
    // withOrg. One short transaction per org; nothing is held open while the caller unwraps.
    async *listAll(): AsyncGenerator<WrappedKey> {
      const orgs = await withoutOrg(db, (q) => repo.listOrgsWithDataKeys(q));
      for (const orgId of orgs) {
        const keys = await withOrg(db, scope(orgId), (tx) => repo.listDataKeys(tx));
        yield* keys;
      }
    },
    updateWrapping: (orgId, dekId, expected, next) => withOrg(db, scope(orgId), (tx) => repo.updateDataKeyWrapping(tx, dekId, expected, next)),
  };
}

export interface DbVault extends Vault {
  /** The store behind it, for `rewrapAll` (operator command) and tests. */
  readonly store: DbDataKeyStore;
}

/** The vault every service uses (`deps.vault`): per-org data keys in the database, master keys in memory. */
export function createDbVault(opts: { keyring: Keyring; db: Database; cache?: DekCache }): DbVault {
  const store = createDbDataKeyStore(opts.db);
  const vault = createVault({ keyring: opts.keyring, store, ...(opts.cache ? { cache: opts.cache } : {}) });
  return Object.assign(vault, { store });
}
