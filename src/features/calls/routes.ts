import { decodeCursor } from '../../platform/http/pagination.js';
import { z } from 'zod';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, listOf } from '../../platform/http/schemas.js';
import { CallDetailOut, CallListQuery, CallOut } from './schemas.js';
import { deleteCallRecording, openRecordingAudio } from './recordings/service.js';
import { deleteCall, getCallDetail, listCalls } from './service.js';

const tags = ['calls'];

/**
 * Calls as records. Reading: calls:read (every role); deleting: calls:delete (owner, admin). Listening to
 * a recording: calls:recordings (owner, admin, support agent; not members or viewers: a person's voice).
 */
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
  route({
    method: 'GET',
    url: '/calls/:id/recording',
    operation: 'calls.recording.get',
    summary: 'The call\'s recording as audio/wav (16-bit PCM, 8 kHz, mono: caller and agent mixed), decrypted as it streams',
    permission: 'calls:recordings',
    tags,
    params: IdParams,
    response: { 200: z.string().describe('audio/wav') },
    handler: async ({ deps, principal, params, reply }) => {
      const { bytes, stream } = await openRecordingAudio(deps, principal, params.id);
      void reply
        .header('content-type', 'audio/wav')
        .header('content-length', String(bytes))
        .header('content-disposition', `attachment; filename="call-${params.id}.wav"`)
        .header('cache-control', 'private, no-store');
      return stream;
    },
  }),
  route({
    method: 'DELETE',
    url: '/calls/:id/recording',
    operation: 'calls.recording.delete',
    summary: 'Delete the call\'s recording, keeping the call and its transcript',
    permission: 'calls:delete',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteCallRecording(tx, principal, params.id, meta),
  }),
];
