import type { RouteDef } from '../platform/http/route.js';
import { apiKeyRoutes } from './api-keys/routes.js';
import { auditRoutes } from './audit/routes.js';
import { authRoutes } from './auth/routes.js';
import { organizationRoutes } from './organizations/routes.js';
import { teamRoutes } from './team/routes.js';

/** Every feature's routes. A new feature adds one line here and rows to test/isolation/matrix. */
export const featureRoutes: RouteDef[] = [
  ...authRoutes,
  ...organizationRoutes,
  ...teamRoutes,
  ...apiKeyRoutes,
  ...auditRoutes,
];
