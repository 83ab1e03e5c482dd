import { hexId, parseBasic, type RouteContext, type RouteResult } from './state.js';

/** Twilio REST 2010-04-01 subset: account fetch, create call, create message. Basic auth sid:token. */
const PATH = /^\/2010-04-01\/Accounts\/([^/]+?)(\.json|\/Calls\.json|\/Messages\.json|\/Calls\/[^/]+\.json)$/;

const authError = (): RouteResult => ({
  status: 401,
  body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 },
});

const badRequest = (code: number, message: string): RouteResult => ({
  status: 400,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 },
});

export function twilioRoute(ctx: RouteContext): RouteResult {
  const m = PATH.exec(ctx.path);
  if (!m) return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
  const [, sid, resource] = m;
  const basic = parseBasic(ctx.headers);
  const account = ctx.state.accounts.twilio.find((a) => a.account_sid === sid);
  if (!account || !basic || basic[0] !== account.account_sid || basic[1] !== account.auth_token) return authError();

  if (resource === '.json' && ctx.method === 'GET') {
    return { status: 200, body: { sid: account.account_sid, friendly_name: 'Simulated account', status: 'active', type: 'Full' } };
  }
  if (ctx.method !== 'POST') return { status: 405, body: { code: 20004, message: 'Method not allowed', status: 405 } };
  const form = new URLSearchParams(ctx.body);
  if (resource!.startsWith('/Calls/')) {
    // Update a call (e.g. new TwiML to transfer it): recorded on the simulator's `updates`.
    const callSid = resource!.slice('/Calls/'.length, -'.json'.length);
    ctx.state.updates.push({ provider: 'twilio', callId: callSid, params: Object.fromEntries(form), at: Date.now() });
    return { status: 200, body: { sid: callSid, account_sid: account.account_sid, status: 'in-progress' } };
  }
  const to = form.get('To');
  const from = form.get('From');
  if (!to) return badRequest(21201, "A 'To' phone number is required.");
  if (!from) return badRequest(21603, "A 'From' phone number is required.");

  if (resource === '/Calls.json') {
    const url = form.get('Url');
    if (!url) return badRequest(21205, 'Url parameter is required.');
    const id = hexId('CA');
    const statusCallback = form.get('StatusCallback');
    ctx.state.calls.push({
      provider: 'twilio',
      id,
      accountId: account.account_sid,
      from,
      to,
      callbackUrl: url,
      ...(statusCallback ? { statusCallbackUrl: statusCallback } : {}),
      params: Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k).length > 1 ? form.getAll(k) : form.get(k)])),
      at: Date.now(),
    });
    return { status: 201, body: { sid: id, account_sid: account.account_sid, to, from, status: 'queued', direction: 'outbound-api' } };
  }
  const text = form.get('Body');
  if (!text) return badRequest(21602, 'Message body is required.');
  const id = hexId('SM');
  const statusCallback = form.get('StatusCallback');
  ctx.state.messages.push({
    provider: 'twilio',
    id,
    accountId: account.account_sid,
    from,
    to,
    text,
    ...(statusCallback ? { statusCallbackUrl: statusCallback } : {}),
    at: Date.now(),
  });
  return { status: 201, body: { sid: id, account_sid: account.account_sid, to, from, body: text, status: 'queued' } };
}
