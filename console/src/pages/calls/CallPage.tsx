import { Badge, Grid, Group, Paper, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { isThread, Thread, Transcript } from '../../components/Conversation';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LatencyPanel } from '../../components/LatencyPanel';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { TurnDetails } from '../../components/TurnDetails';
import { Recording } from './Recording';

/**
 * One call: outcome, transcript (for SMS and WhatsApp also the thread with each message's delivery
 * status), per turn its tool calls and knowledge hits, the latency table and chart, and the recording
 * of a recorded voice call.
 */
export function CallPage() {
  const id = useParams().id!;
  const canDelete = useCan('calls:delete');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const call = useQuery({
    queryKey: ['call', id],
    queryFn: () => unwrap(api.GET('/api/v1/calls/{id}', { params: { path: { id } } })),
    // A live conversation keeps changing (new messages, delivery receipts): follow it until it ends.
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'ended' ? 5_000 : false),
  });
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
        actions={canDelete && <ConfirmButton question="Delete this call, its transcript and its recording for good?" onConfirm={() => remove.mutate()} loading={remove.isPending}>Delete call</ConfirmButton>}
      />
      <Paper withBorder p="md" mb="lg">
        <Group>
          <Badge>{c.status}</Badge>
          <Badge variant="light" color="gray" data-testid="call-channel">{c.channel} · {c.direction}</Badge>
          {c.mode === 'test' && <Badge color="grape">test</Badge>}
          <Text size="sm">Outcome: {c.outcome ?? '—'}</Text>
          <Text size="sm">Ended: {c.ended_reason ?? '—'}</Text>
          <Text size="sm">{c.turns} turns</Text>
          {c.duration_seconds != null && <Text size="sm">{c.duration_seconds} s</Text>}
          {c.from_number && <Text size="sm">From {c.from_number}</Text>}
          {c.to_number && <Text size="sm">To {c.to_number}</Text>}
        </Group>
      </Paper>
      {c.recording && <Recording callId={c.id} recording={c.recording} />}
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {isThread(c) ? (
            <Tabs defaultValue="thread" keepMounted={false}>
              <Tabs.List mb="sm">
                <Tabs.Tab value="thread">{c.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} thread</Tabs.Tab>
                <Tabs.Tab value="transcript">Transcript</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="thread">
                <Thread call={c} />
              </Tabs.Panel>
              <Tabs.Panel value="transcript">
                <Transcript call={c} />
              </Tabs.Panel>
            </Tabs>
          ) : (
            <>
              <Title order={4} mb="sm">
                Transcript
              </Title>
              <Transcript call={c} />
            </>
          )}
          <Title order={4} mt="lg" mb="sm">
            Latency
          </Title>
          <LatencyPanel latency={c.latency} />
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
