import { Anchor, Badge, Button, Group, Paper, Select, Table, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

const STATUSES = ['active', 'ended', 'escalated'] as const;
const CHANNELS = ['text', 'web', 'voice', 'sms', 'whatsapp'] as const;
const MODES = ['live', 'test'] as const;
type Filters = { status?: (typeof STATUSES)[number]; channel?: (typeof CHANNELS)[number]; mode?: (typeof MODES)[number]; agent_id?: string; phone?: string; from?: string; to?: string };

/** `datetime-local` has no zone: read it as the browser's local time and send RFC 3339 (UTC). */
const toIso = (local: string | null) => (local ? new Date(local).toISOString() : undefined);

/** The call history with the API's filters, kept in the URL so a filtered view can be shared. */
export function CallsPage() {
  const [params, setParams] = useSearchParams();
  const get = (k: string) => params.get(k) ?? undefined;
  const filters: Filters = {
    status: get('status') as Filters['status'],
    channel: get('channel') as Filters['channel'],
    mode: get('mode') as Filters['mode'],
    agent_id: get('agent_id'),
    phone: get('phone'),
    from: toIso(params.get('from')),
    to: toIso(params.get('to')),
  };
  // From the latest parameters, not this render's: two quick changes must not undo each other.
  const set = (k: string, v: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (v) next.set(k, v);
        else next.delete(k);
        return next;
      },
      { replace: true },
    );
  const agents = useQuery({ queryKey: ['agents', 'options'], queryFn: () => unwrap(api.GET('/api/v1/agents', { params: { query: { limit: 200 } } })) });
  const flows = useQuery({ queryKey: ['flows', 'options'], queryFn: () => unwrap(api.GET('/api/v1/flows', { params: { query: { limit: 200 } } })) });
  const names = new Map([...(agents.data?.data ?? []), ...(flows.data?.data ?? [])].map((x) => [x.id, x.name]));
  const list = useCursorList(['calls', filters], (cursor) => unwrap(api.GET('/api/v1/calls', { params: { query: { ...filters, cursor } } })));
  const filtered = [...params.keys()].length > 0;
  return (
    <>
      <PageHeader title="Calls" description="Every session: playground tests, widget chats, phone calls." />
      <Paper withBorder p="sm" mb="md">
        <Group align="flex-end">
          <Select label="Status" data={[...STATUSES]} value={get('status') ?? null} onChange={(v) => set('status', v)} clearable w={130} />
          <Select label="Channel" data={[...CHANNELS]} value={get('channel') ?? null} onChange={(v) => set('channel', v)} clearable w={130} />
          <Select label="Mode" data={[...MODES]} value={get('mode') ?? null} onChange={(v) => set('mode', v)} clearable w={110} />
          <Select label="Agent" data={(agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))} value={get('agent_id') ?? null} onChange={(v) => set('agent_id', v)} clearable searchable w={200} />
          <TextInput label="Phone" value={get('phone') ?? ''} onChange={(e) => set('phone', e.currentTarget.value)} w={150} />
          <TextInput label="From" type="datetime-local" value={get('from') ?? ''} onChange={(e) => set('from', e.currentTarget.value)} />
          <TextInput label="To" type="datetime-local" value={get('to') ?? ''} onChange={(e) => set('to', e.currentTarget.value)} />
          {filtered && (
            <Button variant="subtle" onClick={() => setParams({}, { replace: true })}>
              Clear filters
            </Button>
          )}
        </Group>
      </Paper>
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title={filtered ? 'No calls match these filters' : 'No calls yet'} action={!filtered && <Button component={Link} to="/playground">Open the playground</Button>}>
          {filtered ? 'Clear or change the filters.' : 'Talk to an agent in the playground, or connect a channel; every session shows up here.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Agent / flow</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Turns</Table.Th>
              <Table.Th>Outcome</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/calls/${c.id}`}>
                    {new Date(c.started_at).toLocaleString()}
                  </Anchor>
                </Table.Td>
                <Table.Td>{c.agent_id ? (names.get(c.agent_id) ?? c.agent_id.slice(0, 8)) : c.flow_id ? (names.get(c.flow_id) ?? `flow ${c.flow_id.slice(0, 8)}`) : '—'}</Table.Td>
                <Table.Td>
                  {c.channel} {c.mode === 'test' && <Badge size="xs" color="grape">test</Badge>}
                </Table.Td>
                <Table.Td>{c.status}</Table.Td>
                <Table.Td>{c.turns}</Table.Td>
                <Table.Td>{c.outcome ?? c.ended_reason ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
