-- app.current_org_id() as an inlinable SQL function.
--
-- Every restrictive policy evaluates `(select app.current_org_id())` once per table reference per
-- statement. As plpgsql with `SET search_path` each call paid a function-call frame plus a GUC
-- save/restore (~7–10 µs). As a SQL function without a SET clause the planner inlines the body into the
-- policy's InitPlan; with prepared statements (the default on PostgreSQL) that happens once per
-- connection and statement, and each execution then evaluates a plain expression. See
-- docs/benchmarks.md ("Isolation cost").
--
-- Same contract (ISOLATION.md "Fail closed"): NULL or '' raises SQLSTATE 42501 'organization context
-- required'; the raise lives in a plpgsql helper that is only reached when context is missing. Every
-- name below is schema-qualified, so the caller's search_path cannot redirect it (inlining forbids a SET
-- clause). STABLE, never IMMUTABLE: the planner must not fold the setting into a cached plan.

create function app.org_context_required() returns uuid
  language plpgsql stable security invoker set search_path = pg_catalog as $$
begin
  raise exception 'organization context required' using errcode = '42501';
end $$;

create or replace function app.current_org_id() returns uuid
  language sql stable security invoker as $$
  select case
           when coalesce(pg_catalog.current_setting('app.org_id', true), '') operator(pg_catalog.=) ''
             then app.org_context_required()
           else pg_catalog.current_setting('app.org_id', true)::pg_catalog.uuid
         end
$$;

revoke all on function app.org_context_required() from public;
grant execute on function app.org_context_required() to converse_app, converse_lookup;
