import { Anchor, Badge, Table, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Escalation } from '../../api/escalationStream';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { useEscalationStream } from '../../hooks/useEscalationStream';
import { useActorName } from './actors';
import { LiveBadge } from '../../components/LiveBadge';

const TABS = ['waiting', 'claimed', 'closed'] as const;
type Status = (typeof TABS)[number];

const EMPTY: Record<Status, string> = {
  waiting: 'Nobody is waiting. A session lands here when a flow reaches a human_handoff node, an agent uses its human_handoff tool, or a caller asks for a person; this page updates by itself.',
  claimed: 'No escalation is being handled. Claim a waiting one to write to the caller.',
  closed: 'Nothing closed yet. Escalations that were released to the agent or closed are listed here.',
};

/**
 * The organization's escalation queue, live: waiting, claimed and closed tabs read with the API's
 * cursors, re-read whenever the stream reports a change (or reconnects).
 */
export function EscalationsPage() {
  const [params, setParams] = useSearchParams();
  const tab: Status = TABS.find((t) => t === params.get('status')) ?? 'waiting';
  const status = useEscalationStream((e) => {
    if (e.type === 'created') notifications.show({ color: 'blue', title: 'New escalation', message: `${e.escalation.queue}: ${e.escalation.reason ?? 'no reason given'}` });
  });
  return (
    <>
      <PageHeader title="Escalations" description="Conversations handed to a person. Claim one to write to the caller, then release it to the agent or close it." actions={<LiveBadge status={status} />} />
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'waiting' ? { status: v } : {}, { replace: true })}>
        <Tabs.List mb="md">
          {TABS.map((t) => (
            <Tabs.Tab key={t} value={t}>
              {t[0]!.toUpperCase() + t.slice(1)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <QueueTable status={tab} />
    </>
  );
}

function QueueTable({ status }: { status: Status }) {
  const name = useActorName();
  const list = useCursorList<Escalation>(['escalations', 'list', status], (cursor) => unwrap(api.GET('/api/v1/escalations', { params: { query: { status, cursor } } })));
  if (list.error) return <ErrorAlert error={list.error} />;
  if (list.isSuccess && list.rows.length === 0) return <EmptyState title={`No ${status} escalations`}>{EMPTY[status]}</EmptyState>;
  return (
    <>
      <Table striped highlightOnHover data-testid={`queue-${status}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Since</Table.Th>
            <Table.Th>Queue</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Channel</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>{status === 'closed' ? 'Closed' : 'Claimed by'}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.rows.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>
                <Anchor component={Link} to={`/escalations/${e.id}`} size="sm">
                  {new Date(e.created_at).toLocaleString()}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge variant="light">{e.queue}</Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2}>
                  {e.reason ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>{e.call.channel}</Table.Td>
              <Table.Td>{e.call.from_number ?? '—'}</Table.Td>
              <Table.Td>{status === 'closed' ? `${e.closed_reason ?? ''} · ${e.closed_at ? new Date(e.closed_at).toLocaleTimeString() : ''}` : name(e.claimed_by)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <LoadMore list={list} />
    </>
  );
}
