import { Anchor, Badge, Button, Code, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

/** HTTP and webhook tools, and MCP servers: what agents may call. Assigned to agents on the agent page. */
export function ToolsPage() {
  const canWrite = useCan('config:write');
  const tools = useCursorList(['tools'], (cursor) => unwrap(api.GET('/api/v1/tools', { params: { query: { cursor } } })));
  const servers = useCursorList(['mcp-servers'], (cursor) => unwrap(api.GET('/api/v1/mcp-servers', { params: { query: { cursor } } })));
  const newTool = canWrite && (
    <Button component={Link} to="/tools/new">
      New tool
    </Button>
  );
  const newServer = canWrite && (
    <Button component={Link} to="/mcp-servers/new" variant="default">
      New MCP server
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Tools"
        description="Requests your agents may make during a conversation. Give an agent a tool or an MCP server on the agent's page."
        actions={
          <>
            {newTool}
            {newServer}
          </>
        }
      />
      <Title order={3} mb="sm">
        HTTP and webhook tools
      </Title>
      <ErrorAlert error={tools.error} />
      {tools.isSuccess && tools.rows.length === 0 ? (
        <EmptyState title="No tools yet" action={newTool}>
          {canWrite ? 'Create a tool: a request template with the parameters the model fills in. Test it here, then assign it to an agent.' : 'Nobody has created a tool in this organization yet.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover mb="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Request</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tools.rows.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/tools/${t.id}`}>
                    {t.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light">{t.type}</Badge>
                </Table.Td>
                <Table.Td>
                  <Code>
                    {t.config.method} {t.config.url}
                  </Code>
                </Table.Td>
                <Table.Td>{new Date(t.updated_at).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={tools} />
      <Title order={3} mt="xl" mb="sm">
        MCP servers
      </Title>
      <ErrorAlert error={servers.error} />
      {servers.isSuccess && servers.rows.length === 0 ? (
        <EmptyState title="No MCP servers yet" action={newServer}>
          {canWrite ? 'Add a Model Context Protocol server by its URL; Converse discovers the tools it offers.' : 'Nobody has added an MCP server in this organization yet.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>URL</Table.Th>
              <Table.Th>Last discovery</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {servers.rows.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/mcp-servers/${s.id}`}>
                    {s.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Code>{s.url}</Code>
                </Table.Td>
                <Table.Td>
                  {s.last_error ? (
                    <Text size="sm" c="red.9">
                      {s.last_error}
                    </Text>
                  ) : s.last_refreshed_at ? (
                    new Date(s.last_refreshed_at).toLocaleString()
                  ) : (
                    'never'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={servers} />
    </>
  );
}
