import { Anchor, Badge, Button, Table } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { useTargets } from '../../hooks/useTargets';
import { CHANNEL_TYPES, PROVIDER_LABELS } from './kinds';

/** Phone numbers, SMS and WhatsApp senders, and web widgets, each routed to an agent or a flow. */
export function ChannelsPage() {
  const canWrite = useCan('config:write');
  const list = useCursorList(['channels'], (cursor) => unwrap(api.GET('/api/v1/channels', { params: { query: { cursor } } })));
  const { nameOf: routeName } = useTargets();
  const newButton = canWrite && (
    <Button component={Link} to="/channels/new">
      New channel
    </Button>
  );
  return (
    <>
      <PageHeader title="Channels" description="How people reach your agents: phone numbers, SMS, WhatsApp and the web widget." actions={newButton} />
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No channels yet" action={newButton}>
          {canWrite
            ? 'Create a web widget channel to chat with an agent from your website, or connect a Twilio, Plivo, Exotel or Meta number.'
            : 'Nobody has connected a channel in this organization yet.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Provider</Table.Th>
              <Table.Th>Number</Table.Th>
              <Table.Th>Routes to</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/channels/${c.id}`}>
                    {c.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light">{CHANNEL_TYPES.find((t) => t.value === c.type)?.label ?? c.type}</Badge>
                </Table.Td>
                <Table.Td>{PROVIDER_LABELS[c.provider]}</Table.Td>
                <Table.Td>{c.phone_number ?? '—'}</Table.Td>
                <Table.Td>{routeName(c)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
