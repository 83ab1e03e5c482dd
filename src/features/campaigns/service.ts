/**
 * Campaigns: configuration and lifecycle (draft → running ⇄ paused → completed | cancelled). All
 * functions run in the caller's tenant transaction; the dialing itself is the engine's
 * (src/pipeline/campaigns/), which only ever dials contacts of running campaigns.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors, type ErrorDetail } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/http/pagination.js';
import { toIso } from '../../platform/http/schemas.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { agentExists } from '../agents/public.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { getChannel } from '../channels/public.js';
import { getFlow } from '../flows/service.js';
import { emitEvent } from '../webhook-endpoints/events.js';
import * as repo from './repo.js';
import { isTimeZone } from './rules.js';
import type { CampaignOut, CampaignStatus, CreateCampaignBody, PatchCampaignBody } from './schemas.js';

export function presentCampaign(r: repo.CampaignRow): CampaignOut {
  return {
    id: r.id,
    name: r.name,
    agent_id: r.agent_id,
    flow_id: r.flow_id,
    channel_id: r.channel_id,
    timezone: r.timezone,
    calling_window: r.calling_window,
    default_region: r.default_region,
    max_concurrency: r.max_concurrency,
    max_attempts: r.max_attempts,
    retry_delay_seconds: r.retry_delay_seconds,
    retry_on: r.retry_on,
    status: r.status,
    started_at: toIso(r.started_at),
    finished_at: toIso(r.finished_at),
    created_at: toIso(r.created_at)!,
    updated_at: toIso(r.updated_at)!,
  };
}

/** The campaign or the one 404 (another org's, deleted and never-existing ids look the same). */
export async function loadCampaign(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<repo.CampaignRow> {
  const row = await repo.getCampaign(tx, id, opts);
  if (!row) throw errors.notFound('campaign');
  return row;
}

/** References must be this org's: an unknown agent, flow or channel is a 404 like any other id. */
async function checkFields(tx: Tx, c: repo.CampaignFields): Promise<void> {
  const problems: ErrorDetail[] = [];
  if (c.agent_id && c.flow_id) problems.push({ path: 'body.flow_id', message: 'set agent_id or flow_id, not both' });
  if (!isTimeZone(c.timezone)) problems.push({ path: 'body.timezone', message: 'an IANA time zone, e.g. America/New_York' });
  if (problems.length) throw errors.validation('The campaign is invalid', problems);
  if (c.agent_id && !(await agentExists(tx, c.agent_id))) throw errors.notFound('agent');
  if (c.flow_id) await getFlow(tx, c.flow_id);
  if (c.channel_id) {
    const channel = await getChannel(tx, c.channel_id);
    if (!channel) throw errors.notFound('channel');
    if (channel.type !== 'voice') throw errors.validation('The channel is not a voice channel', [{ path: 'body.channel_id', message: 'campaigns call through a voice channel' }]);
  }
}

export async function createCampaign(tx: Tx, principal: Principal, body: CreateCampaignBody, meta: RequestMeta): Promise<CampaignOut> {
  const fields: repo.CampaignFields = {
    name: body.name,
    agent_id: body.agent_id ?? null,
    flow_id: body.flow_id ?? null,
    channel_id: body.channel_id,
    timezone: body.timezone,
    calling_window: body.calling_window,
    default_region: body.default_region ?? null,
    max_concurrency: body.max_concurrency,
    max_attempts: body.max_attempts,
    retry_delay_seconds: body.retry_delay_seconds,
    retry_on: [...new Set(body.retry_on)],
  };
  await checkFields(tx, fields);
  const row = await repo.insertCampaign(tx, randomUUID(), fields);
  await recordAudit(tx, actorOf(principal), { action: 'campaign.created', targetType: 'campaign', targetId: row.id, after: presentCampaign(row) }, meta);
  return presentCampaign(row);
}

export async function listCampaigns(tx: Tx, query: { cursor?: string | undefined; limit: number; status?: CampaignStatus | undefined }) {
  const rows = await repo.listCampaigns(tx, { cursor: decodeCursor(query.cursor), limit: query.limit, status: query.status });
  const p = page(rows, query.limit);
  const progress = await repo.progressOf(tx, p.rows.map((r) => r.id));
  return { data: p.rows.map((r) => ({ ...presentCampaign(r), progress: progress.get(r.id) ?? { total: 0, done: 0 } })), next_cursor: p.nextCursor };
}

export const getCampaign = async (tx: Tx, id: string): Promise<CampaignOut> => presentCampaign(await loadCampaign(tx, id));

/**
 * Editing rules: a draft changes freely; a running or paused campaign keeps its agent, flow and channel
 * (calls already placed used them) but its window, limits and retries may change (they apply from the
 * next dial); a finished campaign only changes its name.
 */
const FIXED_WHILE_ACTIVE = ['agent_id', 'flow_id', 'channel_id'] as const;

export async function patchCampaign(tx: Tx, principal: Principal, id: string, body: PatchCampaignBody, meta: RequestMeta): Promise<CampaignOut> {
  const before = await loadCampaign(tx, id, { lock: true });
  const given = Object.keys(body) as Array<keyof PatchCampaignBody>;
  if ((before.status === 'running' || before.status === 'paused') && given.some((k) => (FIXED_WHILE_ACTIVE as readonly string[]).includes(k))) {
    throw errors.conflict(`A ${before.status} campaign keeps its agent, flow and channel: cancel it and create another`);
  }
  if ((before.status === 'completed' || before.status === 'cancelled') && given.some((k) => k !== 'name')) {
    throw errors.conflict(`A ${before.status} campaign can only be renamed`);
  }
  const next: repo.CampaignFields = {
    name: body.name ?? before.name,
    agent_id: body.agent_id !== undefined ? body.agent_id : body.flow_id ? null : before.agent_id,
    flow_id: body.flow_id !== undefined ? body.flow_id : body.agent_id ? null : before.flow_id,
    channel_id: body.channel_id ?? before.channel_id,
    timezone: body.timezone ?? before.timezone,
    calling_window: body.calling_window ?? before.calling_window,
    default_region: body.default_region !== undefined ? body.default_region : before.default_region,
    max_concurrency: body.max_concurrency ?? before.max_concurrency,
    max_attempts: body.max_attempts ?? before.max_attempts,
    retry_delay_seconds: body.retry_delay_seconds ?? before.retry_delay_seconds,
    retry_on: body.retry_on ? [...new Set(body.retry_on)] : before.retry_on,
  };
  await checkFields(tx, next);
  const row = (await repo.updateCampaign(tx, id, next))!;
  await recordAudit(tx, actorOf(principal), { action: 'campaign.updated', targetType: 'campaign', targetId: id, before: presentCampaign(before), after: presentCampaign(row) }, meta);
  return presentCampaign(row);
}

/** Running or paused campaigns are cancelled first (their calls in progress finish; nothing new is dialed). */
export async function deleteCampaign(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const before = await loadCampaign(tx, id, { lock: true });
  if (before.status === 'running' || before.status === 'paused') throw errors.conflict(`A ${before.status} campaign cannot be deleted: cancel it first`);
  await repo.deleteCampaign(tx, id);
  await recordAudit(tx, actorOf(principal), { action: 'campaign.deleted', targetType: 'campaign', targetId: id, before: presentCampaign(before) }, meta);
}

type Action = 'start' | 'pause' | 'resume' | 'cancel';
const TRANSITIONS: Record<Action, { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'running', 'paused'], to: 'cancelled' },
};

export async function changeCampaignState(tx: Tx, principal: Principal, id: string, action: Action, meta: RequestMeta): Promise<CampaignOut> {
  const before = await loadCampaign(tx, id, { lock: true });
  const t = TRANSITIONS[action];
  if (!t.from.includes(before.status)) throw errors.conflict(`Cannot ${action} a ${before.status} campaign`);
  if (action === 'start' || action === 'resume') await checkReadyToDial(tx, before);
  const row = (await repo.transitionCampaign(tx, id, t.from, t.to))!;
  if (action === 'cancel') await repo.cancelPendingContacts(tx, id);
  if (action === 'start') {
    await emitEvent(tx, { type: 'campaign.started', data: { campaign_id: id, name: row.name, contacts: await repo.countContacts(tx, id) } });
  }
  await recordAudit(tx, actorOf(principal), { action: `campaign.${action === 'start' ? 'started' : action === 'cancel' ? 'cancelled' : action === 'pause' ? 'paused' : 'resumed'}`, targetType: 'campaign', targetId: id, before: { status: before.status }, after: { status: row.status } }, meta);
  return presentCampaign(row);
}

async function checkReadyToDial(tx: Tx, c: repo.CampaignRow): Promise<void> {
  if (!c.channel_id) throw errors.conflict('The campaign has no channel (it was deleted): set channel_id');
  if (!c.agent_id && !c.flow_id) {
    const channel = await getChannel(tx, c.channel_id);
    if (!channel?.agent_id && !channel?.flow_id) throw errors.conflict('The campaign has no agent or flow, and neither has its channel');
  }
  if ((await repo.countContacts(tx, c.id)) === 0) throw errors.conflict('The campaign has no contacts: add some first');
}
