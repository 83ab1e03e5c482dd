/**
 * GET /campaigns/{id}/export: results per contact as CSV, streamed page by page (one short tenant
 * transaction per 1,000 contacts), oldest first. Every cell goes through `csvCell`, so text a contact
 * list brought in (`=HYPERLINK(...)`, `@SUM(...)`) stays inert when the file is opened in a spreadsheet.
 */
import { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { toIso } from '../../platform/http/schemas.js';
import type { Cursor } from '../../platform/http/pagination.js';
import * as repo from './repo.js';
import { csvCell } from './rules.js';
import { CONTACT_LIMITS } from './schemas.js';
import { loadCampaign } from './service.js';

const PAGE = 1000;
const FIXED = ['contact_id', 'phone', 'name', 'timezone', 'status', 'attempts', 'last_outcome', 'last_attempt_at'] as const;

const line = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** 404 before anything is streamed; then the header and one line per contact. */
export async function exportResultsCsv(deps: Deps, principal: Principal, campaignId: string): Promise<{ filename: string; stream: Readable }> {
  const scope = scopeOf(principal);
  const keys = await withOrg(deps.db, scope, async (tx) => {
    await loadCampaign(tx, campaignId);
    return repo.dataKeys(tx, campaignId, CONTACT_LIMITS.dataKeys);
  });
  async function* rows(): AsyncGenerator<string> {
    yield line([...FIXED, ...keys]);
    let after: Cursor | null = null;
    for (;;) {
      const batch = await withOrg(deps.db, scope, (tx) => repo.exportPage(tx, campaignId, after, PAGE));
      if (batch.length === 0) return;
      yield batch
        .map((c) => line([c.id, c.phone, c.name, c.timezone, c.status, c.attempts, c.last_outcome, toIso(c.last_attempt_at), ...keys.map((k) => c.data[k])]))
        .join('');
      const lastRow = batch[batch.length - 1]!;
      after = { t: lastRow.cursor_at!, id: lastRow.id };
      if (batch.length < PAGE) return;
    }
  }
  return { filename: `campaign-${campaignId}.csv`, stream: Readable.from(rows()) };
}
