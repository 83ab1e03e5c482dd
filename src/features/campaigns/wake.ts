/**
 * "A campaign may have work now" (it was started or resumed): wakes the dialing engines at once instead
 * of at their next poll, those of this process directly and those of other processes through the
 * PostgreSQL notification bus (platform/db/notify.ts; PostgreSQL mode). A hint without content: an
 * engine that wakes runs its ordinary tick, which finds the work through its door and verifies it in
 * the org's own transaction, so a forged or lost notification changes nothing but timing (the poll
 * still runs).
 *
 * Announce after the change committed: an engine woken earlier would not see it yet.
 */
import type { Deps } from '../../deps.js';

const KIND = 'campaign_work';
const local = new WeakMap<Deps, Set<() => void>>();

export function announceCampaignWork(deps: Deps): void {
  for (const wake of [...(local.get(deps) ?? [])]) wake();
  deps.notify?.publish(KIND, {});
}

/** `wake` runs on every announcement, of this process or another. Returns the unsubscribe function. */
export function onCampaignWork(deps: Deps, wake: () => void): () => void {
  let set = local.get(deps);
  if (!set) local.set(deps, (set = new Set()));
  set.add(wake);
  const off = deps.notify?.subscribe(KIND, () => wake());
  return () => {
    set.delete(wake);
    off?.();
  };
}
