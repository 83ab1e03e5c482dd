/**
 * A provider that answers 401 quoting the key it was sent (OpenAI does): the session gives the caller
 * the fallback line, and the key reaches no log line, no response and no stored call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/log/logger.js';
import { FALLBACK_LINE } from '../../src/pipeline/agent/types.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createAgent, say, startSession } from './support.js';

const WRONG_KEY = 'sk-canary-7f3a9c1e5b2d';

describe(`sessions: a provider error quoting the key (${modeName})`, () => {
  let t: TestApp;
  let llm: FakeLlm;
  let org: TestOrg;
  const logLines: string[] = [];
  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: 'sk-the-right-one' });
    t = await createTestApp({
      log: createLogger('trace', { write: (chunk: string) => void logLines.push(chunk) }),
      config: { allowPrivateNetwork: true, defaultLlm: { kind: 'openai_compatible', baseUrl: llm.urls.openai, apiKey: WRONG_KEY, model: 'fake-model' } },
    });
    org = await createOrg(t.app, 'Canary');
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('answers with the fallback line and never repeats the key', async () => {
    const agent = await createAgent(t.app, org.tokens.admin);
    const s = (await startSession(t.app, org.tokens.member, { agent_id: agent.id })).json();
    const r = await say(t.app, org.tokens.member, s.id, 'hello');
    expect(r.statusCode).toBe(200);
    expect(r.json().messages[0].text).toBe(FALLBACK_LINE);
    expect(llm.completions()).toHaveLength(1); // a 401 is not retried
    const detail = await call(t.app, { method: 'GET', url: `/calls/${s.id}`, token: org.tokens.admin });
    expect(logLines.some((l) => l.includes('agent turn failed'))).toBe(true);
    for (const text of [r.body, detail.body, ...logLines]) expect(text).not.toContain(WRONG_KEY);
    const dump = await t.testDb.admin.transaction((q) => q<{ d: string }>("select string_agg(c::text, ' ') as d from app.calls c where org_id = $1", [org.id]));
    expect(dump.rows[0]!.d).not.toContain(WRONG_KEY);
  });
});
