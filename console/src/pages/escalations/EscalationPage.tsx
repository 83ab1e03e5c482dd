import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { useIdentity } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { isThread, Thread, Transcript } from '../../components/Conversation';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useEscalationStream } from '../../hooks/useEscalationStream';
import { useActorName } from './actors';
import { LiveBadge } from '../../components/LiveBadge';

const MAX_MESSAGE = 4000;
const STATUS_COLOR = { waiting: 'orange', claimed: 'blue', closed: 'gray' } as const;

/**
 * One escalation: the conversation so far (live: the caller's new messages arrive through the stream),
 * and the person's side of it: claim, write to the caller, release to the agent, close. The API decides
 * who may act (the claimer; owners and admins supervise any open one); its 409s are shown as they come.
 */
export function EscalationPage() {
  const id = useParams().id!;
  const me = useIdentity();
  const name = useActorName();
  const queries = useQueryClient();
  const live = useEscalationStream();
  const key = ['escalations', 'one', id];
  const esc = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/v1/escalations/{id}', { params: { path: { id } } })),
    // The stream re-reads it on every change; poll only while the stream is down and it is still open.
    refetchInterval: (q) => (live !== 'live' && q.state.data?.status !== 'closed' ? 5_000 : false),
  });
  const [text, setText] = useState('');
  const [claimConflict, setClaimConflict] = useState(false);
  // The last action's refusal, in the API's words (a later success clears it).
  const [actionError, setActionError] = useState<unknown>(null);
  const done = (message: string) => () => {
    setActionError(null);
    notifySaved(message);
    void queries.invalidateQueries({ queryKey: ['escalations'] });
  };
  const claim = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/escalations/{id}/claim', { params: { path: { id } } })),
    onSuccess: () => (setClaimConflict(false), done('Claimed: you can write to the caller')()),
    onError: (err) => {
      // Someone was quicker: re-read it to say who holds it now.
      if (err instanceof ApiError && err.status === 409) setClaimConflict(true);
      else setActionError(err);
      void esc.refetch();
    },
  });
  const reply = useMutation({
    mutationFn: (body: string) => unwrap(api.POST('/api/v1/escalations/{id}/messages', { params: { path: { id } }, body: { text: body } })),
    onSuccess: () => (setText(''), done('Sent to the caller')()),
    onError: setActionError,
  });
  const release = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/escalations/{id}/release', { params: { path: { id } } })), onSuccess: done('Released to the agent'), onError: setActionError });
  const close = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/escalations/{id}/close', { params: { path: { id } } })), onSuccess: done('Escalation closed'), onError: setActionError });

  if (esc.error) return <ErrorAlert error={esc.error} title="Escalation not available" />;
  if (!esc.data) return null;
  const e = esc.data;
  const open = e.status !== 'closed';
  const mine = e.claimed_by?.type === 'user' && e.claimed_by.id === me?.user.id;
  const supervisor = me?.role === 'owner' || me?.role === 'admin';
  const mayAct = open && e.status === 'claimed' ? mine || supervisor : open && supervisor;
  return (
    <>
      <PageHeader
        title="Escalation"
        description={
          <>
            {new Date(e.created_at).toLocaleString()} · {e.call.channel}
            {e.call.from_number ? ` · from ${e.call.from_number}` : ''} ·{' '}
            <Anchor component={Link} to={`/calls/${e.call_id}`} underline="always">
              open the call
            </Anchor>
          </>
        }
        actions={<LiveBadge status={live} />}
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Title order={4} mb="sm">
            Conversation
          </Title>
          {isThread(e.call) ? <Thread call={e.call} /> : <Transcript call={e.call} />}
          {open && (
            <Paper withBorder p="md" mt="md">
              <form
                onSubmit={(ev) => {
                  ev.preventDefault();
                  if (text.trim()) reply.mutate(text.trim());
                }}
              >
                <Textarea
                  label="Reply to the caller"
                  description={mayAct ? 'The caller receives it as is, on their channel.' : e.status === 'waiting' ? 'Claim the escalation to write to the caller.' : 'Only the person who claimed it can write.'}
                  autosize
                  minRows={2}
                  maxLength={MAX_MESSAGE}
                  value={text}
                  onChange={(ev) => setText(ev.currentTarget.value)}
                  disabled={!mayAct}
                />
                <Group justify="flex-end" mt="sm">
                  <Button type="submit" loading={reply.isPending} disabled={!mayAct || !text.trim()}>
                    Send
                  </Button>
                </Group>
              </form>
            </Paper>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="md">
            <Stack gap="xs">
              <Group>
                <Badge variant="light" color={STATUS_COLOR[e.status]} data-testid="escalation-status">
                  {e.status}
                </Badge>
                <Badge variant="light">{e.queue}</Badge>
              </Group>
              <Text size="sm">Reason: {e.reason ?? '—'}</Text>
              <Text size="sm">Call: {e.call.status}</Text>
              {e.claimed_by && (
                <Text size="sm" data-testid="claimed-by">
                  {open ? 'Claimed by' : 'Last claimed by'} {name(e.claimed_by)}
                </Text>
              )}
              {e.closed_reason && (
                <Text size="sm">
                  Closed ({e.closed_reason}) by {name(e.closed_by)}
                </Text>
              )}
              {claimConflict && e.claimed_by && !mine && (
                <Alert color="orange" role="alert" data-testid="claim-conflict">
                  {open ? `Already claimed by ${name(e.claimed_by)}.` : 'The escalation is closed.'}
                </Alert>
              )}
              <ErrorAlert error={actionError} />
              {open && (
                <Group>
                  {e.status === 'waiting' && (
                    <Button onClick={() => claim.mutate()} loading={claim.isPending}>
                      Claim
                    </Button>
                  )}
                  {mayAct && (
                    <>
                      <Button variant="default" onClick={() => release.mutate()} loading={release.isPending}>
                        Release to agent
                      </Button>
                      <ConfirmButton question="Close the escalation and end the conversation?" onConfirm={() => close.mutate()} loading={close.isPending}>
                        Close
                      </ConfirmButton>
                    </>
                  )}
                </Group>
              )}
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}
