import { hexId, parseBasic, type RouteContext, type RouteResult } from './state.js';

/**
 * Exotel v1 subset: account fetch, Calls/connect, Sms/send. Basic auth api_key:api_token; the account
 * sid in the path must belong to the key. Calls/connect dials `From` first and shows `CallerId`.
 */
const PATH = /^\/v1\/Accounts\/([^/]+?)(|\/Calls\/connect\.json|\/Sms\/send\.json)$/;

const exception = (status: number, message: string): RouteResult => ({ status, body: { RestException: { Status: status, Message: message } } });

export function exotelRoute(ctx: RouteContext): RouteResult {
  const m = PATH.exec(ctx.path);
  if (!m) return exception(404, 'Not found');
  const [, sid, resource] = m;
  const basic = parseBasic(ctx.headers);
  const account = ctx.state.accounts.exotel.find((a) => a.account_sid === sid);
  if (!account || !basic || basic[0] !== account.api_key || basic[1] !== account.api_token) {
    return exception(401, 'Authentication is required to view this page.');
  }

  if (resource === '' && ctx.method === 'GET') {
    return { status: 200, body: { Account: { Sid: account.account_sid, FriendlyName: 'Simulated account', Status: 'active' } } };
  }
  if (ctx.method !== 'POST') return exception(405, 'Method not allowed');
  const form = new URLSearchParams(ctx.body);

  if (resource === '/Calls/connect.json') {
    const callee = form.get('From');
    const callerId = form.get('CallerId');
    const url = form.get('Url');
    if (!callee || !callerId || !url) return exception(400, 'From, CallerId and Url are required');
    const id = hexId('', 16);
    const statusCallback = form.get('StatusCallback');
    ctx.state.calls.push({
      provider: 'exotel',
      id,
      accountId: account.account_sid,
      from: callerId,
      to: callee,
      callbackUrl: url,
      ...(statusCallback ? { statusCallbackUrl: statusCallback } : {}),
      params: Object.fromEntries(form),
      at: Date.now(),
    });
    return { status: 200, body: { Call: { Sid: id, AccountSid: account.account_sid, From: callee, To: callerId, Status: 'in-progress' } } };
  }
  const from = form.get('From');
  const to = form.get('To');
  const text = form.get('Body');
  if (!from || !to || !text) return exception(400, 'From, To and Body are required');
  const id = hexId('', 16);
  const statusCallback = form.get('StatusCallback');
  ctx.state.messages.push({
    provider: 'exotel',
    id,
    accountId: account.account_sid,
    from,
    to,
    text,
    ...(statusCallback ? { statusCallbackUrl: statusCallback } : {}),
    at: Date.now(),
  });
  return { status: 200, body: { SMSMessage: { Sid: id, AccountSid: account.account_sid, From: from, To: to, Status: 'queued' } } };
}
