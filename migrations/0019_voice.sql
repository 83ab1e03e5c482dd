-- Voice calls on the phone (issue 16). A phone call is a session like any other (app.calls); what the
-- phone adds is the provider's id for the call, so status callbacks and the answer URL find the row, and
-- the latency marks of a spoken turn. No new table: nothing here holds a secret or crosses orgs.

-- The provider's call id (Twilio CallSid, Plivo CallUUID, Exotel CallSid). Unique per channel: a retried
-- answer webhook finds the call it created instead of creating another.
alter table app.calls add column provider_call_id text check (length(provider_call_id) between 1 and 128);
create unique index calls_provider_call_idx on app.calls (org_id, channel_id, provider_call_id) where provider_call_id is not null;

-- Spoken turns (RUNTIME.md "What to measure"), in milliseconds: the endpoint to the final transcript
-- (stt_ms), the first text handed to speech synthesis to its first audio (tts_ms), and the end of the
-- caller's speech to the first agent audio byte sent (first_audio_ms). Null on text turns.
alter table app.call_turns add column stt_ms double precision check (stt_ms >= 0);
alter table app.call_turns add column tts_ms double precision check (tts_ms >= 0);
alter table app.call_turns add column first_audio_ms double precision check (first_audio_ms >= 0);
