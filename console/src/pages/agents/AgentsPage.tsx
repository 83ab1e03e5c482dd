import { Anchor, Button, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

export function AgentsPage() {
  const canWrite = useCan('config:write');
  const list = useCursorList(['agents'], (cursor) => unwrap(api.GET('/api/v1/agents', { params: { query: { cursor } } })));
  const newButton = canWrite && (
    <Button component={Link} to="/agents/new">
      New agent
    </Button>
  );
  return (
    <>
      <PageHeader title="Agents" description="What your agents say, which model answers and what they may use." actions={newButton} />
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No agents yet" action={newButton}>
          {canWrite ? 'Create an agent: give it a prompt and a greeting, then try it in the Playground.' : 'Nobody has created an agent in this organization yet. Ask an admin to create one.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Language</Table.Th>
              <Table.Th>Model</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/agents/${a.id}`}>
                    {a.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{a.language}</Table.Td>
                <Table.Td>
                  <Text size="sm">{a.llm_model ?? 'default'}</Text>
                </Table.Td>
                <Table.Td>{new Date(a.updated_at).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
