import { Alert, Button, Code, Grid, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap, type Get } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { headerRows, headersBody, HeadersEditor, type HeaderRow } from '../../components/HeadersEditor';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';

type Server = Get<'/api/v1/mcp-servers/{id}'>;
const blank = { name: '', url: '', transport: 'streamable_http' as 'streamable_http' | 'sse', headers: [] as HeaderRow[] };
type Values = typeof blank;

/**
 * `/mcp-servers/new` and `/mcp-servers/:id`: the server's URL, transport and write-only headers, and
 * "Discover tools" (POST /refresh), which connects, lists its tools and stores them. Which of them an
 * agent may call is chosen on the agent's page.
 */
export function McpServerPage() {
  const { id } = useParams();
  const isNew = id === undefined;
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const server = useQuery({ queryKey: ['mcp-server', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/mcp-servers/{id}', { params: { path: { id: id! } } })) });
  const tools = useQuery({ queryKey: ['mcp-tools', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/mcp-servers/{id}/tools', { params: { path: { id: id! } } })) });
  const form = useForm<Values>({ initialValues: blank, validate: { name: (v) => (v.trim() ? null : 'Give the server a name'), url: (v) => (v.trim() ? null : "The server's MCP endpoint URL") } });
  useEffect(() => {
    if (server.data) form.setValues({ name: server.data.name, url: server.data.url, transport: server.data.transport, headers: headerRows(server.data.headers) });
    // Only when the stored server changes.
  }, [server.data]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { name: v.name.trim(), url: v.url.trim(), transport: v.transport, headers: headersBody(v.headers, { allSecret: true }) };
      return isNew ? unwrap(api.POST('/api/v1/mcp-servers', { body })) : unwrap(api.PATCH('/api/v1/mcp-servers/{id}', { params: { path: { id: id! } }, body }));
    },
    onSuccess: (saved: Server) => {
      notifySaved(isNew ? 'MCP server added' : 'MCP server saved');
      void queries.invalidateQueries({ queryKey: ['mcp-servers'] });
      queries.setQueryData(['mcp-server', saved.id], saved);
      if (isNew) void navigate(`/mcp-servers/${saved.id}`, { replace: true });
    },
  });
  const discover = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/mcp-servers/{id}/refresh', { params: { path: { id: id! } } })),
    onSuccess: (found) => {
      queries.setQueryData(['mcp-tools', id], found);
      notifySaved(`${found.data.length} tools found`);
    },
    onSettled: () => void queries.invalidateQueries({ queryKey: ['mcp-server', id] }),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/mcp-servers/{id}', { params: { path: { id: id! } } })),
    onSuccess: () => (notifySaved('MCP server deleted'), void queries.invalidateQueries({ queryKey: ['mcp-servers'] }), void navigate('/tools')),
    onError: notifyError,
  });

  if (server.error) return <ErrorAlert error={server.error} title="MCP server not available" />;
  const readOnly = !canWrite;
  const s = server.data;
  return (
    <>
      <PageHeader
        title={isNew ? 'New MCP server' : (s?.name ?? 'MCP server')}
        description={readOnly ? 'Read only: your role cannot change MCP servers.' : 'Header values are write-only: they are encrypted and never shown again.'}
        actions={
          !isNew &&
          canWrite && (
            <ConfirmButton question="Delete this MCP server? Agents that use it lose its tools." onConfirm={() => remove.mutate()} loading={remove.isPending}>
              Delete server
            </ConfirmButton>
          )
        }
      />
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ErrorAlert error={save.error} title="Could not save the MCP server" />
            <Grid>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <TextInput label="Name" required {...form.getInputProps('name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <TextInput label="URL" placeholder="https://mcp.example.com/mcp" required {...form.getInputProps('url')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 3 }}>
                <Select
                  label="Transport"
                  data={[
                    { value: 'streamable_http', label: 'Streamable HTTP' },
                    { value: 'sse', label: 'HTTP + SSE (older servers)' },
                  ]}
                  allowDeselect={false}
                  {...form.getInputProps('transport')}
                />
              </Grid.Col>
            </Grid>
            <HeadersEditor rows={form.values.headers} onChange={(rows) => form.setFieldValue('headers', rows)} allSecret disabled={readOnly} />
            {canWrite && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {isNew ? 'Add server' : 'Save'}
                </Button>
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
      {s && (
        <Paper withBorder p="md" mt="lg">
          <Group justify="space-between" mb="sm">
            <Title order={4}>Discovered tools</Title>
            {canWrite && (
              <Button variant="light" onClick={() => discover.mutate()} loading={discover.isPending}>
                Discover tools
              </Button>
            )}
          </Group>
          <Text size="sm" c="dimmed" mb="sm">
            {s.last_refreshed_at ? `Last discovery: ${new Date(s.last_refreshed_at).toLocaleString()}.` : 'Not discovered yet.'} Choose which of them each agent may call on the agent's page.
          </Text>
          <ErrorAlert error={discover.error} title="Discovery failed" />
          {s.last_error && !discover.error && (
            <Alert color="red" title="The last discovery failed" mb="md">
              {s.last_error}
            </Alert>
          )}
          <ErrorAlert error={tools.error} />
          {tools.data && tools.data.data.length === 0 ? (
            <EmptyState title="No tools known">{canWrite ? 'Press "Discover tools" to connect to the server and list what it offers.' : 'Nobody has run a discovery on this server yet.'}</EmptyState>
          ) : (
            <Table data-testid="mcp-tools">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Tool</Table.Th>
                  <Table.Th>Description</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tools.data?.data.map((t) => (
                  <Table.Tr key={t.name}>
                    <Table.Td>
                      <Code>{t.name}</Code>
                    </Table.Td>
                    <Table.Td>{t.description}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}
    </>
  );
}
