import { route, type RouteDef } from '../../platform/http/route.js';
import { listOf } from '../../platform/http/schemas.js';
import { AddDncBody, DncEntryOut, DncListQuery, DncParams } from './schemas.js';
import { addDnc, listDnc, removeDnc } from './service.js';

const tags = ['dnc'];

/** The do-not-contact list: read with config:read, changed with config:write (owner, admin). */
export const dncRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/dnc',
    operation: 'dnc.list',
    summary: 'Numbers that must not be contacted, in number order; `search` keeps those containing the given digits',
    permission: 'config:read',
    tags,
    query: DncListQuery,
    response: { 200: listOf(DncEntryOut) },
    txHandler: ({ tx, query }) => listDnc(tx, query),
  }),
  route({
    method: 'POST',
    url: '/dnc',
    operation: 'dnc.add',
    summary: 'Add a number; adding a listed number again returns its entry unchanged',
    permission: 'config:write',
    tags,
    body: AddDncBody,
    bodyLimit: 4096,
    status: 201,
    response: { 201: DncEntryOut },
    txHandler: ({ tx, principal, body, meta }) => addDnc(tx, principal, body.phone, meta),
  }),
  route({
    method: 'DELETE',
    url: '/dnc/:phone',
    operation: 'dnc.remove',
    summary: 'Remove a number (percent-encode the +: /dnc/%2B14155550100)',
    permission: 'config:write',
    tags,
    params: DncParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => removeDnc(tx, principal, params.phone, meta),
  }),
];
