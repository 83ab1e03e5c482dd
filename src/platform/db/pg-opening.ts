import pg from 'pg';
// node-postgres turns JS values into protocol text exactly this way for its own queries (Dates, Buffers,
// arrays, JSON); using the same function keeps both paths byte-identical.
import pgUtils from 'pg/lib/utils.js';

/** One statement of the opening group. `name`: a named statement already parsed on this connection. */
export interface OpeningStatement {
  name?: string;
  text: string;
  values: readonly unknown[];
}

interface ProtocolConnection {
  parsedStatements: Record<string, string>;
  stream: { cork?(): void; uncork?(): void };
  parse(q: { name?: string; text: string; types?: number[] }): void;
  bind(b: { statement?: string; portal?: string; values: readonly unknown[]; valueMapper: (v: unknown) => unknown }): void;
  describe(d: { type: 'P' | 'S'; name?: string }): void;
  execute(e: { portal?: string; rows?: number }): void;
  sync(): void;
}

type BackendMessage = { fields: unknown[] } & Record<string, unknown>;

/** node-postgres's own Result, with the (untyped) methods its Query uses to fill it. */
interface RowResult extends pg.QueryResult {
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): Record<string, unknown>;
  addRow(row: Record<string, unknown>): void;
  addCommandComplete(msg: unknown): void;
}
const newResult = (): RowResult => new (pg.Result as unknown as new () => RowResult)();

/**
 * BEGIN and the transaction's first statements as ONE extended-protocol message group with a single Sync:
 * `Parse/Bind/Execute BEGIN`, then `Bind/Describe/Execute` per statement (plus `Parse` when the statement
 * is unnamed), then `Sync`. PostgreSQL answers the whole group with one flush and one ReadyForQuery,
 * where separate queries (even pipelined ones) cost a Sync, a flush and a wake-up each.
 *
 * If any message fails, PostgreSQL skips the rest of the group up to the Sync, so a statement never runs
 * after a failed one; the group then rejects with that error.
 *
 * Named statements must already be parsed on the connection (`isParsed`): a group never parses a named
 * statement, so a failure can never leave node-postgres unsure whether a name exists on the server.
 */
export class OpeningGroup implements pg.Submittable {
  private readonly results: pg.QueryResult[] = [];
  private current: RowResult | null = null;
  private failure: Error | null = null;
  /** Answers arrive in order; each statement ends with CommandComplete, BEGIN's first. */
  private begun = false;
  callback: ((err: Error | null, results?: pg.QueryResult[]) => void) | undefined;

  constructor(private readonly statements: readonly OpeningStatement[]) {}

  static isParsed(client: pg.PoolClient, name: string): boolean {
    return (client as unknown as { connection: ProtocolConnection }).connection.parsedStatements[name] !== undefined;
  }

  /** Sends the group on `client` and resolves with one result per statement (BEGIN's excluded). */
  static run(client: pg.PoolClient, statements: readonly OpeningStatement[]): Promise<pg.QueryResult[]> {
    const group = new OpeningGroup(statements);
    return new Promise((resolve, reject) => {
      group.callback = (err, results) => (err ? reject(err) : resolve(results!));
      client.query(group);
    });
  }

  submit(connection: pg.Connection): void {
    const c = connection as unknown as ProtocolConnection;
    c.stream.cork?.();
    try {
      c.parse({ text: 'begin' });
      c.bind({ values: [], valueMapper: pgUtils.prepareValue });
      c.execute({});
      for (const s of this.statements) {
        if (!s.name) c.parse({ text: s.text });
        c.bind({ ...(s.name ? { statement: s.name } : {}), values: s.values, valueMapper: pgUtils.prepareValue });
        c.describe({ type: 'P' });
        c.execute({});
      }
      c.sync();
    } finally {
      c.stream.uncork?.();
    }
  }

  handleRowDescription(msg: BackendMessage): void {
    this.current = newResult();
    this.current.addFields(msg.fields);
  }

  handleDataRow(msg: BackendMessage): void {
    if (this.failure) return;
    try {
      this.current!.addRow(this.current!.parseRow(msg.fields));
    } catch (err) {
      this.failure = err as Error;
    }
  }

  handleCommandComplete(msg: BackendMessage): void {
    if (!this.begun) {
      this.begun = true;
      return;
    }
    const result = this.current ?? newResult();
    result.addCommandComplete(msg);
    this.results.push(result);
    this.current = null;
  }

  handleEmptyQuery(): void {
    this.results.push(newResult());
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(): void {
    this.failure ??= new Error('COPY is not supported in a transaction opening group');
  }

  handleCopyData(): void {}

  handleError(err: Error): void {
    const cb = this.callback;
    this.callback = undefined;
    cb?.(this.failure ?? err);
  }

  handleReadyForQuery(): void {
    const cb = this.callback;
    this.callback = undefined;
    if (!cb) return;
    if (this.failure) return cb(this.failure);
    if (this.results.length !== this.statements.length) return cb(new Error(`expected ${this.statements.length} results, got ${this.results.length}`));
    cb(null, this.results);
  }
}
