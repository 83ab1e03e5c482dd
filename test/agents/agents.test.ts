import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbError } from '../../src/platform/db/errors.js';
import { withOrg, withoutOrg } from '../../src/platform/db/with-org.js';
import { AppError } from '../../src/platform/errors.js';
import { call, signup } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { create, lastAudit, minimalFlow } from './support.js';

describe(`agents (${modeName})`, () => {
  let t: TestApp;
  let a: string; // org A owner token
  let b: string; // org B owner token
  let orgA: string;
  let orgB: string;
  beforeAll(async () => {
    t = await createTestApp();
    const sa = await signup(t.app, 'Agents A');
    const sb = await signup(t.app, 'Agents B');
    [a, b, orgA, orgB] = [sa.access_token, sb.access_token, sa.organization.id, sb.organization.id];
  });
  afterAll(async () => t?.close());

  it('creates with defaults, canonicalizes the language tag, reads it back and lists it', async () => {
    const bare = await create(t.app, a, '/agents', { name: '  Receptionist  ' });
    expect(bare).toMatchObject({ name: 'Receptionist', system_prompt: '', llm_model: null, language: 'en-US', greeting: null, voice: null, flow_id: null, settings: {} });
    expect(bare.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(bare.created_at)).not.toBeNaN();

    const full = { name: 'Sales', system_prompt: 'You sell.', llm_model: 'gpt-4o-mini', language: 'hi-in', greeting: 'Namaste {{caller_number}}', voice: 'alloy', settings: { temperature: 0.2, tools: { max: 3 } } };
    const made = await create(t.app, a, '/agents', full);
    expect(made).toMatchObject({ ...full, language: 'hi-IN' });
    const got = await call(t.app, { method: 'GET', url: `/agents/${made.id}`, token: a });
    expect(got.json()).toEqual(made);
    const list = await call(t.app, { method: 'GET', url: '/agents', token: a });
    expect(list.json().data.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([bare.id, made.id]));
    expect((await lastAudit(t.app, a, 'agent.created')).after).toEqual(made);
  });

  it.each([
    ['a malformed language tag', { name: 'x', language: 'en_US' }, 'body.language'],
    ['a private-use-only tag', { name: 'x', language: 'x-klingon' }, 'body.language'],
    ['an unknown field', { name: 'x', temperature: 1 }, 'body'],
    ['an empty name', { name: '   ' }, 'body.name'],
    ['settings that are not an object', { name: 'x', settings: [1] }, 'body.settings'],
    ['settings nested too deep', { name: 'x', settings: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }, 'body.settings'],
    ['a system prompt over 32000 characters', { name: 'x', system_prompt: 'p'.repeat(32_001) }, 'body.system_prompt'],
    ['a flow_id that is not a UUID', { name: 'x', flow_id: 'flow-1' }, 'body.flow_id'],
  ])('rejects %s with 400', async (_what, body, path) => {
    const err = expectError(await call(t.app, { method: 'POST', url: '/agents', token: a, body }), 400);
    expect(err.details?.map((d) => d.path)).toContain(path);
  });

  it('rejects org_id anywhere in the body, and bodies over the size limit', async () => {
    expectError(await call(t.app, { method: 'POST', url: '/agents', token: a, body: { name: 'x', settings: { org_id: orgB } } }), 400);
    expectError(await call(t.app, { method: 'POST', url: '/agents', token: a, body: { name: 'x', system_prompt: 'p'.repeat(300_000) } }), 413);
  });

  it('PUT replaces every field (omitted ones reset); PATCH changes only the fields given', async () => {
    const ag = await create(t.app, a, '/agents', { name: 'Support', greeting: 'Hi', voice: 'nova', llm_model: 'm1', settings: { k: 1 } });
    const patched = await call(t.app, { method: 'PATCH', url: `/agents/${ag.id}`, token: a, body: { name: 'Support 2', settings: { k: 2 } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Support 2', greeting: 'Hi', voice: 'nova', llm_model: 'm1', settings: { k: 2 } });
    expect(Date.parse(patched.json().updated_at)).toBeGreaterThanOrEqual(Date.parse(ag.updated_at));
    expect(patched.json().created_at).toBe(ag.created_at);

    const cleared = await call(t.app, { method: 'PATCH', url: `/agents/${ag.id}`, token: a, body: { greeting: null } });
    expect(cleared.json()).toMatchObject({ greeting: null, voice: 'nova' });

    const audit = await lastAudit(t.app, a, 'agent.updated');
    expect(audit).toMatchObject({ target_type: 'agent', target_id: ag.id, before: { greeting: 'Hi' }, after: { greeting: null, voice: 'nova' } });

    const replaced = await call(t.app, { method: 'PUT', url: `/agents/${ag.id}`, token: a, body: { name: 'Support 3', language: 'fr-FR' } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: ag.id, name: 'Support 3', language: 'fr-FR', greeting: null, voice: null, llm_model: null, settings: {}, system_prompt: '' });

    expectError(await call(t.app, { method: 'PATCH', url: `/agents/${ag.id}`, token: a, body: {} }), 400);
    expectError(await call(t.app, { method: 'PUT', url: `/agents/${ag.id}`, token: a, body: { greeting: 'no name' } }), 400);
  });

  it('settings.voice is checked on write: recording and tuning values in range pass, typos and out-of-range values are 400 naming the field', async () => {
    const voice = { record: true, barge_in: false, silence_timeout_ms: 9000, vad: { end_silence_ms: 500 } };
    const ag = await create(t.app, a, '/agents', { name: 'Recorder', settings: { voice, other: 1 } });
    expect(ag.settings).toEqual({ voice, other: 1 });
    for (const [bad, path] of [
      [{ record: 'yes' }, 'settings.voice.record'],
      [{ recrod: true }, 'settings.voice'],
      [{ silence_timeout_ms: 50 }, 'settings.voice.silence_timeout_ms'],
      [{ vad: { end_silence_ms: 100.5 } }, 'settings.voice.vad.end_silence_ms'],
      ['on', 'settings.voice'],
    ] as const) {
      const res = await call(t.app, { method: 'PATCH', url: `/agents/${ag.id}`, token: a, body: { settings: { voice: bad } } });
      const err = expectError(res, 400);
      expect(JSON.stringify(err.details), JSON.stringify(bad)).toContain(path);
    }
    const got = await call(t.app, { method: 'GET', url: `/agents/${ag.id}`, token: a });
    expect(got.json().settings.voice).toEqual(voice);
  });

  it('accepts a flow of its own org and answers 404 for another org\'s flow, exactly like a missing one', async () => {
    const own = await create(t.app, a, '/flows', minimalFlow('A flow'));
    const foreign = await create(t.app, b, '/flows', minimalFlow('B flow'));
    const withFlow = await create(t.app, a, '/agents', { name: 'Flowed', flow_id: own.id });
    expect(withFlow.flow_id).toBe(own.id);

    const viaCreate = await call(t.app, { method: 'POST', url: '/agents', token: a, body: { name: 'Sneaky', flow_id: foreign.id } });
    const viaCreateMissing = await call(t.app, { method: 'POST', url: '/agents', token: a, body: { name: 'Sneaky', flow_id: randomUUID() } });
    expectError(viaCreate, 404);
    expect(viaCreate.body).toBe(viaCreateMissing.body);
    expect(viaCreate.body).not.toContain(foreign.id);

    for (const [method, body] of [['PATCH', { flow_id: foreign.id }], ['PUT', { name: 'Flowed', flow_id: foreign.id }]] as const) {
      const res = await call(t.app, { method, url: `/agents/${withFlow.id}`, token: a, body });
      expectError(res, 404);
      expect(res.body).toBe(JSON.stringify({ error: { code: 'not_found', message: 'flow not found' } }));
    }
    const after = await call(t.app, { method: 'GET', url: `/agents/${withFlow.id}`, token: a });
    expect(after.json().flow_id).toBe(own.id);
    const detached = await call(t.app, { method: 'PATCH', url: `/agents/${withFlow.id}`, token: a, body: { flow_id: null } });
    expect(detached.json().flow_id).toBeNull();
  });

  it('the composite foreign key itself refuses another org\'s flow (data layer, no service check)', async () => {
    const foreign = await create(t.app, b, '/flows', minimalFlow('B only'));
    const err = await withOrg(t.deps.db, { orgId: orgA }, (tx) =>
      tx.query(`insert into app.agents (org_id, id, name, flow_id) values ($1, $2, 'raw', $3)`, [orgA, randomUUID(), foreign.id]),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(404);
    const leaked = await withOrg(t.deps.db, { orgId: orgA }, (tx) => tx.query('select id from app.flows where id = $1', [foreign.id]));
    expect(leaked.rowCount).toBe(0);
    expect(orgB).not.toBe(orgA);
  });

  it('row-level security binds both tables: no context raises, another org\'s rows cannot be written', async () => {
    for (const table of ['agents', 'flows']) {
      const err = await withoutOrg(t.deps.db, (q) => q(`select count(*) from app.${table}`)).catch((e: unknown) => e);
      expect((err as DbError).sqlstate).toBe('42501');
    }
    const intoB = await withOrg(t.deps.db, { orgId: orgA }, (tx) =>
      tx.query(`insert into app.flows (org_id, id, name) values ($1, $2, 'planted')`, [orgB, randomUUID()]),
    ).catch((e: unknown) => e);
    expect((intoB as DbError).sqlstate).toBe('42501');
    const own = await create(t.app, a, '/agents', { name: 'Mine' });
    const moved = await withOrg(t.deps.db, { orgId: orgA }, (tx) => tx.query('update app.agents set org_id = $1 where id = $2', [orgB, own.id])).catch((e: unknown) => e);
    expect((moved as DbError).sqlstate).toBe('42501');
  });

  it('deletes (204, audited), then answers 404 for get, update and a second delete', async () => {
    const ag = await create(t.app, a, '/agents', { name: 'Short-lived' });
    expect((await call(t.app, { method: 'DELETE', url: `/agents/${ag.id}`, token: a })).statusCode).toBe(204);
    expect((await lastAudit(t.app, a, 'agent.deleted')).before).toMatchObject({ id: ag.id, name: 'Short-lived' });
    const missing = await call(t.app, { method: 'GET', url: `/agents/${randomUUID()}`, token: a });
    for (const c of [
      { method: 'GET', url: `/agents/${ag.id}` },
      { method: 'PATCH', url: `/agents/${ag.id}`, body: { name: 'x' } },
      { method: 'PUT', url: `/agents/${ag.id}`, body: { name: 'x' } },
      { method: 'DELETE', url: `/agents/${ag.id}` },
    ] as const) {
      const res = await call(t.app, { ...c, token: a });
      expectError(res, 404);
      expect(res.body).toBe(missing.body);
    }
  });

  it('pages through the list with a keyset cursor: newest first, no duplicates, no gaps', async () => {
    const fresh = await signup(t.app, 'Paging');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(t.app, fresh.access_token, '/agents', { name: `p${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(t.app, { method: 'GET', url: `/agents?limit=2${cursor ? `&cursor=${cursor}` : ''}`, token: fresh.access_token });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data.map((x: { id: string }) => x.id));
      cursor = res.json().next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    // Rows written in one transaction share created_at to the microsecond: the cursor must still
    // step over each of them exactly once (ordering falls back to id).
    const twins = [randomUUID(), randomUUID(), randomUUID()];
    await withOrg(t.deps.db, { orgId: fresh.organization.id }, async (tx) => {
      for (const id of twins) await tx.query(`insert into app.agents (org_id, id, name) values ($1, $2, 'twin')`, [tx.orgId, id]);
    });
    const all: string[] = [];
    cursor = null;
    do {
      const res = await call(t.app, { method: 'GET', url: `/agents?limit=1${cursor ? `&cursor=${cursor}` : ''}`, token: fresh.access_token });
      all.push(...res.json().data.map((x: { id: string }) => x.id));
      cursor = res.json().next_cursor;
    } while (cursor && all.length < 20);
    expect(all.slice(0, 3)).toEqual([...twins].sort().reverse());
    expect(all.slice(3)).toEqual([...ids].reverse());
    expectError(await call(t.app, { method: 'GET', url: '/agents?cursor=garbage', token: fresh.access_token }), 400);
    expectError(await call(t.app, { method: 'GET', url: '/agents?limit=201', token: fresh.access_token }), 400);
  });
});
