import type { Tx } from '../../platform/db/types.js';
import type { Cursor } from '../../platform/http/pagination.js';

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'retrying' | 'succeeded' | 'failed';
  attempts: number;
  response_status: number | null;
  duration_ms: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
}

/** What the delivery job needs: the signed document, where it goes, and the ciphertext of the secret. */
export interface DeliveryToSend {
  id: string;
  status: DeliveryRow['status'];
  endpoint_id: string;
  event_type: string;
  payload: unknown;
  url: string;
  secret_ciphertext: string;
}

const COLUMNS = 'id, url, events, description, created_at, updated_at';
const DELIVERY_COLUMNS =
  'id, endpoint_id, event_id, event_type, status, attempts, response_status, duration_ms, last_error, next_attempt_at, delivered_at, created_at, updated_at';

// Every statement also filters on org_id = $1 (embedded mode has no RLS backstop; ISOLATION.md).

export async function countEndpoints(tx: Tx): Promise<number> {
  const r = await tx.query<{ n: number }>('select count(*)::int as n from app.webhook_endpoints where org_id = $1', [tx.orgId]);
  return r.rows[0]?.n ?? 0;
}

export async function insertEndpoint(tx: Tx, e: { id: string; url: string; events: string[]; description: string; secretCiphertext: string }): Promise<EndpointRow> {
  const r = await tx.query<EndpointRow>(
    `insert into app.webhook_endpoints (org_id, id, url, events, description, secret_ciphertext) values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
    [tx.orgId, e.id, e.url, e.events, e.description, e.secretCiphertext],
  );
  return r.rows[0]!;
}

export async function getEndpoint(tx: Tx, id: string): Promise<EndpointRow | null> {
  const r = await tx.query<EndpointRow>(`select ${COLUMNS} from app.webhook_endpoints where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function listEndpoints(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<EndpointRow[]> {
  const r = await tx.query<EndpointRow>(
    `select ${COLUMNS} from app.webhook_endpoints
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

export async function deleteEndpoint(tx: Tx, id: string): Promise<EndpointRow | null> {
  const r = await tx.query<EndpointRow>(`delete from app.webhook_endpoints where org_id = $1 and id = $2 returning ${COLUMNS}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function updateEndpoint(tx: Tx, id: string, patch: { url?: string; events?: string[]; description?: string }): Promise<EndpointRow | null> {
  const r = await tx.query<EndpointRow>(
    `update app.webhook_endpoints
        set url = coalesce($3, url), events = coalesce($4::text[], events), description = coalesce($5, description), updated_at = now()
      where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, patch.url ?? null, patch.events ?? null, patch.description ?? null],
  );
  return r.rows[0] ?? null;
}

/** Ids of the org's endpoints subscribed to `eventType`. */
export async function subscribedEndpointIds(tx: Tx, eventType: string): Promise<string[]> {
  const r = await tx.query<{ id: string }>('select id from app.webhook_endpoints where org_id = $1 and events @> array[$2]::text[] order by created_at, id', [tx.orgId, eventType]);
  return r.rows.map((row) => row.id);
}

export async function insertDelivery(tx: Tx, d: { id: string; endpointId: string; eventId: string; eventType: string; payload: unknown }): Promise<void> {
  await tx.query(
    'insert into app.webhook_deliveries (org_id, id, endpoint_id, event_id, event_type, payload) values ($1, $2, $3, $4, $5, $6)',
    [tx.orgId, d.id, d.endpointId, d.eventId, d.eventType, JSON.stringify(d.payload)],
  );
}

/** One delivery of one endpoint, with the stored event document (for a redelivery). */
export async function getDelivery(tx: Tx, endpointId: string, id: string): Promise<(DeliveryRow & { payload: unknown }) | null> {
  const r = await tx.query<DeliveryRow & { payload: unknown }>(
    `select ${DELIVERY_COLUMNS}, payload from app.webhook_deliveries where org_id = $1 and endpoint_id = $2 and id = $3`,
    [tx.orgId, endpointId, id],
  );
  return r.rows[0] ?? null;
}

export async function getDeliveryToSend(tx: Tx, id: string): Promise<DeliveryToSend | null> {
  const r = await tx.query<DeliveryToSend>(
    `select d.id, d.status, d.endpoint_id, d.event_type, d.payload, e.url, e.secret_ciphertext
       from app.webhook_deliveries d join app.webhook_endpoints e on e.org_id = d.org_id and e.id = d.endpoint_id
      where d.org_id = $1 and d.id = $2`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

export async function recordAttempt(
  tx: Tx,
  a: { deliveryId: string; attempt: number; status: DeliveryRow['status']; responseStatus: number | null; durationMs: number; error: string | null; nextAttemptAt: Date | null },
): Promise<void> {
  await tx.query(
    `insert into app.webhook_delivery_attempts (org_id, delivery_id, attempt, response_status, duration_ms, error, next_attempt_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (org_id, delivery_id, attempt) do nothing`,
    [tx.orgId, a.deliveryId, a.attempt, a.responseStatus, a.durationMs, a.error, a.nextAttemptAt],
  );
  await tx.query(
    `update app.webhook_deliveries
        set status = $3, attempts = $4, response_status = $5, duration_ms = $6, last_error = $7, next_attempt_at = $8,
            delivered_at = case when $3 = 'succeeded' then now() else delivered_at end, updated_at = now()
      where org_id = $1 and id = $2`,
    [tx.orgId, a.deliveryId, a.status, a.attempt, a.responseStatus, a.durationMs, a.error, a.nextAttemptAt],
  );
}

export async function listDeliveries(tx: Tx, endpointId: string, opts: { cursor: Cursor | null; limit: number }): Promise<DeliveryRow[]> {
  const r = await tx.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from app.webhook_deliveries
      where org_id = $1 and endpoint_id = $2 and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
      order by created_at desc, id desc limit $5`,
    [tx.orgId, endpointId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

export async function listAttempts(tx: Tx, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const r = await tx.query<AttemptRow>(
    `select delivery_id, attempt, response_status, duration_ms, error, next_attempt_at, created_at
       from app.webhook_delivery_attempts where org_id = $1 and delivery_id = any($2::uuid[]) order by delivery_id, attempt`,
    [tx.orgId, deliveryIds],
  );
  return r.rows;
}
