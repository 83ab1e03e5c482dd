/**
 * Bulk knowledge data for the search benchmark, written as the superuser with set-based SQL. Chunk text
 * is 80 words drawn from a 4,000-word synthetic vocabulary with a Zipf-like skew (a few very common words,
 * a long tail), so queries mix frequent and rare terms the way real ones do. The tsvector is the real
 * generated column; the GIN index is dropped for the load and rebuilt with its exact definition.
 */
import type { Driver } from '../src/platform/db/driver.js';

export const VOCABULARY = 4000;
export const WORDS_PER_CHUNK = 80;
/** Distinct chunk texts generated once and reused (text generation, not indexing, would dominate otherwise). */
const TEXT_POOL = 20_000;

/** Word n of the vocabulary (SQL): letters only, deterministic, 5–8 characters. */
const wordSql = (n: string) => `translate(substr(md5('w' || ${n}), 1, 5 + (${n} % 4)), '0123456789', 'ghijklmnop')`;
// `offset 0` keeps random() evaluated once per row (a fence against flattening).
// A table, not an array: subscripting a 4,000-element array detoasts all of it on every access.
const VOCAB_TABLE = `create temp table kb_vocab on commit drop as select g as n, ${wordSql('g')} as w from generate_series(1, ${VOCABULARY}) g;
  alter table kb_vocab add primary key (n)`;
const wordAt = (expr: string) => `(select w from kb_vocab where n = ${expr})`;

export interface SeedSpec {
  orgIds: string[];
  docsPerOrg: number;
  chunksPerDoc: number;
  /** Assign the first half of each org's documents to one agent (for agent-scoped queries). */
  withAgents: boolean;
}

export interface SeedResult {
  chunks: number;
  seconds: number;
  indexSeconds: number;
  agents: Map<string, string>;
}

export async function seedKnowledge(admin: Driver, spec: SeedSpec): Promise<SeedResult> {
  const started = Date.now();
  const agents = new Map<string, string>();
  const indexDef = await admin.transaction(async (q) => {
    const r = await q<{ def: string }>(`select pg_get_indexdef('app.knowledge_chunks_search_idx'::regclass) as def`);
    return r.rows[0]!.def;
  });
  await admin.transaction(async (q, exec) => {
    await exec('drop index if exists app.knowledge_chunks_search_idx');
    await exec(VOCAB_TABLE);
    // `+ 0 * p` correlates the subquery with the row, so every pool entry draws its own words.
    await exec(`create temp table kb_pool on commit drop as
      select p as n, (select string_agg(${wordAt('x.r')}, ' ')
                        from (select 1 + floor(power(random(), 3) * ${VOCABULARY})::int + 0 * p as r from generate_series(1, ${WORDS_PER_CHUNK}) offset 0) x) as text
        from generate_series(1, ${TEXT_POOL}) p`);
    await exec('create index on kb_pool (n)');
    await q(`create temp table kb_docs on commit drop as
      select o as org_id, gen_random_uuid() as id, d as n from unnest($1::uuid[]) o cross join generate_series(1, $2::int) d`, [spec.orgIds, spec.docsPerOrg]);
    await q(`insert into app.knowledge_documents (org_id, id, name, source, status, progress, chunk_count, ts_config, language, indexed_at)
      select org_id, id, 'Bench document ' || n, 'text', 'ready', 100, $1::int, 'english', 'en', now() from kb_docs`, [spec.chunksPerDoc]);
    await q(`insert into app.knowledge_chunks (org_id, id, document_id, position, text, heading, ts_config)
      select d.org_id, gen_random_uuid(), d.id, g - 1, p.text, 'Section ' || (g % 7), 'english'::regconfig
        from kb_docs d cross join generate_series(1, $1::int) g
        join kb_pool p on p.n = 1 + (abs(hashtext(d.id::text || g)) % ${TEXT_POOL})`, [spec.chunksPerDoc]);
    if (spec.withAgents) {
      const r = await q<{ org_id: string; id: string }>(`insert into app.agents (org_id, id, name) select o, gen_random_uuid(), 'Bench agent' from unnest($1::uuid[]) o returning org_id, id`, [spec.orgIds]);
      for (const row of r.rows) agents.set(row.org_id, row.id);
      await q(`insert into app.knowledge_assignments (org_id, agent_id, document_id)
        select a.org_id, a.id, d.id from app.agents a join kb_docs d on d.org_id = a.org_id where d.n <= greatest(1, $1::int / 2)`, [spec.docsPerOrg]);
    }
  });
  const indexStarted = Date.now();
  await admin.exec(indexDef);
  await admin.exec('analyze app.knowledge_chunks, app.knowledge_documents, app.knowledge_assignments, app.agents, app.organizations');
  const done = Date.now();
  return { chunks: spec.orgIds.length * spec.docsPerOrg * spec.chunksPerDoc, seconds: (done - started) / 1000, indexSeconds: (done - indexStarted) / 1000, agents };
}

/** Random words for a query: two from the middle of the frequency range, one from the tail. */
export async function sampleQueries(admin: Driver, n: number): Promise<string[]> {
  return admin.transaction(async (q, exec) => {
    await exec(VOCAB_TABLE);
    const r = await q<{ text: string }>(
      `select ${wordAt('r.a')} || ' ' || ${wordAt('r.b')} || ' ' || ${wordAt('r.c')} as text
         from (select 20 + floor(random() * 300)::int as a, 20 + floor(random() * 300)::int as b, 300 + floor(random() * 3000)::int as c
                 from generate_series(1, $1::int) offset 0) r`,
      [n],
    );
    return r.rows.map((x) => x.text);
  });
}
