/**
 * The escalation hub across processes (PostgreSQL mode; platform/db/notify.ts): a change committed on
 * one process reaches the org's `GET /escalations/stream` connections on every other.
 *
 * A notification carries ids only — org, escalation, event type, and for a `message` the call's turn —
 * well under NOTIFY's 8000 bytes whatever the transcript holds, and no transcript or phone number on a
 * channel every database role can listen to. The receiver does nothing unless it has a stream of that
 * org; then it re-reads the escalation (and the turn's entries) inside THAT org's transaction: an id that
 * is not the org's reads nothing and the notification is dropped. Events reach only that org's streams.
 * The escalation is shown as it is when read (a quick claim after a creation may show as claimed).
 * Delivery is at most once; after a lost connection this process's streams are ended so that clients
 * resynchronize.
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { readTurn } from '../calls/store.js';
import type { EscalationEvent, EscalationHub } from './hub.js';
import * as repo from './repo.js';
import { presentEscalation } from './schemas.js';

const KIND = 'escalation';

const Notice = z.strictObject({
  o: z.uuid(),
  e: z.uuid(),
  y: z.enum(['created', 'claimed', 'message', 'released', 'closed']),
  t: z.number().int().min(0).max(2_147_483_647).optional(),
});
type Notice = z.infer<typeof Notice>;

export function attachEscalationFanout(deps: Deps, hub: EscalationHub): void {
  const notify = deps.notify;
  if (!notify) return;
  hub.onPublish((orgId, events) => {
    for (const ev of events) {
      const notice: Notice = { o: orgId, e: ev.escalation.id, y: ev.type, ...(ev.type === 'message' && ev.turn !== undefined ? { t: ev.turn } : {}) };
      notify.publish(KIND, notice);
    }
  });
  // Events made elsewhere while this process's connection was down are lost to it: its streams end
  // (`closed`, reason `resync`), and clients reconnect and list the queue again (docs/escalations.md).
  notify.onReconnect(() => hub.closeAll('resync'));
  notify.subscribe(KIND, (body) => {
    const parsed = Notice.safeParse(body);
    if (!parsed.success || (parsed.data.y === 'message') !== (parsed.data.t !== undefined)) return notify.reject();
    const n = parsed.data;
    if (hub.connections(n.o) === 0) return;
    notify.inOrder(`escalations:${n.o}`, async () => {
      const event = await withOrg(deps.db, { orgId: n.o }, (tx) => readEvent(tx, n));
      if (event) hub.deliver(n.o, [event]);
      else notify.reject();
    });
  });
}

async function readEvent(tx: Tx, n: Notice): Promise<EscalationEvent | null> {
  const row = await repo.getEscalation(tx, n.e);
  if (!row) return null;
  const escalation = presentEscalation(row);
  if (n.y !== 'message') return { type: n.y, escalation };
  const turn = await readTurn(tx, row.call_id, n.t!);
  if (!turn || turn.messages.length === 0) return null;
  return { type: 'message', escalation, turn: n.t!, messages: turn.messages.map((m) => ({ role: m.role, text: m.text, at: m.at.toISOString() })) };
}
