/** Roles and what each may do (API.md "Roles"). Role checks happen only inside the caller's own org. */
export const ROLES = ['owner', 'admin', 'member', 'support_agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org:read',
  'org:write',
  'team:read',
  'team:manage',
  'api_keys:manage',
  'audit:read',
  'config:read',
  'config:write',
  'sessions:run',
  'calls:read',
  /** Listening to call recordings: a person's voice, personal data beyond the transcript (docs/voice.md "Recordings"). */
  'calls:recordings',
  'calls:delete',
  'calls:live',
  'escalations:handle',
  'analytics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL = new Set<Permission>(PERMISSIONS);
const without = (...drop: Permission[]) => new Set(PERMISSIONS.filter((p) => !drop.includes(p)));

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: ALL,
  // Admins manage everything but API keys and owners (team:manage is narrowed to non-owners in the team service).
  admin: without('api_keys:manage'),
  member: new Set(['org:read', 'team:read', 'config:read', 'sessions:run', 'calls:read', 'calls:live', 'analytics:read']),
  support_agent: new Set(['org:read', 'team:read', 'calls:read', 'calls:recordings', 'calls:live', 'escalations:handle']),
  viewer: new Set(['org:read', 'team:read', 'config:read', 'calls:read', 'analytics:read']),
};

export const can = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role].has(permission);

/** API keys carry a role but never owner. */
export const API_KEY_ROLES = ['admin', 'member', 'support_agent', 'viewer'] as const;
