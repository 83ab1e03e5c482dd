import { Alert, Anchor, Code, Paper, Table, Text, Title } from '@mantine/core';
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
import { EndpointForm, type EndpointValues } from './EndpointForm';

/** Outbound webhook endpoints: signed events to your own servers. The signing secret is shown once. */
export function WebhooksPage() {
  const canWrite = useCan('config:write');
  const queries = useQueryClient();
  const [created, setCreated] = useState<{ id: string; url: string; secret: string } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const list = useCursorList(['webhook-endpoints'], (cursor) => unwrap(api.GET('/api/v1/webhook-endpoints', { params: { query: { cursor } } })));
  const create = useMutation({
    mutationFn: (v: EndpointValues) => unwrap(api.POST('/api/v1/webhook-endpoints', { body: v })),
    onSuccess: (e) => (setCreated({ id: e.id, url: e.url, secret: e.signing_secret }), setFormKey((k) => k + 1), void queries.invalidateQueries({ queryKey: ['webhook-endpoints'] })),
  });
  return (
    <>
      <PageHeader title="Webhooks" description="Converse POSTs signed events to your endpoints (docs/tools.md, “Webhook endpoints”)." />
      {canWrite && (
        <Paper withBorder p="md" mb="lg">
          <Title order={4} mb="sm">
            New endpoint
          </Title>
          {/* A fresh form (cleared) after each endpoint created. */}
          <EndpointForm key={formKey} submitLabel="Create endpoint" loading={create.isPending} onSubmit={(v) => (setCreated(null), create.mutate(v))} />
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
