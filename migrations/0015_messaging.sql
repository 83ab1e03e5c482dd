-- SMS and WhatsApp threads (docs/messaging.md): per-channel settings (the thread idle timeout), each
-- inbound provider message claimed once, each outbound message with its delivery status, and the org's
-- do-not-contact list (opt-outs by "STOP", and numbers added through /dnc).
--
-- Same shape as every tenant table (ISOLATION.md): org_id leads every key, references are composite
-- (org_id, ...) foreign keys, RLS enabled AND forced with the restrictive org boundary.

-- Channel settings: a JSON object validated by the channels feature (thread_idle_minutes, ...).
-- A new column with a constant default checks no row, so the forced boundary can stay in place.
alter table app.channels add column settings jsonb not null default '{}'::jsonb;

-- One row per provider message id (MessageSid, MessageUUID, wamid) per channel: the claim that makes a
-- retried or re-batched delivery processed once. Inserted in the transaction that records the webhook.
create table app.inbound_messages (
  org_id uuid not null,
  channel_id uuid not null,
  provider_message_id text not null check (length(provider_message_id) between 1 and 200),
  event_id uuid not null,
  call_id uuid,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  primary key (org_id, channel_id, provider_message_id),
  foreign key (org_id, channel_id) references app.channels (org_id, id) on delete cascade,
  foreign key (org_id, event_id) references app.channel_events (org_id, id) on delete cascade,
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete set null (call_id)
);

-- Every message sent to a provider for a call (replies, send_message actions, opt-out confirmations),
-- with the provider's id once accepted; delivery receipts update status by (org, channel, provider id).
create table app.outbound_messages (
  org_id uuid not null,
  id uuid not null,
  call_id uuid,
  channel_id uuid,
  provider text not null check (provider in ('twilio', 'plivo', 'exotel', 'meta')),
  provider_message_id text check (length(provider_message_id) between 1 and 200),
  to_number text not null check (length(to_number) between 1 and 64),
  text text not null check (length(text) <= 4096),
  status text not null check (status in ('sending', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
  error text check (length(error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade,
  foreign key (org_id, channel_id) references app.channels (org_id, id) on delete set null (channel_id)
);
create unique index outbound_messages_provider_id_idx on app.outbound_messages (org_id, channel_id, provider_message_id)
  where provider_message_id is not null;
create index outbound_messages_call_idx on app.outbound_messages (org_id, call_id, created_at);

-- The org's do-not-contact list (API.md "Campaigns": /dnc). Campaign dialing skips these numbers;
-- SMS/WhatsApp threads send nothing to them but the one opt-out confirmation.
create table app.dnc (
  org_id uuid not null,
  phone text not null check (length(phone) between 3 and 32),
  source text not null check (source in ('manual', 'sms_opt_out', 'whatsapp_opt_out')),
  created_at timestamptz not null default now(),
  primary key (org_id, phone)
);

-- One open SMS/WhatsApp thread per sender and channel, across processes: a second worker starting a
-- thread for the same sender at the same moment fails on this index and its job retries into the thread.
create unique index calls_open_thread_idx on app.calls (org_id, channel_id, from_number)
  where status = 'active' and channel in ('sms', 'whatsapp') and channel_id is not null and from_number is not null;

alter table app.inbound_messages enable row level security;
alter table app.inbound_messages force row level security;
create policy org_boundary on app.inbound_messages as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.inbound_messages as permissive for all to public using (true) with check (true);

alter table app.outbound_messages enable row level security;
alter table app.outbound_messages force row level security;
create policy org_boundary on app.outbound_messages as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.outbound_messages as permissive for all to public using (true) with check (true);

alter table app.dnc enable row level security;
alter table app.dnc force row level security;
create policy org_boundary on app.dnc as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.dnc as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.inbound_messages, app.outbound_messages, app.dnc to converse_app;
