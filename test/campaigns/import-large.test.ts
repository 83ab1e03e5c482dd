/**
 * A 100,000-row CSV through a real HTTP upload. The body is produced as it is sent and the sender stops
 * half-way until the database already holds contacts of this import: the server writes batches while the
 * upload is still arriving, so the file is never held in memory whole.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg } from '../../src/platform/db/with-org.js';
import { modeName } from '../helpers/harness.js';
import { newCampaign, ok, sleep, startCampaignHarness, type CampaignHarness, type CampaignOrg } from './support.js';

const ROWS = 100_000;

let h: CampaignHarness;
let org: CampaignOrg;
beforeAll(async () => {
  h = await startCampaignHarness();
  org = await h.newOrg();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => h?.close());

describe(`CSV import of ${ROWS} rows (${modeName})`, () => {
  it('streams into the database while the upload arrives, with a rejection per bad line', async () => {
    const c = await newCampaign(h.app, org);
    const count = () => withOrg(h.t.deps.db, { orgId: org.id }, async (tx) => (await tx.query<{ n: number }>('select count(*)::int as n from app.campaign_contacts where org_id = $1 and campaign_id = $2', [org.id, c.id])).rows[0]!.n);
    const boundary = '----converse-large';
    const enc = new TextEncoder();
    let waitedForServer = false;
    let countMidway = -1;
    const expectedRejections: Array<{ row: number; reason: string }> = [];
    async function* body(): AsyncGenerator<Uint8Array> {
      yield enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nphone,name,segment,note\r\n`);
      let chunk = '';
      for (let i = 0; i < ROWS; i++) {
        const line = i + 2;
        let phone = `+9198${String(10_000_000 + i).padStart(8, '0')}`;
        if (i % 10_000 === 9_999) {
          phone = `+9198${String(10_000_000 + i - 1).padStart(8, '0')}`; // the previous line's number again
          expectedRejections.push({ row: line, reason: 'duplicate' });
        } else if (i % 25_000 === 12_345) {
          phone = '12';
          expectedRejections.push({ row: line, reason: 'invalid_phone' });
        }
        chunk += `${phone},Zoë ${i},${i % 7 === 0 ? '"=cmd|\' /C calc\'!A0"' : `seg-${i % 5}`},"line ${line}, ok"\r\n`;
        if (chunk.length > 64 * 1024) {
          yield enc.encode(chunk);
          chunk = '';
        }
        if (i === ROWS / 2) {
          if (chunk) yield enc.encode(chunk);
          chunk = '';
          // Hold the rest of the upload until the server has committed rows of this very import.
          for (const until = Date.now() + 60_000; Date.now() < until; await sleep(50)) {
            if ((await count()) > 0) break;
          }
          countMidway = await count();
          waitedForServer = true;
        }
      }
      yield enc.encode(`${chunk}\r\n--${boundary}--\r\n`);
    }
    const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/api/v1`;
    const stream = ReadableStream.from(body());
    const res = await fetch(`${base}/campaigns/${c.id}/contacts/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const result = (await res.json()) as { imported: number; rejected: Array<{ row: number; reason: string }>; rejected_count: number };
    expect(res.status, JSON.stringify(result).slice(0, 300)).toBe(201);
    expect(waitedForServer).toBe(true);
    expect(countMidway).toBeGreaterThan(0);
    expect(countMidway).toBeLessThan(ROWS / 2 + 1);
    expect(result.rejected).toEqual(expectedRejections);
    expect(result.rejected_count).toBe(expectedRejections.length);
    expect(result.imported).toBe(ROWS - expectedRejections.length);
    expect(await count()).toBe(result.imported);
    const stats = await ok(h.app, 'GET', `/campaigns/${c.id}/stats`, org.token);
    expect(stats.contacts).toMatchObject({ total: result.imported, pending: result.imported });

    // The export streams every contact back, formula cells inert.
    const exp = await fetch(`${base}/campaigns/${c.id}/export`, { headers: { authorization: `Bearer ${org.token}` } });
    const text = await exp.text();
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(result.imported + 1);
    expect(text).not.toMatch(/(^|,)"?=cmd/m);
    expect(text).toMatch(/,'=cmd\|' \/C calc'!A0\r\n/); // the last column (segment), apostrophe first
  }, 300_000);
});
