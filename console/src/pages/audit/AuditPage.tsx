import { Code, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

/** Who changed what, newest first; filter by action name (e.g. agent.updated). */
export function AuditPage() {
  const [action, setAction] = useState('');
  const [debounced] = useDebouncedValue(action.trim(), 300);
  const list = useCursorList(['audit', debounced], (cursor) => unwrap(api.GET('/api/v1/audit-log', { params: { query: { cursor, ...(debounced ? { action: debounced } : {}) } } })));
  return (
    <>
      <PageHeader title="Audit log" description="Every change made in this organization, by whom and from where." />
      <TextInput label="Action" placeholder="e.g. agent.created" value={action} onChange={(e) => setAction(e.currentTarget.value)} w={280} mb="md" />
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No entries">{debounced ? 'No entry has this action; check the spelling (e.g. agent.created).' : 'Changes will be listed here as they happen.'}</EmptyState>
      ) : (
        <Table fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>IP</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{new Date(e.created_at).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Code>{e.action}</Code>
                </Table.Td>
                <Table.Td>
                  {e.actor.type} {e.actor.id?.slice(0, 8)}
                </Table.Td>
                <Table.Td>
                  {e.target_type} {e.target_id?.slice(0, 8)}
                </Table.Td>
                <Table.Td>{e.ip}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
