/**
 * /sessions: thin routes over the runtime's public API (../index.ts). They live in the pipeline, not in
 * src/features/, because features never import the pipeline (ARCHITECTURE.md); app.ts registers
 * `pipelineRoutes` next to `featureRoutes`. Calls as records (GET/DELETE /calls) are a feature.
 */
import { scopeOf } from '../../platform/auth/principal.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams } from '../../platform/http/schemas.js';
import { endSession, getSession, sendToSession, startSession } from '../index.js';
import { createConsoleVoiceUrl } from '../ws/console-voice.js';
import { presentSession } from './present.js';
import { MessageBody, SESSION_LIMITS, SessionOut, SessionReplyOut, StartSessionBody, VoiceUrlBody, VoiceUrlOut } from './schemas.js';
import { streamTurn, wantsEventStream } from './sse.js';

const tags = ['sessions'];

export const sessionRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/sessions',
    operation: 'sessions.start',
    summary: 'Start a text session with an agent or a flow; returns the greeting or the flow\'s first output',
    permission: 'sessions:run',
    tags,
    body: StartSessionBody,
    bodyLimit: SESSION_LIMITS.bodyLimitBytes,
    status: 201,
    response: { 201: SessionReplyOut },
    handler: ({ deps, principal, body }) => startSession(deps, scopeOf(principal), { agent_id: body.agent_id, flow_id: body.flow_id, variables: body.variables, mode: body.mode, channel: 'text' }),
  }),
  route({
    method: 'POST',
    url: '/sessions/voice-url',
    operation: 'sessions.voice_url',
    summary: 'A short-lived, single-use widget WebSocket URL to talk by voice to an agent or a flow in test mode (the console playground); no web channel needed',
    permission: 'sessions:run',
    tags,
    body: VoiceUrlBody,
    bodyLimit: 1024,
    status: 201,
    response: { 201: VoiceUrlOut },
    handler: ({ deps, principal, body, request }) =>
      createConsoleVoiceUrl(deps, principal, body, {
        origin: typeof request.headers.origin === 'string' ? request.headers.origin : undefined,
        host: request.headers.host,
        fallbackBase: `${request.protocol}://${request.host}`,
      }),
  }),
  route({
    method: 'POST',
    url: '/sessions/:id/messages',
    operation: 'sessions.message',
    summary: 'Send the caller\'s text or DTMF digits; with Accept: text/event-stream the reply streams (delta events, then done)',
    permission: 'sessions:run',
    tags,
    params: IdParams,
    body: MessageBody,
    bodyLimit: SESSION_LIMITS.bodyLimitBytes,
    response: { 200: SessionReplyOut },
    handler: ({ deps, principal, params, body, request, reply }) => {
      const event = body.dtmf !== undefined ? { type: 'dtmf' as const, digits: body.dtmf } : { type: 'text' as const, text: body.text! };
      if (wantsEventStream(request)) return streamTurn(request, reply, (sink) => sendToSession(deps, scopeOf(principal), params.id, event, sink));
      return sendToSession(deps, scopeOf(principal), params.id, event);
    },
  }),
  route({
    method: 'POST',
    url: '/sessions/:id/end',
    operation: 'sessions.end',
    summary: 'End the session (as a caller hang-up); ending an ended session returns it unchanged',
    permission: 'sessions:run',
    tags,
    params: IdParams,
    response: { 200: SessionReplyOut },
    handler: ({ deps, principal, params }) => endSession(deps, scopeOf(principal), params.id),
  }),
  route({
    method: 'GET',
    url: '/sessions/:id',
    operation: 'sessions.get',
    summary: 'The session: status, variables and transcript',
    permission: 'calls:read',
    tags,
    params: IdParams,
    response: { 200: SessionOut },
    handler: async ({ deps, principal, params }) => presentSession(await getSession(deps, scopeOf(principal), params.id)),
  }),
];
