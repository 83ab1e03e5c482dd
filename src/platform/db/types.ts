/** A row-returning query result, the common subset of node-postgres and PGlite. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * A tenant-scoped transaction handle. Only `withOrg` (platform/db/with-org.ts) hands one out (its
 * cross-org door, `withoutOrg`, gives a raw query instead); repos take it as their first argument.
 * Every statement is parameterized: never interpolate values into `sql`.
 */
export interface Tx {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  readonly orgId: string;
}
