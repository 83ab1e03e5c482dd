/**
 * `converse chat` end to end: the real CLI process (bin/converse.js) talks to a real server on
 * 127.0.0.1 through the public session API, reading the caller's lines from stdin.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, PASSWORD, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { cliEnv, runCli } from '../ops/cli-process.js';
import { createAgent, knowledgeFor } from './support.js';

const DOC = '# Returns\n\nYou can return any product within 30 days of delivery for a full refund.';

const chat = (args: string[], stdin: string, env: Record<string, string> = {}) => runCli(['chat', ...args], cliEnv(env), 45_000, stdin);

describe(`converse chat (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  let agentId: string;
  let url: string;
  // Each test starts one or two CLI processes (tsx compiles on start): slow on a loaded machine.
  const PROCESS_BUDGET = 120_000;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    org = await createOrg(t.app, 'Chat');
    agentId = (await createAgent(t.app, org.tokens.admin, { tools_builtin: ['end_call', 'human_handoff'] })).id;
    await knowledgeFor(t.deps, t.app, org.tokens.admin, agentId, 'Returns', DOC);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('talks to an agent with an API key: greeting, an answer from its knowledge, /vars, and goodbye ends the call', async () => {
    const run = await chat(['--agent', agentId, '--url', url, '--api-key', org.apiKey], 'How many days do I have to return a product?\n/vars\nbye\n');
    expect(run.code, run.stderr).toBe(0);
    const id = /-- session ([0-9a-f-]{36})/.exec(run.stdout)?.[1];
    expect(id, run.stdout).toBeDefined();
    expect(run.stdout).toContain('agent> Hi, this is Acme. How can I help?');
    expect(run.stdout).toMatch(/agent> [^\n]*30 days/);
    expect(run.stdout).toMatch(/-- session ended \(completed\)/);

    const detail = await call(t.app, { method: 'GET', url: `/calls/${id}`, token: org.tokens.viewer });
    expect(detail.statusCode, detail.body).toBe(200);
    const callerLines = detail.json().transcript.filter((m: { role: string }) => m.role === 'caller').map((m: { text: string }) => m.text);
    expect(callerLines).toEqual(['How many days do I have to return a product?', 'bye']);
  }, PROCESS_BUDGET);

  it('signs in with email and password from the environment and continues a session with --session, then /end', async () => {
    const first = await chat(['--agent', agentId, '--url', url], '/quit\n', { CONVERSE_EMAIL: org.ownerEmail, CONVERSE_PASSWORD: PASSWORD });
    expect(first.code, first.stderr).toBe(0);
    const id = /-- session ([0-9a-f-]{36})/.exec(first.stdout)![1]!;
    const again = await chat(['--session', id, '--url', url, '--api-key', org.apiKey], 'Can I return a product?\n/end\n');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/30 days/);
    expect(again.stdout).toMatch(/-- session ended/);
    const s = await call(t.app, { method: 'GET', url: `/sessions/${id}`, token: org.tokens.member });
    expect(s.json().status).toBe('ended');
  }, PROCESS_BUDGET);

  it('refuses without a target or with a bad key, with a clear message and no stack trace', async () => {
    const noTarget = await chat(['--url', url, '--api-key', org.apiKey], '');
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toMatch(/exactly one of --agent, --flow or --session/);
    const badKey = await chat(['--agent', agentId, '--url', url, '--api-key', 'cv_not_a_real_key'], 'hello\n');
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/401 unauthorized/);
    expect(badKey.stderr).not.toMatch(/\n\s+at /);
  }, PROCESS_BUDGET);
});
