/**
 * The session bus across processes (PostgreSQL mode; platform/db/notify.ts): a turn stored by one
 * process reaches the session's subscribers on every other — a person's reply sent through instance A
 * reaches the widget socket held by instance B.
 *
 * A notification names the turn, it does not carry it: org, session, turn number, cause, the status
 * after the turn, how many reply messages it had and which of them were actions (their kind). That is
 * a few hundred bytes whatever was said, so NOTIFY's 8000-byte limit never splits or truncates a reply,
 * and no caller's words travel on a channel every database role can listen to. The receiver does
 * nothing unless it holds a subscriber of that session; then it re-reads the turn's transcript entries
 * inside THAT org's transaction (a session id that is not the org's reads nothing: dropped), with the
 * words really said where the org stores them redacted, as the live session sees them (except on the
 * turn that ends the session: its live text is cleared in that same write, so a remote subscriber gets
 * the stored, redacted, text), clipped as stored (32,000 characters).
 *
 * The reply messages are the turn's last `n` entries (the runtime writes the caller's entry, if any,
 * then one entry per reply message). A status of `ended` is believed only when the stored call has
 * ended too, so a forged notification cannot end someone's connection.
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { readTurn, type CallStatus } from '../../features/calls/store.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { SessionBus, SessionUpdate } from './bus.js';
import type { ReplyMessage } from './reply.js';

const KIND = 'turn';
/** More reply messages than this in one turn are not announced (the engine caps a turn far below it). */
const MAX_MESSAGES = 200;
const ACTIONS = ['transfer', 'handoff', 'send_message', 'schedule_callback'] as const;

const Notice = z.strictObject({
  o: z.uuid(),
  s: z.uuid(),
  t: z.number().int().min(0).max(2_147_483_647),
  c: z.string().regex(/^[a-z_]{1,40}$/),
  st: z.enum(['active', 'escalated', 'ended']),
  n: z.number().int().min(0).max(MAX_MESSAGES),
  /** Index of a reply message → its action kind (only the actions). */
  a: z.record(z.string().regex(/^\d{1,3}$/), z.enum(ACTIONS)).optional(),
});
type Notice = z.infer<typeof Notice>;

function noticeOf(u: SessionUpdate): Notice | null {
  if (u.turn === undefined || u.reply.messages.length > MAX_MESSAGES) return null;
  const a: Record<string, (typeof ACTIONS)[number]> = {};
  u.reply.messages.forEach((m, i) => {
    if (m.type) a[String(i)] = m.type;
  });
  return { o: u.orgId, s: u.sessionId, t: u.turn, c: u.cause, st: u.reply.status, n: u.reply.messages.length, ...(Object.keys(a).length ? { a } : {}) };
}

export function attachSessionFanout(deps: Deps, bus: SessionBus): void {
  const notify = deps.notify;
  if (!notify) return;
  bus.onPublish((u) => {
    const notice = noticeOf(u);
    if (notice) notify.publish(KIND, notice);
    else deps.log.warn({ org: u.orgId, call: u.sessionId }, 'session fan-out: a turn could not be announced to other processes');
  });
  notify.subscribe(KIND, (body) => {
    const parsed = Notice.safeParse(body);
    if (!parsed.success) return notify.reject();
    const n = parsed.data;
    if (!bus.has(n.o, n.s)) return;
    // In arrival order per session (the senders' commit order): turn k+1 never overtakes turn k.
    notify.inOrder(`session:${n.o}:${n.s}`, async () => {
      const update = await readUpdate(deps, n);
      if (update) bus.deliverRemote(update);
      else notify.reject();
    });
  });
}

async function readUpdate(deps: Deps, n: Notice): Promise<(SessionUpdate & { remote: true }) | null> {
  const read = await withOrg(deps.db, { orgId: n.o }, (tx) => readTurn(tx, n.s, n.t));
  if (!read || (n.n > 0 && read.messages.length === 0)) return null;
  const { call } = read;
  const entries = read.messages.slice(Math.max(0, read.messages.length - n.n));
  const offset = n.n - entries.length;
  const messages: ReplyMessage[] = [];
  entries.forEach((m, i) => {
    if (m.role !== 'agent' && m.role !== 'human' && m.role !== 'system') return;
    const type = n.a?.[String(i + offset)];
    messages.push({ role: m.role, text: m.text, ...(type ? { type } : {}) });
  });
  const status: CallStatus = n.st === 'ended' && call.status !== 'ended' ? call.status : n.st;
  return {
    orgId: n.o,
    sessionId: call.id,
    channel: call.channel,
    channelId: call.channel_id,
    mode: call.mode,
    cause: n.c,
    turn: n.t,
    reply: { id: call.id, status, messages, variables: call.variables, ended_reason: status === 'active' ? null : call.ended_reason, awaiting: null },
    outputs: [],
    remote: true,
  };
}
