-- Call recordings (issue 16, docs/voice.md "Recordings"): both sides of a voice call mixed into one
-- mono track, G.711 μ-law at 8 kHz, written while the call runs in chunks of at most a minute of audio
-- (480,000 bytes), each encrypted with the organization's data key (the vault's binary form: the AAD
-- binds org, call and chunk number, so a chunk copied to another call, org or position does not
-- decrypt). Nothing here is readable without the vault. Deleting the call (by hand, or the retention
-- job) deletes its recording with it.
create table app.call_recordings (
  org_id uuid not null,
  call_id uuid not null,
  seq integer not null check (seq between 0 and 1000),
  -- The format of the decrypted bytes; the API serves them as a PCM WAV.
  format text not null check (format = 'mulaw_8k'),
  -- Audio samples in this chunk (8000 per second); the ciphertext is a few dozen bytes longer.
  samples integer not null check (samples between 1 and 480000),
  data bytea not null check (octet_length(data) <= 480200),
  created_at timestamptz not null default now(),
  primary key (org_id, call_id, seq),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade
);

alter table app.call_recordings enable row level security;
alter table app.call_recordings force row level security;
create policy org_boundary on app.call_recordings as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.call_recordings as permissive for all to public using (true) with check (true);

-- No update: a chunk is written once and deleted with its recording.
grant select, insert, delete on app.call_recordings to converse_app;
