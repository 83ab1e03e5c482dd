import { Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap, type Row } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { EndpointForm, type EndpointValues, type EventType } from './EndpointForm';

type Delivery = Row<'/api/v1/webhook-endpoints/{id}/deliveries'>;
const COLORS = { pending: 'gray', retrying: 'orange', succeeded: 'green', failed: 'red' } as const;
const unsettled = (d: Delivery) => d.status === 'pending' || d.status === 'retrying';

/**
 * One endpoint and its delivery log: status, attempts (with each attempt's answer), response code,
 * duration and error. Writers can edit the URL, events and description (the secret stays) and
 * redeliver a finished delivery (a new delivery of the same event; the API refuses one still queued).
 */
export function WebhookEndpointPage() {
  const { id } = useParams();
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const endpoint = useQuery({ queryKey: ['webhook-endpoint', id], queryFn: () => unwrap(api.GET('/api/v1/webhook-endpoints/{id}', { params: { path: { id: id! } } })) });
  const deliveries = useCursorList(['webhook-deliveries', id], (cursor) => unwrap(api.GET('/api/v1/webhook-endpoints/{id}/deliveries', { params: { path: { id: id! }, query: { cursor } } })), {
    enabled: endpoint.isSuccess,
    // Poll while the first page is empty or something is still on its way.
    refetchInterval: (rows) => (rows.length === 0 || rows.some(unsettled) ? 3000 : false),
  });
  const [editing, setEditing] = useState(false);
  const update = useMutation({
    mutationFn: (v: EndpointValues) => unwrap(api.PATCH('/api/v1/webhook-endpoints/{id}', { params: { path: { id: id! } }, body: v })),
    onSuccess: (saved) => (
      notifySaved('Endpoint saved'),
      setEditing(false),
      queries.setQueryData(['webhook-endpoint', id], saved),
      void queries.invalidateQueries({ queryKey: ['webhook-endpoints'] })
    ),
  });
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) => unwrap(api.POST('/api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver', { params: { path: { id: id!, delivery_id: deliveryId } } })),
    onSuccess: () => (notifySaved('Redelivery queued'), void queries.invalidateQueries({ queryKey: ['webhook-deliveries', id] })),
    onError: notifyError,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/webhook-endpoints/{id}', { params: { path: { id: id! } } })),
    onSuccess: () => (notifySaved('Endpoint deleted'), void queries.invalidateQueries({ queryKey: ['webhook-endpoints'] }), void navigate('/webhooks')),
    onError: notifyError,
  });
  if (endpoint.error) return <ErrorAlert error={endpoint.error} title="Webhook endpoint not available" />;
  const e = endpoint.data;
  return (
    <>
      <PageHeader
        title="Webhook endpoint"
        description={e?.description || undefined}
        actions={
          canWrite && (
            <ConfirmButton question="Delete this endpoint? Pending deliveries to it stop." onConfirm={() => remove.mutate()} loading={remove.isPending}>
              Delete endpoint
            </ConfirmButton>
          )
        }
      />
      {e && editing && (
        <Paper withBorder p="md" mb="lg">
          <Title order={4} mb="sm">
            Edit endpoint
          </Title>
          <EndpointForm
            initial={{ url: e.url, description: e.description, events: e.events as EventType[] }}
            submitLabel="Save endpoint"
            loading={update.isPending}
            onSubmit={(v) => update.mutate(v)}
          />
          <ErrorAlert error={update.error} title="Could not save the endpoint" />
          <Button variant="subtle" mt="sm" onClick={() => (setEditing(false), update.reset())}>
            Cancel
          </Button>
        </Paper>
      )}
      {e && !editing && (
        <Paper withBorder p="md" mb="lg">
          <Stack gap={4}>
            <Text size="sm">
              URL: <Code>{e.url}</Code>
            </Text>
            <Text size="sm">Events: {e.events.join(', ')}</Text>
            <Text size="sm">Signing secret: configured (shown only when the endpoint was created).</Text>
            {canWrite && (
              <Group mt="xs">
                <Button variant="light" onClick={() => setEditing(true)}>
                  Edit endpoint
                </Button>
              </Group>
            )}
          </Stack>
        </Paper>
      )}
      <Title order={3} mb="sm">
        Deliveries
      </Title>
      <ErrorAlert error={deliveries.error} />
      {deliveries.isSuccess && deliveries.rows.length === 0 ? (
        <EmptyState title="No deliveries yet">Deliveries appear here when one of the subscribed events happens (this page refreshes by itself).</EmptyState>
      ) : (
        <Table striped data-testid="deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Attempts</Table.Th>
              <Table.Th>Response</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Created</Table.Th>
              {canWrite && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {deliveries.rows.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Code>{d.event_type}</Code>
                </Table.Td>
                <Table.Td>
                  <Badge color={COLORS[d.status]} variant="light">
                    {d.status}
                  </Badge>
                  {d.error && (
                    <Text size="xs" c="red.9">
                      {d.error}
                    </Text>
                  )}
                  {d.next_attempt_at && unsettled(d) && <Text size="xs">next attempt {new Date(d.next_attempt_at).toLocaleTimeString()}</Text>}
                </Table.Td>
                <Table.Td>
                  {d.attempts}
                  {d.history.length > 1 && (
                    <Text size="xs" c="dimmed">
                      {d.history.map((h) => `#${h.attempt}: ${h.response_status ?? h.error ?? '—'}`).join(' · ')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{d.response_status ?? '—'}</Table.Td>
                <Table.Td>{d.duration_ms === null ? '—' : `${d.duration_ms} ms`}</Table.Td>
                <Table.Td>{new Date(d.created_at).toLocaleString()}</Table.Td>
                {canWrite && (
                  <Table.Td>
                    {/* A queued delivery is still the queue's to send; the API answers 409 for it. */}
                    <Button size="xs" variant="light" disabled={unsettled(d)} loading={redeliver.isPending && redeliver.variables === d.id} onClick={() => redeliver.mutate(d.id)}>
                      Redeliver
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={deliveries} />
    </>
  );
}
