/**
 * Streaming CSV import: the upload is parsed as it arrives (csv-parse) and written in batches of
 * IMPORT_BATCH rows, one short tenant transaction each, so a 100,000-row file never sits in memory and
 * no transaction waits on the client's upload. The import is therefore not atomic: rows of batches
 * already written stay when a later part of the file fails (the response says what was imported).
 *
 * Format: UTF-8 (a UTF-8 byte-order mark is skipped; UTF-16 is refused with 415), comma-separated, a
 * header row naming a `phone` column; optional `name` and `timezone`; every other column becomes custom
 * data ({{variables}}). `row` in rejections is the record's line in the file (the header is line 1).
 */
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { addBatch, batchTarget, type RawContact, type Rejection } from './contacts.js';
import { CONTACT_LIMITS, type ImportResult } from './schemas.js';

export const IMPORT_BATCH = 1000;
const RESERVED = new Set(['phone', 'name', 'timezone']);

interface Header {
  phone: number;
  name: number;
  timezone: number;
  /** Custom data columns: [index, key]. */
  data: Array<[number, string]>;
}

function readHeader(cells: string[]): Header {
  const names = cells.map((c) => c.trim());
  const lower = names.map((c) => c.toLowerCase());
  const phone = lower.indexOf('phone');
  if (phone < 0) throw errors.validation('The CSV has no "phone" column', [{ path: 'file', message: 'the first line must name the columns, one of them "phone"' }]);
  const data: Array<[number, string]> = [];
  names.forEach((n, i) => {
    if (!RESERVED.has(lower[i]!) && n !== '') data.push([i, n.slice(0, 64)]);
  });
  if (data.length > CONTACT_LIMITS.dataKeys) throw errors.validation(`The CSV has more than ${CONTACT_LIMITS.dataKeys} custom columns`, [{ path: 'file', message: 'too many columns' }]);
  return { phone, name: lower.indexOf('name'), timezone: lower.indexOf('timezone'), data };
}

/** csv-parse decodes UTF-8 with replacement: a U+FFFD in a cell means bytes that were not UTF-8. */
const BAD_BYTES = '\uFFFD';

function toRaw(h: Header, cells: string[], row: number): RawContact | Rejection {
  if (cells.some((c) => c.includes(BAD_BYTES))) return { row, reason: 'invalid_encoding' };
  if (cells.length === 1 && cells[0]!.trim() === '') return { row, reason: 'empty_row' };
  if (cells.some((c) => c.length > CONTACT_LIMITS.dataValueChars)) return { row, reason: 'value_too_long' };
  const cell = (i: number) => (i >= 0 ? (cells[i] ?? '') : '');
  const data: Record<string, unknown> = {};
  for (const [i, key] of h.data) if (cells[i] !== undefined && cells[i] !== '') data[key] = cells[i];
  return { row, phone: cell(h.phone), name: cell(h.name) || null, timezone: cell(h.timezone) || null, data };
}

/** Refuses UTF-16 (byte-order marks FF FE / FE FF) before anything is parsed. */
function checkEncoding(first: Buffer): void {
  if (first.length >= 2 && ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff))) {
    throw errors.unsupportedMediaType('The CSV is UTF-16: save it as UTF-8 (CSV UTF-8 in Excel)');
  }
}

export async function importContactsCsv(deps: Deps, principal: Principal, campaignId: string, file: Readable, meta: RequestMeta): Promise<ImportResult> {
  const scope = scopeOf(principal);
  // 404 / 409 before a byte of the file is read.
  await withOrg(deps.db, scope, (tx) => batchTarget(tx, campaignId));
  const rejected: Rejection[] = [];
  let rejectedCount = 0;
  const reject = (r: Rejection) => {
    rejectedCount++;
    if (rejected.length < CONTACT_LIMITS.reportedRejections) rejected.push(r);
  };
  let imported = 0;
  let rows = 0;
  let batch: RawContact[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const todo = batch;
    batch = [];
    // The campaign is re-read per batch: cancelled or deleted mid-import → the import stops there.
    const r = await withOrg(deps.db, scope, async (tx) => addBatch(tx, await batchTarget(tx, campaignId), todo));
    imported += r.imported;
    r.rejected.forEach(reject);
  };

  const parser = parse({ bom: true, relax_column_count: true, skip_records_with_error: true, info: true, max_record_size: 64 * 1024 });
  parser.on('skip', (err: CsvError & { lines?: number }) => reject({ row: err.lines ?? 0, reason: 'malformed_row' }));
  let checked = false;
  file.on('data', (chunk: Buffer) => {
    if (checked) return;
    checked = true;
    try {
      checkEncoding(chunk);
    } catch (err) {
      parser.destroy(err as Error);
    }
  });
  file.on('error', (err) => parser.destroy(err));
  file.pipe(parser);

  let header: Header | null = null;
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = readHeader(rec.record);
      continue;
    }
    if (++rows > CONTACT_LIMITS.importRows) {
      file.resume();
      throw errors.payloadTooLarge(`At most ${CONTACT_LIMITS.importRows} rows per import`);
    }
    const raw = toRaw(header, rec.record, rec.info.lines);
    if ('reason' in raw) reject(raw);
    else batch.push(raw);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  if (!header) throw errors.validation('The CSV is empty', [{ path: 'file', message: 'no header line' }]);
  await flush();
  await withOrg(deps.db, scope, (tx) =>
    recordAudit(tx, actorOf(principal), { action: 'campaign.contacts_imported', targetType: 'campaign', targetId: campaignId, after: { imported, rejected: rejectedCount } }, meta),
  );
  return { imported, rejected: rejected.sort((a, b) => a.row - b.row), rejected_count: rejectedCount };
}
