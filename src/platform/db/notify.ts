/**
 * Cross-process fan-out over PostgreSQL LISTEN/NOTIFY (PostgreSQL mode only; embedded mode is one
 * process per database folder, so in-process delivery is complete there).
 *
 * One dedicated connection per process, outside the request pool: it LISTENs on one channel and sends
 * this process's notifications. LISTEN needs a session that stays the same server connection, so the
 * URL must reach PostgreSQL directly, not PgBouncer in transaction mode (there the LISTEN lands on a
 * server connection that is handed to strangers and notifications never arrive): `ready()` sends a
 * ping to itself and reports whether it came back, and the process logs an error when it does not.
 *
 * Messages are `{"v":1,"k":<kind>,"d":<body>}`. They are hints, never content: the channel is open to
 * every role that can connect to the database (PostgreSQL has no privilege on NOTIFY), so a receiver
 * treats a body as untrusted input — it validates it, and re-reads what it delivers inside the named
 * organization's transaction (withOrg), where RLS decides what exists.
 *
 * A process never receives its own notifications: PostgreSQL tells the listener the sending backend's
 * pid, and this connection's own pid is skipped (the sender already delivered in-process).
 *
 * Delivery is at most once. While the connection is down (restart, failover) it reconnects with
 * backoff; notifications sent by others meanwhile are lost, and this process's own wait in a bounded
 * queue until it is back.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log/logger.js';

/** The one channel every Converse process of a database listens on. */
export const NOTIFY_CHANNEL = 'converse_live';
/** PostgreSQL refuses payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;
/** Own notifications waiting for the connection (or for the send in flight); beyond this the oldest are dropped. */
const MAX_QUEUED = 10_000;
/** Notifications per statement (at most ~4 MB of payload). */
const MAX_BATCH = 500;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 30_000;

export type NotifyHandler = (body: unknown) => void;

export interface NotifierStats {
  sent: number;
  received: number;
  /** Notifications on the channel that were not valid JSON envelopes, or that a handler rejected. */
  ignored: number;
  /** Own notifications dropped (queue full, too large, or a failed send). */
  dropped: number;
  reconnects: number;
  /** The listening connection's backend pid (pg_stat_activity), null while disconnected. */
  pid: number | null;
}

export interface Notifier {
  /** Bodies of other processes' `kind` notifications. Returns the unsubscribe function. */
  subscribe(kind: string, handler: NotifyHandler): () => void;
  /** Sends after whatever this process sent before (batched while a send is in flight). Never throws. */
  publish(kind: string, body: Record<string, unknown>): void;
  /** Counts a notification a handler found malformed or not applicable (stats only). */
  reject(): void;
  /**
   * Runs `fn` after every earlier `inOrder` call of the same key has finished: receivers that re-read
   * the database keep the order notifications arrived in, per session or org.
   */
  inOrder(key: string, fn: () => Promise<void>): void;
  /**
   * Called each time the connection is back after a loss: notifications sent meanwhile were missed, so
   * subscribers that cannot tolerate a gap resynchronize (the escalation streams end and reconnect).
   */
  onReconnect(fn: () => void): () => void;
  /** Listening, and a ping to itself came back within `timeoutMs`. False otherwise (it keeps trying). */
  ready(timeoutMs?: number): Promise<boolean>;
  stats(): NotifierStats;
  close(): Promise<void>;
}

export interface NotifierOptions {
  url: string;
  log: Logger;
  /** Tests: another channel, so parallel test files never see each other. */
  channel?: string;
  /** As pg_stat_activity shows the connection (default `converse-notify`). */
  applicationName?: string;
}

interface Envelope {
  v: 1;
  k: string;
  d: unknown;
}

function parseEnvelope(payload: string | undefined): Envelope | null {
  if (!payload || payload.length > MAX_PAYLOAD_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const e = value as Record<string, unknown>;
  if (e.v !== 1 || typeof e.k !== 'string' || !('d' in e)) return null;
  return { v: 1, k: e.k, d: e.d };
}

export function createPgNotifier(opts: NotifierOptions): Notifier {
  const channel = opts.channel ?? NOTIFY_CHANNEL;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error('notify: invalid channel name');
  const { log } = opts;
  const handlers = new Map<string, Set<NotifyHandler>>();
  const stats: Omit<NotifierStats, 'pid'> = { sent: 0, received: 0, ignored: 0, dropped: 0, reconnects: 0 };
  const queue: string[] = [];
  const tails = new Map<string, Promise<void>>();
  const pingWaiters = new Map<string, () => void>();
  const reconnected = new Set<() => void>();
  let client: pg.Client | null = null;
  let pid: number | null = null;
  let started = false;
  let closed = false;
  let sending = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  /** A connection that served was lost (a first connection that needed retries is no reconnection). */
  let lostOnce = false;
  let connected: { promise: Promise<void>; resolve: () => void } = deferred();

  function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  function start(): void {
    if (started || closed) return;
    started = true;
    void connect();
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url, application_name: opts.applicationName ?? 'converse-notify', keepAlive: true, connectionTimeoutMillis: 10_000 });
    // Once it serves (failures while connecting are the catch below's).
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      pid = null;
      lostOnce = true;
      connected = deferred();
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (closed) return;
      // Message only: a driver error may carry connection details.
      log.warn({ err: err ? { message: err.message, code: (err as { code?: string }).code } : undefined, attempt }, 'notify connection lost; reconnecting');
      schedule();
    };
    c.on('error', (err) => lost(err));
    c.on('end', () => lost());
    c.on('notification', (n) => receive(n));
    try {
      await c.connect();
      const r = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
      await c.query(`listen ${channel}`);
      if (closed) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      pid = r.rows[0]!.pid;
      const after = attempt > 0 && lostOnce;
      attempt = 0;
      connected.resolve();
      flush();
      if (after) {
        stats.reconnects++;
        for (const fn of [...reconnected]) {
          try {
            fn();
          } catch (err) {
            log.warn({ err }, 'a notify reconnect handler failed');
          }
        }
      }
    } catch (err) {
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (closed) return;
      log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code }, attempt }, 'notify connection failed; retrying');
      schedule();
    }
  }

  function schedule(): void {
    if (closed || retry) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
    attempt++;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, base / 2 + Math.random() * (base / 2));
    retry.unref();
  }

  function receive(n: pg.Notification): void {
    if (n.channel !== channel) return;
    const envelope = parseEnvelope(n.payload);
    if (n.processId === pid) {
      // Our own: already delivered in-process. Only the readiness ping is looked at.
      if (envelope?.k === 'ping' && typeof envelope.d === 'string') pingWaiters.get(envelope.d)?.();
      return;
    }
    stats.received++;
    if (!envelope) {
      stats.ignored++;
      return;
    }
    const set = handlers.get(envelope.k);
    if (!set || set.size === 0) return;
    for (const h of [...set]) {
      try {
        h(envelope.d);
      } catch (err) {
        log.warn({ err, kind: envelope.k }, 'a notify handler failed');
      }
    }
  }

  function enqueue(payload: string): void {
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      stats.dropped++;
      log.error({ bytes: Buffer.byteLength(payload) }, 'notify: payload too large, not sent');
      return;
    }
    queue.push(payload);
    if (queue.length > MAX_QUEUED) {
      queue.shift();
      stats.dropped++;
    }
    flush();
  }

  /** One statement for what is queued (up to MAX_BATCH): NOTIFYs of one transaction are delivered together, in order. */
  function flush(): void {
    const c = client;
    if (sending || !c || queue.length === 0) return;
    sending = true;
    const batch = queue.splice(0, MAX_BATCH);
    c.query('select pg_notify($1, p) from unnest($2::text[]) with ordinality as t(p, n) order by n', [channel, batch])
      .then(() => {
        stats.sent += batch.length;
      })
      .catch((err: unknown) => {
        // The connection broke mid-send: the batch may or may not have gone out; never send twice.
        stats.dropped += batch.length;
        log.warn({ err: { message: (err as Error).message }, count: batch.length }, 'notify: a send failed');
      })
      .finally(() => {
        sending = false;
        flush();
      });
  }

  return {
    subscribe(kind, handler) {
      let set = handlers.get(kind);
      if (!set) handlers.set(kind, (set = new Set()));
      set.add(handler);
      start();
      return () => set.delete(handler);
    },
    publish(kind, body) {
      if (closed) return;
      start();
      enqueue(JSON.stringify({ v: 1, k: kind, d: body }));
    },
    onReconnect(fn) {
      reconnected.add(fn);
      return () => reconnected.delete(fn);
    },
    reject() {
      stats.ignored++;
    },
    inOrder(key, fn) {
      const run = (tails.get(key) ?? Promise.resolve()).then(fn).catch((err: unknown) => log.warn({ err }, 'a notification could not be delivered'));
      tails.set(key, run);
      void run.then(() => {
        if (tails.get(key) === run) tails.delete(key);
      });
    },
    async ready(timeoutMs = 5000) {
      if (closed) return false;
      start();
      const nonce = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      const back = new Promise<boolean>((resolve) => pingWaiters.set(nonce, () => resolve(true)));
      try {
        return await Promise.race([connected.promise.then(() => {
          enqueue(JSON.stringify({ v: 1, k: 'ping', d: nonce }));
          return back;
        }), timeout]);
      } finally {
        clearTimeout(timer);
        pingWaiters.delete(nonce);
      }
    },
    stats: () => ({ ...stats, pid }),
    async close() {
      if (closed) return;
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
