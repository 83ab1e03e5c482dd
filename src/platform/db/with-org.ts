import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from './database.js';
import type { Prelude, RawQuery } from './driver.js';
import type { Tx } from './types.js';
import { translateDbError } from './errors.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Marks "a tenant transaction is open in this async context". Not tenant context (that lives only in
 * the transaction): a tripwire that turns a nested transaction — a deadlock on PGlite's single session,
 * a second pooled connection and a broken atomicity assumption on PostgreSQL — into a clear error.
 */
const openTransaction = new AsyncLocalStorage<true>();

function assertNotNested(): void {
  if (openTransaction.getStore()) {
    throw new Error('withOrg/withoutOrg called while a transaction is open: finish the transaction first (and make network or vault calls outside it)');
  }
}

export interface OrgScope {
  orgId: string;
  userId?: string | null;
  apiKeyId?: string | null;
}

/**
 * The only way to reach tenant tables: one transaction, bound to one organization.
 *
 * It opens a transaction, switches to the app role (embedded mode), sets the tenant context with ONE
 * transaction-local statement and asserts the connection is clean (right role, no leftover org) before
 * running `fn`. The context dies with the transaction, so pooled connections (and PgBouncer in
 * transaction mode) never carry an org from one request to the next.
 *
 * Never make a network call inside `fn`: the transaction holds a connection and row locks.
 *
 * @example
 *   const agent = await withOrg(db, { orgId, userId }, (tx) => agentsRepo.get(tx, id));
 */
export async function withOrg<T>(db: Database, scope: OrgScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID_RE.test(scope.orgId)) throw new Error('withOrg: a valid organization id is required');
  for (const id of [scope.userId, scope.apiKeyId]) {
    if (id != null && !UUID_RE.test(id)) throw new Error('withOrg: invalid principal id');
  }
  assertNotNested();
  try {
    return await db.driver.transaction((query) => openTransaction.run(true, () => fn(makeTx(query, scope.orgId))), { prelude: scopePrelude(db, scope) });
  } catch (err) {
    throw translateDbError(err);
  }
}

/**
 * A transaction as the app role with NO organization context: every tenant table raises here. Used only
 * by the named cross-org doors (SECURITY DEFINER functions that return ids only; docs/security.md).
 */
export async function withoutOrg<T>(db: Database, fn: (query: RawQuery) => Promise<T>): Promise<T> {
  assertNotNested();
  try {
    return await db.driver.transaction((query) => openTransaction.run(true, () => fn(query)), { prelude: scopePrelude(db, null) });
  } catch (err) {
    throw translateDbError(err);
  }
}

const contextSql = (roleSwitch: string) =>
  `select ${roleSwitch} coalesce(current_setting('app.org_id', true), '') as leftover,` +
  ` set_config('app.org_id', $1, true) as org, set_config('app.user_id', $2, true) as usr,` +
  ` set_config('app.api_key_id', $3, true) as key, current_user::text as role`;
/** The PostgreSQL context statement (exported for bench/isolation-cost.ts, which replays it without RLS). */
export const CONTEXT_SQL = contextSql('');
// Embedded mode: PGlite's only session is a superuser, so RLS binds only after switching role for
// this transaction. set_config('role', ..., true) is SET LOCAL ROLE as an expression, which lets the
// switch, the context and the assertion share one statement. In PostgreSQL mode the connection
// already logs in as the app role; switching would need membership it must not have.
const CONTEXT_SQL_EMBEDDED = contextSql(`set_config('role', $4, true) as switched,`);

/**
 * The context statement: ONE parameterized statement that sets the transaction-local context and reads
 * back what the connection carried, checked before any result of the transaction is handed out. The
 * driver sends it right after BEGIN, in the same round trip as the transaction's first statement.
 */
function scopePrelude(db: Database, scope: OrgScope | null): Prelude {
  const sql = db.mode === 'embedded' ? CONTEXT_SQL_EMBEDDED : CONTEXT_SQL;
  const params = [scope?.orgId ?? '', scope?.userId ?? '', scope?.apiKeyId ?? ''];
  if (db.mode === 'embedded') params.push(db.appRole);
  return {
    sql,
    params,
    check(rows) {
      const row = rows[0] as { leftover?: string; role?: string } | undefined;
      if (!row || row.role !== db.appRole || row.leftover !== '') {
        throw new Error(`tenant transaction is not clean (role=${row?.role ?? '?'}, leftover context=${row?.leftover ? 'yes' : 'no'})`);
      }
    },
  };
}

function makeTx(query: RawQuery, orgId: string): Tx {
  return { query, orgId };
}
