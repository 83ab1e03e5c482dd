import { Anchor, Button, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { CursorTable } from '../../components/CursorTable';
import { EmptyState } from '../../components/EmptyState';
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
      <CursorTable
        list={list}
        rowKey={(a) => a.id}
        empty={
          <EmptyState title="No agents yet" action={newButton}>
            {canWrite ? 'Create an agent: give it a prompt and a greeting, then try it in the Playground.' : 'Nobody has created an agent in this organization yet. Ask an admin to create one.'}
          </EmptyState>
        }
        columns={[
          {
            header: 'Name',
            cell: (a) => (
              <Anchor component={Link} to={`/agents/${a.id}`}>
                {a.name}
              </Anchor>
            ),
          },
          { header: 'Language', cell: (a) => a.language },
          { header: 'Model', cell: (a) => <Text size="sm">{a.llm_model ?? 'default'}</Text> },
          { header: 'Updated', cell: (a) => new Date(a.updated_at).toLocaleString() },
        ]}
      />
    </>
  );
}
