/**
 * Matrix rows for /dnc (API.md "Campaigns": the org's do-not-contact list). Configuration rules from
 * API.md "Roles", by hand: every role but support agents reads it; owners, admins and admin API keys
 * change it. The "id" of an entry is its number, percent-encoded in the path.
 */
import { call } from '../../helpers/api.js';
import { rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];

let next = 0;
/** A fresh number per entry, so the two orgs' entries never coincide (fictional +1 555 01xx range). */
const freshPhone = () => `+1202555${String(1000 + (next++ % 9000)).padStart(4, '0')}`;

const listed = async (fx: MatrixFixtures, org: OrgName): Promise<Array<{ phone: string }>> => {
  const res = await call(fx.app, { method: 'GET', url: '/dnc?limit=200', token: fx.orgs[org].tokens.owner });
  if (res.statusCode !== 200) throw new Error(`list dnc: ${res.statusCode} ${res.body}`);
  return res.json().data;
};

export const dncResource: Resource = {
  name: 'dnc entry',
  create: async (fx, org) => {
    const phone = freshPhone();
    const res = await call(fx.app, { method: 'POST', url: '/dnc', token: fx.orgs[org].tokens.owner, body: { phone } });
    if (res.statusCode !== 201) throw new Error(`create dnc: ${res.statusCode} ${res.body}`);
    fx.ids[org].add(phone);
    return encodeURIComponent(phone);
  },
  snapshot: async (fx, org, id) => (await listed(fx, org)).find((e) => e.phone === decodeURIComponent(id)) ?? null,
};

/** One entry per org that lists must show. Call after createMatrixFixtures. */
export async function seedDnc(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) fx.seeds[org].dnc = decodeURIComponent(await dncResource.create(fx, org));
}

const dncOps = {
  list: { name: 'dnc.list', method: 'GET', path: '/dnc?limit=200', listIds: (b: { data: Array<{ phone: string }> }) => b.data.map((e) => e.phone), mustList: (fx, org) => [fx.seeds[org].dnc!] },
  // Digits that every entry of both orgs contains: the search must still list only the caller's org.
  search: { name: 'dnc.search', method: 'GET', path: '/dnc?limit=200&search=1202555', listIds: (b: { data: Array<{ phone: string }> }) => b.data.map((e) => e.phone), mustList: (fx, org) => [fx.seeds[org].dnc!] },
  add: {
    name: 'dnc.add', method: 'POST', path: '/dnc',
    body: (fx, org) => { const phone = freshPhone(); fx.ids[org].add(phone); return { phone }; },
    registers: (b: { phone: string }) => [b.phone],
  },
  remove: { name: 'dnc.remove', method: 'DELETE', path: '/dnc/:id', resource: dncResource },
} satisfies Record<string, Operation>;

export const dncRows: MatrixRow[] = [
  ...rowsFor(dncOps.list, { allowed: READERS, ok: 200 }),
  ...rowsFor(dncOps.search, { allowed: READERS, ok: 200 }),
  ...rowsFor(dncOps.add, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(dncOps.remove, { allowed: WRITERS, ok: 204 }),
];
