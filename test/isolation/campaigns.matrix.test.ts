import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { startCampaignHarness, type CampaignHarness } from '../campaigns/support.js';
import { multipart } from '../campaigns/multipart.js';
import { CALLERS, createMatrixFixtures, runMatrix, tokenFor, type MatrixFixtures } from './matrix.js';
import { campaignRows, seedCampaigns, WRITERS } from './rows/campaigns.js';

/**
 * The isolation matrix for /campaigns (see matrix.ts; coverage.test.ts checks the rows cover every
 * route), with the channels' provider calls going to the simulator. The multipart CSV import is run by
 * hand below for every caller against its own, the other org's and a missing campaign.
 */
describe(`isolation matrix: campaigns (${modeName})`, () => {
  let h: CampaignHarness;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    h = await startCampaignHarness();
    fx = await createMatrixFixtures(h.app);
    await seedCampaigns(fx, { name: 'Line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER });
  });
  afterAll(async () => h?.close());

  runMatrix(campaignRows, () => fx);

  it('POST /campaigns/{id}/contacts/import: every caller, own / other org / missing campaign', async () => {
    const csv = 'phone\n+919911112222\n';
    for (const org of ['A', 'B'] as const) {
      const other = org === 'A' ? 'B' : 'A';
      for (const caller of CALLERS) {
        const token = tokenFor(fx, org, caller);
        const send = async (campaignId: string) => {
          const m = multipart(csv);
          return h.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/contacts/import`, headers: { authorization: `Bearer ${token}`, ...m.headers }, payload: m.payload });
        };
        const allowed = WRITERS.includes(caller);
        const own = await send(fx.seeds[org].campaign!);
        if (allowed) expect(own.statusCode, `${org}:${caller} own: ${own.body}`).toBe(201);
        else expectError(own, 403);
        const foreign = await send(fx.seeds[other].campaign!);
        const missing = await send('00000000-0000-4000-8000-000000000000');
        expectError(foreign, allowed ? 404 : 403);
        expect(foreign.body).toBe(missing.body);
      }
    }
    // Nothing reached the other org: each seed campaign holds only the number its own writers imported.
    for (const org of ['A', 'B'] as const) {
      const list = await call(h.app, { method: 'GET', url: `/campaigns/${fx.seeds[org].campaign}/contacts?limit=200`, token: fx.orgs[org].tokens.owner });
      expect(list.json().data.filter((c: { phone: string }) => c.phone === '+919911112222')).toHaveLength(1);
    }
  });

  it("another org's contact under its own campaign id is a 404 for every contact route", async () => {
    const list = await call(h.app, { method: 'GET', url: `/campaigns/${fx.seeds.A.campaign}/contacts?limit=1`, token: fx.orgs.A.tokens.owner });
    const add = await call(h.app, { method: 'POST', url: `/campaigns/${fx.seeds.A.campaign}/contacts`, token: fx.orgs.A.tokens.owner, body: [{ phone: '+919911113333' }] });
    expect(add.statusCode).toBe(201);
    const contact = (await call(h.app, { method: 'GET', url: `/campaigns/${fx.seeds.A.campaign}/contacts?limit=200`, token: fx.orgs.A.tokens.owner })).json().data.find((c: { phone: string }) => c.phone === '+919911113333');
    expect(list.statusCode).toBe(200);
    const url = `/campaigns/${fx.seeds.A.campaign}/contacts/${contact.id}`;
    for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'x' }], ['DELETE', undefined]] as const) {
      const res = await call(h.app, { method, url, token: fx.orgs.B.tokens.owner, ...(body ? { body } : {}) });
      expectError(res, 404);
    }
    const still = await call(h.app, { method: 'GET', url, token: fx.orgs.A.tokens.owner });
    expect(still.json()).toMatchObject({ id: contact.id, name: null });
  });
});
