/**
 * The org's do-not-contact list (/dnc). Campaign dialing skips these numbers; SMS/WhatsApp threads send
 * them nothing but the one opt-out confirmation. All functions run in the caller's tenant transaction.
 */
import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { normalizePhone } from '../channels/rules.js';
import * as repo from './repo.js';
import type { DncEntryOut } from './schemas.js';

export const presentDnc = (r: repo.DncRow): DncEntryOut => ({ phone: r.phone, source: r.source, created_at: new Date(r.created_at).toISOString() });

function normalizeE164(raw: string): string | null {
  try {
    return normalizePhone(raw);
  } catch {
    return null;
  }
}

/** E.164 or a 400 naming the field. */
function e164(raw: string, path: string): string {
  const phone = normalizeE164(raw);
  if (!phone) throw errors.validation('The phone number is invalid', [{ path, message: 'must be an E.164 number, e.g. +14155550100' }]);
  return phone;
}

/** The cursor is the last number of the previous page, opaque (base64url). */
function decodeAfter(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const phone = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^\+[1-9]\d{2,30}$/.test(phone)) throw errors.validation('Invalid cursor', [{ path: 'query.cursor', message: 'not a cursor returned by this API' }]);
  return phone;
}

export async function listDnc(tx: Tx, query: { cursor?: string | undefined; limit: number; search?: string | undefined }) {
  const rows = await repo.listDnc(tx, { after: decodeAfter(query.cursor), limit: query.limit, digits: query.search?.replace(/^\+/, '') ?? null });
  const kept = rows.slice(0, query.limit);
  const next = rows.length > query.limit ? Buffer.from(kept[kept.length - 1]!.phone).toString('base64url') : null;
  return { data: kept.map(presentDnc), next_cursor: next };
}

/** The new entry, or the one already there (adding twice changes nothing: idempotent). */
export async function addDnc(tx: Tx, principal: Principal, raw: string, meta: RequestMeta): Promise<DncEntryOut> {
  const phone = e164(raw, 'body.phone');
  const row = await repo.insertDnc(tx, phone, 'manual');
  if (!row) return presentDnc((await repo.getDnc(tx, phone))!);
  // The number is the entry's identity: the audit keeps it (an opt-out must be provable), like the list does.
  await recordAudit(tx, actorOf(principal), { action: 'dnc.added', targetType: 'dnc', after: { phone, source: 'manual' } }, meta);
  return presentDnc(row);
}

/** A path that is not a number names no entry: the same 404 as a number that is not listed. */
export async function removeDnc(tx: Tx, principal: Principal, raw: string, meta: RequestMeta): Promise<void> {
  const phone = normalizeE164(raw);
  const row = phone ? await repo.deleteDnc(tx, phone) : null;
  if (!row) throw errors.notFound('dnc entry');
  await recordAudit(tx, actorOf(principal), { action: 'dnc.removed', targetType: 'dnc', before: { phone: row.phone, source: row.source } }, meta);
}
