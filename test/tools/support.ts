/**
 * Shared by the tools, MCP and webhook-endpoint tests: log capture, canary values, a whole-database
 * text dump (to prove a secret is stored only as ciphertext) and small API helpers.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createLogger, type Logger } from '../../src/platform/log/logger.js';
import type { Driver } from '../../src/platform/db/driver.js';
import { call } from '../helpers/api.js';

/** A unique string to plant as a secret and then look for everywhere it must not be. */
export const canary = (tag: string): string => `cnry${tag}${randomUUID().replace(/-/g, '')}`;

/** A debug-level logger whose output the test can read back. */
export function captureLogs(): { log: Logger; text(): string } {
  const lines: string[] = [];
  const log = createLogger('debug', { write: (s: string) => void lines.push(s) });
  return { log, text: () => lines.join('') };
}

/** Every row of every table in schema app, as text (the admin connection bypasses RLS). */
export async function dumpDatabase(admin: Driver): Promise<string> {
  return admin.transaction(async (query) => {
    const tables = await query<{ name: string }>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'app' and c.relkind = 'r'`);
    const parts: string[] = [];
    for (const t of tables.rows) {
      if (!/^[a-z_]+$/.test(t.name)) continue;
      const rows = await query<{ r: string }>(`select t::text as r from app.${t.name} t`);
      parts.push(...rows.rows.map((row) => row.r));
    }
    return parts.join('\n');
  });
}

/** Asserts none of the canaries occurs in any of the texts. */
export function expectNoCanary(canaries: readonly string[], texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const c of canaries) expect(text.includes(c), `${where} contains a secret`).toBe(false);
  }
}

export async function createAgent(app: FastifyInstance, token: string, name = `agent-${randomUUID().slice(0, 6)}`): Promise<string> {
  const res = await call(app, { method: 'POST', url: '/agents', token, body: { name } });
  if (res.statusCode !== 201) throw new Error(`agent: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** The whole audit log of an org as text, through the API. */
export async function auditText(app: FastifyInstance, ownerToken: string): Promise<string> {
  const res = await call(app, { method: 'GET', url: '/audit-log?limit=200', token: ownerToken });
  expect(res.statusCode).toBe(200);
  return res.body;
}
