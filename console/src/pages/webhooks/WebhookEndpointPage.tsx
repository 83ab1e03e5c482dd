import { Badge, Code, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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

type Delivery = Row<'/api/v1/webhook-endpoints/{id}/deliveries'>;
const COLORS = { pending: 'gray', retrying: 'orange', succeeded: 'green', failed: 'red' } as const;
const unsettled = (d: Delivery) => d.status === 'pending' || d.status === 'retrying';

/**
 * One endpoint and its delivery log: status, attempts (with each attempt's answer), response code,
 * duration and error. The API has no edit or redeliver for endpoints: a new URL or event set is a new
 * endpoint (with a new secret).
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
      {e && (
        <Paper withBorder p="md" mb="lg">
          <Stack gap={4}>
            <Text size="sm">
              URL: <Code>{e.url}</Code>
            </Text>
            <Text size="sm">Events: {e.events.join(', ')}</Text>
            <Text size="sm">Signing secret: configured (shown only when the endpoint was created).</Text>
            <Text size="sm" c="dimmed">
              To change the URL or the events, create a new endpoint and delete this one.
            </Text>
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
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={deliveries} />
    </>
  );
}
