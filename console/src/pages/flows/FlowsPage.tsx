import { Anchor, Button, Menu, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { TEMPLATES } from './templates';

/** `/flows`: the organization's flows; new ones start blank or from a template (docs/flows.md "Templates"). */
export function FlowsPage() {
  const canWrite = useCan('config:write');
  const queries = useQueryClient();
  const list = useCursorList(['flows'], (cursor) => unwrap(api.GET('/api/v1/flows', { params: { query: { cursor } } })));
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/flows/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      notifySaved('Flow deleted');
      void queries.invalidateQueries({ queryKey: ['flows'] });
    },
    onError: notifyError,
  });
  const actions = canWrite && (
    <>
      <Menu position="bottom-end" width={320}>
        <Menu.Target>
          <Button variant="default">Start from template</Button>
        </Menu.Target>
        <Menu.Dropdown>
          {TEMPLATES.map((t) => (
            <Menu.Item key={t.id} component={Link} to={`/flows/new?template=${t.id}`}>
              <Text size="sm" fw={500}>{t.title}</Text>
              <Text size="xs" c="dimmed">{t.description}</Text>
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <Button component={Link} to="/flows/new">
        New flow
      </Button>
    </>
  );
  return (
    <>
      <PageHeader title="Flows" description="Step-by-step call and chat scripts: menus, questions, conditions, tools, agents and handoffs." actions={actions} />
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No flows yet" action={actions}>
          {canWrite ? 'Draw a flow from scratch or start from a template, then try it in the Playground.' : 'Nobody has created a flow in this organization yet. Ask an admin to create one.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Steps</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Updated</Table.Th>
              {canWrite && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/flows/${f.id}`}>
                    {f.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{f.nodes.length}</Table.Td>
                <Table.Td>{f.version}</Table.Td>
                <Table.Td>{new Date(f.updated_at).toLocaleString()}</Table.Td>
                {canWrite && (
                  <Table.Td ta="right">
                    <ConfirmButton size="xs" aria-label={`Delete ${f.name}`} question={`Delete the flow “${f.name}”? Agents that use it are detached from it.`} onConfirm={() => remove.mutate(f.id)} loading={remove.isPending && remove.variables === f.id}>
                      Delete
                    </ConfirmButton>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
