/**
 * POST /calls ("Dial now", API.md "Sessions and calls"): one outbound phone call through a voice
 * channel. In the pipeline because it starts a session (features never import the pipeline); calls as
 * records (GET/DELETE /calls) stay a feature. The work is ../voice/outbound.ts.
 */
import { z } from 'zod';
import { CallOut, presentCall } from '../../features/calls/schemas.js';
import { readCallState } from '../../features/calls/store.js';
import { scopeOf } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { ProviderError } from '../../telephony/index.js';
import { placeOutboundCall, prepareOutboundCall } from '../voice/outbound.js';
import { SESSION_LIMITS, Variables } from './schemas.js';

export const DialBody = z
  .strictObject({
    agent_id: z.uuid().optional(),
    flow_id: z.uuid().optional(),
    channel_id: z.uuid().describe('A voice channel (twilio, plivo, exotel) of this organization: the number that calls'),
    to: z.string().trim().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number, e.g. +15551234567').describe('The number to call (E.164)'),
    variables: Variables.optional(),
  })
  .refine((b) => b.agent_id === undefined || b.flow_id === undefined, { message: 'give at most one of agent_id or flow_id (none: the channel\'s own)', path: ['agent_id'] });

const IdempotencyKey = /^[A-Za-z0-9._:-]{1,128}$/;

export const callSessionRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/calls',
    operation: 'calls.dial',
    summary: 'Dial now: place one outbound phone call; the callee talks with the agent or flow when they answer',
    permission: 'sessions:run',
    tags: ['calls'],
    body: DialBody,
    bodyLimit: SESSION_LIMITS.bodyLimitBytes,
    status: 201,
    response: { 201: CallOut },
    handler: async ({ deps, principal, body, request }) => {
      const scope = scopeOf(principal);
      const prepared = await withOrg(deps.db, scope, (tx) => prepareOutboundCall(deps, tx, scope.orgId, body));
      const key = request.headers['idempotency-key'];
      try {
        await placeOutboundCall(deps, prepared, typeof key === 'string' && IdempotencyKey.test(key) ? { idempotencyKey: key } : {});
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // Fixed text: a provider's error body can echo the credentials.
        const why = err.status === 0 ? (err.code === 'timeout' ? 'timed out' : 'could not be reached') : `answered HTTP ${err.status}`;
        throw errors.unprocessable(`The call could not be placed: ${prepared.provider} ${why}`, [{ path: 'call_id', message: prepared.callId }]);
      }
      const call = await withOrg(deps.db, scope, (tx) => readCallState(tx, prepared.callId));
      if (!call) throw errors.notFound('call');
      return presentCall(call);
    },
  }),
];
