import { Anchor, Button, Grid, Group, Paper, ScrollArea, SegmentedControl, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { sendStreamed, type SessionReply } from './sse';
import { startVoice, type VoiceHandle } from './voice';
import { TurnDetails, type VariableChanges } from '../../components/TurnDetails';

interface Line { role: string; text: string }

function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  return Object.keys({ ...before, ...after })
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((name) => ({ name, from: before[name], to: after[name] }));
}

/** Talk to an agent or a flow through the sessions API (test mode by default) and see each turn's inner workings. */
export function PlaygroundPage() {
  const [params] = useSearchParams();
  const [kind, setKind] = useState<'agent' | 'flow'>(params.get('flow') ? 'flow' : 'agent');
  const [target, setTarget] = useState<string | null>(params.get('agent') ?? params.get('flow'));
  const [testMode, setTestMode] = useState(true);
  const [session, setSession] = useState<SessionReply | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [streaming, setStreaming] = useState<string | null>(null);
  const [changes, setChanges] = useState<VariableChanges>({});
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const voice = useRef<VoiceHandle | null>(null);
  const [talking, setTalking] = useState(false);
  useEffect(() => () => voice.current?.stop(), []);

  const agents = useQuery({ queryKey: ['agents', 'options'], queryFn: () => unwrap(api.GET('/api/v1/agents', { params: { query: { limit: 200 } } })) });
  const flows = useQuery({ queryKey: ['flows', 'options'], queryFn: () => unwrap(api.GET('/api/v1/flows', { params: { query: { limit: 200 } } })) });
  const call = useQuery({ queryKey: ['call', session?.id, lines.length], enabled: !!session, queryFn: () => unwrap(api.GET('/api/v1/calls/{id}', { params: { path: { id: session!.id } } })) });

  const options = (kind === 'agent' ? agents.data?.data : flows.data?.data)?.map((x) => ({ value: x.id, label: x.name })) ?? [];
  const run = async (fn: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setStreaming(null);
    }
  };
  const start = () =>
    run(async () => {
      voice.current?.stop();
      const reply = await unwrap(api.POST('/api/v1/sessions', { body: { ...(kind === 'agent' ? { agent_id: target! } : { flow_id: target! }), mode: testMode ? 'test' : 'live' } }));
      setSession(reply);
      setChanges({});
      setLines(reply.messages.map((m) => ({ role: m.role, text: m.text })));
    });
  /** Talk by voice: a new test session over the widget WebSocket (./voice.ts); the transcript fills in as it goes. */
  const talk = () =>
    run(async () => {
      if (voice.current) return voice.current.stop();
      setLines([]);
      setChanges({});
      setSession(null);
      voice.current = await startVoice(kind === 'agent' ? { agent_id: target! } : { flow_id: target! }, {
        onSession: (id) => setSession({ id, status: 'active', messages: [], variables: {}, ended_reason: null }),
        onLine: (role, said) => setLines((l) => [...l, { role, text: said }]),
        onEnded: (reason) => {
          voice.current = null;
          setTalking(false);
          setSession((s) => (s ? { ...s, status: 'ended', ended_reason: reason } : s));
        },
        onError: (message) => setError(new Error(message)),
      });
      setTalking(true);
    });
  const send = () =>
    run(async () => {
      if (!session || !text.trim()) return;
      const said = text.trim();
      setText('');
      if (voice.current) {
        setLines((l) => [...l, { role: 'user', text: said }]);
        return voice.current.say(said);
      }
      const turn = lines.filter((l) => l.role === 'user').length + 1;
      setLines((l) => [...l, { role: 'user', text: said }]);
      setStreaming('');
      const reply = await sendStreamed(session.id, said, (d) => setStreaming((s) => (s ?? '') + d));
      const changed = diff(session.variables, reply.variables);
      if (changed.length) setChanges((c) => ({ ...c, [turn]: changed }));
      setSession(reply);
      setLines((l) => [...l, ...reply.messages.map((m) => ({ role: m.role, text: m.text }))]);
    });
  const end = () => run(async () => setSession(await unwrap(api.POST('/api/v1/sessions/{id}/end', { params: { path: { id: session!.id } } }))));

  if (agents.isSuccess && flows.isSuccess && agents.data.data.length === 0 && flows.data.data.length === 0)
    return (
      <>
        <PageHeader title="Playground" />
        <EmptyState title="Nothing to talk to yet" action={<Button component={Link} to="/agents/new">Create an agent</Button>}>
          Create an agent (or a flow), then come back to chat with it.
        </EmptyState>
      </>
    );
  const active = session?.status === 'active';
  return (
    <>
      <PageHeader title="Playground" description="Chat with an agent or a flow, or talk to it with your microphone (always a test session). Test sessions are marked test and have no side effects at providers." />
      <Group align="flex-end" mb="md">
        <SegmentedControl value={kind} onChange={(v) => (setKind(v as 'agent' | 'flow'), setTarget(null))} data={[{ value: 'agent', label: 'Agent' }, { value: 'flow', label: 'Flow' }]} />
        <Select label="Talk to" placeholder={kind === 'agent' ? 'Choose an agent' : 'Choose a flow'} data={options} value={target} onChange={setTarget} searchable w={280} />
        <Switch label="Test mode" checked={testMode} onChange={(e) => setTestMode(e.currentTarget.checked)} mb={8} />
        <Button onClick={() => void start()} disabled={!target} loading={busy && !session}>
          {session ? 'Restart' : 'Start'}
        </Button>
        <Button variant={talking ? 'filled' : 'default'} color={talking ? 'red' : undefined} onClick={() => void talk()} disabled={!target} aria-pressed={talking}>
          {talking ? 'Hang up' : 'Talk'}
        </Button>
        {active && !talking && (
          <Button variant="default" onClick={() => void end()}>
            End session
          </Button>
        )}
      </Group>
      <ErrorAlert error={error} />
      {session && (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper withBorder p="md">
              <ScrollArea h={420}>
                <Stack gap="xs" data-testid="chat">
                  {lines.map((l, i) => (
                    <Bubble key={i} line={l} />
                  ))}
                  {streaming !== null && <Bubble line={{ role: 'agent', text: streaming || '…' }} />}
                </Stack>
              </ScrollArea>
              <form onSubmit={(e) => (e.preventDefault(), void send())}>
                <Group mt="md">
                  <TextInput aria-label="Message" placeholder={active ? 'Type a message' : 'The session has ended'} value={text} onChange={(e) => setText(e.currentTarget.value)} disabled={!active} style={{ flex: 1 }} />
                  <Button type="submit" disabled={!active || !text.trim()} loading={busy}>
                    Send
                  </Button>
                </Group>
              </form>
              <Group justify="space-between" mt="xs">
                <Text size="xs" c="dimmed">
                  Session {session.status}
                  {session.ended_reason ? ` (${session.ended_reason})` : ''}
                </Text>
                <Anchor component={Link} to={`/calls/${session.id}`} size="xs">
                  Open the call record
                </Anchor>
              </Group>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Title order={5} mb="xs">
              Turns
            </Title>
            {call.data && <TurnDetails call={call.data} changes={changes} />}
            <Title order={5} mt="md" mb="xs">
              Variables
            </Title>
            <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }}>
              {JSON.stringify(call.data?.variables ?? session.variables, null, 2)}
            </Text>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}

function Bubble({ line }: { line: Line }) {
  const mine = line.role === 'user';
  return (
    <Group justify={mine ? 'flex-end' : 'flex-start'}>
      <Paper p="xs" radius="md" maw="80%" bg={mine ? 'blue.1' : line.role === 'system' ? 'yellow.1' : 'gray.1'} data-role={line.role}>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {line.text}
        </Text>
      </Paper>
    </Group>
  );
}
