import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitEvent } from '../../src/features/webhook-endpoints/events.js';
import { WEBHOOK_MAX_ATTEMPTS } from '../../src/features/webhook-endpoints/deliver-job.js';
import { verifyWebhookSignature } from '../../src/features/webhook-endpoints/signing.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, signup, type TestOrg } from '../helpers/api.js';
import { expectError } from '../http/support.js';
import { auditText, captureLogs, dumpDatabase, expectNoCanary } from '../tools/support.js';
import { fastForward, jobRunAt, runDueDeliveries } from './run-jobs.js';

describe(`outbound webhooks (${modeName})`, () => {
  let t: TestApp;
  let strict: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  let receiver: TestServer;
  /** Statuses the receiver answers with, in order; 200 once exhausted. */
  let plan: number[] = [];
  let a: TestOrg;
  let b: TestOrg;
  const secrets: string[] = [];

  beforeAll(async () => {
    logs = captureLogs();
    t = await createTestApp({ config: { allowPrivateNetwork: true }, log: logs.log });
    strict = await createTestApp({ testDb: t.testDb, keyring: t.keyring, log: logs.log });
    receiver = await startHttpServer((_req, res) => void res.writeHead(plan.shift() ?? 200).end('thanks'));
    a = await createOrg(t.app, 'Hooks A');
    b = await createOrg(t.app, 'Hooks B');
  });
  afterAll(async () => {
    await receiver?.close();
    await strict?.close();
    await t?.close();
  });

  /** Endpoints accumulate per org, so each delivery test gets its own org (owner token in every role). */
  const freshOrg = async (): Promise<TestOrg> => {
    const s = await signup(t.app, `Hooks ${randomUUID().slice(0, 6)}`);
    const tokens = { owner: s.access_token, admin: s.access_token, member: s.access_token, support_agent: s.access_token, viewer: s.access_token };
    return { ...a, id: s.organization.id, tokens };
  };
  const subscribe = async (org: TestOrg, events: string[], path = `/hook/${randomUUID()}`, app = t.app) => {
    const res = await call(app, { method: 'POST', url: '/webhook-endpoints', token: org.tokens.admin, body: { url: `${receiver.origin}${path}`, events } });
    if (res.statusCode === 201) secrets.push(res.json().signing_secret);
    return res;
  };
  const emit = (org: TestOrg, type: 'document.ready' | 'call.ended', data: Record<string, unknown>) => withOrg(t.deps.db, { orgId: org.id }, (tx) => emitEvent(tx, { type, data }));
  const deliveries = async (org: TestOrg, endpointId: string) => {
    const res = await call(t.app, { method: 'GET', url: `/webhook-endpoints/${endpointId}/deliveries`, token: org.tokens.viewer });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const requestsTo = (path: string) => receiver.requests.filter((r) => r.url === path);

  it('creates a subscription; the signing secret is shown once', async () => {
    const res = await subscribe(a, ['document.ready', 'document.failed']);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created.signing_secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect(created.secret).toEqual({ configured: true });
    const got = await call(t.app, { method: 'GET', url: `/webhook-endpoints/${created.id}`, token: a.tokens.viewer });
    const list = await call(t.app, { method: 'GET', url: '/webhook-endpoints', token: a.tokens.member });
    expect(got.json()).toEqual({ ...created, signing_secret: undefined });
    expect(list.json().data.map((e: { id: string }) => e.id)).toContain(created.id);
    expectNoCanary([created.signing_secret], { get: got.body, list: list.body });
    for (const bad of [{ events: [] }, { events: ['call.exploded'] }, { events: ['call.ended', 'call.ended'] }]) {
      expectError(await call(t.app, { method: 'POST', url: '/webhook-endpoints', token: a.tokens.admin, body: { url: `${receiver.origin}/x`, ...bad } }), 400);
    }
    expectError(await call(t.app, { method: 'POST', url: '/webhook-endpoints', token: a.tokens.admin, body: { url: 'http://u:p@example.com/', events: ['call.ended'] } }), 400);
  });

  it('delivers a signed event that the receiver can verify', async () => {
    const a = await freshOrg();
    const path = `/hook/${randomUUID()}`;
    const endpoint = (await subscribe(a, ['document.ready'], path)).json();
    const bystander = `/hook/${randomUUID()}`;
    await subscribe(a, ['call.ended'], bystander);
    const documentId = randomUUID();
    const emitted = await emit(a, 'document.ready', { document_id: documentId, chunk_count: 3 });
    expect(emitted.deliveryIds).toHaveLength(1);
    await runDueDeliveries(t.deps);

    const [req] = requestsTo(path);
    expect(requestsTo(bystander)).toHaveLength(0); // not subscribed to this event
    expect(req).toBeDefined();
    expect(req!.headers['converse-event']).toBe('document.ready');
    expect(req!.headers['converse-delivery']).toBe(emitted.deliveryIds[0]);
    const signature = req!.headers['converse-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret: endpoint.signing_secret, header: signature, body: req!.body })).toBe(true);
    expect(verifyWebhookSignature({ secret: `${endpoint.signing_secret}x`, header: signature, body: req!.body })).toBe(false);
    expect(verifyWebhookSignature({ secret: endpoint.signing_secret, header: signature, body: req!.body.replace('3', '4') })).toBe(false);
    expect(verifyWebhookSignature({ secret: endpoint.signing_secret, header: signature, body: req!.body, now: Math.floor(Date.now() / 1000) + 3600 })).toBe(false);
    expect(JSON.parse(req!.body)).toMatchObject({ id: emitted.eventId, type: 'document.ready', data: { document_id: documentId, chunk_count: 3 } });

    const [d] = await deliveries(a, endpoint.id);
    expect(d).toMatchObject({ id: emitted.deliveryIds[0], status: 'succeeded', attempts: 1, response_status: 200, error: null, next_attempt_at: null });
    expect(d!.delivered_at).not.toBeNull();
    expect(d!.history).toHaveLength(1);
  });

  it('retries failed deliveries with the recorded backoff, then succeeds', async () => {
    const a = await freshOrg();
    const path = `/hook/${randomUUID()}`;
    const endpoint = (await subscribe(a, ['call.ended'], path)).json();
    plan = [500, 503];
    await emit(a, 'call.ended', { call_id: randomUUID() });

    await runDueDeliveries(t.deps);
    let [d] = await deliveries(a, endpoint.id);
    expect(d).toMatchObject({ status: 'retrying', attempts: 1, response_status: 500, error: 'endpoint answered HTTP 500' });
    const wait1 = Date.parse(d!.next_attempt_at) - Date.now();
    expect(wait1).toBeGreaterThan(25_000);
    expect(wait1).toBeLessThan(31_000);
    // The queue will run it exactly then (within a second), and not before.
    const [runAt] = await jobRunAt(t.deps, a.id);
    expect(Math.abs(runAt!.getTime() - Date.parse(d!.next_attempt_at))).toBeLessThan(1500);
    await runDueDeliveries(t.deps);
    expect(requestsTo(path)).toHaveLength(1);

    await fastForward(t.deps, a.id);
    await runDueDeliveries(t.deps);
    [d] = await deliveries(a, endpoint.id);
    expect(d).toMatchObject({ status: 'retrying', attempts: 2, response_status: 503 });
    const wait2 = Date.parse(d!.next_attempt_at) - Date.now();
    expect(wait2).toBeGreaterThan(115_000);
    expect(wait2).toBeLessThan(121_000);

    await fastForward(t.deps, a.id);
    await runDueDeliveries(t.deps);
    [d] = await deliveries(a, endpoint.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, response_status: 200, next_attempt_at: null });
    expect(d!.history.map((h: { response_status: number }) => h.response_status)).toEqual([500, 503, 200]);
    expect(d!.history.map((h: { next_attempt_at: string | null }) => h.next_attempt_at === null)).toEqual([false, false, true]);
    // Every attempt was signed afresh and verifies.
    for (const r of requestsTo(path)) expect(verifyWebhookSignature({ secret: endpoint.signing_secret, header: r.headers['converse-signature'] as string, body: r.body })).toBe(true);
  });

  it(`gives up after ${WEBHOOK_MAX_ATTEMPTS} attempts`, async () => {
    const a = await freshOrg();
    const endpoint = (await subscribe(a, ['call.ended'])).json();
    plan = Array(WEBHOOK_MAX_ATTEMPTS).fill(500);
    await emit(a, 'call.ended', { call_id: randomUUID() });
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS + 1; i++) {
      await runDueDeliveries(t.deps);
      await fastForward(t.deps, a.id);
    }
    plan = [];
    const [d] = await deliveries(a, endpoint.id);
    expect(d).toMatchObject({ status: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS, next_attempt_at: null });
    expect(d!.history).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(await jobRunAt(t.deps, a.id)).toEqual([]);
  });

  it('refuses private destinations (SSRF): on save, and at delivery without retrying', async () => {
    const a = await freshOrg();
    expect((await subscribe(a, ['call.ended'], '/x', strict.app)).statusCode).toBe(422);
    const meta = await call(t.app, { method: 'POST', url: '/webhook-endpoints', token: a.tokens.admin, body: { url: 'http://169.254.169.254/hook', events: ['call.ended'] } });
    expect(expectError(meta, 422).details?.[0]).toMatchObject({ reason: 'metadata_address' });
    const path = `/hook/${randomUUID()}`;
    const endpoint = (await subscribe(a, ['call.ended'], path)).json(); // saved where private networks are allowed…
    await emit(a, 'call.ended', { call_id: randomUUID() });
    await runDueDeliveries(strict.deps); // …delivered where they are not
    const [d] = await deliveries(a, endpoint.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, response_status: null });
    expect(d!.error).toMatch(/refused/);
    expect(requestsTo(path)).toHaveLength(0);
  });

  it("never delivers one org's events to another org's endpoints", async () => {
    const pathA = `/hook/${randomUUID()}`;
    const endpointA = (await subscribe(a, ['document.failed'], pathA)).json();
    const emitted = await emit(b, 'document.ready', { document_id: randomUUID() });
    await withOrg(t.deps.db, { orgId: b.id }, (tx) => emitEvent(tx, { type: 'document.failed', data: { error: 'x' } }));
    await runDueDeliveries(t.deps);
    expect(emitted.deliveryIds).toEqual([]);
    expect(requestsTo(pathA)).toHaveLength(0);
    expect(await deliveries(a, endpointA.id)).toEqual([]);
    expectError(await call(t.app, { method: 'GET', url: `/webhook-endpoints/${endpointA.id}/deliveries`, token: b.tokens.admin }), 404);
    await expect(withOrg(t.deps.db, { orgId: a.id }, (tx) => emitEvent(tx, { type: 'nope' as 'call.ended', data: {} }))).rejects.toThrow(/unknown event type/);
  });

  it('deleting an endpoint drops its queued deliveries quietly', async () => {
    const a = await freshOrg();
    const path = `/hook/${randomUUID()}`;
    const endpoint = (await subscribe(a, ['call.ended'], path)).json();
    await emit(a, 'call.ended', { call_id: randomUUID() });
    expect((await call(t.app, { method: 'DELETE', url: `/webhook-endpoints/${endpoint.id}`, token: a.tokens.admin })).statusCode).toBe(204);
    await runDueDeliveries(t.deps);
    expect(requestsTo(path)).toHaveLength(0);
    expect(await jobRunAt(t.deps, a.id)).toEqual([]);
    expectError(await call(t.app, { method: 'GET', url: `/webhook-endpoints/${endpoint.id}/deliveries`, token: a.tokens.admin }), 404);
    expectError(await call(t.app, { method: 'DELETE', url: `/webhook-endpoints/${endpoint.id}`, token: a.tokens.admin }), 404);
  });

  it('edits an endpoint: events, URL (address policy applies), description; the secret stays', async () => {
    const a = await freshOrg();
    const created = (await subscribe(a, ['call.ended'])).json();
    const path = `/hook/${randomUUID()}`;
    const patch = (body: unknown, org = a, id = created.id, app = t.app) => call(app, { method: 'PATCH', url: `/webhook-endpoints/${id}`, token: org.tokens.admin, body });
    const res = await patch({ url: `${receiver.origin}${path}`, events: ['document.ready', 'call.ended'], description: 'edited' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: created.id, url: `${receiver.origin}${path}`, events: ['document.ready', 'call.ended'], description: 'edited', secret: { configured: true } });
    expect(res.json().signing_secret).toBeUndefined();
    expect((await patch({ description: 'only this' })).json()).toMatchObject({ events: ['document.ready', 'call.ended'], description: 'only this' });
    // The new subscription is what events fan out to, signed with the original secret.
    await emit(a, 'document.ready', { document_id: randomUUID() });
    await runDueDeliveries(t.deps);
    const [req] = requestsTo(path);
    expect(verifyWebhookSignature({ secret: created.signing_secret, header: req!.headers['converse-signature'] as string, body: req!.body })).toBe(true);
    for (const bad of [{}, { events: [] }, { events: ['call.exploded'] }, { url: 'ftp://x/' }, { signing_secret: 'x' }]) expectError(await patch(bad), 400);
    expect(expectError(await patch({ url: 'http://169.254.169.254/hook' }), 422).details?.[0]).toMatchObject({ reason: 'metadata_address' });
    expectError(await patch({ description: 'x' }, b), 404);
    expect(await auditText(t.app, a.tokens.owner)).toContain('webhook_endpoint.updated');
  });

  it('redelivers a finished delivery as a new delivery of the same event; 409 while queued', async () => {
    const a = await freshOrg();
    const path = `/hook/${randomUUID()}`;
    const endpoint = (await subscribe(a, ['call.ended'], path)).json();
    const emitted = await emit(a, 'call.ended', { call_id: randomUUID() });
    const original = emitted.deliveryIds[0]!;
    const redeliver = (org: TestOrg, deliveryId = original, endpointId = endpoint.id) =>
      call(t.app, { method: 'POST', url: `/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`, token: org.tokens.admin });
    expect(expectError(await redeliver(a), 409).message).toMatch(/still queued/);
    await runDueDeliveries(t.deps);

    const res = await redeliver(a);
    expect(res.statusCode, res.body).toBe(202);
    const fresh = res.json();
    expect(fresh).toMatchObject({ endpoint_id: endpoint.id, event_id: emitted.eventId, event_type: 'call.ended', status: 'pending', attempts: 0, history: [] });
    expect(fresh.id).not.toBe(original);
    await runDueDeliveries(t.deps);
    const reqs = requestsTo(path);
    expect(reqs).toHaveLength(2);
    expect(reqs[1]!.headers['converse-delivery']).toBe(fresh.id);
    expect(reqs[1]!.body).toBe(reqs[0]!.body); // the identical signed document: same event id
    expect(verifyWebhookSignature({ secret: endpoint.signing_secret, header: reqs[1]!.headers['converse-signature'] as string, body: reqs[1]!.body })).toBe(true);
    const list = await deliveries(a, endpoint.id);
    expect(list.map((d) => [d.id, d.status])).toEqual(expect.arrayContaining([[original, 'succeeded'], [fresh.id, 'succeeded']]));

    // Another org's endpoint or delivery, and a delivery under the wrong endpoint, are all 404.
    expectError(await redeliver(b), 404);
    const other = (await subscribe(a, ['call.started'])).json();
    expectError(await redeliver(a, original, other.id), 404);
    expectError(await redeliver(a, randomUUID()), 404);
    expect(await auditText(t.app, a.tokens.owner)).toContain('webhook_delivery.redelivered');
  });

  it('keeps signing secrets out of audit rows, logs and the database', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const audit = await auditText(t.app, a.tokens.owner);
    expect(audit).toContain('webhook_endpoint.created');
    expectNoCanary(secrets, { audit, logs: logs.text(), database: await dumpDatabase(t.testDb.admin) });
  });
});
