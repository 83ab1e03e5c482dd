/**
 * The Converse web widget (docs/widget.md), served as /widget.js. One script tag on a customer's page:
 *
 *   <script src="https://converse.example.com/widget.js" data-session-url-endpoint="/converse-session" async></script>
 *
 * The endpoint is the customer's own backend, which holds the API key and answers POST with the JSON of
 * POST /api/v1/channels/{id}/session-url ({url}). Plain DOM in a Shadow DOM (the page's styles never
 * reach in, ours never leak out); styles through a constructed stylesheet, so a strict host CSP
 * (script-src allowing this script's origin, no 'unsafe-inline') is enough.
 *
 * The connection resumes its session after a drop (docs/widget.md "Resume"): the server's `session`
 * frame carries a resume token, kept in sessionStorage with the session id; a reconnect asks the backend
 * for a fresh session URL and adds `session` and `resume` to it.
 *
 * The microphone button turns the conversation into a voice call (docs/widget.md "Voice"): audio goes
 * out as binary frames (./voice-audio.ts, bundled into this script), the agent's audio is played back,
 * and what the server recognized is shown as the visitor's lines.
 */
import { startVoiceAudio, type VoiceAudio } from './voice-audio.js';

interface MountOptions {
  /** Returns a fresh session URL (each is single-use). */
  getSessionUrl: () => Promise<string>;
  /** The microphone's AudioWorklet module (default: /widget/capture-worklet.js next to this script). */
  workletUrl?: string;
  title?: string;
  /** sessionStorage key for the session to resume; omit to keep nothing. */
  storageKey?: string;
  /** Where to attach the widget (default: document.body). */
  container?: HTMLElement;
}

interface Frame {
  type: string;
  [field: string]: unknown;
}

interface Stored {
  id: string;
  resume: string;
}

const CSS = `
:host { all: initial; }
.bubble { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 28px; padding: 14px 20px;
  background: #1f5eff; color: #fff; font: 600 15px/1 system-ui, sans-serif; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.panel { position: fixed; right: 20px; bottom: 80px; z-index: 2147483000; width: min(360px, calc(100vw - 40px)); height: min(520px, calc(100vh - 120px));
  display: flex; flex-direction: column; background: #fff; color: #1b1b1f; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3);
  font: 14px/1.4 system-ui, sans-serif; overflow: hidden; }
.panel[hidden] { display: none; }
header { display: flex; align-items: center; justify-content: space-between; padding: 12px 14px; background: #1f5eff; color: #fff; font-weight: 600; }
header button { background: none; border: 0; color: inherit; font-size: 20px; cursor: pointer; line-height: 1; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 85%; padding: 8px 11px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.caller { align-self: flex-end; background: #1f5eff; color: #fff; }
.msg.agent, .msg.human { align-self: flex-start; background: #eef1f6; }
.msg.human { border-left: 3px solid #16a34a; }
.msg.system { align-self: center; background: none; color: #666; font-size: 12px; }
.status { padding: 4px 12px; font-size: 12px; color: #666; min-height: 16px; }
form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e3e6ec; }
input { flex: 1; font: inherit; padding: 8px 10px; border: 1px solid #c9cfd9; border-radius: 8px; }
form button { font: inherit; padding: 8px 12px; border: 0; border-radius: 8px; background: #1f5eff; color: #fff; cursor: pointer; }
form button.mic { background: #eef1f6; color: #1b1b1f; }
form button.mic[aria-pressed="true"] { background: #d92d20; color: #fff; }
`;

/** Where this script came from: the microphone's worklet module is served next to it. */
const SCRIPT_SRC = (document.currentScript as HTMLScriptElement | null)?.src || location.href;
const DEFAULT_WORKLET = new URL('/widget/capture-worklet.js', SCRIPT_SRC).toString();

/** Close codes after which reconnecting is pointless (docs/widget.md "Close codes"). */
const FINAL_CLOSES = new Set([1000, 1008, 1009, 4000]);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function adoptStyles(root: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Older browsers: an inline <style> (needs the host CSP to allow it; the widget works unstyled otherwise).
    root.append(el('style', {}, CSS));
  }
}

class Widget {
  private ws: WebSocket | null = null;
  private connecting = false;
  private ended = false;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly outbox: string[] = [];
  /** Bubbles being streamed this turn, by the server's message index. */
  private streaming = new Map<number, HTMLElement>();
  private readonly log: HTMLElement;
  private readonly status: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly mic: HTMLButtonElement;
  /** The microphone and the agent's audio, while the visitor talks (null: text only). */
  private audio: VoiceAudio | null = null;

  constructor(private readonly opts: MountOptions) {
    const host = el('div', { 'data-converse-widget': '' });
    const root = host.attachShadow({ mode: 'open' });
    adoptStyles(root);
    const bubble = el('button', { class: 'bubble', type: 'button', 'aria-label': 'Open chat' }, 'Chat');
    this.panel = el('div', { class: 'panel', role: 'dialog', 'aria-label': opts.title ?? 'Chat' });
    this.panel.hidden = true;
    const header = el('header', {}, opts.title ?? 'Chat with us');
    const close = el('button', { type: 'button', 'aria-label': 'Close chat' }, '×');
    header.append(close);
    this.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite' });
    this.status = el('div', { class: 'status' });
    const form = el('form');
    this.input = el('input', { type: 'text', placeholder: 'Type a message…', 'aria-label': 'Message', maxlength: '4000' });
    this.mic = el('button', { type: 'button', class: 'mic', 'aria-label': 'Talk with your voice', 'aria-pressed': 'false', title: 'Talk with your voice' }, '🎤');
    form.append(this.input, this.mic, el('button', { type: 'submit' }, 'Send'));
    this.panel.append(header, this.log, this.status, form);
    root.append(this.panel, bubble);
    (opts.container ?? document.body).append(host);

    bubble.addEventListener('click', () => this.toggle());
    close.addEventListener('click', () => this.toggle(false));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      this.say(text);
    });
    this.mic.addEventListener('click', () => void (this.audio ? this.stopVoice() : this.startVoice()));
    window.addEventListener('online', () => this.reconnectNow());
  }

  /** The microphone on: the first audio frame switches the session to voice on the server. */
  private async startVoice(): Promise<void> {
    if (this.ended) this.restart();
    this.mic.disabled = true;
    try {
      this.audio = await startVoiceAudio({
        workletUrl: this.opts.workletUrl ?? DEFAULT_WORKLET,
        // Audio before the session frame would be dropped by the server anyway.
        send: (frame) => {
          if (this.ws?.readyState === WebSocket.OPEN && this.stored()) this.ws.send(frame);
        },
      });
      this.mic.setAttribute('aria-pressed', 'true');
      this.setStatus('Listening…');
      void this.connect();
    } catch {
      this.setStatus('The microphone is not available.');
    } finally {
      this.mic.disabled = false;
    }
  }

  private stopVoice(status = ''): void {
    this.audio?.stop();
    this.audio = null;
    this.mic.setAttribute('aria-pressed', 'false');
    this.setStatus(status);
  }

  toggle(open = this.panel.hidden): void {
    this.panel.hidden = !open;
    if (open) {
      this.input.focus();
      void this.connect();
    }
  }

  /** The caller's message: shown at once, sent now or when the connection is back. */
  say(text: string): void {
    if (this.ended) this.restart();
    this.add('caller', text);
    this.outbox.push(JSON.stringify({ type: 'message', text }));
    this.flush();
    void this.connect();
  }

  private restart(): void {
    this.ended = false;
    this.forget();
    this.log.replaceChildren();
  }

  private flush(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.stored()) return;
    while (this.outbox.length) ws.send(this.outbox.shift()!);
  }

  /** Kept when sessionStorage is unavailable (or no storageKey): resume then works within this page. */
  private memory: Stored | null = null;

  private stored(): Stored | null {
    if (!this.opts.storageKey) return this.memory;
    try {
      const raw = sessionStorage.getItem(this.opts.storageKey);
      return raw ? (JSON.parse(raw) as Stored) : null;
    } catch {
      return this.memory;
    }
  }

  private remember(s: Stored | null): void {
    this.memory = s;
    if (!this.opts.storageKey) return;
    try {
      if (s) sessionStorage.setItem(this.opts.storageKey, JSON.stringify(s));
      else sessionStorage.removeItem(this.opts.storageKey);
    } catch {
      // Storage disabled: resume still works within this page (memory).
    }
  }

  private forget(): void {
    this.remember(null);
  }

  private async connect(): Promise<void> {
    if (this.ws || this.connecting) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.connecting = true;
    this.setStatus(this.attempt ? 'Reconnecting…' : 'Connecting…');
    let url: URL;
    try {
      url = new URL(await this.opts.getSessionUrl());
    } catch {
      this.connecting = false;
      return this.scheduleReconnect();
    }
    // Either a session is resumed (a fresh token plus the resume credential) or a new one starts.
    const resume = this.stored();
    if (resume) {
      url.searchParams.set('session', resume.id);
      url.searchParams.set('resume', resume.resume);
    }
    const ws = new WebSocket(url.toString());
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string') this.onFrame(JSON.parse(e.data) as Frame);
      else this.audio?.play(e.data as ArrayBuffer);
    });
    ws.addEventListener('close', (e) => this.onClose(ws, e.code, Boolean(resume)));
    this.connecting = false;
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case 'session': {
        this.attempt = 0;
        this.setStatus('');
        this.remember({ id: String(f.id), resume: String(f.resume_token) });
        if (f.resumed && Array.isArray(f.messages)) {
          // The server's transcript is the truth: replies produced while we were away are in it.
          this.log.replaceChildren();
          this.streaming.clear();
          for (const m of f.messages as Array<{ role: string; text: string }>) this.add(m.role, m.text);
        }
        this.flush();
        break;
      }
      case 'delta': {
        const i = typeof f.message === 'number' ? f.message : 0;
        let bubble = this.streaming.get(i);
        if (!bubble) this.streaming.set(i, (bubble = this.add('agent', '')));
        bubble.textContent += String(f.text);
        this.scroll();
        break;
      }
      case 'message': {
        const role = String(f.role);
        const first = role === 'agent' ? this.streaming.entries().next().value : undefined;
        if (first) {
          this.streaming.delete(first[0]);
          first[1].textContent = String(f.text);
        } else {
          this.add(role, String(f.text));
        }
        break;
      }
      case 'transcript':
        if (f.final) this.add('caller', String(f.text));
        break;
      case 'clear':
        this.audio?.clear();
        break;
      case 'ended':
        this.ended = true;
        this.streaming.clear();
        this.forget();
        this.stopVoice('The conversation has ended. Send a message to start a new one.');
        break;
      case 'error':
        if (f.code === 'rate_limited') this.setStatus('Slow down a little…');
        if (f.code === 'speech_unavailable' || f.code === 'voice_unavailable') this.stopVoice('Voice is not available right now; you can keep typing.');
        break;
    }
  }

  private onClose(ws: WebSocket, code: number, resuming: boolean): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.streaming.clear();
    if (this.ended) return;
    // The visitor wrote after the end, before this close arrived: their message opens a new session.
    if (code === 1000 && this.outbox.length) return void this.connect();
    if (code === 1008 && resuming) {
      // The session cannot be resumed (expired, ended elsewhere): start a new one.
      this.forget();
      this.log.replaceChildren();
      return this.scheduleReconnect();
    }
    if (FINAL_CLOSES.has(code)) {
      this.setStatus(code === 1008 ? 'Could not connect to the chat.' : 'Disconnected.');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(30_000, 500 * 2 ** this.attempt++);
    this.setStatus('Reconnecting…');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), delay);
  }

  /** Back online: do not wait for the backoff. */
  private reconnectNow(): void {
    if (!this.ended && this.retry !== undefined) void this.connect();
  }

  private add(role: string, text: string): HTMLElement {
    const m = el('div', { class: `msg ${role}`, 'data-role': role }, text);
    this.log.append(m);
    this.scroll();
    return m;
  }

  private scroll(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }
}

/** The customer backend's answer: {url} (the body of POST /channels/{id}/session-url, passed through). */
async function fromBackend(endpoint: string): Promise<string> {
  const res = await fetch(endpoint, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) throw new Error(`session endpoint answered ${res.status}`);
  const body = (await res.json()) as { url?: unknown };
  if (typeof body.url !== 'string') throw new Error('session endpoint: no url');
  return body.url;
}

function mount(opts: MountOptions): { open(): void; close(): void; say(text: string): void } {
  const w = new Widget(opts);
  return { open: () => w.toggle(true), close: () => w.toggle(false), say: (text) => w.say(text) };
}

declare global {
  interface Window {
    ConverseWidget?: { mount: typeof mount };
  }
}

window.ConverseWidget = { mount };
const script = document.currentScript as HTMLScriptElement | null;
const endpoint = script?.dataset.sessionUrlEndpoint;
if (endpoint) {
  const start = () => mount({ getSessionUrl: () => fromBackend(endpoint), title: script?.dataset.title ?? 'Chat with us', storageKey: `converse-widget:${endpoint}` });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}

export {};
