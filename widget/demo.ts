/**
 * /widget/demo (docs/widget.md "Demo page"): opens the widget on a web channel of the signed-in
 * organization. The page holds no secret: the credential (an access token or API key) is typed in, or
 * handed over by the console through postMessage from the same origin, and kept in memory only; it is
 * used for POST /api/v1/channels/{id}/session-url, each time the widget needs a fresh session URL.
 */
interface ConverseWidgetApi {
  mount(opts: { getSessionUrl: () => Promise<string>; title?: string }): { open(): void };
}

const form = document.getElementById('demo') as HTMLFormElement;
const channelInput = document.getElementById('channel') as HTMLInputElement;
const credentialInput = document.getElementById('credential') as HTMLInputElement;
const status = document.getElementById('status') as HTMLElement;
let credential = '';
let mounted = false;

channelInput.value = new URLSearchParams(location.search).get('channel') ?? '';

async function sessionUrl(channel: string): Promise<string> {
  const res = await fetch(`/api/v1/channels/${encodeURIComponent(channel)}/session-url`, { method: 'POST', headers: { authorization: `Bearer ${credential}` } });
  const body = (await res.json().catch(() => ({}))) as { url?: string; error?: { message?: string } };
  if (!res.ok || !body.url) {
    status.textContent = res.status === 403
      ? `Refused: add ${location.origin} to the channel's allowed origins, and check your role allows sessions.`
      : `Could not get a session URL: ${body.error?.message ?? res.status}`;
    throw new Error('no session url');
  }
  status.textContent = '';
  return body.url;
}

function open(): void {
  const channel = channelInput.value.trim();
  if (!channel || !credential) return;
  credentialInput.value = '';
  if (mounted) return;
  mounted = true;
  const api = (window as unknown as { ConverseWidget: ConverseWidgetApi }).ConverseWidget;
  api.mount({ getSessionUrl: () => sessionUrl(channel), title: 'Widget demo' }).open();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  credential = credentialInput.value.trim();
  open();
});

// The console may open this page and hand over its in-memory access token (same origin only).
window.addEventListener('message', (e: MessageEvent) => {
  const data = e.data as { type?: unknown; access_token?: unknown } | null;
  if (e.origin !== location.origin || data?.type !== 'converse:widget-demo-credential' || typeof data.access_token !== 'string') return;
  credential = data.access_token;
  open();
});
window.opener?.postMessage({ type: 'converse:widget-demo-ready' }, location.origin);

export {};
