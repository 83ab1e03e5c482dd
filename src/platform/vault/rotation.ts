/**
 * Master-key rotation: re-wrap every data key under the keyring's current primary master key.
 * Ciphertexts reference data key ids, never master key ids, so they stay readable throughout.
 * This is an operator action (`converse keys rotate`), not a request path: listing spans all orgs and
 * returns key rows only (ids + wrapped blobs), through a named cross-org door of the storage layer.
 */
import { unwrapDataKey, wrapDataKey, type WrappedKey } from './dek.js';
import { VaultDecryptError } from './errors.js';
import type { Keyring } from './keyring-core.js';

export interface DataKeyRewrapStore {
  /** Every data key row, every org. */
  listAll(): AsyncIterable<WrappedKey> | Promise<Iterable<WrappedKey>>;
  /** Optional fast path: only rows wrapped by one of these master key ids. */
  listWrappedBy?(masterKeyIds: readonly string[]): AsyncIterable<WrappedKey> | Promise<Iterable<WrappedKey>>;
  /**
   * Compare-and-set: replace the wrapping of (orgId, dekId) only if it is still `expectedMasterKeyId`.
   * Returns false when no row matched (deleted or changed concurrently).
   */
  updateWrapping(
    orgId: string,
    dekId: string,
    expectedMasterKeyId: string,
    next: { master_key_id: string; wrapped: string },
  ): Promise<boolean>;
}

export interface RewrapOptions {
  /** Report what would be re-wrapped without writing. */
  dryRun?: boolean;
}

export interface StillOnOldKey {
  org_id: string;
  dek_id: string;
  master_key_id: string;
  reason: 'dry_run' | 'master_key_missing' | 'unwrap_failed' | 'changed_concurrently' | 'written_during_run';
}

export interface RewrapReport {
  primary: string;
  dryRun: boolean;
  rewrapped: number;
  alreadyCurrent: number;
  /** Rows not on the primary after the run (a second scan; empty means rotation is complete). */
  stillOnOldKeys: StillOnOldKey[];
  /** Data keys per master key id after the run. */
  byMasterKey: Record<string, number>;
  /** Keyring ids (not primary, not signing) no data key uses any more: safe to remove from the keyring. */
  removableMasterKeys: string[];
}

async function* rows(src: AsyncIterable<WrappedKey> | Promise<Iterable<WrappedKey>>): AsyncGenerator<WrappedKey> {
  if (Symbol.asyncIterator in src) yield* src;
  else yield* await src;
}

function scan(store: DataKeyRewrapStore, keyring: Keyring): AsyncGenerator<WrappedKey> {
  // listWrappedBy cannot see rows wrapped by ids missing from the keyring, so it only speeds up pass 1.
  const old = keyring.ids.filter((id) => id !== keyring.primaryId);
  return rows(store.listWrappedBy ? store.listWrappedBy(old) : store.listAll());
}

export async function rewrapDataKeys(keyring: Keyring, store: DataKeyRewrapStore, opts: RewrapOptions = {}): Promise<RewrapReport> {
  const primary = keyring.primaryId;
  const dryRun = opts.dryRun === true;
  const failures = new Map<string, StillOnOldKey['reason']>();
  const k = (w: WrappedKey): string => `${w.org_id}\u0000${w.id}`;
  let rewrapped = 0;

  for await (const w of scan(store, keyring)) {
    if (w.master_key_id === primary) continue;
    if (dryRun) continue;
    let dek: Buffer;
    try {
      dek = unwrapDataKey(keyring, w);
    } catch (err) {
      const missing = err instanceof VaultDecryptError && err.reason === 'master_key_missing';
      failures.set(k(w), missing ? 'master_key_missing' : 'unwrap_failed');
      continue;
    }
    const next = wrapDataKey(keyring, w.org_id, w.id, dek, primary);
    const ok = await store.updateWrapping(w.org_id, w.id, w.master_key_id, { master_key_id: primary, wrapped: next.wrapped });
    if (ok) rewrapped++;
    else failures.set(k(w), 'changed_concurrently');
  }

  // Second, full scan: the truth after the run (includes rows other processes wrote meanwhile).
  let alreadyCurrent = 0;
  const stillOnOldKeys: StillOnOldKey[] = [];
  const byMasterKey: Record<string, number> = {};
  for await (const w of rows(store.listAll())) {
    byMasterKey[w.master_key_id] = (byMasterKey[w.master_key_id] ?? 0) + 1;
    if (w.master_key_id === primary) {
      alreadyCurrent++;
      continue;
    }
    const reason = dryRun ? 'dry_run' : (failures.get(k(w)) ?? (keyring.has(w.master_key_id) ? 'written_during_run' : 'master_key_missing'));
    stillOnOldKeys.push({ org_id: w.org_id, dek_id: w.id, master_key_id: w.master_key_id, reason });
  }
  alreadyCurrent = Math.max(0, alreadyCurrent - rewrapped);
  const removableMasterKeys = keyring.ids.filter((id) => id !== primary && id !== keyring.signingId && !byMasterKey[id]);
  return { primary, dryRun, rewrapped, alreadyCurrent, stillOnOldKeys, byMasterKey, removableMasterKeys };
}
