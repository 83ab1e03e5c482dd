import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptCredentials, decryptField } from '../../src/features/channels/credentials.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { createPgliteDriver, openPglite } from '../../src/platform/db/driver.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { createDbVault } from '../../src/platform/vault/db-store.js';
import { VaultDecryptError } from '../../src/platform/vault/errors.js';
import { parseKeyring, rotateKeyringText } from '../../src/platform/vault/keyring.js';
import { formatRewrapReport, rewrapAllDataKeys } from '../../src/platform/vault/rewrap-command.js';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { isPostgres, modeName, openTestDb, type TestDb } from '../helpers/harness.js';
import { twilioCallback, twilioInboundCall } from '../fakes/provider-sim/index.js';
import { allSecrets, OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { createChannel, PUBLIC_URL, startChannelsHarness, type ChannelsHarness } from '../channels/support.js';

type Row = { id: string; credentials: Record<string, string> };

describe(`vault storage: per-org data keys in the database, master key outside it (${modeName})`, () => {
  const masterText = randomBytes(32).toString('base64');
  const masterBytes = Buffer.from(masterText, 'base64');
  const masterForms = [masterText, masterBytes.toString('hex'), masterBytes.toString('base64url')];
  let dataDir: string | undefined;
  let testDb: TestDb;
  let h: ChannelsHarness;
  let a: TestOrg;
  let b: TestOrg;
  const ch: Record<'a1' | 'a2' | 'b1', Row> = {} as never;

  const adminQuery = <R>(sql: string, params: unknown[] = []) => testDb.admin.transaction((q) => q<R>(sql, params)).then((r) => r.rows);
  const row = async (id: string) => (await adminQuery<Row>('select id, credentials from app.channels where id = $1', [id]))[0]!;
  const setCredentials = (id: string, creds: Record<string, string>) => adminQuery('update app.channels set credentials = $2 where id = $1', [id, JSON.stringify(creds)]);
  const reasonOf = (p: Promise<unknown>) => p.then(() => 'decrypted', (e: unknown) => (e instanceof VaultDecryptError ? e.reason : `other: ${String(e)}`));

  beforeAll(async () => {
    if (isPostgres) {
      testDb = await openTestDb();
    } else {
      // File-backed, so the data folder itself can be searched for secrets.
      dataDir = await mkdtemp(path.join(tmpdir(), 'converse-vault-'));
      const driver = createPgliteDriver(await openPglite(dataDir));
      await migrate({ admin: driver });
      testDb = { db: createDatabase(driver), admin: driver, close: () => driver.close() };
    }
    h = await startChannelsHarness({ testDb, keyring: parseKeyring(masterText) });
    a = await createOrg(h.t.app, 'Vault A');
    b = await createOrg(h.t.app, 'Vault B');
    const twilio = { type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER };
    for (const [key, org] of [['a1', a], ['a2', a], ['b1', b]] as const) {
      const c = await createChannel(h.t.app, org.tokens.admin, { name: key, ...twilio });
      ch[key] = await row(c.id);
    }
  });
  afterAll(async () => {
    await h?.close();
    await testDb?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('gives each org its own data key, and decrypts its own records', async () => {
    const dekOf = (r: Row) => r.credentials.auth_token!.split('.')[1];
    expect(dekOf(ch.a1)).toBe(dekOf(ch.a2));
    expect(dekOf(ch.a1)).not.toBe(dekOf(ch.b1));
    const keys = await adminQuery<{ org_id: string; n: number }>('select org_id, count(*)::int as n from app.org_data_keys where org_id = any($1) group by org_id', [[a.id, b.id]]);
    expect(keys.map((k) => k.n)).toEqual([1, 1]);
    expect(await decryptCredentials(h.t.deps, a.id, ch.a1.id, ch.a1.credentials)).toEqual(twilioCreds);
  });

  it("refuses a ciphertext copied to another org's row, another row, another field; and a copied data key", async () => {
    const stolen = ch.a1.credentials.auth_token!;
    await setCredentials(ch.b1.id, { ...ch.b1.credentials, auth_token: stolen });
    expect(await reasonOf(decryptField(h.t.deps, b.id, ch.b1.id, (await row(ch.b1.id)).credentials, 'auth_token'))).toBe('unknown_data_key');
    // Through the HTTP app: org B's channel now "holds" org A's token; the webhook is refused (403), not a 500.
    const cb = twilioCallback(`${PUBLIC_URL}/api/v1/webhooks/twilio/${ch.b1.id}`, twilioInboundCall({ accountSid: twilioCreds.account_sid, from: '+919812345678', to: OUR_NUMBER }), twilioCreds.auth_token);
    const res = await h.t.app.inject({ method: 'POST', url: new URL(cb.url).pathname, headers: cb.headers, payload: cb.body });
    expect(res.statusCode).toBe(403);
    expect(h.logs.join('\n')).toMatch(/"reason":"secret_unavailable"/);
    // Org A's wrapped data key copied into org B under the same id: it does not unwrap there.
    const [dek] = await adminQuery<{ id: string; master_key_id: string; wrapped: string }>('select id, master_key_id, wrapped from app.org_data_keys where org_id = $1', [a.id]);
    await adminQuery('insert into app.org_data_keys (org_id, id, master_key_id, wrapped) values ($1, $2, $3, $4)', [b.id, dek!.id, dek!.master_key_id, dek!.wrapped]);
    const freshVault = { ...h.t.deps, vault: createDbVault({ keyring: parseKeyring(masterText), db: testDb.db }) };
    expect(await reasonOf(decryptField(freshVault, b.id, ch.b1.id, (await row(ch.b1.id)).credentials, 'auth_token'))).toBe('data_key_unwrap_failed');
    await adminQuery('delete from app.org_data_keys where org_id = $1 and id = $2', [b.id, dek!.id]);
    await setCredentials(ch.b1.id, ch.b1.credentials);

    await setCredentials(ch.a2.id, { ...ch.a2.credentials, auth_token: stolen });
    expect(await reasonOf(decryptField(h.t.deps, a.id, ch.a2.id, (await row(ch.a2.id)).credentials, 'auth_token'))).toBe('auth_failed');
    await setCredentials(ch.a2.id, ch.a2.credentials);
    expect(await reasonOf(decryptField(h.t.deps, a.id, ch.a1.id, { account_sid: stolen }, 'account_sid'))).toBe('auth_failed');
    expect(await decryptField(h.t.deps, a.id, ch.a1.id, ch.a1.credentials, 'auth_token')).toBe(twilioCreds.auth_token);
  });

  it('refuses every single-character change to a stored ciphertext', async () => {
    const ct = ch.a1.credentials.auth_token!;
    const [, dekId, nonce, body] = ct.split('.') as [string, string, string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const variants = [
      ...[0, 5, nonce.length - 1].map((i) => `v1.${dekId}.${flip(nonce, i)}.${body}`),
      ...[0, 7, body.length - 23, body.length - 2].map((i) => `v1.${dekId}.${nonce}.${flip(body, i)}`),
      `v1.${flip(dekId, 0)}.${nonce}.${body}`,
      `v2.${dekId}.${nonce}.${body}`,
    ];
    for (const v of variants) {
      expect(await reasonOf(decryptField(h.t.deps, a.id, ch.a1.id, { auth_token: v }, 'auth_token')), v).not.toBe('decrypted');
    }
  });

  it('keeps the master key and every plaintext out of the database, its data folder, logs and responses', async () => {
    const tables = await adminQuery<{ s: string; t: string }>(`select schemaname as s, tablename as t from pg_tables where schemaname in ('app', 'app_meta')`);
    let dump = '';
    for (const { s, t } of tables) dump += (await adminQuery<{ d: string | null }>(`select string_agg(x::text, E'\\n') as d from ${s}.${t} x`))[0]!.d ?? '';
    expect(dump).toContain(ch.a1.credentials.auth_token); // the dump is real
    const canaries = [...allSecrets, ...masterForms];
    expect(canaries.filter((c) => dump.includes(c))).toEqual([]);
    expect(canaries.filter((c) => h.logs.join('\n').includes(c))).toEqual([]);
    if (!dataDir) return; // PostgreSQL mode: the server's data folder is not ours to read
    await testDb.admin.exec('checkpoint');
    const needles = [...canaries.map((c) => Buffer.from(c)), masterBytes];
    let sawCiphertext = false;
    for (const file of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const bytes = await readFile(path.join(file.parentPath, file.name));
      for (const n of needles) expect(bytes.includes(n), `${file.name} contains a secret`).toBe(false);
      sawCiphertext ||= bytes.includes(Buffer.from(ch.a1.credentials.auth_token!));
    }
    expect(sawCiphertext, 'the scan saw the encrypted rows').toBe(true);
  });

  it('rotates the master key: re-wraps data keys, keeps old records readable, reports what is left', async () => {
    const rotatedText = rotateKeyringText(masterText).text;
    const rotated = parseKeyring(rotatedText);
    // PostgreSQL mode shares the database with other test files (other keyrings): look at our orgs only.
    const ours = <T extends { org_id: string }>(list: T[]) => list.filter((s) => s.org_id === a.id || s.org_id === b.id);
    const dry = await rewrapAllDataKeys(testDb.db, rotated, { dryRun: true });
    expect(dry.rewrapped).toBe(0);
    expect(ours(dry.stillOnOldKeys).map((s) => s.reason)).toEqual(['dry_run', 'dry_run']);
    const report = await rewrapAllDataKeys(testDb.db, rotated);
    expect(report.rewrapped).toBeGreaterThanOrEqual(2);
    expect(ours(report.stillOnOldKeys)).toEqual([]);
    if (!isPostgres) expect(report.stillOnOldKeys).toEqual([]);
    const mine = await adminQuery<{ master_key_id: string }>('select master_key_id from app.org_data_keys where org_id = any($1)', [[a.id, b.id]]);
    expect(mine.map((k) => k.master_key_id)).toEqual([rotated.primaryId, rotated.primaryId]);
    // Only the new master key: old records still decrypt (the re-wrap really happened; ciphertexts untouched).
    const doc = JSON.parse(rotatedText) as { primary: string; keys: Record<string, string> };
    const onlyNew = parseKeyring(JSON.stringify({ primary: doc.primary, keys: { [doc.primary]: doc.keys[doc.primary] } }));
    const afterRotation = { ...h.t.deps, vault: createDbVault({ keyring: onlyNew, db: testDb.db }) };
    expect(await decryptCredentials(afterRotation, a.id, ch.a1.id, (await row(ch.a1.id)).credentials)).toEqual(twilioCreds);
    expect(await decryptCredentials(afterRotation, b.id, ch.b1.id, (await row(ch.b1.id)).credentials)).toEqual(twilioCreds);
    const oldOnly = { ...h.t.deps, vault: createDbVault({ keyring: parseKeyring(masterText), db: testDb.db }) };
    expect(await reasonOf(decryptField(oldOnly, a.id, ch.a1.id, ch.a1.credentials, 'auth_token'))).toBe('master_key_missing');

    // A data key wrapped by a master key that is not in the keyring is reported, never dropped.
    await adminQuery('insert into app.org_data_keys (org_id, id, master_key_id, wrapped) values ($1, gen_random_uuid(), $2, $3)', [a.id, 'mk_gone', `w1.${'A'.repeat(80)}`]);
    const left = await rewrapAllDataKeys(testDb.db, rotated);
    expect(ours(left.stillOnOldKeys)).toEqual([expect.objectContaining({ org_id: a.id, master_key_id: 'mk_gone', reason: 'master_key_missing' })]);
    expect(formatRewrapReport(left)).toMatch(new RegExp(`org ${a.id} data key .* on mk_gone \\(master_key_missing\\)`));
    await adminQuery(`delete from app.org_data_keys where org_id = $1 and master_key_id = 'mk_gone'`, [a.id]);
  });
});
