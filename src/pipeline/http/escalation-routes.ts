/**
 * The escalation routes that drive the session runtime: a person writing into the session, releasing it
 * back to the agent, closing it. They live here because features never import the pipeline (the queue
 * itself — list, read, claim, the live stream — is src/features/escalations/routes.ts). Each runs ONE
 * turn: the check before it (404/409 without running anything), then the engine event, and the
 * person's action re-checked and recorded (audited) in the turn's own transaction, so the turn and the
 * escalation change commit together or not at all.
 */
import { escalationHub, type EscalationEvent } from '../../features/escalations/hub.js';
import { EscalationMessageBody, EscalationOut, ESCALATION_LIMITS } from '../../features/escalations/schemas.js';
import { callToActOn, readEscalation, recordEscalationAction, type EscalationAction } from '../../features/escalations/service.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/principal.js';
import { scopeOf } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams } from '../../platform/http/schemas.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { sessionRuntime } from '../index.js';
import type { CallerEvent } from '../types.js';

const tags = ['escalations'];

async function act(deps: Deps, principal: Principal, id: string, action: EscalationAction, event: CallerEvent, meta: RequestMeta) {
  const scope = scopeOf(principal);
  const callId = await withOrg(deps.db, scope, (tx) => callToActOn(tx, principal, id));
  let events: EscalationEvent[] = [];
  await sessionRuntime(deps).send(scope, callId, event, {}, {
    inTurn: async (tx, turn) => {
      events = await recordEscalationAction(tx, principal, id, action, { escalated: turn.status === 'escalated' }, meta);
    },
  });
  escalationHub(deps).publish(principal.orgId, events);
  return withOrg(deps.db, scope, (tx) => readEscalation(tx, id));
}

export const escalationSessionRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/escalations/:id/messages',
    operation: 'escalations.message',
    summary: 'Write into the escalated session as a person: the caller receives the text on their channel (claimer, or owner/admin)',
    permission: 'escalations:handle',
    tags,
    params: IdParams,
    body: EscalationMessageBody,
    bodyLimit: ESCALATION_LIMITS.bodyLimitBytes,
    response: { 200: EscalationOut },
    handler: ({ deps, principal, params, body, meta }) => act(deps, principal, params.id, 'message', { type: 'human_message', text: body.text }, meta),
  }),
  route({
    method: 'POST',
    url: '/escalations/:id/release',
    operation: 'escalations.release',
    summary: 'Give the session back to the agent: its next caller message gets an agent answer (409 when there is no agent to go back to)',
    permission: 'escalations:handle',
    tags,
    params: IdParams,
    response: { 200: EscalationOut },
    handler: ({ deps, principal, params, meta }) => act(deps, principal, params.id, 'release', { type: 'release' }, meta),
  }),
  route({
    method: 'POST',
    url: '/escalations/:id/close',
    operation: 'escalations.close',
    summary: 'Close the escalation and end the session (ended_reason closed_by_support, outcome escalated)',
    permission: 'escalations:handle',
    tags,
    params: IdParams,
    response: { 200: EscalationOut },
    handler: ({ deps, principal, params, meta }) => act(deps, principal, params.id, 'close', { type: 'close' }, meta),
  }),
];
