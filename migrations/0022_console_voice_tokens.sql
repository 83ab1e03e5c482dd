-- Console voice URLs (POST /sessions/voice-url) are single-use like widget session tokens, but belong to
-- no channel: their uses are recorded with a null channel_id. The composite foreign key still binds
-- every channel's uses to its org (MATCH SIMPLE: a row with a null channel_id references nothing).
alter table app.web_session_token_uses alter column channel_id drop not null;
