import { toApiError } from '../../api/errors';
import { authedFetch } from '../../auth/session';

export interface SessionReply {
  id: string;
  status: string;
  messages: Array<{ role: string; text: string }>;
  variables: Record<string, unknown>;
  ended_reason: string | null;
}

/**
 * One caller turn with the reply streamed (src/pipeline/http/sse.ts): `delta` events carry text as the
 * model produces it, `done` the same body as the JSON answer, `error` the API error body if the turn
 * failed after streaming began. A failure before anything streamed is an ordinary error response.
 */
export async function sendStreamed(sessionId: string, text: string, onDelta: (text: string) => void): Promise<SessionReply> {
  const res = await authedFetch(`/api/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => undefined));
  if (!res.headers.get('content-type')?.includes('text/event-stream') || !res.body) return (await res.json()) as SessionReply;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as unknown;
      if (event === 'delta') onDelta((data as { text: string }).text);
      else if (event === 'done') return data as SessionReply;
      else if (event === 'error') throw toApiError(502, data);
    }
  }
  throw new Error('The reply stream ended before the turn finished');
}
