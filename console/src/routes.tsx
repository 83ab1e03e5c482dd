/**
 * The console's pages: one entry per route. A page with a `label` appears in the navigation (in this
 * order), shown to roles holding its `permission`. Adding a screen = a folder under pages/ and a row
 * here (console/README.md).
 */
import { lazy, type ComponentType, type ReactNode } from 'react';
import type { Permission } from '../../src/platform/auth/permissions';

/**
 * A page loaded on first visit (its own chunk: the first load carries only the shell and the page it
 * shows). Layout wraps the outlet in Suspense. Named exports stay: `lazyPage(() => import(...), 'Name')`.
 */
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const AgentEditPage = lazyPage(() => import('./pages/agents/AgentEditPage'), 'AgentEditPage');
const AgentsPage = lazyPage(() => import('./pages/agents/AgentsPage'), 'AgentsPage');
const ApiKeysPage = lazyPage(() => import('./pages/api-keys/ApiKeysPage'), 'ApiKeysPage');
const AuditPage = lazyPage(() => import('./pages/audit/AuditPage'), 'AuditPage');
const CallPage = lazyPage(() => import('./pages/calls/CallPage'), 'CallPage');
const CampaignFormPage = lazyPage(() => import('./pages/campaigns/CampaignFormPage'), 'CampaignFormPage');
const CampaignPage = lazyPage(() => import('./pages/campaigns/CampaignPage'), 'CampaignPage');
const CampaignsPage = lazyPage(() => import('./pages/campaigns/CampaignsPage'), 'CampaignsPage');
const DncPage = lazyPage(() => import('./pages/dnc/DncPage'), 'DncPage');
const CallsPage = lazyPage(() => import('./pages/calls/CallsPage'), 'CallsPage');
const DocumentPage = lazyPage(() => import('./pages/knowledge/DocumentPage'), 'DocumentPage');
const FlowsPage = lazyPage(() => import('./pages/flows/FlowsPage'), 'FlowsPage');
// The flow editor (React Flow and the API's own flow validation) is its own chunk, loaded when a flow is opened.
const FlowEditorPage = lazyPage(() => import('./pages/flows/FlowEditorPage'), 'FlowEditorPage');
const EscalationPage = lazyPage(() => import('./pages/escalations/EscalationPage'), 'EscalationPage');
const EscalationsPage = lazyPage(() => import('./pages/escalations/EscalationsPage'), 'EscalationsPage');
const KnowledgePage = lazyPage(() => import('./pages/knowledge/KnowledgePage'), 'KnowledgePage');
const PlaygroundPage = lazyPage(() => import('./pages/playground/PlaygroundPage'), 'PlaygroundPage');
const SettingsPage = lazyPage(() => import('./pages/settings/SettingsPage'), 'SettingsPage');
const TeamPage = lazyPage(() => import('./pages/team/TeamPage'), 'TeamPage');
const ChannelEditPage = lazyPage(() => import('./pages/channels/ChannelEditPage'), 'ChannelEditPage');
const ChannelsPage = lazyPage(() => import('./pages/channels/ChannelsPage'), 'ChannelsPage');
const ProviderEditPage = lazyPage(() => import('./pages/providers/ProviderEditPage'), 'ProviderEditPage');
const ProvidersPage = lazyPage(() => import('./pages/providers/ProvidersPage'), 'ProvidersPage');
const McpServerPage = lazyPage(() => import('./pages/tools/McpServerPage'), 'McpServerPage');
const ToolEditPage = lazyPage(() => import('./pages/tools/ToolEditPage'), 'ToolEditPage');
const ToolsPage = lazyPage(() => import('./pages/tools/ToolsPage'), 'ToolsPage');
const WebhookEndpointPage = lazyPage(() => import('./pages/webhooks/WebhookEndpointPage'), 'WebhookEndpointPage');
const WebhooksPage = lazyPage(() => import('./pages/webhooks/WebhooksPage'), 'WebhooksPage');

export interface PageDef {
  /** Relative to `/`, react-router syntax (`agents/:id`). */
  path: string;
  element: ReactNode;
  /** In the navigation when set. */
  label?: string;
  /** Hide the nav entry from roles without it (the API enforces it anyway). */
  permission?: Permission;
}

export const pages: PageDef[] = [
  { path: 'agents', label: 'Agents', permission: 'config:read', element: <AgentsPage /> },
  { path: 'agents/new', element: <AgentEditPage /> },
  { path: 'agents/:id', element: <AgentEditPage /> },
  { path: 'flows', label: 'Flows', permission: 'config:read', element: <FlowsPage /> },
  { path: 'flows/:id', element: <FlowEditorPage /> },
  { path: 'knowledge', label: 'Knowledge', permission: 'config:read', element: <KnowledgePage /> },
  { path: 'knowledge/:id', element: <DocumentPage /> },
  { path: 'tools', label: 'Tools', permission: 'config:read', element: <ToolsPage /> },
  { path: 'tools/new', element: <ToolEditPage /> },
  { path: 'tools/:id', element: <ToolEditPage /> },
  { path: 'mcp-servers/new', element: <McpServerPage /> },
  { path: 'mcp-servers/:id', element: <McpServerPage /> },
  { path: 'providers', label: 'Providers', permission: 'config:read', element: <ProvidersPage /> },
  { path: 'providers/new', element: <ProviderEditPage /> },
  { path: 'providers/:id', element: <ProviderEditPage /> },
  { path: 'channels', label: 'Channels', permission: 'config:read', element: <ChannelsPage /> },
  { path: 'channels/new', element: <ChannelEditPage /> },
  { path: 'channels/:id', element: <ChannelEditPage /> },
  { path: 'playground', label: 'Playground', permission: 'sessions:run', element: <PlaygroundPage /> },
  { path: 'calls', label: 'Calls', permission: 'calls:read', element: <CallsPage /> },
  { path: 'calls/:id', element: <CallPage /> },
  { path: 'campaigns', label: 'Campaigns', permission: 'config:read', element: <CampaignsPage /> },
  { path: 'campaigns/new', element: <CampaignFormPage /> },
  { path: 'campaigns/:id', element: <CampaignPage /> },
  { path: 'campaigns/:id/edit', element: <CampaignFormPage /> },
  { path: 'dnc', label: 'Do not call', permission: 'config:read', element: <DncPage /> },
  { path: 'escalations', label: 'Escalations', permission: 'escalations:handle', element: <EscalationsPage /> },
  { path: 'escalations/:id', element: <EscalationPage /> },
  { path: 'webhooks', label: 'Webhooks', permission: 'config:read', element: <WebhooksPage /> },
  { path: 'webhooks/:id', element: <WebhookEndpointPage /> },
  { path: 'api-keys', label: 'API keys', permission: 'api_keys:manage', element: <ApiKeysPage /> },
  { path: 'team', label: 'Team', permission: 'team:read', element: <TeamPage /> },
  { path: 'audit', label: 'Audit log', permission: 'audit:read', element: <AuditPage /> },
  { path: 'settings', label: 'Settings', permission: 'org:read', element: <SettingsPage /> },
];

export const navEntries = pages.filter((p): p is PageDef & { label: string } => p.label !== undefined);
