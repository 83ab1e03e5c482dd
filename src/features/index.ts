import type { RouteDef } from '../platform/http/route.js';
import { agentRoutes } from './agents/routes.js';
import { apiKeyRoutes } from './api-keys/routes.js';
import { auditRoutes } from './audit/routes.js';
import { authRoutes } from './auth/routes.js';
import { callRoutes } from './calls/routes.js';
import { channelRoutes } from './channels/routes.js';
import { flowRoutes } from './flows/routes.js';
import { knowledgeAssignmentRoutes } from './knowledge/assignment-routes.js';
import { knowledgeRoutes } from './knowledge/routes.js';
import { meRoutes, organizationRoutes } from './organizations/routes.js';
import { acceptInviteRoutes, teamRoutes } from './team/routes.js';
import { toolRoutes } from './tools/routes.js';
import { mcpRoutes } from './mcp/routes.js';
import { webhookEndpointRoutes } from './webhook-endpoints/routes.js';
import { providerRoutes } from './providers/routes.js';
import { dncRoutes } from './dnc/routes.js';
import { escalationRoutes } from './escalations/routes.js';
import { campaignRoutes } from './campaigns/routes.js';

/** Every feature's routes. A new feature adds one line here and rows to test/isolation/matrix. */
export const featureRoutes: RouteDef[] = [
  ...authRoutes,
  ...acceptInviteRoutes,
  ...meRoutes,
  ...organizationRoutes,
  ...teamRoutes,
  ...apiKeyRoutes,
  ...auditRoutes,
  ...agentRoutes,
  ...flowRoutes,
  ...knowledgeRoutes,
  ...knowledgeAssignmentRoutes,
  ...channelRoutes,
  ...toolRoutes,
  ...mcpRoutes,
  ...webhookEndpointRoutes,
  ...callRoutes,
  ...providerRoutes,
  ...dncRoutes,
  ...escalationRoutes,
  ...campaignRoutes,
];
