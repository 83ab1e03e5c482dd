import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { FlowOut, FlowPatchWriteBody, FlowWriteBody } from './api-schemas.js';
import { createFlow, deleteFlow, getFlow, listFlows, updateFlow } from './service.js';

// Flow bodies use the server-wide body limit (CONVERSE_BODY_LIMIT_BYTES, 1 MiB by default): the
// node, edge and text limits of docs/flows.md bound a flow well below it.
const tags = ['flows'];
const invalidFlow = 'A flow that does not validate is a 400 validation_error listing every problem with its node_id / edge_id.';

export const flowRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/flows',
    operation: 'flows.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(FlowOut) },
    txHandler: ({ tx, query }) => listFlows(tx, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/flows',
    operation: 'flows.create',
    summary: `Create a flow. ${invalidFlow}`,
    permission: 'config:write',
    tags,
    body: FlowWriteBody,
    status: 201,
    response: { 201: FlowOut },
    txHandler: ({ tx, principal, body, meta }) => createFlow(tx, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/flows/:id',
    operation: 'flows.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: FlowOut },
    txHandler: ({ tx, params }) => getFlow(tx, params.id),
  }),
  route({
    method: 'PUT',
    url: '/flows/:id',
    operation: 'flows.replace',
    summary: `Replace a flow (an omitted variables list becomes empty). ${invalidFlow}`,
    permission: 'config:write',
    tags,
    params: IdParams,
    body: FlowWriteBody,
    response: { 200: FlowOut },
    txHandler: ({ tx, principal, params, body, meta }) => updateFlow(tx, principal, params.id, { replace: body }, meta),
  }),
  route({
    method: 'PATCH',
    url: '/flows/:id',
    operation: 'flows.update',
    summary: `Replace the fields given; the merged flow is validated. ${invalidFlow}`,
    permission: 'config:write',
    tags,
    params: IdParams,
    body: FlowPatchWriteBody,
    response: { 200: FlowOut },
    txHandler: ({ tx, principal, params, body, meta }) => updateFlow(tx, principal, params.id, { patch: body }, meta),
  }),
  route({
    method: 'DELETE',
    url: '/flows/:id',
    operation: 'flows.delete',
    summary: 'Delete a flow. Agents that use it are detached (their flow_id becomes null).',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteFlow(tx, principal, params.id, meta),
  }),
];
