import { randomBytes } from 'node:crypto';
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';

/** Most statements one PGlite session keeps prepared; further SQL texts run unprepared. */
const PGLITE_STATEMENT_LIMIT = 2_000;

interface Prepared {
  name: string;
  /** Parameter type OIDs from the server's ParameterDescription: they choose each value's serializer. */
  paramTypes: number[];
  /**
   * The RowDescription the server sent when the statement was described (none: the statement returns no
   * rows). A named statement's result shape cannot change later (PostgreSQL refuses: "cached plan must
   * not change result type"), so executions skip Describe and reuse it.
   */
  rowDescription: BackendMessage | undefined;
}

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/**
 * Named prepared statements on PGlite's one session. PGlite's `query()` sends every statement as an
 * unnamed Parse, so the server parses, rewrites (RLS policies included) and plans it on every call, and
 * the call crosses into WebAssembly five times. Here each SQL text is parsed once (Parse + Describe);
 * every later call is ONE crossing: Bind + Execute (per statement) + Sync, reusing the plan the server
 * cached and the row description it sent when the statement was described. Several statements can share that crossing, as withOrg's context statement and a
 * transaction's first query do (the embedded counterpart of the PostgreSQL driver's pipelining).
 *
 * Values are serialized and rows parsed exactly as PGlite's `query()` does (its serializers by parameter
 * type, its `parseResults`), so callers get the same JS values either way.
 *
 * A prepared statement is session state, not tenant state: it holds SQL text and a plan, never a value.
 * Plans that depend on the role or on row security are re-planned by PostgreSQL when the role changes
 * (PGlite switches role per transaction), and the org context is read at execution time, never planned
 * in (tests: test/db/rls.test.ts).
 *
 * Call only inside the driver's transaction: like the queries inside PGlite's own `transaction()`, these
 * skip PGlite's per-query `syncToFs`.
 */
export function createPgliteStatements(db: PGlite, limit = PGLITE_STATEMENT_LIMIT) {
  const prepared = new Map<string, Prepared>();
  // Statement names are per session; a prefix per cache keeps two caches on one PGlite from colliding.
  const prefix = `cv_${randomBytes(4).toString('hex')}_`;
  const send = (messages: Uint8Array[]) => db.execProtocolStream(concat(messages), { syncToFs: false });

  async function prepare(sql: string): Promise<Prepared> {
    const name = `${prefix}${prepared.size + 1}`;
    const ps = protocol.serialize;
    const messages = await send([ps.parse({ name, text: sql }), ps.describe({ type: 'S', name }), ps.sync()]);
    // Only a statement the server accepted is remembered (a failed Parse throws above).
    const p = { name, paramTypes: parse.parseDescribeStatementResults(messages), rowDescription: messages.find((m) => m.name === 'rowDescription') };
    prepared.set(sql, p);
    return p;
  }

  const bindAndExecute = (p: Prepared, params: readonly unknown[]): Uint8Array[] => {
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serialize = db.serializers[p.paramTypes[i]!];
      return serialize ? serialize(v) : String(v);
    });
    const ps = protocol.serialize;
    return [ps.bind({ statement: p.name, values }), ps.execute({})];
  };

  /** The answers with each statement's cached RowDescription put back after its BindComplete. */
  const withRowDescriptions = (messages: BackendMessage[], ready: Prepared[]): BackendMessage[] => {
    const out: BackendMessage[] = [];
    let k = 0;
    for (const m of messages) {
      out.push(m);
      if (m.name === 'bindComplete') {
        const rd = ready[k++]?.rowDescription;
        if (rd) out.push(rd);
      }
    }
    return out;
  };

  return {
    /**
     * Runs the statements, in order, as named prepared statements in ONE call into PGlite (one Sync): if
     * one fails, the server skips the rest and the call throws its error. `null` when a statement would
     * have to be prepared while the session already holds `limit`: the caller runs them unprepared.
     */
    async run(statements: readonly { sql: string; params: readonly unknown[] }[]): Promise<Results[] | null> {
      return db._runExclusiveQuery(async () => {
        const ready: Prepared[] = [];
        for (const { sql } of statements) {
          const p = prepared.get(sql) ?? (prepared.size < limit ? await prepare(sql) : null);
          if (!p) return null;
          ready.push(p);
        }
        const messages = await send([...statements.flatMap((s, i) => bindAndExecute(ready[i]!, s.params)), protocol.serialize.sync()]);
        const results = parse.parseResults(withRowDescriptions(messages, ready), db.parsers);
        if (results.length !== statements.length) throw new Error(`expected ${statements.length} results from PGlite, got ${results.length}`);
        return results;
      });
    },
    /** How many statements this session holds prepared. */
    get size(): number {
      return prepared.size;
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
