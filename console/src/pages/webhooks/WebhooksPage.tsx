import { Alert, Anchor, Button, Checkbox, Code, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { CopyValue } from '../../components/CopyValue';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

/** The events of API.md "Tools and MCP servers" (webhook endpoints), with what each means. */
export const EVENTS = [
  { value: 'call.started', label: 'call.started — a call or conversation began' },
  { value: 'call.ended', label: 'call.ended — it ended, with its outcome' },
  { value: 'escalation.created', label: 'escalation.created — a session waits for a person' },
  { value: 'campaign.started', label: 'campaign.started' },
  { value: 'campaign.completed', label: 'campaign.completed' },
  { value: 'document.ready', label: 'document.ready — a knowledge document can be searched' },
  { value: 'document.failed', label: 'document.failed — its ingestion failed' },
] as const;
type EventType = (typeof EVENTS)[number]['value'];

/** Outbound webhook endpoints: signed events to your own servers. The signing secret is shown once. */
export function WebhooksPage() {
  const canWrite = useCan('config:write');
  const queries = useQueryClient();
  const [created, setCreated] = useState<{ id: string; url: string; secret: string } | null>(null);
  const list = useCursorList(['webhook-endpoints'], (cursor) => unwrap(api.GET('/api/v1/webhook-endpoints', { params: { query: { cursor } } })));
  const form = useForm({
    initialValues: { url: '', description: '', events: [] as EventType[] },
    validate: { url: (v) => (v.trim() ? null : 'The URL that receives the events'), events: (v) => (v.length ? null : 'Choose at least one event') },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) => unwrap(api.POST('/api/v1/webhook-endpoints', { body: { url: v.url.trim(), description: v.description, events: v.events } })),
    onSuccess: (e) => (setCreated({ id: e.id, url: e.url, secret: e.signing_secret }), form.reset(), void queries.invalidateQueries({ queryKey: ['webhook-endpoints'] })),
  });
  return (
    <>
      <PageHeader title="Webhooks" description="Converse POSTs signed events to your endpoints (docs/tools.md, “Webhook endpoints”)." />
      {canWrite && (
        <Paper withBorder p="md" mb="lg">
          <Title order={4} mb="sm">
            New endpoint
          </Title>
          <form onSubmit={form.onSubmit((v) => (setCreated(null), create.mutate(v)))}>
            <Stack>
              <Group grow align="flex-start">
                <TextInput label="Endpoint URL" placeholder="https://example.com/converse-events" required {...form.getInputProps('url')} />
                <TextInput label="Description" {...form.getInputProps('description')} />
              </Group>
              <Checkbox.Group label="Events" required {...form.getInputProps('events')}>
                <Stack gap={4} mt="xs">
                  {EVENTS.map((e) => (
                    <Checkbox key={e.value} value={e.value} label={e.label} />
                  ))}
                </Stack>
              </Checkbox.Group>
              <Group>
                <Button type="submit" loading={create.isPending}>
                  Create endpoint
                </Button>
              </Group>
            </Stack>
          </form>
          <ErrorAlert error={create.error} title="Could not create the endpoint" />
          {created && (
            <Alert color="yellow" title="Signing secret: copy it now, it will not be shown again" mt="md">
              <Text size="sm" mb="xs">
                Verify each request&apos;s <Code>Converse-Signature</Code> header with it. Endpoint: {created.url}
              </Text>
              <CopyValue value={created.secret} />
            </Alert>
          )}
        </Paper>
      )}
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No webhook endpoints">
          {canWrite ? 'Add an endpoint above to hear about calls, escalations and documents on your own server.' : 'Nobody has added a webhook endpoint in this organization yet.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>URL</Table.Th>
              <Table.Th>Events</Table.Th>
              <Table.Th>Description</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/webhooks/${e.id}`}>
                    {e.url}
                  </Anchor>
                </Table.Td>
                <Table.Td>{e.events.join(', ')}</Table.Td>
                <Table.Td>{e.description}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
