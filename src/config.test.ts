/** The server-wide default language model from CONVERSE_LLM_*. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('default language model configuration', () => {
  it('is unset without any CONVERSE_LLM_* variable (agents use the offline responder)', () => {
    expect(loadConfig({}).defaultLlm).toBeUndefined();
  });

  it('is openai_compatible when only a base URL and model are given', () => {
    expect(loadConfig({ CONVERSE_LLM_BASE_URL: 'http://127.0.0.1:11434/v1', CONVERSE_LLM_MODEL: 'llama3.2' }).defaultLlm)
      .toEqual({ kind: 'openai_compatible', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined, model: 'llama3.2' });
  });

  it('is openai with a key alone, with a default model', () => {
    expect(loadConfig({ CONVERSE_LLM_API_KEY: 'sk-x' }).defaultLlm).toEqual({ kind: 'openai', baseUrl: undefined, apiKey: 'sk-x', model: 'gpt-4o-mini' });
  });

  it('refuses incomplete or invalid settings at start-up, naming the variable', () => {
    expect(() => loadConfig({ CONVERSE_LLM_KIND: 'anthropic' })).toThrow(/CONVERSE_LLM_API_KEY/);
    expect(() => loadConfig({ CONVERSE_LLM_KIND: 'openai_compatible', CONVERSE_LLM_MODEL: 'm' })).toThrow(/CONVERSE_LLM_BASE_URL/);
    expect(() => loadConfig({ CONVERSE_LLM_BASE_URL: 'http://127.0.0.1:8000/v1' })).toThrow(/CONVERSE_LLM_MODEL/);
    expect(() => loadConfig({ CONVERSE_LLM_KIND: 'mistral' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONVERSE_LLM_BASE_URL: 'ftp://x', CONVERSE_LLM_MODEL: 'm' })).toThrow(ConfigError);
  });
});

describe('the cross-process notify connection (CONVERSE_NOTIFY_DATABASE_URL)', () => {
  it('is DATABASE_URL by default, its own URL when set (a direct URL when DATABASE_URL goes through PgBouncer), and unset in embedded mode', () => {
    expect(loadConfig({}).notifyDatabaseUrl).toBeUndefined();
    expect(loadConfig({ CONVERSE_NOTIFY_DATABASE_URL: 'postgres://converse_app@db:5432/c' }).notifyDatabaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://converse_app@pgbouncer:6432/c' }).notifyDatabaseUrl).toBe('postgres://converse_app@pgbouncer:6432/c');
    expect(loadConfig({ DATABASE_URL: 'postgres://converse_app@pgbouncer:6432/c', CONVERSE_NOTIFY_DATABASE_URL: 'postgres://converse_app@db:5432/c' }).notifyDatabaseUrl)
      .toBe('postgres://converse_app@db:5432/c');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://a@b/c', CONVERSE_NOTIFY_DATABASE_URL: 'not a url' })).toThrow(/CONVERSE_NOTIFY_DATABASE_URL/);
  });
});
