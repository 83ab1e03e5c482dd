/**
 * The console's pages: one entry per route. A page with a `label` appears in the navigation (in this
 * order), shown to roles holding its `permission`. Adding a screen = a folder under pages/ and a row
 * here (console/README.md).
 */
import { lazy, Suspense, type ReactNode } from 'react';
import type { Permission } from '../../src/platform/auth/permissions';
import { AgentEditPage } from './pages/agents/AgentEditPage';
import { AgentsPage } from './pages/agents/AgentsPage';
import { ApiKeysPage } from './pages/api-keys/ApiKeysPage';
import { AuditPage } from './pages/audit/AuditPage';
import { CallPage } from './pages/calls/CallPage';
import { CallsPage } from './pages/calls/CallsPage';
import { FlowsPage } from './pages/flows/FlowsPage';
import { DocumentPage } from './pages/knowledge/DocumentPage';
import { KnowledgePage } from './pages/knowledge/KnowledgePage';
import { PlaygroundPage } from './pages/playground/PlaygroundPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { TeamPage } from './pages/team/TeamPage';

// The flow editor (React Flow and the API's own flow validation) loads only when a flow is opened.
const FlowEditorPage = lazy(() => import('./pages/flows/FlowEditorPage').then((m) => ({ default: m.FlowEditorPage })));

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
  { path: 'flows/:id', element: <Suspense><FlowEditorPage /></Suspense> },
  { path: 'knowledge', label: 'Knowledge', permission: 'config:read', element: <KnowledgePage /> },
  { path: 'knowledge/:id', element: <DocumentPage /> },
  { path: 'playground', label: 'Playground', permission: 'sessions:run', element: <PlaygroundPage /> },
  { path: 'calls', label: 'Calls', permission: 'calls:read', element: <CallsPage /> },
  { path: 'calls/:id', element: <CallPage /> },
  { path: 'api-keys', label: 'API keys', permission: 'api_keys:manage', element: <ApiKeysPage /> },
  { path: 'team', label: 'Team', permission: 'team:read', element: <TeamPage /> },
  { path: 'audit', label: 'Audit log', permission: 'audit:read', element: <AuditPage /> },
  { path: 'settings', label: 'Settings', permission: 'org:read', element: <SettingsPage /> },
];

export const navEntries = pages.filter((p): p is PageDef & { label: string } => p.label !== undefined);
