-- The channel a session came through (web widget, SMS or WhatsApp number, phone line), so transports
-- can find a sender's open thread and the console can show where a call came from. A composite
-- (org_id, channel_id) reference like every other: a call can only point at its own org's channel.
-- Deleting the channel keeps the call (history), with the reference cleared.
--
-- Adding a foreign key checks the existing rows with one query, which the forced org boundary would
-- refuse (no org context in a migration). The boundary is lifted for the two tables only inside this
-- migration's transaction, and forced again before it commits: no other session ever sees it lifted.
alter table app.calls no force row level security;
alter table app.channels no force row level security;
alter table app.calls add column channel_id uuid;
alter table app.calls
  add constraint calls_channel_fk foreign key (org_id, channel_id) references app.channels (org_id, id) on delete set null (channel_id);
create index calls_channel_idx on app.calls (org_id, channel_id, status) where channel_id is not null;
alter table app.calls force row level security;
alter table app.channels force row level security;
