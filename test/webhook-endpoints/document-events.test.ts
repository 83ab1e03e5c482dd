import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/features/webhook-endpoints/signing.js';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { makeGarbagePdf } from '../fixtures/knowledge/generate.js';
import { call, signup } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { pasteText, settle, upload } from '../knowledge/support.js';
import { runDueDeliveries } from './run-jobs.js';

/** Knowledge ingestion emits document.ready / document.failed: signed, with facts and never the content. */
describe(`document webhook events from knowledge ingestion (${modeName})`, () => {
  let t: TestApp;
  let receiver: TestServer;
  let token: string;
  let secret: string;
  const path = `/hook/${randomUUID()}`;
  const received = () => receiver.requests.filter((r) => r.url === path);

  beforeAll(async () => {
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    receiver = await startHttpServer((_req, res) => void res.writeHead(200).end());
    const s = await signup(t.app, 'Document events');
    token = s.access_token;
    const res = await call(t.app, { method: 'POST', url: '/webhook-endpoints', token, body: { url: `${receiver.origin}${path}`, events: ['document.ready', 'document.failed'] } });
    expect(res.statusCode, res.body).toBe(201);
    secret = res.json().signing_secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const deliveredFor = async (documentId: string) => {
    await runDueDeliveries(t.deps);
    const reqs = received().filter((r) => (JSON.parse(r.body) as { data: { document_id: string } }).data.document_id === documentId);
    expect(reqs).toHaveLength(1);
    const req = reqs[0]!;
    expect(verifyWebhookSignature({ secret, header: req.headers['converse-signature'] as string, body: req.body })).toBe(true);
    return { req, event: JSON.parse(req.body) as { type: string; data: Record<string, unknown> } };
  };

  it('sends document.ready with the chunk count once a document is searchable', async () => {
    const content = 'The cafeteria opens at half past seven and closes at three o clock in the afternoon.';
    const doc = await pasteText(t.app, token, 'Cafeteria hours', content);
    const ready = await settle(t.deps, t.app, token, doc.id);
    expect(ready.status).toBe('ready');
    const { req, event } = await deliveredFor(doc.id);
    expect(req.headers['converse-event']).toBe('document.ready');
    expect(event).toMatchObject({ type: 'document.ready', data: { document_id: doc.id, name: 'Cafeteria hours', status: 'ready', chunk_count: ready.chunk_count, source: 'text' } });
    expect(ready.chunk_count).toBeGreaterThan(0);
    expect(req.body).not.toContain('cafeteria opens');
  });

  it('sends document.failed with the reason when ingestion fails', async () => {
    const res = await upload(t.app, token, { bytes: makeGarbagePdf(), filename: 'garbage.pdf', mime: 'application/pdf', fields: { name: 'Broken' } });
    expect(res.statusCode, res.body).toBe(202);
    const failed = await settle(t.deps, t.app, token, res.json().id);
    expect(failed.status).toBe('failed');
    const { req, event } = await deliveredFor(failed.id);
    expect(req.headers['converse-event']).toBe('document.failed');
    expect(event).toMatchObject({ type: 'document.failed', data: { document_id: failed.id, name: 'Broken', status: 'failed', error: failed.error } });
    expect(event.data.chunk_count).toBeUndefined();
  });
});
