import { z } from 'zod';
import { ROLES } from '../../platform/auth/permissions.js';

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .pipe(z.email({ message: 'must be an email address' }));
// Long enough to resist guessing, bounded so hashing stays cheap (argon2 input is capped anyway).
export const Password = z.string().min(10, 'must be at least 10 characters').max(256);
export const Name = z.string().trim().min(1).max(200);

export const SignupBody = z.strictObject({ email: Email, password: Password, name: Name, organization_name: Name });
export const LoginBody = z.strictObject({ email: z.string().max(320), password: z.string().max(256), organization_id: z.uuid().optional() });
export const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(200) });
export const AcceptInviteBody = z.strictObject({ token: z.string().min(1).max(200), name: Name.optional(), password: Password.optional() });

export const UserOut = z.object({ id: z.string(), email: z.string(), name: z.string(), created_at: z.string() });
export const OrganizationOut = z.object({ id: z.string(), name: z.string(), created_at: z.string(), updated_at: z.string() });
export const RoleOut = z.enum(ROLES);

export const TokenPairOut = z.object({
  user: UserOut,
  organization: OrganizationOut,
  role: RoleOut,
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});
export type TokenPairOut = z.infer<typeof TokenPairOut>;

export const MeOut = z.object({
  user: UserOut.nullable(),
  api_key: z.object({ id: z.string() }).nullable(),
  organization: OrganizationOut,
  role: RoleOut,
});
