import type { RouteDef } from '../../platform/http/route.js';
import { callSessionRoutes } from './call-routes.js';
import { escalationSessionRoutes } from './escalation-routes.js';
import { sessionRoutes } from './session-routes.js';

/** Routes that drive the session runtime. Registered by app.ts next to featureRoutes (features never import the pipeline). */
export const pipelineRoutes: RouteDef[] = [...sessionRoutes, ...escalationSessionRoutes, ...callSessionRoutes];
