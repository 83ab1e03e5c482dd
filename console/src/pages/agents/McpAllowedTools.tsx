import { Checkbox, Group, MultiSelect, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Row } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';

type AgentServer = Row<'/api/v1/mcp-servers/agent/{agent_id}'>;

/**
 * Per assigned MCP server, which of its tools the agent may call: all of them (`allowed_tools: null`,
 * including tools the server adds later) or an allow-list of the tools found at the last discovery.
 * Assigning again with a new list replaces the old one (API: mcp_servers.agent.assign).
 */
export function McpAllowedTools({ agentId, readOnly }: { agentId: string; readOnly: boolean }) {
  const assigned = useQuery({
    queryKey: ['assign', 'mcp', agentId, 'allowed'],
    queryFn: () => unwrap(api.GET('/api/v1/mcp-servers/agent/{agent_id}', { params: { path: { agent_id: agentId }, query: { limit: 200 } } })),
  });
  if (assigned.error) return <ErrorAlert error={assigned.error} />;
  if (!assigned.data || assigned.data.data.length === 0) return null;
  return (
    <Stack gap="xs">
      {assigned.data.data.map((s) => (
        <ServerTools key={s.id} agentId={agentId} server={s} readOnly={readOnly} />
      ))}
    </Stack>
  );
}

function ServerTools({ agentId, server, readOnly }: { agentId: string; server: AgentServer; readOnly: boolean }) {
  const queries = useQueryClient();
  const tools = useQuery({ queryKey: ['mcp-tools', server.id], queryFn: () => unwrap(api.GET('/api/v1/mcp-servers/{id}/tools', { params: { path: { id: server.id } } })) });
  const save = useMutation({
    mutationFn: (allowed: string[] | null) =>
      unwrap(api.POST('/api/v1/mcp-servers/agent/{agent_id}/assign/{server_id}', { params: { path: { agent_id: agentId, server_id: server.id } }, body: { allowed_tools: allowed } })),
    onSuccess: () => notifySaved(`Tools of ${server.name} updated`),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['assign', 'mcp', agentId, 'allowed'] }),
  });
  const all = server.allowed_tools === null;
  const known = tools.data?.data.map((t) => t.name) ?? [];
  // Names allowed earlier but gone from the last discovery stay visible (and removable).
  const options = [...new Set([...known, ...(server.allowed_tools ?? [])])];
  return (
    <Paper withBorder p="sm" data-testid={`mcp-allowed-${server.name}`}>
      <Group justify="space-between" mb={all ? 0 : 'xs'}>
        <Text size="sm" fw={500}>
          {server.name}
        </Text>
        <Checkbox label="All tools of this server" checked={all} disabled={readOnly || save.isPending} onChange={(e) => save.mutate(e.currentTarget.checked ? null : known)} />
      </Group>
      {!all && (
        <MultiSelect
          label={`Tools of ${server.name} this agent may call`}
          placeholder={options.length === 0 ? 'Discover the server\'s tools on its page first' : 'None: the agent sees no tool of this server'}
          data={options}
          value={server.allowed_tools ?? []}
          onChange={(v) => save.mutate(v)}
          disabled={readOnly || save.isPending}
          searchable
          clearable={false}
        />
      )}
      <ErrorAlert error={save.error ?? tools.error} />
    </Paper>
  );
}
