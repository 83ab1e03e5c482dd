-- app.current_org_id() as a SQL function the planner inlines.
--
-- Every restrictive policy reads `(select app.current_org_id())`: an InitPlan, run once per table
-- reference per statement. As plpgsql (0001, 0008) each run was a function call through the plpgsql
-- interpreter plus an EXECUTE permission check, about 6 µs of server CPU per table reference. Inlined,
-- the InitPlan evaluates the CASE below directly. With plans cached (named prepared statements, in both
-- storage modes since this change) that is about 40 µs less server CPU per three-query request; the
-- numbers are in docs/benchmarks.md ("Isolation cost").
--
-- Same contract (ISOLATION.md "Fail closed"): NULL or '' raises SQLSTATE 42501 'organization context
-- required', from app.org_context_required(), which only the no-context branch reaches. A NULL setting
-- makes the WHEN condition NULL, so it takes that branch too: there is no path that yields NULL.
--
-- Why it stays safe to inline:
-- * An inlined body is parsed under the CALLER's search_path, so every function, operator and type it
--   names is schema-qualified (test/db/rls.test.ts plants pg_temp look-alikes).
-- * current_setting() is STABLE, so the planner never folds the setting into a plan: a cached plan reads
--   the org at execution time (test/db/rls.test.ts runs one prepared statement under two orgs).
-- * The raising helper is STABLE too: a volatile call would stop the planner from inlining the body.
--   SECURITY INVOKER and no SET clause on either function (a SET clause also prevents inlining).

create function app.org_context_required() returns uuid
  language plpgsql stable security invoker as $$
begin
  raise exception 'organization context required' using errcode = '42501';
end $$;

create or replace function app.current_org_id() returns uuid
  language sql stable security invoker as $$
  select case when pg_catalog.current_setting('app.org_id', true) operator(pg_catalog.<>) ''
              then pg_catalog.current_setting('app.org_id', true)::pg_catalog.uuid
              else app.org_context_required() end
$$;

grant execute on function app.org_context_required() to converse_app, converse_lookup;
