import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { encryptSecretHeaders, mergeHeaders } from './headers.js';
import { checkDestination } from '../../platform/outbound/index.js';
import * as repo from './repo.js';
import { presentTool, type StoredToolConfig, type ToolBody, type ToolConfigInput, type ToolOut, type ToolPatchBody } from './schemas.js';
import { checkUrlTemplate, placeholdersIn, templateOrigin } from './templates.js';

const toolNotFound = () => errors.notFound('tool');

/** Rules that span fields: templates only name declared parameters; webhook tools build their own body. */
function checkToolRules(t: { type: string; parameters: Record<string, unknown>; config: ToolConfigInput }): void {
  const details: Array<{ path: string; message: string }> = [];
  const urlProblem = checkUrlTemplate(t.config.url);
  if (urlProblem) details.push({ path: 'config.url', message: urlProblem });
  const declared = new Set(Object.keys((t.parameters.properties as Record<string, unknown> | undefined) ?? {}));
  const plainHeaders = Object.values(t.config.headers).filter((v): v is string => typeof v === 'string');
  const used = [...placeholdersIn(t.config.url), ...placeholdersIn(plainHeaders), ...placeholdersIn(t.config.body)];
  for (const name of new Set(used)) if (!declared.has(name)) details.push({ path: 'config', message: `{{${name}}} is not a declared parameter` });
  if (t.type === 'webhook') {
    if (t.config.body !== null) details.push({ path: 'config.body', message: 'webhook tools send the session data; leave body null' });
    if (!['POST', 'PUT', 'PATCH'].includes(t.config.method)) details.push({ path: 'config.method', message: 'webhook tools use POST, PUT or PATCH' });
  }
  if (details.length > 0) throw errors.validation('The tool is invalid', details);
}

/**
 * Everything that must happen outside a transaction before a write: rule checks, the address-policy
 * check of the URL's fixed origin (DNS) and encryption of new secret header values (the vault).
 */
async function prepare(deps: Deps, orgId: string, id: string, body: { type: string; parameters: Record<string, unknown>; config: ToolConfigInput }) {
  checkToolRules(body);
  await checkDestination(deps.safeFetch, templateOrigin(body.config.url));
  return encryptSecretHeaders(deps, { orgId, recordId: id }, body.config.headers);
}

function storedConfig(config: ToolConfigInput, headers: StoredToolConfig['headers']): StoredToolConfig {
  return { ...config, headers, body: config.body ?? null };
}

export async function createTool(deps: Deps, principal: Principal, body: ToolBody, meta: RequestMeta): Promise<ToolOut> {
  const id = randomUUID();
  const encrypted = await prepare(deps, principal.orgId, id, body);
  return withOrg(deps.db, scopeOf(principal), async (tx) => {
    const merged = mergeHeaders(body.config.headers, encrypted, null, { path: 'config.headers' });
    const row = await repo.insertTool(tx, id, { ...body, config: storedConfig(body.config, merged.headers), secret_headers: merged.secrets });
    const out = presentTool(row);
    await recordAudit(tx, actorOf(principal), { action: 'tool.created', targetType: 'tool', targetId: id, after: out }, meta);
    return out;
  });
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getTool(tx: Tx, id: string): Promise<ToolOut> {
  const row = await repo.getTool(tx, id);
  if (!row) throw toolNotFound();
  return presentTool(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listTools(tx: Tx, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listTools(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentTool), next_cursor: p.nextCursor };
}

/**
 * PUT replaces every field; PATCH changes the fields given (a given `config` is replaced whole). The
 * merged tool is checked and its new secrets encrypted before the write transaction; inside it the row
 * is locked and kept secrets are taken from the row as it is now.
 */
export async function updateTool(deps: Deps, principal: Principal, id: string, change: { replace: ToolBody } | { patch: ToolPatchBody }, meta: RequestMeta): Promise<ToolOut> {
  let next: ToolBody;
  if ('replace' in change) next = change.replace;
  else {
    const stored = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getTool(tx, id));
    if (!stored) throw toolNotFound();
    // Stored secret headers read back as {secret: true} markers with no value: "keep what is stored".
    const storedConfig = { ...stored.config, headers: Object.fromEntries(Object.entries(stored.config.headers).map(([k, v]) => [k, typeof v === 'string' ? v : { secret: true as const }])) };
    next = { name: stored.name, description: stored.description, type: stored.type, parameters: stored.parameters, config: storedConfig, ...definedOnly(change.patch) };
  }
  const encrypted = await prepare(deps, principal.orgId, id, next);
  return withOrg(deps.db, scopeOf(principal), async (tx) => {
    const current = await repo.getToolWithSecrets(tx, id, { lock: true });
    if (!current) throw toolNotFound();
    const destinationChanged = templateOrigin(current.config.url).toLowerCase() !== templateOrigin(next.config.url).toLowerCase();
    const merged = mergeHeaders(next.config.headers, encrypted, { headers: current.config.headers, secrets: current.secret_headers }, { path: 'config.headers', destinationChanged });
    const updated = await repo.updateTool(tx, id, { ...next, config: storedConfig(next.config, merged.headers), secret_headers: merged.secrets });
    if (!updated) throw toolNotFound();
    const before = presentTool(current);
    const after = presentTool(updated);
    await recordAudit(tx, actorOf(principal), { action: 'tool.updated', targetType: 'tool', targetId: id, before, after }, meta);
    return after;
  });
}

/** In the request's tenant transaction (route `txHandler`). */
export async function deleteTool(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteTool(tx, id);
  if (!row) throw toolNotFound();
  await recordAudit(tx, actorOf(principal), { action: 'tool.deleted', targetType: 'tool', targetId: id, before: presentTool(row) }, meta);
}

/** Zod leaves absent optional keys out, but an explicit `undefined` must not overwrite a stored value. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
