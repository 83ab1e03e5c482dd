/** The campaigns API: lifecycle and editing rules, contacts (JSON and CSV), export, stats and its stream. */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg } from '../../src/platform/db/with-org.js';
import { call } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { multipart } from './multipart.js';
import { ALWAYS, contactsOf, newCampaign, ok, startCampaignHarness, type CampaignHarness, type CampaignOrg } from './support.js';

let h: CampaignHarness;
let org: CampaignOrg;
beforeAll(async () => {
  h = await startCampaignHarness();
  org = await h.newOrg();
});
afterAll(async () => h?.close());

async function importCsv(campaignId: string, file: Buffer | string, token = org.token) {
  const m = multipart(file);
  return h.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/contacts/import`, headers: { authorization: `Bearer ${token}`, ...m.headers }, payload: m.payload });
}

describe(`campaigns API (${modeName})`, () => {
  it('validates campaigns at the edge and against the org', async () => {
    const bad = async (body: Record<string, unknown>, status: number) => {
      const res = await call(h.app, { method: 'POST', url: '/campaigns', token: org.token, body: { name: 'x', agent_id: org.agentId, channel_id: org.channelId, timezone: 'UTC', ...body } });
      expectError(res, status);
      return res.json();
    };
    await bad({ timezone: 'Mars/Olympus' }, 400);
    await bad({ calling_window: { days: [1], start: '18:00', end: '09:00' } }, 400);
    await bad({ calling_window: { days: [0], start: '09:00', end: '18:00' } }, 400);
    await bad({ retry_on: ['completed'] }, 400);
    await bad({ max_concurrency: 0 }, 400);
    await bad({ status: 'running' }, 400); // read-only
    await bad({ org_id: org.id }, 400);
    const other = await h.newOrg('Other');
    await bad({ agent_id: other.agentId }, 404);
    await bad({ channel_id: other.channelId }, 404);
    const web = await ok(h.app, 'POST', '/channels', org.token, { name: 'Web', type: 'web', provider: 'web', allowed_origins: ['https://a.example'], agent_id: org.agentId });
    await bad({ channel_id: web.id }, 400);
  });

  it('follows the lifecycle and its editing rules', async () => {
    const c = await newCampaign(h.app, org);
    expect(c).toMatchObject({ status: 'draft', max_concurrency: 1, max_attempts: 3, retry_on: ['no_answer', 'busy', 'failed'], started_at: null });
    const act = (action: string, status = 200) => ok(h.app, 'POST', `/campaigns/${c.id}/${action}`, org.token, undefined, status);
    expectError(await call(h.app, { method: 'POST', url: `/campaigns/${c.id}/start`, token: org.token }), 409); // no contacts
    await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, [{ phone: '+919800001001' }]);
    expect(await act('pause', 409)).toBeDefined();
    expect((await act('start')).status).toBe('running');
    await act('start', 409);
    expectError(await call(h.app, { method: 'PATCH', url: `/campaigns/${c.id}`, token: org.token, body: { channel_id: org.channelId } }), 409);
    expect(await ok(h.app, 'PATCH', `/campaigns/${c.id}`, org.token, { max_concurrency: 4, calling_window: ALWAYS })).toMatchObject({ max_concurrency: 4 });
    expectError(await call(h.app, { method: 'DELETE', url: `/campaigns/${c.id}`, token: org.token }), 409);
    expect((await act('pause')).status).toBe('paused');
    expect((await act('resume')).status).toBe('running');
    const cancelled = await act('cancel');
    expect(cancelled).toMatchObject({ status: 'cancelled', finished_at: expect.any(String) });
    await act('resume', 409);
    expectError(await call(h.app, { method: 'PATCH', url: `/campaigns/${c.id}`, token: org.token, body: { max_attempts: 2 } }), 409);
    expect(await ok(h.app, 'PATCH', `/campaigns/${c.id}`, org.token, { name: 'Renamed' })).toMatchObject({ name: 'Renamed' });
    expectError(await call(h.app, { method: 'POST', url: `/campaigns/${c.id}/contacts`, token: org.token, body: [{ phone: '+919800001002' }] }), 409);
    expect((await contactsOf(h.app, org, c.id))[0]).toMatchObject({ status: 'cancelled' });
    await ok(h.app, 'DELETE', `/campaigns/${c.id}`, org.token);
    expectError(await call(h.app, { method: 'GET', url: `/campaigns/${c.id}`, token: org.token }), 404);
    const list = await ok(h.app, 'GET', '/campaigns?status=cancelled', org.token);
    expect(list.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
  });

  it('adds contacts from JSON: E.164 with the default region, zones, and a rejection per row', async () => {
    const c = await newCampaign(h.app, org, { default_region: 'IN', timezone: 'America/Chicago' });
    await ok(h.app, 'POST', '/dnc', org.token, { phone: '+919800002004' });
    const r = await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, [
      { phone: '098000 02001', name: 'Asha', data: { plan: 'gold', due: 42 } }, // national, read in IN
      { phone: '+1 (212) 555-0142', timezone: 'America/New_York' },
      { phone: '+919800002001' }, // the first one again
      { phone: 'not a number' },
      { phone: '+919800002004' }, // on the do-not-call list
      { phone: '+12125550143', timezone: 'Nowhere/City' },
      { phone: '+12125550144' },
    ]);
    expect(r).toEqual({
      imported: 3,
      rejected: [{ row: 2, reason: 'duplicate' }, { row: 3, reason: 'invalid_phone' }, { row: 4, reason: 'dnc' }, { row: 5, reason: 'invalid_timezone' }],
      rejected_count: 4,
    });
    const again = await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, [{ phone: '+12125550142' }]);
    expect(again).toMatchObject({ imported: 0, rejected: [{ row: 0, reason: 'duplicate' }] });
    const contacts = await contactsOf(h.app, org, c.id);
    const by = (p: string) => contacts.find((x) => x.phone === p);
    expect(by('+919800002001')).toMatchObject({ name: 'Asha', timezone: 'Asia/Kolkata', data: { plan: 'gold', due: 42 }, status: 'pending', attempts: 0 });
    expect(by('+12125550142')).toMatchObject({ timezone: 'America/New_York' });
    expect(by('+12125550144')).toMatchObject({ timezone: null }); // US has several zones: the campaign's applies
    expectError(await call(h.app, { method: 'POST', url: `/campaigns/${c.id}/contacts`, token: org.token, body: Array.from({ length: 10_001 }, () => ({ phone: '+12125550144' })) }), 400);
  });

  it('lists campaigns with their progress, and searches the do-not-call list by digits', async () => {
    const own = await h.newOrg('Progress');
    const c = await newCampaign(h.app, own);
    await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, own.token, [{ phone: '+919800003001' }, { phone: '+919800003002' }, { phone: '+919800003003' }]);
    const empty = await newCampaign(h.app, own, { name: 'Empty' });
    await ok(h.app, 'POST', `/campaigns/${c.id}/cancel`, own.token); // pending contacts become cancelled: done
    const list = (await ok(h.app, 'GET', '/campaigns', own.token)).data;
    expect(list.find((x: { id: string }) => x.id === c.id).progress).toEqual({ total: 3, done: 3 });
    expect(list.find((x: { id: string }) => x.id === empty.id).progress).toEqual({ total: 0, done: 0 });

    for (const phone of ['+14155550100', '+14155550199', '+442071234567']) await ok(h.app, 'POST', '/dnc', own.token, { phone });
    const search = async (q: string) => (await ok(h.app, 'GET', `/dnc?search=${encodeURIComponent(q)}`, own.token)).data.map((x: { phone: string }) => x.phone);
    expect(await search('555010')).toEqual(['+14155550100']);
    expect(await search('+4155')).toEqual(['+14155550100', '+14155550199']);
    expect(await search('0')).toHaveLength(3);
    expectError(await call(h.app, { method: 'GET', url: '/dnc?search=%25', token: own.token }), 400); // no wildcard gets through
  });

  it('gets, patches and deletes a contact (deleting removes its personal data)', async () => {
    const c = await newCampaign(h.app, org, { default_region: 'US' });
    await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, [{ phone: '+12125550150', name: 'Bo', data: { city: 'NYC' } }, { phone: '+12125550151' }]);
    const [first] = (await contactsOf(h.app, org, c.id)).filter((x) => x.phone === '+12125550150');
    const url = `/campaigns/${c.id}/contacts/${first.id}`;
    expect(await ok(h.app, 'GET', url, org.token)).toMatchObject({ id: first.id, name: 'Bo' });
    expect(await ok(h.app, 'PATCH', url, org.token, { phone: '(212) 555-0152', name: 'Bob' })).toMatchObject({ phone: '+12125550152', name: 'Bob', data: { city: 'NYC' } });
    expectError(await call(h.app, { method: 'PATCH', url, token: org.token, body: { phone: '+12125550151' } }), 409); // already a contact
    expectError(await call(h.app, { method: 'PATCH', url, token: org.token, body: { status: 'completed' } }), 400);
    await ok(h.app, 'DELETE', url, org.token);
    expectError(await call(h.app, { method: 'GET', url, token: org.token }), 404);
    const left = await withOrg(h.t.deps.db, { orgId: org.id }, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from app.campaign_contacts where org_id = $1 and (phone = '+12125550152' or name = 'Bob')`, [org.id])).rows[0]!.n);
    expect(left).toBe(0);
    const audit = await withOrg(h.t.deps.db, { orgId: org.id }, async (tx) => (await tx.query<{ t: string }>(`select coalesce(before::text, '') || coalesce(after::text, '') as t from app.audit_log where org_id = $1 and action = 'campaign.contact_deleted'`, [org.id])).rows);
    expect(audit.map((a) => a.t).join()).not.toContain('Bob');
  });

  it('imports a CSV: custom columns, rejections per line, malformed rows, bad bytes, BOM and CRLF', async () => {
    const c = await newCampaign(h.app, org, { default_region: 'IN' });
    // Line numbers (header = 1). A quote inside an unquoted field is malformed: that record is skipped.
    const csv = Buffer.concat([
      Buffer.from('\uFEFFPhone,Name,plan,Timezone,notes\r\n'),
      Buffer.from('9800003001,Asha,gold,,"likes ""quotes"", commas"\r\n'), // 2: national number, read in IN
      Buffer.from('+919800003001,Asha again,gold,,\r\n'), // 3: duplicate
      Buffer.from('12345,Bad,silver,,\r\n'), // 4: invalid number
      Buffer.from('+12125550160,Ca"rl,x,,\r\n'), // 5: malformed
      Buffer.from('+12125550161,'), Buffer.from([0x4a, 0xe9, 0x72, 0xf4, 0x6d, 0x65]), Buffer.from(',x,,\r\n'), // 6: Latin-1 bytes
      Buffer.from('+12125550162,Dee,x,Europe/Paris\r\n'), // 7: fewer columns is fine
      Buffer.from('+12125550163,Eve,x,Bad/Zone,\r\n'), // 8
      Buffer.from('+12125550164,Zoë,"=HYPERLINK(""http://evil.example"",""x"")",,\r\n'), // 9: UTF-8 ë is fine
    ]);
    const res = await importCsv(c.id, csv);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      imported: 3,
      rejected: [{ row: 3, reason: 'duplicate' }, { row: 4, reason: 'invalid_phone' }, { row: 5, reason: 'malformed_row' }, { row: 6, reason: 'invalid_encoding' }, { row: 8, reason: 'invalid_timezone' }],
      rejected_count: 5,
    });
    const contacts = await contactsOf(h.app, org, c.id);
    const by = (p: string) => contacts.find((x) => x.phone === p);
    expect(by('+919800003001')).toMatchObject({ name: 'Asha', data: { plan: 'gold', notes: 'likes "quotes", commas' } });
    expect(by('+12125550162')).toMatchObject({ timezone: 'Europe/Paris', data: { plan: 'x' } });
    expect(by('+12125550164')).toMatchObject({ name: 'Zoë' });

    // The export keeps formula-like text inert and numbers as they are.
    const exp = await call(h.app, { method: 'GET', url: `/campaigns/${c.id}/export`, token: org.token });
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-type']).toMatch(/^text\/csv/);
    const lines = exp.body.trim().split('\r\n');
    expect(lines[0]).toBe('contact_id,phone,name,timezone,status,attempts,last_outcome,last_attempt_at,notes,plan');
    expect(lines).toHaveLength(4);
    const zoe = lines.find((l) => l.includes('Zoë'))!;
    expect(zoe).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(zoe).toContain(',+12125550164,');
    for (const l of lines.slice(1)) for (const cell of l.split(',')) expect(cell).not.toMatch(/^"?[=@]/);
  });

  it('refuses what is not a UTF-8 CSV upload', async () => {
    const c = await newCampaign(h.app, org);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone\r\n+12125550170\r\n', 'utf16le')]);
    expectError(await importCsv(c.id, utf16), 415);
    expectError(await importCsv(c.id, 'name,city\nAnn,Paris\n'), 400); // no phone column
    expectError(await importCsv(c.id, ''), 400);
    expectError(await call(h.app, { method: 'POST', url: `/campaigns/${c.id}/contacts/import`, token: org.token, body: [{ phone: '+12125550171' }] }), 415);
    const stats = await ok(h.app, 'GET', `/campaigns/${c.id}/stats`, org.token);
    expect(stats.contacts.total).toBe(0);
  });

  it('serves stats as JSON and as a live event stream that ends with the campaign', async () => {
    const c = await newCampaign(h.app, org);
    await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, [{ phone: '+12125550180' }, { phone: '+12125550181' }]);
    expect(await ok(h.app, 'GET', `/campaigns/${c.id}/stats`, org.token)).toMatchObject({
      campaign_id: c.id, status: 'draft', contacts: { total: 2, pending: 2, dialing: 0 }, attempts: { total: 0, in_progress: 0 }, outcomes: {}, answer_rate: null,
    });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/api/v1`;
    const res = await fetch(`${base}/campaigns/${c.id}/stats`, { headers: { authorization: `Bearer ${org.token}`, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      const until = Date.now() + 10_000;
      while (!text.includes(needle) && Date.now() < until) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      return text.includes(needle);
    };
    expect(await readUntil('"status":"draft"')).toBe(true);
    await ok(h.app, 'POST', `/campaigns/${c.id}/cancel`, org.token);
    expect(await readUntil('event: end')).toBe(true);
    expect(text).toMatch(/event: stats\ndata: \{[^\n]*"status":"cancelled"[^\n]*"cancelled":2/);
    const other = await h.newOrg('Watcher');
    const foreign = await fetch(`${base}/campaigns/${c.id}/stats`, { headers: { authorization: `Bearer ${other.token}`, accept: 'text/event-stream' } });
    expect(foreign.status).toBe(404);
  });
});
