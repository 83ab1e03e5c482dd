-- Web widget session tokens (POST /channels/{id}/session-url) are single-use: the WebSocket endpoint
-- records each token's random id (jti) when it admits a connection, in the transaction that reads the
-- channel, so a second connection with the same token finds the row and is refused. Rows only need to
-- outlive the token (at most five minutes); expired rows are swept opportunistically.
create table app.web_session_token_uses (
  org_id uuid not null,
  jti text not null check (length(jti) between 1 and 64),
  channel_id uuid not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (org_id, jti),
  foreign key (org_id, channel_id) references app.channels (org_id, id) on delete cascade
);
create index web_session_token_uses_expiry_idx on app.web_session_token_uses (org_id, expires_at);
create index web_session_token_uses_channel_idx on app.web_session_token_uses (org_id, channel_id);

alter table app.web_session_token_uses enable row level security;
alter table app.web_session_token_uses force row level security;
create policy org_boundary on app.web_session_token_uses as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.web_session_token_uses as permissive for all to public using (true) with check (true);

grant select, insert, delete on app.web_session_token_uses to converse_app;
