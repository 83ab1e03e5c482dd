import { hexId, parseBearer, parseJsonBody, str, type RouteContext, type RouteResult } from './state.js';

/** Graph API subset for WhatsApp Cloud: phone number fetch and send message. Bearer access token. */
const PATH = /^\/v[0-9.]+\/(\d+)(\/messages)?$/;

const graphError = (status: number, code: number, message: string): RouteResult => ({
  status,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: hexId('A', 8) } },
});

export function metaRoute(ctx: RouteContext): RouteResult {
  const m = PATH.exec(ctx.path);
  if (!m) return graphError(400, 100, 'Unsupported request');
  const [, phoneNumberId, resource] = m;
  const token = parseBearer(ctx.headers);
  const account = ctx.state.accounts.meta.find((a) => a.phone_number_id === phoneNumberId);
  if (!account || !token || token !== account.access_token) {
    // Like the real Graph API, the message quotes the token it could not use: scrubbing is tested.
    return graphError(401, 190, `Invalid OAuth access token - Cannot parse access token ${token ?? ''}`);
  }

  if (resource === undefined && ctx.method === 'GET') {
    return { status: 200, body: { id: account.phone_number_id, display_phone_number: '+1 555-010-0000', verified_name: 'Simulated Business' } };
  }
  if (ctx.method !== 'POST' || resource !== '/messages') return graphError(400, 100, 'Unsupported request');
  const body = parseJsonBody(ctx.body);
  const to = str(body.to);
  const text = str((body.text as { body?: unknown } | undefined)?.body);
  if (body.messaging_product !== 'whatsapp' || !to || body.type !== 'text' || !text) {
    return graphError(400, 100, '(#100) Invalid parameter');
  }
  const id = `wamid.${hexId('', 24)}`;
  ctx.state.messages.push({ provider: 'meta', id, accountId: account.phone_number_id, from: account.phone_number_id, to, text, at: Date.now() });
  return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] } };
}
