-- app.current_user_id() as a SQL function the planner inlines, like app.current_org_id() since 0009.
--
-- The users policies (users_visible, users_update_self) read `(select app.current_user_id())`: an
-- InitPlan, run once per reference to app.users per statement. Since 0001 the function carried
-- `SET search_path = pg_catalog`, which stops the planner from inlining it, so every run went through the
-- SQL-function executor: set up the function's own plan, save/set/restore the GUC, run it. Measured with
-- pgbench on `select … from app.users where id = $1` as the app role (prepared, 1 client): about 180 µs
-- per statement before and 130 µs after, against 120 µs for the same read of app.organizations; the
-- HTTP numbers are in docs/benchmarks.md. GET /me and GET /team/members read app.users on every call.
--
-- Same contract: the acting user as a uuid, or NULL when the setting is missing or '' (API keys and
-- system work). It is not an isolation boundary and never appears alone in a policy: users_visible ORs it
-- with a membership in the current org, whose restrictive policy raises without org context.
--
-- Why it stays safe to inline (the same reasoning as 0009):
-- * An inlined body is parsed under the CALLER's search_path, so every function, operator and type it
--   names is schema-qualified (test/db/rls.test.ts plants pg_temp look-alikes).
-- * current_setting() is STABLE, so a cached plan reads the setting at execution time, never at planning.
-- * No SET clause, SECURITY INVOKER, STABLE: anything else would stop the planner from inlining.
-- A NULL setting makes the WHEN condition NULL and '' makes it false: both take the (absent) ELSE, NULL.

create or replace function app.current_user_id() returns uuid
  language sql stable security invoker as $$
  select case when pg_catalog.current_setting('app.user_id', true) operator(pg_catalog.<>) ''
              then pg_catalog.current_setting('app.user_id', true)::pg_catalog.uuid end
$$;
