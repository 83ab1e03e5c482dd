import { parseBasic, parseJsonBody, str, uuid, type RouteContext, type RouteResult } from './state.js';

/** Plivo REST v1 subset: account fetch, make call, send message. Basic auth auth_id:auth_token. */
const PATH = /^\/v1\/Account\/([^/]+)\/(Call\/|Message\/)?$/;

export function plivoRoute(ctx: RouteContext): RouteResult {
  const apiId = uuid();
  const m = PATH.exec(ctx.path);
  if (!m) return { status: 404, body: { api_id: apiId, error: 'not found' } };
  const [, authId, resource] = m;
  const basic = parseBasic(ctx.headers);
  const account = ctx.state.accounts.plivo.find((a) => a.auth_id === authId);
  if (!account || !basic || basic[0] !== account.auth_id || basic[1] !== account.auth_token) {
    // Deliberately echoes what it was sent, like careless real APIs do, so scrubbing is tested.
    return { status: 401, body: { api_id: apiId, error: `authentication failed for ${basic?.[0] ?? ''}:${basic?.[1] ?? ''}` } };
  }

  if (resource === undefined && ctx.method === 'GET') {
    return { status: 200, body: { api_id: apiId, auth_id: account.auth_id, name: 'Simulated account', account_type: 'standard', cash_credits: '10.00000' } };
  }
  if (ctx.method !== 'POST') return { status: 405, body: { api_id: apiId, error: 'method not allowed' } };
  const body = parseJsonBody(ctx.body);

  if (resource === 'Call/') {
    const from = str(body.from);
    const to = str(body.to);
    const answerUrl = str(body.answer_url);
    if (!from || !to || !answerUrl) return { status: 400, body: { api_id: apiId, error: { from: 'required', to: 'required', answer_url: 'required' } } };
    const id = uuid();
    const hangupUrl = str(body.hangup_url);
    ctx.state.calls.push({
      provider: 'plivo',
      id,
      accountId: account.auth_id,
      from,
      to,
      callbackUrl: answerUrl,
      ...(hangupUrl ? { statusCallbackUrl: hangupUrl } : {}),
      params: body,
      at: Date.now(),
    });
    return { status: 201, body: { api_id: apiId, message: 'call fired', request_uuid: id } };
  }
  const src = str(body.src);
  const dst = str(body.dst);
  const text = str(body.text);
  if (!src || !dst || !text) return { status: 400, body: { api_id: apiId, error: 'src, dst and text are required' } };
  const id = uuid();
  const url = str(body.url);
  ctx.state.messages.push({
    provider: 'plivo',
    id,
    accountId: account.auth_id,
    from: src,
    to: dst,
    text,
    ...(url ? { statusCallbackUrl: url } : {}),
    at: Date.now(),
  });
  return { status: 202, body: { api_id: apiId, message: 'message(s) queued', message_uuid: [id] } };
}
