import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { CreatedEndpointOut, CreateEndpointBody, DeliveryOut, EndpointOut, WEBHOOK_LIMITS } from './schemas.js';
import { createEndpoint, deleteEndpoint, getEndpoint, listDeliveries, listEndpoints } from './service.js';

const tags = ['webhook-endpoints'];

export const webhookEndpointRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/webhook-endpoints',
    operation: 'webhook_endpoints.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(EndpointOut) },
    txHandler: ({ tx, query }) => listEndpoints(tx, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/webhook-endpoints',
    operation: 'webhook_endpoints.create',
    summary: 'Subscribe a URL to events. The signing secret is in this response only.',
    permission: 'config:write',
    tags,
    body: CreateEndpointBody,
    bodyLimit: WEBHOOK_LIMITS.bodyLimitBytes,
    status: 201,
    response: { 201: CreatedEndpointOut },
    handler: ({ deps, principal, body, meta }) => createEndpoint(deps, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/webhook-endpoints/:id',
    operation: 'webhook_endpoints.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: EndpointOut },
    txHandler: ({ tx, params }) => getEndpoint(tx, params.id),
  }),
  route({
    method: 'DELETE',
    url: '/webhook-endpoints/:id',
    operation: 'webhook_endpoints.delete',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteEndpoint(tx, principal, params.id, meta),
  }),
  route({
    method: 'GET',
    url: '/webhook-endpoints/:id/deliveries',
    operation: 'webhook_endpoints.deliveries',
    summary: 'Delivery log: status, response code, attempts with their backoff, duration, error',
    permission: 'config:read',
    tags,
    params: IdParams,
    query: ListQuery,
    response: { 200: listOf(DeliveryOut) },
    txHandler: ({ tx, params, query }) => listDeliveries(tx, params.id, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
];
