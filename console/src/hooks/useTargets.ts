import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/**
 * The agents and flows a channel or campaign can route to, as one select: values `agent:<id>` and
 * `flow:<id>`, so exactly one of them is picked. The first 200 of each (the API's page limit).
 */
export function useTargets() {
  const agents = useQuery({ queryKey: ['agents', 'all'], queryFn: () => unwrap(api.GET('/api/v1/agents', { params: { query: { limit: 200 } } })) });
  const flows = useQuery({ queryKey: ['flows', 'all'], queryFn: () => unwrap(api.GET('/api/v1/flows', { params: { query: { limit: 200 } } })) });
  const options = [
    { group: 'Agents', items: (agents.data?.data ?? []).map((a) => ({ value: `agent:${a.id}`, label: a.name })) },
    { group: 'Flows', items: (flows.data?.data ?? []).map((f) => ({ value: `flow:${f.id}`, label: f.name })) },
  ].filter((g) => g.items.length > 0);
  /** "Agent: Front desk", "Flow: Booking", or `none`. */
  const nameOf = (c: Routed, none = 'nothing yet') =>
    c.agent_id ? `Agent: ${agents.data?.data.find((a) => a.id === c.agent_id)?.name ?? '…'}` : c.flow_id ? `Flow: ${flows.data?.data.find((f) => f.id === c.flow_id)?.name ?? '…'}` : none;
  return { options, nameOf };
}

interface Routed {
  agent_id: string | null;
  flow_id: string | null;
}

/** The select value of what a resource routes to ('' for nothing). */
export const targetOf = (c: Routed) => (c.agent_id ? `agent:${c.agent_id}` : c.flow_id ? `flow:${c.flow_id}` : '');

/** The body fields for a select value: one of agent_id / flow_id, or both cleared. */
export function routeBody(target: string): { agent_id: string } | { flow_id: string } | { agent_id: null; flow_id: null } {
  const [kind, id] = target.split(':');
  return kind === 'flow' ? { flow_id: id! } : kind === 'agent' ? { agent_id: id! } : { agent_id: null, flow_id: null };
}
