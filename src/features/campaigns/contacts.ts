/**
 * Contacts of a campaign: batches (JSON and CSV import share `addBatch`), list, get, patch, delete.
 * Every number is normalized to E.164 before it is stored; numbers already in the campaign and numbers
 * on the org's do-not-call list are rejected row by row, never silently dropped.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/http/pagination.js';
import { toIso } from '../../platform/http/schemas.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { isStorableText } from '../../platform/storable-text.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { getChannel } from '../channels/public.js';
import { listedOnDnc } from '../dnc/public.js';
import * as repo from './repo.js';
import { countryOf, isTimeZone, toE164, zoneOfNumber } from './rules.js';
import { CONTACT_LIMITS, type ContactOut, type ContactStatus, type ImportResult, type NewContact, type PatchContactBody } from './schemas.js';
import { loadCampaign } from './service.js';

export function presentContact(r: repo.ContactRow): ContactOut {
  return {
    id: r.id,
    campaign_id: r.campaign_id,
    phone: r.phone,
    name: r.name,
    timezone: r.timezone,
    data: r.data,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? toIso(r.next_attempt_at) : null,
    last_outcome: r.last_outcome,
    last_attempt_at: toIso(r.last_attempt_at),
    created_at: toIso(r.created_at)!,
    updated_at: toIso(r.updated_at)!,
  };
}

/** What a batch needs to know of its campaign: where numbers without a country code are read. */
export interface BatchTarget {
  campaignId: string;
  region: string | null;
}

export interface Rejection {
  row: number;
  reason: string;
}

/** Raw fields of one row (JSON item or CSV record) before normalization. */
export interface RawContact {
  row: number;
  phone: string;
  name: string | null;
  timezone: string | null;
  data: Record<string, unknown>;
}

/** The campaign for adding contacts (404 / 409), and the region its numbers are read in. */
export async function batchTarget(tx: Tx, campaignId: string): Promise<BatchTarget> {
  const c = await loadCampaign(tx, campaignId);
  if (c.status === 'completed' || c.status === 'cancelled') throw errors.conflict(`Contacts cannot be added to a ${c.status} campaign`);
  const channel = c.channel_id ? await getChannel(tx, c.channel_id) : null;
  return { campaignId, region: c.default_region ?? countryOf(channel?.phone_number ?? null) };
}

const storable = (v: unknown): boolean => typeof v !== 'string' || isStorableText(v);

/** One row → a contact to insert, or why not (pure). */
export function normalizeContact(raw: RawContact, region: string | null): repo.ContactInsert | Rejection {
  const phone = toE164(raw.phone, region);
  if (!phone) return { row: raw.row, reason: 'invalid_phone' };
  const tz = raw.timezone?.trim() || null;
  if (tz && !isTimeZone(tz)) return { row: raw.row, reason: 'invalid_timezone' };
  const name = raw.name?.trim() || null;
  if ((name && (name.length > 200 || !isStorableText(name))) || !Object.entries(raw.data).every(([k, v]) => storable(k) && storable(v))) {
    return { row: raw.row, reason: 'invalid_text' };
  }
  return { id: randomUUID(), phone, name, timezone: tz ?? zoneOfNumber(phone), data: raw.data };
}

/**
 * Inserts one batch in the caller's transaction. Rejects: invalid rows, numbers twice in the batch or
 * already in the campaign (`duplicate`), numbers on the do-not-call list (`dnc`).
 */
export async function addBatch(tx: Tx, target: BatchTarget, raws: readonly RawContact[]): Promise<{ imported: number; rejected: Rejection[] }> {
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  const ok: Array<{ row: number; c: repo.ContactInsert }> = [];
  for (const raw of raws) {
    const n = normalizeContact(raw, target.region);
    if ('reason' in n) rejected.push(n);
    else if (seen.has(n.phone)) rejected.push({ row: raw.row, reason: 'duplicate' });
    else {
      seen.add(n.phone);
      ok.push({ row: raw.row, c: n });
    }
  }
  const dnc = await listedOnDnc(tx, ok.map((o) => o.c.phone));
  const allowed = ok.filter((o) => {
    if (!dnc.has(o.c.phone)) return true;
    rejected.push({ row: o.row, reason: 'dnc' });
    return false;
  });
  const inserted = await repo.insertContacts(tx, target.campaignId, allowed.map((o) => o.c));
  for (const o of allowed) if (!inserted.has(o.c.phone)) rejected.push({ row: o.row, reason: 'duplicate' });
  return { imported: inserted.size, rejected };
}

/** POST /campaigns/{id}/contacts: `row` in rejections is the array index. */
export async function addContacts(tx: Tx, principal: Principal, campaignId: string, items: readonly NewContact[], meta: RequestMeta): Promise<ImportResult> {
  const target = await batchTarget(tx, campaignId);
  const r = await addBatch(
    tx,
    target,
    items.map((c, row) => ({ row, phone: c.phone, name: c.name ?? null, timezone: c.timezone ?? null, data: c.data ?? {} })),
  );
  await recordAudit(tx, actorOf(principal), { action: 'campaign.contacts_added', targetType: 'campaign', targetId: campaignId, after: { imported: r.imported, rejected: r.rejected.length } }, meta);
  return { imported: r.imported, rejected: r.rejected.sort((a, b) => a.row - b.row).slice(0, CONTACT_LIMITS.reportedRejections), rejected_count: r.rejected.length };
}

export async function listContacts(tx: Tx, campaignId: string, query: { cursor?: string | undefined; limit: number; status?: ContactStatus | undefined }) {
  await loadCampaign(tx, campaignId);
  const rows = await repo.listContacts(tx, campaignId, { cursor: decodeCursor(query.cursor), limit: query.limit, status: query.status });
  const p = page(rows, query.limit);
  return { data: p.rows.map(presentContact), next_cursor: p.nextCursor };
}

/** A contact of another org's campaign, of another campaign, or missing: the same 404 (the campaign's). */
async function loadContact(tx: Tx, campaignId: string, contactId: string, opts: { lock?: boolean } = {}): Promise<repo.ContactRow> {
  await loadCampaign(tx, campaignId);
  const row = await repo.getContact(tx, campaignId, contactId, opts);
  if (!row) throw errors.notFound('contact');
  return row;
}

export const getContact = async (tx: Tx, campaignId: string, contactId: string): Promise<ContactOut> => presentContact(await loadContact(tx, campaignId, contactId));

/** Only a contact waiting for its call changes (one being dialed or finished is history). */
export async function patchContact(tx: Tx, principal: Principal, campaignId: string, contactId: string, body: PatchContactBody, meta: RequestMeta): Promise<ContactOut> {
  const before = await loadContact(tx, campaignId, contactId, { lock: true });
  if (before.status !== 'pending') throw errors.conflict(`A ${before.status} contact cannot be changed`);
  const { region } = await batchTarget(tx, campaignId);
  const n = normalizeContact(
    {
      row: 0,
      phone: body.phone ?? before.phone,
      name: body.name !== undefined ? body.name : before.name,
      timezone: body.timezone !== undefined ? body.timezone : body.phone ? null : before.timezone,
      data: body.data ?? before.data,
    },
    region,
  );
  if ('reason' in n) throw errors.validation('The contact is invalid', [{ path: n.reason === 'invalid_timezone' ? 'body.timezone' : n.reason === 'invalid_phone' ? 'body.phone' : 'body', message: n.reason }]);
  if (n.phone !== before.phone && (await listedOnDnc(tx, [n.phone])).size > 0) throw errors.conflict('The number is on the do-not-call list');
  // A number already in the campaign fails the unique index: a 409 from the data layer.
  const row = await repo.updateContact(tx, campaignId, contactId, n);
  await recordAudit(tx, actorOf(principal), { action: 'campaign.contact_updated', targetType: 'campaign_contact', targetId: contactId }, meta);
  return presentContact(row!);
}

/** Deletes the contact and its attempts (its personal data); calls already made stay calls (DELETE /calls/{id}). */
export async function deleteContact(tx: Tx, principal: Principal, campaignId: string, contactId: string, meta: RequestMeta): Promise<void> {
  const before = await loadContact(tx, campaignId, contactId, { lock: true });
  if (before.status === 'dialing') throw errors.conflict('The contact is being called: delete it when the call ends');
  await repo.deleteContact(tx, campaignId, contactId);
  // No number or name in the audit entry: deleting is how personal data goes away.
  await recordAudit(tx, actorOf(principal), { action: 'campaign.contact_deleted', targetType: 'campaign_contact', targetId: contactId }, meta);
}
