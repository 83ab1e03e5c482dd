import { deliverCallback, plivoCallback } from './callbacks.js';
import { parseBasic, parseJsonBody, str, uuid, type RouteContext, type RouteResult, type SimCallUpdate } from './state.js';

/**
 * Plivo REST v1 subset: account fetch, make call, transfer a call, send message. Basic auth
 * auth_id:auth_token.
 */
const PATH = /^\/v1\/Account\/([^/]+)\/(?:(Call|Message)\/(?:([^/]+)\/)?)?$/;

export function plivoRoute(ctx: RouteContext): RouteResult {
  const apiId = uuid();
  const m = PATH.exec(ctx.path);
  if (!m) return { status: 404, body: { api_id: apiId, error: 'not found' } };
  const [, authId, resource, callUuid] = m;
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

  if (resource === 'Call' && callUuid) return transfer(ctx, account.auth_token, callUuid, body, apiId);
  if (resource === 'Message' && callUuid) return { status: 404, body: { api_id: apiId, error: 'not found' } };
  if (resource === 'Call') {
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

/**
 * Transfer a call (`POST Call/{call_uuid}/` with `legs=aleg`, `aleg_url`, `aleg_method`): 202, then the
 * call fetches its new XML from `aleg_url`, signed like every Plivo callback; the update records the
 * document and the numbers its `<Dial>` dials. The simulator does not track live calls, so any call
 * uuid is taken.
 */
function transfer(ctx: RouteContext, authToken: string, callUuid: string, body: Record<string, unknown>, apiId: string): RouteResult {
  const legs = str(body.legs) ?? 'aleg';
  const url = str(body.aleg_url);
  const method = (str(body.aleg_method) ?? 'POST').toUpperCase();
  if (legs !== 'aleg' || !url || (method !== 'GET' && method !== 'POST')) {
    return { status: 400, body: { api_id: apiId, error: 'this simulator transfers the aleg only: legs=aleg with aleg_url (and aleg_method GET or POST)' } };
  }
  const update: SimCallUpdate = { provider: 'plivo', callId: callUuid, params: { legs, aleg_url: url, aleg_method: method }, at: Date.now() };
  ctx.state.updates.push(update);
  const followUp = async (fetchFn: typeof fetch) => {
    const params = { CallUUID: callUuid, CallStatus: 'in-progress', Direction: 'inbound', Event: 'Transfer' };
    const res = await deliverCallback(plivoCallback(url, params, authToken, { method: method === 'GET' ? 'GET' : 'POST' }), fetchFn).catch((err: unknown) => ({ status: 0, body: String(err) }));
    update.instructions = { status: res.status, body: res.body };
    update.dialed = res.status === 200 ? dialedNumbers(res.body) : [];
  };
  return { status: 202, body: { api_id: apiId, message: 'call transferred' }, followUp };
}

/** The `<Number>`s inside Plivo XML's `<Dial>`. */
function dialedNumbers(xml: string): string[] {
  const dial = /<Dial[^>]*>([\s\S]*?)<\/Dial>/.exec(xml)?.[1] ?? '';
  return [...dial.matchAll(/<Number[^>]*>([^<]+)<\/Number>/g)].map((n) => n[1]!.trim());
}
