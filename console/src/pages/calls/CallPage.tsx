import { Badge, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { TurnDetails } from '../../components/TurnDetails';

/** One call: outcome, transcript, and per turn its tool calls, knowledge hits and latency. */
export function CallPage() {
  const id = useParams().id!;
  const canDelete = useCan('calls:delete');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const call = useQuery({ queryKey: ['call', id], queryFn: () => unwrap(api.GET('/api/v1/calls/{id}', { params: { path: { id } } })) });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/calls/{id}', { params: { path: { id } } })),
    onSuccess: () => (notifySaved('Call deleted'), void queries.invalidateQueries({ queryKey: ['calls'] }), void navigate('/calls')),
    onError: notifyError,
  });
  if (call.error) return <ErrorAlert error={call.error} title="Call not available" />;
  if (!call.data) return null;
  const c = call.data;
  return (
    <>
      <PageHeader
        title="Call"
        description={`${new Date(c.started_at).toLocaleString()} · ${c.channel} · ${c.direction}`}
        actions={canDelete && <ConfirmButton question="Delete this call and its transcript for good?" onConfirm={() => remove.mutate()} loading={remove.isPending}>Delete call</ConfirmButton>}
      />
      <Paper withBorder p="md" mb="lg">
        <Group>
          <Badge>{c.status}</Badge>
          {c.mode === 'test' && <Badge color="grape">test</Badge>}
          <Text size="sm">Outcome: {c.outcome ?? '—'}</Text>
          <Text size="sm">Ended: {c.ended_reason ?? '—'}</Text>
          <Text size="sm">{c.turns} turns</Text>
          {c.duration_seconds != null && <Text size="sm">{c.duration_seconds} s</Text>}
          {c.from_number && <Text size="sm">From {c.from_number}</Text>}
          {c.to_number && <Text size="sm">To {c.to_number}</Text>}
        </Group>
      </Paper>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Title order={4} mb="sm">
            Transcript
          </Title>
          <Stack gap="xs" data-testid="transcript">
            {c.transcript.length === 0 && <Text c="dimmed">Nothing was said.</Text>}
            {c.transcript.map((m, i) => (
              <Paper key={i} withBorder p="xs" bg={m.role === 'user' ? 'blue.0' : undefined}>
                <Text size="xs" c="dimmed">
                  {m.role} · turn {m.turn} · {new Date(m.at).toLocaleTimeString()}
                  {m.interrupted ? ' · interrupted' : ''}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {m.text}
                </Text>
              </Paper>
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Title order={4} mb="sm">
            Turns
          </Title>
          <TurnDetails call={c} />
          <Title order={5} mt="md" mb="xs">
            Variables
          </Title>
          <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }}>
            {JSON.stringify(c.variables, null, 2)}
          </Text>
        </Grid.Col>
      </Grid>
    </>
  );
}
