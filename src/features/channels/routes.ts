import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { CHANNEL_LIMITS, ChannelOut, CreateChannelBody, SessionUrlOut, UpdateChannelBody } from './schemas.js';
import { createChannel, deleteChannel, getChannel, listChannels, updateChannel } from './service.js';
import { createSessionUrl } from './session-url.js';

const tags = ['channels'];
const bodyLimit = CHANNEL_LIMITS.bodyLimitBytes;

export const channelRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/channels',
    operation: 'channels.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(ChannelOut) },
    txHandler: ({ tx, deps, query }) => listChannels(tx, deps.config, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/channels',
    operation: 'channels.create',
    summary: 'Create a channel; provider credentials are verified with the provider, then stored encrypted',
    permission: 'config:write',
    tags,
    body: CreateChannelBody,
    bodyLimit,
    status: 201,
    response: { 201: ChannelOut },
    handler: ({ deps, principal, body, meta }) => createChannel(deps, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/channels/:id',
    operation: 'channels.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: ChannelOut },
    txHandler: ({ tx, deps, params }) => getChannel(tx, deps.config, params.id),
  }),
  route({
    method: 'PATCH',
    url: '/channels/:id',
    operation: 'channels.update',
    summary: 'Change only the fields given (type and provider are fixed)',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: UpdateChannelBody,
    bodyLimit,
    response: { 200: ChannelOut },
    handler: ({ deps, principal, params, body, meta }) => updateChannel(deps, principal, params.id, body, meta),
  }),
  route({
    method: 'DELETE',
    url: '/channels/:id',
    operation: 'channels.delete',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteChannel(tx, principal, params.id, meta),
  }),
  route({
    method: 'POST',
    url: '/channels/:id/session-url',
    operation: 'channels.session_url',
    summary: 'A short-lived signed WebSocket URL for the web widget',
    permission: 'sessions:run',
    tags,
    params: IdParams,
    bodyLimit: 1024,
    response: { 200: SessionUrlOut },
    handler: ({ deps, principal, params, request }) =>
      createSessionUrl(deps, principal, params.id, {
        origin: typeof request.headers.origin === 'string' ? request.headers.origin : undefined,
        fallbackBase: `${request.protocol}://${request.host}`,
      }),
  }),
];
