import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { CreateProviderBody, PROVIDER_LIMITS, ProviderOut, ProviderTestOut, UpdateProviderBody } from './schemas.js';
import { createProvider, deleteProvider, getProvider, listProviders, updateProvider } from './service.js';
import { testProvider } from './test-call.js';

const tags = ['providers'];
const bodyLimit = PROVIDER_LIMITS.bodyLimitBytes;

export const providerRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/providers',
    operation: 'providers.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(ProviderOut) },
    txHandler: ({ tx, query }) => listProviders(tx, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/providers',
    operation: 'providers.create',
    summary: 'Add a language-model or speech provider account; credentials are stored encrypted',
    permission: 'config:write',
    tags,
    body: CreateProviderBody,
    bodyLimit,
    status: 201,
    response: { 201: ProviderOut },
    handler: ({ deps, principal, body, meta }) => createProvider(deps, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/providers/:id',
    operation: 'providers.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: ProviderOut },
    txHandler: ({ tx, params }) => getProvider(tx, params.id),
  }),
  route({
    method: 'PATCH',
    url: '/providers/:id',
    operation: 'providers.update',
    summary: 'Change only the fields given (kind is fixed)',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: UpdateProviderBody,
    bodyLimit,
    response: { 200: ProviderOut },
    handler: ({ deps, principal, params, body, meta }) => updateProvider(deps, principal, params.id, body, meta),
  }),
  route({
    method: 'DELETE',
    url: '/providers/:id',
    operation: 'providers.delete',
    summary: 'Delete a provider; 409 while an agent uses it',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteProvider(tx, principal, params.id, meta),
  }),
  route({
    method: 'POST',
    url: '/providers/:id/test',
    operation: 'providers.test',
    summary: 'One cheap real call with the stored credentials: {ok, latency_ms, error?}',
    permission: 'config:write',
    tags,
    params: IdParams,
    bodyLimit: 1024,
    response: { 200: ProviderTestOut },
    handler: ({ deps, principal, params }) => testProvider(deps, principal, params.id),
  }),
];
