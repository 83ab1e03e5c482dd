import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { encryptSecretHeaders, mergeHeaders, type HeadersInput } from '../tools/headers.js';
import { checkDestination } from '../../platform/outbound/index.js';
import * as repo from './repo.js';
import { presentMcpTool, presentServer, type McpServerBody, type McpServerOut, type McpServerPatchBody } from './schemas.js';

export const serverNotFound = () => errors.notFound('mcp server');

const origin = (url: string) => new URL(url).origin;

/** Stored headers read back as "keep" markers: a PATCH that leaves headers out keeps them all. */
const keepAll = (stored: repo.McpServerRow['headers']): HeadersInput =>
  Object.fromEntries(Object.keys(stored).map((name) => [name, { secret: true as const }]));

export async function createServer(deps: Deps, principal: Principal, body: McpServerBody, meta: RequestMeta): Promise<McpServerOut> {
  const id = randomUUID();
  await checkDestination(deps.safeFetch, body.url);
  const encrypted = await encryptSecretHeaders(deps, { orgId: principal.orgId, recordId: id }, body.headers, { allSecret: true });
  return withOrg(deps.db, scopeOf(principal), async (tx) => {
    const merged = mergeHeaders(body.headers, encrypted, null, { allSecret: true, path: 'headers' });
    const out = presentServer(await repo.insertServer(tx, id, { ...body, headers: merged.headers, secret_headers: merged.secrets }));
    await recordAudit(tx, actorOf(principal), { action: 'mcp_server.created', targetType: 'mcp_server', targetId: id, after: out }, meta);
    return out;
  });
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getServer(tx: Tx, id: string): Promise<McpServerOut> {
  const row = await repo.getServer(tx, id);
  if (!row) throw serverNotFound();
  return presentServer(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listServers(tx: Tx, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listServers(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentServer), next_cursor: p.nextCursor };
}

/** Headers given replace the stored set; a header given without a value keeps its stored value. */
export async function updateServer(deps: Deps, principal: Principal, id: string, patch: McpServerPatchBody, meta: RequestMeta): Promise<McpServerOut> {
  if (patch.url !== undefined) await checkDestination(deps.safeFetch, patch.url);
  const encrypted = patch.headers ? await encryptSecretHeaders(deps, { orgId: principal.orgId, recordId: id }, patch.headers, { allSecret: true }) : new Map();
  return withOrg(deps.db, scopeOf(principal), async (tx) => {
    const current = await repo.getServerWithSecrets(tx, id, { lock: true });
    if (!current) throw serverNotFound();
    const url = patch.url ?? current.url;
    const merged = mergeHeaders(patch.headers ?? keepAll(current.headers), encrypted, { headers: current.headers, secrets: current.secret_headers }, {
      allSecret: true,
      path: 'headers',
      destinationChanged: origin(url) !== origin(current.url),
    });
    const updated = await repo.updateServer(tx, id, { name: patch.name ?? current.name, url, transport: patch.transport ?? current.transport, headers: merged.headers, secret_headers: merged.secrets });
    if (!updated) throw serverNotFound();
    const before = presentServer(current);
    const after = presentServer(updated);
    await recordAudit(tx, actorOf(principal), { action: 'mcp_server.updated', targetType: 'mcp_server', targetId: id, before, after }, meta);
    return after;
  });
}

/** In the request's tenant transaction (route `txHandler`). */
export async function deleteServer(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteServer(tx, id);
  if (!row) throw serverNotFound();
  await recordAudit(tx, actorOf(principal), { action: 'mcp_server.deleted', targetType: 'mcp_server', targetId: id, before: presentServer(row) }, meta);
}

/** In the request's tenant transaction (route `txHandler`): the tools found at the last refresh. */
export async function listServerTools(tx: Tx, id: string) {
  if (!(await repo.getServer(tx, id))) throw serverNotFound();
  const tools = await repo.listTools(tx, id);
  return { data: tools.map(presentMcpTool), next_cursor: null };
}
