import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examples } from '../../src/features/flows/examples.js';
import { call, signup } from '../helpers/api.js';
import { createTestApp, type TestApp } from '../helpers/harness.js';

interface Template { id: string; flow: { name: string; nodes: Array<{ type: string }>; edges: unknown[]; variables?: unknown[] } }

/** The files the console ships (console/src/pages/flows/templates/*.json); its index lists each. */
const DIR = new URL('../../console/src/pages/flows/templates/', import.meta.url);
const TEMPLATES: Template[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ id: f.replace(/\.json$/, ''), flow: JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) }));
const INDEX = readFileSync(new URL('index.ts', DIR), 'utf8');

/** The JSON blocks of docs/flows.md's "## Templates" section (it ends where "## Examples" begins). */
function documentedTemplates(): unknown[] {
  const docs = readFileSync(new URL('../../docs/flows.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('\n## Templates'), docs.indexOf('\n## Examples'));
  return [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
}

/** The console's "start from template" flows: each is a flow the real API accepts, in any organization. */
describe('console flow templates', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = (await signup(t.app, 'Template Org')).access_token;
  });
  afterAll(async () => {
    await t.close();
  });

  for (const template of TEMPLATES) {
    it(`${template.id} is created as is by POST /flows, and offered by the console`, async () => {
      expect(INDEX).toContain(`from './${template.id}.json'`);
      expect(INDEX).toContain(`id: '${template.id}'`);
      const res = await call(t.app, { method: 'POST', url: '/flows', token, body: template.flow });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ name: template.flow.name, nodes: template.flow.nodes, edges: template.flow.edges, variables: template.flow.variables ?? [] });
    });
  }

  it('cover the collect + condition, DTMF + transfer and ai_classify + human_handoff patterns', () => {
    const types = (id: string) => new Set(TEMPLATES.find((x) => x.id === id)!.flow.nodes.map((n) => n.type));
    expect([...types('appointment-booking')]).toEqual(expect.arrayContaining(['collect', 'condition']));
    expect([...types('ivr-menu')]).toEqual(expect.arrayContaining(['dtmf_menu', 'transfer']));
    expect([...types('support-triage')]).toEqual(expect.arrayContaining(['ai_classify', 'human_handoff']));
  });

  it('are the ones docs/flows.md shows: its Templates section, and two of its Examples', () => {
    const byId = Object.fromEntries(TEMPLATES.map((x) => [x.id, x.flow]));
    expect(documentedTemplates()).toEqual([byId['appointment-booking'], byId['support-triage']]);
    expect(byId['ivr-menu']).toEqual(examples.ivr_menu);
    expect(byId['after-hours-routing']).toEqual(examples.after_hours_routing);
  });
});
