/**
 * In-memory DataKeyStore + DataKeyRewrapStore, for tests and examples. Not for production: data keys
 * vanish with the process, which shreds every secret encrypted under them.
 */
import type { WrappedKey } from './dek.js';
import type { DataKeyStore } from './envelope.js';
import type { DataKeyRewrapStore } from './rotation.js';

export interface MemoryDataKeyStore extends DataKeyStore, DataKeyRewrapStore {
  /** Shreds an org: deletes all its data keys. Returns how many were deleted. */
  deleteOrg(orgId: string): number;
  /** Every stored row (copies), for assertions. */
  dump(): WrappedKey[];
}

export function createMemoryDataKeyStore(): MemoryDataKeyStore {
  const rows: WrappedKey[] = []; // insertion order; the last row of an org is its active key
  const copy = (w: WrappedKey): WrappedKey => ({ ...w, created_at: new Date(w.created_at) });
  return {
    async getActive(orgId) {
      const w = rows.findLast((r) => r.org_id === orgId);
      return w ? copy(w) : null;
    },
    async get(orgId, dataKeyId) {
      const w = rows.find((r) => r.org_id === orgId && r.id === dataKeyId);
      return w ? copy(w) : null;
    },
    async insert(orgId, key) {
      if (key.org_id !== orgId) throw new Error('org mismatch');
      if (rows.some((r) => r.org_id === orgId && r.id === key.id)) throw new Error('duplicate data key');
      rows.push(copy(key));
    },
    async *listAll() {
      for (const w of [...rows]) yield copy(w);
    },
    async updateWrapping(orgId, dekId, expected, next) {
      const w = rows.find((r) => r.org_id === orgId && r.id === dekId && r.master_key_id === expected);
      if (!w) return false;
      w.master_key_id = next.master_key_id;
      w.wrapped = next.wrapped;
      return true;
    },
    deleteOrg(orgId) {
      const before = rows.length;
      const kept = rows.filter((r) => r.org_id !== orgId);
      rows.splice(0, rows.length, ...kept);
      return before - kept.length;
    },
    dump() {
      return rows.map(copy);
    },
  };
}
