import { MultiSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';
import { McpAllowedTools } from './McpAllowedTools';

interface Option { value: string; label: string }

/**
 * What an agent may use: knowledge documents, HTTP tools and MCP servers (each MCP server with all its
 * tools or an allow-list, McpAllowedTools). Each change is one assign or unassign call.
 */
export function Assignments({ agentId, readOnly }: { agentId: string; readOnly: boolean }) {
  const path = { agent_id: agentId };
  return (
    <Paper withBorder p="md" mt="lg">
      <Title order={4} mb="sm">
        Knowledge, tools and MCP servers
      </Title>
      <Stack>
        <AssignmentSelect
          label="Knowledge documents"
          empty="No documents yet: add some on the Knowledge page."
          readOnly={readOnly}
          queryKey={['assign', 'knowledge', agentId]}
          all={() => unwrap(api.GET('/api/v1/knowledge', { params: { query: { limit: 200 } } }))}
          mine={() => unwrap(api.GET('/api/v1/knowledge/agent/{agent_id}', { params: { path, query: { limit: 200 } } }))}
          assign={(id) => unwrap(api.POST('/api/v1/knowledge/agent/{agent_id}/assign/{doc_id}', { params: { path: { ...path, doc_id: id } } }))}
          unassign={(id) => unwrap(api.DELETE('/api/v1/knowledge/agent/{agent_id}/assign/{doc_id}', { params: { path: { ...path, doc_id: id } } }))}
        />
        <AssignmentSelect
          label="Tools"
          empty="No tools in this organization yet: create them on the Tools page."
          readOnly={readOnly}
          queryKey={['assign', 'tools', agentId]}
          all={() => unwrap(api.GET('/api/v1/tools', { params: { query: { limit: 200 } } }))}
          mine={() => unwrap(api.GET('/api/v1/tools/agent/{agent_id}', { params: { path, query: { limit: 200 } } }))}
          assign={(id) => unwrap(api.POST('/api/v1/tools/agent/{agent_id}/assign/{tool_id}', { params: { path: { ...path, tool_id: id } } }))}
          unassign={(id) => unwrap(api.DELETE('/api/v1/tools/agent/{agent_id}/assign/{tool_id}', { params: { path: { ...path, tool_id: id } } }))}
        />
        <AssignmentSelect
          label="MCP servers"
          empty="No MCP servers in this organization yet: add them on the Tools page."
          readOnly={readOnly}
          queryKey={['assign', 'mcp', agentId]}
          all={() => unwrap(api.GET('/api/v1/mcp-servers', { params: { query: { limit: 200 } } }))}
          mine={() => unwrap(api.GET('/api/v1/mcp-servers/agent/{agent_id}', { params: { path, query: { limit: 200 } } }))}
          assign={(id) => unwrap(api.POST('/api/v1/mcp-servers/agent/{agent_id}/assign/{server_id}', { params: { path: { ...path, server_id: id } }, body: {} }))}
          unassign={(id) => unwrap(api.DELETE('/api/v1/mcp-servers/agent/{agent_id}/assign/{server_id}', { params: { path: { ...path, server_id: id } } }))}
        />
        <McpAllowedTools agentId={agentId} readOnly={readOnly} />
      </Stack>
    </Paper>
  );
}

function AssignmentSelect(props: {
  label: string;
  empty: string;
  readOnly: boolean;
  queryKey: string[];
  /** Everything of this kind in the org (the first 200), and what the agent has. */
  all: () => Promise<{ data: Array<{ id: string; name: string }> }>;
  mine: () => Promise<{ data: Array<{ id: string }> }>;
  assign: (id: string) => Promise<unknown>;
  unassign: (id: string) => Promise<unknown>;
}) {
  const queries = useQueryClient();
  const state = useQuery({
    queryKey: props.queryKey,
    queryFn: async (): Promise<{ options: Option[]; assigned: string[] }> => {
      const [all, mine] = await Promise.all([props.all(), props.mine()]);
      return { options: all.data.map((x) => ({ value: x.id, label: x.name })), assigned: mine.data.map((x) => x.id) };
    },
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const change = async (next: string[]) => {
    const before = new Set(state.data?.assigned ?? []);
    const after = new Set(next);
    setError(null);
    setBusy(true);
    try {
      for (const id of after) if (!before.has(id)) await props.assign(id);
      for (const id of before) if (!after.has(id)) await props.unassign(id);
      notifySaved(`${props.label} updated`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      await queries.invalidateQueries({ queryKey: props.queryKey });
    }
  };
  if (state.error) return <ErrorAlert error={state.error} />;
  if (state.data && state.data.options.length === 0)
    return (
      <Text size="sm">
        <b>{props.label}:</b> {props.empty}
      </Text>
    );
  return (
    <>
      <ErrorAlert error={error} />
      <MultiSelect label={props.label} data={state.data?.options ?? []} value={state.data?.assigned ?? []} onChange={(v) => void change(v)} disabled={props.readOnly || busy || !state.data} searchable clearable={false} />
    </>
  );
}
