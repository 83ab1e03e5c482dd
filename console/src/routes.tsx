/**
 * The console's pages: one entry per route. A page with a `label` appears in the navigation (in this
 * order), shown to roles holding its `permission`. Adding a screen = a folder under pages/ and a row
 * here (console/README.md).
 */
import type { ReactNode } from 'react';
import type { Permission } from '../../src/platform/auth/permissions';
import { AgentEditPage } from './pages/agents/AgentEditPage';
import { AgentsPage } from './pages/agents/AgentsPage';

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
];

export const navEntries = pages.filter((p): p is PageDef & { label: string } => p.label !== undefined);
