import { errors } from '../../platform/errors.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, listOf } from '../../platform/http/schemas.js';
import { EscalationDetailOut, EscalationListQuery, EscalationOut } from './schemas.js';
import { claimEscalation, getEscalationDetail, listEscalations } from './service.js';
import { openEscalationStream } from './stream.js';

const tags = ['escalations'];

/**
 * The queue (escalations:handle: owners, admins, support agents). Writing into the session, releasing
 * and closing run a session turn: src/pipeline/http/escalation-routes.ts.
 */
export const escalationRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/escalations',
    operation: 'escalations.list',
    summary: 'The organization\'s escalations, newest first; filter by status (waiting, claimed, closed) and queue',
    permission: 'escalations:handle',
    tags,
    query: EscalationListQuery,
    response: { 200: listOf(EscalationOut) },
    txHandler: ({ tx, query }) => {
      const { cursor, limit, ...filters } = query;
      return listEscalations(tx, filters, { cursor: decodeCursor(cursor), limit });
    },
  }),
  route({
    method: 'GET',
    url: '/escalations/stream',
    operation: 'escalations.stream',
    summary: 'Live escalation events of the organization as server-sent events (created, claimed, message, released, closed); needs Accept: text/event-stream',
    permission: 'escalations:handle',
    tags,
    handler: async ({ deps, principal, request, reply }) => {
      // EventSource always sends it; anything else would wait on a response that never ends.
      if (!/\btext\/event-stream\b/.test(request.headers.accept ?? '')) {
        throw errors.validation('This is a server-sent event stream: send Accept: text/event-stream', [{ path: 'headers.accept', message: 'must accept text/event-stream' }]);
      }
      const stream = openEscalationStream(deps, principal, request.headers.authorization);
      // The client went away: stop the heartbeat and drop the subscription.
      reply.raw.once('close', () => stream.destroy());
      // `connection: close`: once the stream ends (shutdown, credential gone) the socket goes too, instead
      // of idling as a keep-alive connection that holds the server's close.
      void reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no').header('connection', 'close');
      return stream;
    },
  }),
  route({
    method: 'GET',
    url: '/escalations/:id',
    operation: 'escalations.get',
    summary: 'One escalation with its call: transcript, variables and actions',
    permission: 'escalations:handle',
    tags,
    params: IdParams,
    response: { 200: EscalationDetailOut },
    txHandler: ({ tx, params }) => getEscalationDetail(tx, params.id),
  }),
  route({
    method: 'POST',
    url: '/escalations/:id/claim',
    operation: 'escalations.claim',
    summary: 'Claim a waiting escalation (409 when someone else holds it or it is closed; claiming your own again is a no-op)',
    permission: 'escalations:handle',
    tags,
    params: IdParams,
    response: { 200: EscalationOut },
    handler: ({ deps, principal, params, meta }) => claimEscalation(deps, principal, params.id, meta),
  }),
];
