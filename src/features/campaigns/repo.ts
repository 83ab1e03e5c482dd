import type { RawQuery } from '../../platform/db/driver.js';
import type { Tx } from '../../platform/db/types.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { cursorAt } from '../../platform/http/pagination.js';
import type { CallingWindow, Outcome } from './rules.js';
import type { CampaignStatus, ContactStatus } from './schemas.js';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export interface CampaignRow {
  id: string;
  name: string;
  agent_id: string | null;
  flow_id: string | null;
  channel_id: string | null;
  timezone: string;
  calling_window: CallingWindow;
  default_region: string | null;
  max_concurrency: number;
  max_attempts: number;
  retry_delay_seconds: number;
  retry_on: string[];
  status: CampaignStatus;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
  cursor_at?: string;
}

export type CampaignFields = Pick<
  CampaignRow,
  'name' | 'agent_id' | 'flow_id' | 'channel_id' | 'timezone' | 'calling_window' | 'default_region' | 'max_concurrency' | 'max_attempts' | 'retry_delay_seconds' | 'retry_on'
>;

const CAMPAIGN_COLUMNS =
  'id, name, agent_id, flow_id, channel_id, timezone, calling_window, default_region, max_concurrency, max_attempts, retry_delay_seconds, retry_on, status, started_at, finished_at, created_at, updated_at';

export async function insertCampaign(tx: Tx, id: string, c: CampaignFields): Promise<CampaignRow> {
  const r = await tx.query<CampaignRow>(
    `insert into app.campaigns (org_id, id, name, agent_id, flow_id, channel_id, timezone, calling_window, default_region, max_concurrency, max_attempts, retry_delay_seconds, retry_on)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text[]) returning ${CAMPAIGN_COLUMNS}`,
    [tx.orgId, id, c.name, c.agent_id, c.flow_id, c.channel_id, c.timezone, JSON.stringify(c.calling_window), c.default_region, c.max_concurrency, c.max_attempts, c.retry_delay_seconds, c.retry_on],
  );
  return r.rows[0]!;
}

export async function getCampaign(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<CampaignRow | null> {
  const r = await tx.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from app.campaigns where org_id = $1 and id = $2${opts.lock ? ' for update' : ''}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function listCampaigns(tx: Tx, opts: { cursor: Cursor | null; limit: number; status?: CampaignStatus | undefined }): Promise<CampaignRow[]> {
  const r = await tx.query<CampaignRow>(
    `select ${CAMPAIGN_COLUMNS}, ${cursorAt()} from app.campaigns
      where org_id = $1 and ($2::text is null or status = $2)
        and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
      order by created_at desc, id desc limit $5`,
    [tx.orgId, opts.status ?? null, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Contacts per campaign and how many are done (no longer pending or being dialed), for the listed ids. */
export async function progressOf(tx: Tx, ids: readonly string[]): Promise<Map<string, { total: number; done: number }>> {
  if (ids.length === 0) return new Map();
  const r = await tx.query<{ campaign_id: string; total: number; done: number }>(
    `select campaign_id, count(*)::int as total, (count(*) filter (where status not in ('pending', 'dialing')))::int as done
       from app.campaign_contacts where org_id = $1 and campaign_id = any($2::uuid[]) group by campaign_id`,
    [tx.orgId, ids],
  );
  return new Map(r.rows.map((x) => [x.campaign_id, { total: x.total, done: x.done }]));
}

export async function updateCampaign(tx: Tx, id: string, c: CampaignFields): Promise<CampaignRow | null> {
  const r = await tx.query<CampaignRow>(
    `update app.campaigns set name = $3, agent_id = $4, flow_id = $5, channel_id = $6, timezone = $7, calling_window = $8, default_region = $9,
            max_concurrency = $10, max_attempts = $11, retry_delay_seconds = $12, retry_on = $13::text[], updated_at = now()
      where org_id = $1 and id = $2 returning ${CAMPAIGN_COLUMNS}`,
    [tx.orgId, id, c.name, c.agent_id, c.flow_id, c.channel_id, c.timezone, JSON.stringify(c.calling_window), c.default_region, c.max_concurrency, c.max_attempts, c.retry_delay_seconds, c.retry_on],
  );
  return r.rows[0] ?? null;
}

/** Moves the campaign from one of `from` to `to`; null when it was in no such state (or is not there). */
export async function transitionCampaign(tx: Tx, id: string, from: readonly CampaignStatus[], to: CampaignStatus): Promise<CampaignRow | null> {
  const r = await tx.query<CampaignRow>(
    `update app.campaigns
        set status = $4, updated_at = now(),
            started_at = case when $4 = 'running' and started_at is null then now() else started_at end,
            finished_at = case when $4 in ('completed', 'cancelled') then now() else finished_at end
      where org_id = $1 and id = $2 and status = any($3::text[]) returning ${CAMPAIGN_COLUMNS}`,
    [tx.orgId, id, from, to],
  );
  return r.rows[0] ?? null;
}

export async function deleteCampaign(tx: Tx, id: string): Promise<boolean> {
  const r = await tx.query('delete from app.campaigns where org_id = $1 and id = $2', [tx.orgId, id]);
  return r.rowCount > 0;
}

export interface ContactRow {
  id: string;
  campaign_id: string;
  phone: string;
  name: string | null;
  timezone: string | null;
  data: Record<string, unknown>;
  status: ContactStatus;
  attempts: number;
  next_attempt_at: Date;
  claimed_by: string | null;
  current_attempt_id: string | null;
  last_outcome: string | null;
  last_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
  cursor_at?: string;
}

const CONTACT_COLUMNS = 'id, campaign_id, phone, name, timezone, data, status, attempts, next_attempt_at, claimed_by, current_attempt_id, last_outcome, last_attempt_at, created_at, updated_at';

export interface ContactInsert {
  id: string;
  phone: string;
  name: string | null;
  timezone: string | null;
  data: Record<string, unknown>;
}

/** Inserts the batch; a number already in the campaign is skipped. Returns the numbers inserted. */
export async function insertContacts(tx: Tx, campaignId: string, rows: readonly ContactInsert[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const r = await tx.query<{ phone: string }>(
    `insert into app.campaign_contacts (org_id, campaign_id, id, phone, name, timezone, data)
     select $1, $2, u.id, u.phone, u.name, u.timezone, u.data
       from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) as u(id, phone, name, timezone, data)
     on conflict (org_id, campaign_id, phone) do nothing returning phone`,
    [tx.orgId, campaignId, rows.map((c) => c.id), rows.map((c) => c.phone), rows.map((c) => c.name), rows.map((c) => c.timezone), rows.map((c) => JSON.stringify(c.data))],
  );
  return new Set(r.rows.map((x) => x.phone));
}

export async function getContact(tx: Tx, campaignId: string, id: string, opts: { lock?: boolean } = {}): Promise<ContactRow | null> {
  const r = await tx.query<ContactRow>(
    `select ${CONTACT_COLUMNS} from app.campaign_contacts where org_id = $1 and campaign_id = $2 and id = $3${opts.lock ? ' for update' : ''}`,
    [tx.orgId, campaignId, id],
  );
  return r.rows[0] ?? null;
}

export async function listContacts(tx: Tx, campaignId: string, opts: { cursor: Cursor | null; limit: number; status?: ContactStatus | undefined }): Promise<ContactRow[]> {
  const r = await tx.query<ContactRow>(
    `select ${CONTACT_COLUMNS}, ${cursorAt()} from app.campaign_contacts
      where org_id = $1 and campaign_id = $2 and ($3::text is null or status = $3)
        and ($4::timestamptz is null or (created_at, id) < ($4::timestamptz, $5::uuid))
      order by created_at desc, id desc limit $6`,
    [tx.orgId, campaignId, opts.status ?? null, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Export order: oldest first, keyset on (created_at, id). */
export async function exportPage(tx: Tx, campaignId: string, after: Cursor | null, limit: number): Promise<ContactRow[]> {
  const r = await tx.query<ContactRow>(
    `select ${CONTACT_COLUMNS}, ${cursorAt()} from app.campaign_contacts
      where org_id = $1 and campaign_id = $2 and ($3::timestamptz is null or (created_at, id) > ($3::timestamptz, $4::uuid))
      order by created_at, id limit $5`,
    [tx.orgId, campaignId, after?.t ?? null, after?.id ?? null, limit],
  );
  return r.rows;
}

/** The custom-data field names used in the campaign (export columns), at most `limit`, sorted. */
export async function dataKeys(tx: Tx, campaignId: string, limit: number): Promise<string[]> {
  const r = await tx.query<{ k: string }>(
    `select distinct jsonb_object_keys(data) as k from app.campaign_contacts where org_id = $1 and campaign_id = $2 order by 1 limit $3`,
    [tx.orgId, campaignId, limit],
  );
  return r.rows.map((x) => x.k);
}

export async function updateContact(tx: Tx, campaignId: string, id: string, c: Omit<ContactInsert, 'id'>): Promise<ContactRow | null> {
  const r = await tx.query<ContactRow>(
    `update app.campaign_contacts set phone = $4, name = $5, timezone = $6, data = $7, updated_at = now()
      where org_id = $1 and campaign_id = $2 and id = $3 returning ${CONTACT_COLUMNS}`,
    [tx.orgId, campaignId, id, c.phone, c.name, c.timezone, JSON.stringify(c.data)],
  );
  return r.rows[0] ?? null;
}

export async function deleteContact(tx: Tx, campaignId: string, id: string): Promise<boolean> {
  const r = await tx.query('delete from app.campaign_contacts where org_id = $1 and campaign_id = $2 and id = $3', [tx.orgId, campaignId, id]);
  return r.rowCount > 0;
}

export async function countContacts(tx: Tx, campaignId: string): Promise<number> {
  const r = await tx.query<{ n: number }>('select count(*)::int as n from app.campaign_contacts where org_id = $1 and campaign_id = $2', [tx.orgId, campaignId]);
  return r.rows[0]!.n;
}

/** Cancelling: contacts that were still to be called never will be (those being dialed finish). */
export async function cancelPendingContacts(tx: Tx, campaignId: string): Promise<void> {
  await tx.query(`update app.campaign_contacts set status = 'cancelled', updated_at = now() where org_id = $1 and campaign_id = $2 and status = 'pending'`, [tx.orgId, campaignId]);
}

export interface StatsCounts {
  contacts: Array<{ status: string; n: number }>;
  outcomes: Array<{ outcome: string | null; status: string; n: number }>;
}

export async function statsCounts(tx: Tx, campaignId: string): Promise<StatsCounts> {
  const contacts = await tx.query<{ status: string; n: number }>(
    'select status, count(*)::int as n from app.campaign_contacts where org_id = $1 and campaign_id = $2 group by status',
    [tx.orgId, campaignId],
  );
  const outcomes = await tx.query<{ outcome: string | null; status: string; n: number }>(
    'select outcome, status, count(*)::int as n from app.campaign_attempts where org_id = $1 and campaign_id = $2 group by outcome, status',
    [tx.orgId, campaignId],
  );
  return { contacts: contacts.rows, outcomes: outcomes.rows };
}

// ---------------------------------------------------------------------------------------------------
// The dialing engine's statements (src/pipeline/campaigns/ through ./engine-store.ts), each in the org's
// own transaction.

/** The engine's named cross-org door (migration 0020): orgs with campaign work, ids only. */
export async function campaignWorkOrgs(query: RawQuery, limit: number): Promise<string[]> {
  const r = await query<{ org_id: string }>('select org_id from app.campaign_work_orgs($1)', [limit]);
  return r.rows.map((x) => x.org_id);
}

export interface RunningCampaign {
  id: string;
  max_concurrency: number;
  dialing: number;
}

/**
 * The org's running campaigns this worker may claim for now: each campaign row is locked (SKIP LOCKED:
 * another worker claiming for it → skipped this round) until the transaction ends, so the count of its
 * contacts being dialed cannot change under the claim. That lock is what makes max_concurrency exact.
 * `skipped`: running campaigns another worker had locked (the caller may come back for them soon).
 */
export async function lockRunningCampaigns(tx: Tx): Promise<{ campaigns: RunningCampaign[]; skipped: number }> {
  const r = await tx.query<RunningCampaign & { running: number }>(
    `select c.id, c.max_concurrency,
            (select count(*)::int from app.campaign_contacts k where k.org_id = c.org_id and k.campaign_id = c.id and k.status = 'dialing') as dialing,
            (select count(*)::int from app.campaigns r where r.org_id = c.org_id and r.status = 'running') as running
       from app.campaigns c where c.org_id = $1 and c.status = 'running'
        for update of c skip locked`,
    [tx.orgId],
  );
  // Running campaigns another worker holds right now (none locked here: count them separately).
  const running = r.rows[0]?.running ?? (await tx.query<{ n: number }>(`select count(*)::int as n from app.campaigns where org_id = $1 and status = 'running'`, [tx.orgId])).rows[0]!.n;
  return { campaigns: r.rows.map(({ running: _running, ...c }) => c), skipped: running - r.rows.length };
}

/** Takes up to `limit` due pending contacts of the campaign for this worker (status dialing, leased). */
export async function claimDueContacts(tx: Tx, campaignId: string, worker: string, limit: number, now: Date, leaseSeconds: number): Promise<string[]> {
  if (limit <= 0) return [];
  const r = await tx.query<{ id: string }>(
    `with due as (
       select id from app.campaign_contacts
        where org_id = $1 and campaign_id = $2 and status = 'pending' and next_attempt_at <= $4
        order by next_attempt_at, id limit $5 for update skip locked)
     update app.campaign_contacts k
        set status = 'dialing', claimed_by = $3, claimed_until = $4::timestamptz + make_interval(secs => $6), current_attempt_id = null, updated_at = now()
       from due where k.org_id = $1 and k.campaign_id = $2 and k.id = due.id
     returning k.id`,
    [tx.orgId, campaignId, worker, now, limit, leaseSeconds],
  );
  return r.rows.map((x) => x.id);
}

/** Claims whose worker died before an attempt was committed: the contact is due again. */
export async function releaseLapsedClaims(tx: Tx, now: Date): Promise<number> {
  const r = await tx.query(
    `update app.campaign_contacts set status = 'pending', claimed_by = null, claimed_until = null, updated_at = now()
      where org_id = $1 and status = 'dialing' and current_attempt_id is null and claimed_until < $2`,
    [tx.orgId, now],
  );
  return r.rowCount;
}

export interface OpenAttempt {
  id: string;
  campaign_id: string;
  contact_id: string;
  status: 'dialing' | 'placed';
  created_at: Date;
  call_status: string | null;
  ended_reason: string | null;
  call_outcome: string | null;
}

/**
 * Attempts not ended yet whose call ended (or is gone), still `dialing` from before `dialingBefore`, or
 * placed before `placedBefore`. Locked: another worker reconciling at the same time skips them.
 */
export async function lockSettledAttempts(tx: Tx, dialingBefore: Date, placedBefore: Date, limit: number): Promise<OpenAttempt[]> {
  const r = await tx.query<OpenAttempt>(
    `select a.id, a.campaign_id, a.contact_id, a.status, a.created_at, c.status as call_status, c.ended_reason, c.outcome as call_outcome
       from app.campaign_attempts a left join app.calls c on c.org_id = a.org_id and c.id = a.call_id
      where a.org_id = $1 and a.status <> 'ended'
        and (c.status = 'ended' or c.id is null or (a.status = 'dialing' and a.created_at < $2) or a.created_at < $3)
      order by a.created_at limit $4
        for update of a skip locked`,
    [tx.orgId, dialingBefore, placedBefore, limit],
  );
  return r.rows;
}

export async function endAttempt(tx: Tx, id: string, outcome: Outcome, error: string | null): Promise<void> {
  await tx.query(
    `update app.campaign_attempts set status = 'ended', outcome = $3, error = $4, ended_at = now(), updated_at = now() where org_id = $1 and id = $2`,
    [tx.orgId, id, outcome, error],
  );
}

/** After an attempt ended: the contact is due again at `retryAt`, or final with `status`. */
export async function settleContact(tx: Tx, campaignId: string, contactId: string, attemptId: string, s: { status: ContactStatus; outcome: Outcome; retryAt: Date | null }): Promise<void> {
  await tx.query(
    `update app.campaign_contacts
        set status = $5, last_outcome = $6, next_attempt_at = coalesce($7::timestamptz, next_attempt_at),
            claimed_by = null, claimed_until = null, current_attempt_id = null, updated_at = now()
      where org_id = $1 and campaign_id = $2 and id = $3 and current_attempt_id = $4`,
    [tx.orgId, campaignId, contactId, attemptId, s.status, s.outcome, s.retryAt],
  );
}

export interface FinishedCampaign {
  id: string;
  name: string;
}

/** Running campaigns with nothing left to dial or wait for become completed. */
export async function completeFinishedCampaigns(tx: Tx): Promise<FinishedCampaign[]> {
  const r = await tx.query<FinishedCampaign>(
    `update app.campaigns c set status = 'completed', finished_at = now(), updated_at = now()
      where c.org_id = $1 and c.status = 'running'
        and not exists (select 1 from app.campaign_contacts k where k.org_id = c.org_id and k.campaign_id = c.id and k.status in ('pending', 'dialing'))
        and not exists (select 1 from app.campaign_attempts a where a.org_id = c.org_id and a.campaign_id = c.id and a.status <> 'ended')
      returning c.id, c.name`,
    [tx.orgId],
  );
  return r.rows;
}

/** The contacts a batch of claims names (only this org's, by campaign and id), locked for the dial decision. */
export async function lockClaimedContacts(tx: Tx, work: ReadonlyArray<{ campaignId: string; contactId: string }>): Promise<ContactRow[]> {
  if (work.length === 0) return [];
  const r = await tx.query<ContactRow>(
    `select ${CONTACT_COLUMNS} from app.campaign_contacts
      where org_id = $1 and (campaign_id, id) in (select * from unnest($2::uuid[], $3::uuid[]))
      order by id for update`,
    [tx.orgId, work.map((w) => w.campaignId), work.map((w) => w.contactId)],
  );
  return r.rows;
}

export async function getCampaigns(tx: Tx, ids: readonly string[]): Promise<CampaignRow[]> {
  if (ids.length === 0) return [];
  const r = await tx.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from app.campaigns where org_id = $1 and id = any($2::uuid[])`, [tx.orgId, ids]);
  return r.rows;
}

export interface ContactRelease {
  campaignId: string;
  contactId: string;
  status: ContactStatus;
  /** Due again at (null: unchanged). */
  at: Date | null;
  /** last_outcome (null: unchanged). */
  outcome: string | null;
}

/** Hands claimed contacts back without dialing: each due at its `at` (or final with its `status`). */
export async function releaseContacts(tx: Tx, rows: readonly ContactRelease[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `update app.campaign_contacts k
        set status = u.status, next_attempt_at = coalesce(u.at, k.next_attempt_at), last_outcome = coalesce(u.outcome, k.last_outcome),
            claimed_by = null, claimed_until = null, current_attempt_id = null, updated_at = now()
       from unnest($2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::text[]) as u(campaign_id, id, status, at, outcome)
      where k.org_id = $1 and k.campaign_id = u.campaign_id and k.id = u.id`,
    [tx.orgId, rows.map((x) => x.campaignId), rows.map((x) => x.contactId), rows.map((x) => x.status), rows.map((x) => x.at), rows.map((x) => x.outcome)],
  );
}

export interface NewAttempt {
  id: string;
  campaignId: string;
  contactId: string;
  attemptNo: number;
  idempotencyKey: string;
  callId: string;
}

/**
 * The attempts of a batch with their calls, and their contacts marked as being dialed by them, in two
 * statements. `at` is the engine's clock (the stuck-attempt timeout is measured on it).
 */
export async function insertAttempts(tx: Tx, rows: readonly NewAttempt[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.map((x) => x.id);
  const campaigns = rows.map((x) => x.campaignId);
  const contacts = rows.map((x) => x.contactId);
  const numbers = rows.map((x) => x.attemptNo);
  await tx.query(
    `insert into app.campaign_attempts (org_id, campaign_id, contact_id, id, attempt_no, idempotency_key, call_id, created_at)
     select $1, u.campaign_id, u.contact_id, u.id, u.attempt_no, u.idempotency_key, u.call_id, $8
       from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::uuid[]) as u(campaign_id, contact_id, id, attempt_no, idempotency_key, call_id)`,
    [tx.orgId, campaigns, contacts, ids, numbers, rows.map((x) => x.idempotencyKey), rows.map((x) => x.callId), at],
  );
  await tx.query(
    `update app.campaign_contacts k
        set current_attempt_id = u.attempt_id, attempts = u.attempt_no, last_attempt_at = now(), claimed_until = null, updated_at = now()
       from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[]) as u(campaign_id, id, attempt_id, attempt_no)
      where k.org_id = $1 and k.campaign_id = u.campaign_id and k.id = u.id`,
    [tx.orgId, campaigns, contacts, ids, numbers],
  );
}

/** The provider took these calls: each attempt still dialing → placed (an attempt already ended stays ended). */
export async function markAttemptsPlaced(tx: Tx, placed: ReadonlyArray<{ attemptId: string; providerCallId: string }>): Promise<void> {
  if (placed.length === 0) return;
  await tx.query(
    `update app.campaign_attempts a set status = 'placed', provider_call_id = u.provider_call_id, updated_at = now()
       from unnest($2::uuid[], $3::text[]) as u(id, provider_call_id)
      where a.org_id = $1 and a.id = u.id and a.status = 'dialing'`,
    [tx.orgId, placed.map((p) => p.attemptId), placed.map((p) => p.providerCallId)],
  );
}

export async function getAttempt(tx: Tx, id: string): Promise<{ id: string; status: string; outcome: string | null; call_id: string | null; contact_id: string } | null> {
  const r = await tx.query<{ id: string; status: string; outcome: string | null; call_id: string | null; contact_id: string }>(
    'select id, status, outcome, call_id, contact_id from app.campaign_attempts where org_id = $1 and id = $2',
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}
