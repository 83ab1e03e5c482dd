-- app.current_org_id() without its `SET search_path` clause.
--
-- Every restrictive policy evaluates `(select app.current_org_id())` once per table reference per
-- statement. A function-level SET clause makes each call save, set and restore the GUC (and recompute
-- the search path), which was most of the call's cost. Measured per 3-query unit (bench/isolation-cost.ts and
-- docs/benchmarks.md, "Isolation cost"): about 10 µs less server CPU on PostgreSQL, and cheaper on PGlite
-- too (an inlinable SQL variant was tried: slightly cheaper on PostgreSQL with prepared statements, but
-- about 18% more CPU per unit on PGlite, which re-plans every statement).
--
-- Same contract (ISOLATION.md "Fail closed"): NULL or '' raises SQLSTATE 42501 'organization context
-- required'. Without the SET clause the body runs under the caller's search_path, so every function,
-- operator and type it names is schema-qualified: nothing the caller (or a temporary schema) defines can
-- stand in for them. Still STABLE and SECURITY INVOKER.

create or replace function app.current_org_id() returns uuid
  language plpgsql stable security invoker as $$
declare
  v pg_catalog.text := pg_catalog.current_setting('app.org_id', true);
begin
  if v is null or v operator(pg_catalog.=) '' then
    raise exception 'organization context required' using errcode = '42501';
  end if;
  return v::pg_catalog.uuid;
end $$;
