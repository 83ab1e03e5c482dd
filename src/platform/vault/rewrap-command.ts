/**
 * `converse keys rotate --rewrap [--dry-run]`: re-wraps every org's data keys under the keyring's primary
 * master key and reports anything still on an old one. An operator action, not a request path: it lists
 * org ids through the named door `app.vault_key_orgs()` and reads/updates each org's keys under that
 * org's own `withOrg` (db-store.ts). No ciphertext changes: ciphertexts name data keys, not master keys.
 */
import type { Database } from '../db/database.js';
import { createDbDataKeyStore } from './db-store.js';
import type { Keyring } from './keyring-core.js';
import { rewrapDataKeys, type RewrapReport } from './rotation.js';

export async function rewrapAllDataKeys(db: Database, keyring: Keyring, opts: { dryRun?: boolean } = {}): Promise<RewrapReport> {
  return rewrapDataKeys(keyring, createDbDataKeyStore(db), { dryRun: opts.dryRun === true });
}

/** Human-readable report (ids and counts only). */
export function formatRewrapReport(r: RewrapReport): string {
  const lines = [
    `${r.dryRun ? 'dry run: ' : ''}primary master key ${r.primary}`,
    `rewrapped: ${r.rewrapped}`,
    `already current: ${r.alreadyCurrent}`,
    `data keys per master key: ${Object.entries(r.byMasterKey).map(([id, n]) => `${id}=${n}`).join(', ') || '(none)'}`,
    `still on old master keys: ${r.stillOnOldKeys.length}`,
    ...r.stillOnOldKeys.map((s) => `  org ${s.org_id} data key ${s.dek_id} on ${s.master_key_id} (${s.reason})`),
    `removable master keys: ${r.removableMasterKeys.join(', ') || '(none)'}`,
  ];
  return `${lines.join('\n')}\n`;
}
