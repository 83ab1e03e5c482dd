/**
 * Agent-scoped retrieval (`POST /knowledge/query` with `agent_id`), on the full-text path and on the
 * vector path: agent X never retrieves a document assigned only to agent Y of the same org, and never
 * another org's. Each org has agents X and Y, each assigned one document; all four documents (two per
 * org) say the same words, so any search that ignored the agent or the org would find the others.
 *
 * The full-text rows run on an app without an embedding provider (mode `fulltext`); the vector rows on
 * one with the local fake provider, with a misspelt query that shares no word with any document, so
 * only the vector side can find X's document (mode `hybrid`; knowledge-agent-scope.matrix.test.ts also
 * proves full-text finds nothing for it). The vector side uses pgvector's operator when the database has
 * the extension and the portable dot product otherwise (docs/knowledge.md): whichever the database has.
 */
import { otherOrg, rowsFor, type MatrixFixtures, type MatrixRow, type Operation, type OrgName } from '../matrix.js';
import { assign, createAgent, createDoc, READERS } from './knowledge.js';

export const SCOPE_WORDS = 'quokka lagoon ferry timetable';
/** No word in common with SCOPE_WORDS (nor their stems): only trigram vectors relate them. */
export const SCOPE_TYPO = 'quoka lagon fery timetabel';

type Key = 'scopeAgentX' | 'scopeAgentY' | 'scopeDocX' | 'scopeDocY';
const seed = (fx: MatrixFixtures, org: OrgName, key: Key) => fx.seeds[org][key]!;

export async function seedAgentScope(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    const s = fx.seeds[org];
    s.scopeAgentX = await createAgent(fx, org);
    s.scopeAgentY = await createAgent(fx, org);
    s.scopeDocX = await createDoc(fx, org, `${SCOPE_WORDS} for agent X`);
    s.scopeDocY = await createDoc(fx, org, `${SCOPE_WORDS} for agent Y`);
    await assign(fx, org, s.scopeAgentX, s.scopeDocX);
    await assign(fx, org, s.scopeAgentY, s.scopeDocY);
  }
}

type Results = { mode: string; results: Array<{ document_id: string }> };
const resultIds = (b: Results) => b.results.map((r) => r.document_id);

function asAgent(path: 'fulltext' | 'vector', me: 'X' | 'Y'): Operation {
  const other = me === 'X' ? 'Y' : 'X';
  return {
    name: 'knowledge.query',
    label: `${path} as agent ${me}`,
    method: 'POST',
    path: '/knowledge/query',
    body: (fx, org) => ({ query: path === 'vector' ? SCOPE_TYPO : SCOPE_WORDS, top_k: 50, agent_id: seed(fx, org, `scopeAgent${me}`) }),
    listIds: resultIds,
    mustList: (fx, org) => [seed(fx, org, `scopeDoc${me}`)],
    mustNotList: (fx, org) => [seed(fx, org, `scopeDoc${other}`)],
    checkBody: (b: Results) => {
      if (b.mode !== (path === 'vector' ? 'hybrid' : 'fulltext')) throw new Error(`expected the ${path} path, got mode ${b.mode}`);
    },
  };
}

/** Another org's agent X: a 404 like an agent that does not exist, never that org's documents. */
const asForeignAgent = (path: 'fulltext' | 'vector'): Operation => ({
  name: 'knowledge.query',
  label: `${path} as the other org's agent`,
  method: 'POST',
  path: '/knowledge/query',
  body: (fx, org) => ({ query: path === 'vector' ? SCOPE_TYPO : SCOPE_WORDS, top_k: 50, agent_id: seed(fx, otherOrg(org), 'scopeAgentX') }),
});

const rowsOn = (path: 'fulltext' | 'vector'): MatrixRow[] => [
  ...rowsFor(asAgent(path, 'X'), { allowed: READERS, ok: 200 }),
  ...rowsFor(asAgent(path, 'Y'), { allowed: READERS, ok: 200 }),
  ...rowsFor(asForeignAgent(path), { allowed: READERS, ok: 404 }),
];

export const agentScopeFullTextRows: MatrixRow[] = rowsOn('fulltext');
export const agentScopeVectorRows: MatrixRow[] = rowsOn('vector');
