import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, listOf } from '../../platform/http/schemas.js';
import { CallDetailOut, CallListQuery, CallOut } from './schemas.js';
import { deleteCall, getCallDetail, listCalls } from './service.js';

const tags = ['calls'];

/** Calls as records. Reading: calls:read (every role but none); deleting: calls:delete (owner, admin). */
export const callRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/calls',
    operation: 'calls.list',
    summary: 'Calls and sessions, newest first; filters combine with AND',
    permission: 'calls:read',
    tags,
    query: CallListQuery,
    response: { 200: listOf(CallOut) },
    txHandler: ({ tx, query }) => {
      const { cursor, limit, ...filters } = query;
      return listCalls(tx, filters, { cursor: decodeCursor(cursor), limit });
    },
  }),
  route({
    method: 'GET',
    url: '/calls/:id',
    operation: 'calls.get',
    summary: 'One call with transcript, tool calls, knowledge hits, variables and latency per turn',
    permission: 'calls:read',
    tags,
    params: IdParams,
    response: { 200: CallDetailOut },
    txHandler: ({ tx, params }) => getCallDetail(tx, params.id),
  }),
  route({
    method: 'DELETE',
    url: '/calls/:id',
    operation: 'calls.delete',
    summary: 'Delete a call with its transcript, tool calls, knowledge hits and latency',
    permission: 'calls:delete',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteCall(tx, principal, params.id, meta),
  }),
];
