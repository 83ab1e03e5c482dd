import { Alert, Button, Group, Paper, Select, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/CopyValue';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

const ROLES = ['admin', 'member', 'support_agent', 'viewer'] as const;

/** Org API keys for servers and scripts. The secret is shown once, right after creation. */
export function ApiKeysPage() {
  const queries = useQueryClient();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const list = useCursorList(['api-keys'], (cursor) => unwrap(api.GET('/api/v1/api-keys', { params: { query: { cursor } } })));
  const form = useForm({ initialValues: { name: '', role: 'member' as (typeof ROLES)[number] } });
  const create = useMutation({
    mutationFn: (body: typeof form.values) => unwrap(api.POST('/api/v1/api-keys', { body })),
    onSuccess: (k) => (setCreated({ name: k.name, key: k.key }), form.reset(), void queries.invalidateQueries({ queryKey: ['api-keys'] })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => (notifySaved('Key revoked'), void queries.invalidateQueries({ queryKey: ['api-keys'] })),
    onError: notifyError,
  });
  return (
    <>
      <PageHeader title="API keys" description="Keys let your servers call the API as this organization, with the role you choose." />
      <Paper withBorder p="md" mb="lg">
        <form onSubmit={form.onSubmit((v) => (setCreated(null), create.mutate(v)))}>
          <Group align="flex-end">
            <TextInput label="Key name" required {...form.getInputProps('name')} />
            <Select label="Role" data={[...ROLES]} allowDeselect={false} {...form.getInputProps('role')} />
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </form>
        <ErrorAlert error={create.error} />
        {created && (
          <Alert color="yellow" title={`Key "${created.name}" created: copy it now, it will not be shown again`} mt="md">
            <CopyValue value={created.key} />
          </Alert>
        )}
      </Paper>
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No API keys">Create a key above and send it as `Authorization: Bearer cv_…`.</EmptyState>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>{k.prefix}…</Table.Td>
                <Table.Td>{k.role}</Table.Td>
                <Table.Td>{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : 'never'}</Table.Td>
                <Table.Td>
                  <ConfirmButton size="xs" question={`Revoke "${k.name}"? Anything using it stops working.`} onConfirm={() => revoke.mutate(k.id)}>
                    Revoke
                  </ConfirmButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
