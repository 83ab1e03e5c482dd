import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { Ingest } from './Ingest';
import { SearchTester } from './SearchTester';
import { DocStatus, isSettled } from './status';

export function KnowledgePage() {
  const canWrite = useCan('config:write');
  // Poll while anything is still being ingested, so progress moves without a reload.
  const list = useCursorList(['knowledge'], (cursor) => unwrap(api.GET('/api/v1/knowledge', { params: { query: { cursor } } })), {
    refetchInterval: (rows) => (rows.every(isSettled) ? false : 1000),
  });
  return (
    <>
      <PageHeader title="Knowledge" description="Documents your agents answer from. Assign them to an agent on its page." />
      {canWrite && <Ingest />}
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No documents yet">{canWrite ? 'Upload files, add a web page or paste text above; then assign the documents to an agent.' : 'Nobody has added knowledge yet.'}</EmptyState>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th w={260}>Status</Table.Th>
              <Table.Th>Added</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/knowledge/${d.id}`}>
                    {d.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{d.source === 'url' ? d.url : (d.content_type ?? d.source)}</Text>
                </Table.Td>
                <Table.Td>
                  <DocStatus doc={d} />
                </Table.Td>
                <Table.Td>{new Date(d.created_at).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
      <SearchTester />
    </>
  );
}
