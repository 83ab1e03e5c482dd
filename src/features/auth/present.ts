import { toIso } from '../../platform/http/schemas.js';
import type { OrgRow, UserRow } from './repo.js';

export const presentUser = (u: UserRow) => ({ id: u.id, email: u.email, name: u.name, created_at: toIso(u.created_at)! });
export const presentOrg = (o: OrgRow) => ({ id: o.org_id, name: o.name, created_at: toIso(o.created_at)!, updated_at: toIso(o.updated_at)! });
