/**
 * The escalation queue: list, read (with the call's transcript), claim, and the checks and records of
 * a person's actions in the session (message, release, close), which the routes in
 * src/pipeline/http/escalation-routes.ts run through the session runtime. Changes are audited and
 * published to the org's live streams (./hub.ts) after they commit.
 */
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/principal.js';
import { scopeOf } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { getCallDetail } from '../calls/service.js';
import { escalationHub, type EscalationEvent } from './hub.js';
import * as repo from './repo.js';
import { presentEscalation, type EscalationDetailOut, type EscalationOut } from './schemas.js';

const notFound = () => errors.notFound('escalation');

export async function listEscalations(tx: Tx, filters: repo.EscalationFilters, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listEscalations(tx, filters, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentEscalation), next_cursor: p.nextCursor };
}

export async function getEscalationDetail(tx: Tx, id: string): Promise<EscalationDetailOut> {
  const row = await repo.getEscalation(tx, id);
  if (!row) throw notFound();
  return { ...presentEscalation(row), call: await getCallDetail(tx, row.call_id) };
}

const actorRef = (p: Principal): repo.ActorRef => ({ type: p.actor.type, id: p.actor.id });
const holds = (e: repo.EscalationRow, p: Principal) => e.claimed_by_type === p.actor.type && e.claimed_by === p.actor.id;
/** Owners and admins supervise: they may write into, release or close an escalation someone else holds. */
const supervises = (p: Principal) => p.role === 'owner' || p.role === 'admin';

/** Claims a waiting escalation; claiming one's own again is a no-op. 409 when someone else holds it or it is closed. */
export async function claimEscalation(deps: Deps, principal: Principal, id: string, meta: RequestMeta): Promise<EscalationOut> {
  const { out, event } = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const e = await repo.getEscalation(tx, id, { lock: true });
    if (!e) throw notFound();
    if (e.status === 'closed') throw errors.conflict('The escalation is closed');
    if (e.status === 'claimed' && holds(e, principal)) return { out: presentEscalation(e), event: null };
    if (!(await repo.claimEscalation(tx, id, actorRef(principal)))) throw errors.conflict('Someone else has claimed this escalation');
    await recordAudit(tx, actorOf(principal), { action: 'escalation.claimed', targetType: 'escalation', targetId: id, after: { call_id: e.call_id, queue: e.queue } }, meta);
    const out = presentEscalation((await repo.getEscalation(tx, id))!);
    return { out, event: { type: 'claimed' as const, escalation: out } };
  });
  if (event) escalationHub(deps).publish(principal.orgId, [event]);
  return out;
}

export type EscalationAction = 'message' | 'release' | 'close';

/** Whether `principal` may act in the session now: it holds the claim, or supervises an open escalation. */
function checkActor(e: repo.EscalationRow | null, principal: Principal): repo.EscalationRow {
  if (!e) throw notFound();
  if (e.status === 'closed') throw errors.conflict('The escalation is closed');
  if (holds(e, principal) || supervises(principal)) return e;
  throw errors.conflict(e.status === 'waiting' ? 'Claim the escalation first' : 'Someone else has claimed this escalation');
}

/** Before the turn: the escalation's call, when `principal` may act on it (404, or 409 with why not). */
export async function callToActOn(tx: Tx, principal: Principal, id: string): Promise<string> {
  return checkActor(await repo.getEscalation(tx, id), principal).call_id;
}

const AUDITED = { release: 'escalation.released', close: 'escalation.closed' } as const;

/**
 * Inside the turn's transaction (after the turn was written): checks again under the row lock and
 * records a release or close (audited, by whom). Throwing rolls the whole turn back. A release the
 * session could not follow (no agent to go back to) is a 409. Returns the events to publish after commit.
 */
export async function recordEscalationAction(
  tx: Tx, principal: Principal, id: string, action: EscalationAction, turn: { escalated: boolean }, meta: RequestMeta,
): Promise<EscalationEvent[]> {
  const e = checkActor(await repo.getEscalation(tx, id, { lock: true }), principal);
  if (action === 'message') return [];
  if (action === 'release' && turn.escalated) throw errors.conflict('This session has no agent to go back to; close it instead');
  await repo.closeEscalation(tx, id, action === 'release' ? 'released' : 'closed', actorRef(principal));
  await recordAudit(tx, actorOf(principal), { action: AUDITED[action], targetType: 'escalation', targetId: id, after: { call_id: e.call_id, queue: e.queue } }, meta);
  return [{ type: action === 'release' ? 'released' : 'closed', escalation: presentEscalation((await repo.getEscalation(tx, id))!) }];
}

/** The current state of one escalation, for the routes' responses. */
export async function readEscalation(tx: Tx, id: string): Promise<EscalationOut> {
  const row = await repo.getEscalation(tx, id);
  if (!row) throw notFound();
  return presentEscalation(row);
}
