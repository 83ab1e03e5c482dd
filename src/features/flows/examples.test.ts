import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleContext, examples } from './examples.js';
import { parseFlow, validateFlow } from './validate-flow.js';

const docsPath = new URL('../../../docs/flows.md', import.meta.url);

/** The JSON blocks of the "## Examples" section of docs/flows.md, in order. */
function documentedExamples(): unknown[] {
  const docs = readFileSync(docsPath, 'utf8');
  const section = docs.slice(docs.indexOf('\n## Examples'));
  return [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
}

describe('example flows', () => {
  for (const [name, flow] of Object.entries(examples)) {
    it(`${name} validates`, () => {
      expect(validateFlow(flow, exampleContext)).toEqual({ ok: true });
    });
  }

  it('name tools and agents, which another organization does not have', () => {
    const result = validateFlow(examples.qualify_then_agent, { toolIds: new Set(), agentIds: new Set() });
    expect(result.ok ? [] : result.problems.map((p) => [p.code, p.node_id])).toEqual([
      ['unknown_tool', 'lookup'],
      ['unknown_agent', 'enterprise_agent'],
      ['unknown_agent', 'general_agent'],
    ]);
  });

  it('parse to themselves (nothing to trim or default)', () => {
    for (const flow of Object.values(examples)) expect(parseFlow(flow, exampleContext)).toEqual({ ok: true, flow });
    expect(parseFlow({ name: 'x', nodes: [], edges: [] }, exampleContext).ok).toBe(false);
  });

  it('are exactly the ones shown in docs/flows.md', () => {
    expect(documentedExamples()).toEqual(Object.values(examples));
  });
});
