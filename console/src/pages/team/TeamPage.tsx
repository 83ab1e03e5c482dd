import { Alert, Button, Group, Paper, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useCan, useIdentity } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/CopyValue';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

const ROLES = ['owner', 'admin', 'member', 'support_agent', 'viewer'] as const;
type Role = (typeof ROLES)[number];

/** Members and their roles; invites (a link shown once, to send to the person). */
export function TeamPage() {
  const canManage = useCan('team:manage');
  const me = useIdentity();
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: ['team'] });
  const members = useCursorList(['team', 'members'], (cursor) => unwrap(api.GET('/api/v1/team/members', { params: { query: { cursor } } })));
  const changeRole = useMutation({
    mutationFn: ({ user_id, role }: { user_id: string; role: Role }) => unwrap(api.PATCH('/api/v1/team/members/{user_id}', { params: { path: { user_id } }, body: { role } })),
    onSuccess: () => (notifySaved('Role changed'), void refresh()),
    onError: notifyError,
  });
  const remove = useMutation({
    mutationFn: (user_id: string) => unwrap(api.DELETE('/api/v1/team/members/{user_id}', { params: { path: { user_id } } })),
    onSuccess: () => (notifySaved('Member removed'), void refresh()),
    onError: notifyError,
  });
  return (
    <>
      <PageHeader title="Team" description={canManage ? 'Who can use this organization, and with which role.' : 'Read only: your role cannot change the team.'} />
      {canManage && <Invites />}
      <Title order={4} mb="sm">
        Members
      </Title>
      <ErrorAlert error={members.error} />
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.rows.map((m) => (
            <Table.Tr key={m.user_id}>
              <Table.Td>{m.name}</Table.Td>
              <Table.Td>{m.email}</Table.Td>
              <Table.Td>
                {canManage && m.user_id !== me?.user.id ? (
                  <Select aria-label={`Role of ${m.email}`} data={[...ROLES]} value={m.role} allowDeselect={false} onChange={(role) => role && changeRole.mutate({ user_id: m.user_id, role: role as Role })} w={160} />
                ) : (
                  m.role
                )}
              </Table.Td>
              <Table.Td>
                {(canManage || m.user_id === me?.user.id) && (
                  <ConfirmButton size="xs" question={m.user_id === me?.user.id ? 'Leave this organization?' : `Remove ${m.email}?`} onConfirm={() => remove.mutate(m.user_id)}>
                    {m.user_id === me?.user.id ? 'Leave' : 'Remove'}
                  </ConfirmButton>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <LoadMore list={members} />
    </>
  );
}

function Invites() {
  const queries = useQueryClient();
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const invites = useCursorList(['team', 'invites'], (cursor) => unwrap(api.GET('/api/v1/team/invites', { params: { query: { cursor } } })));
  const form = useForm({ initialValues: { email: '', role: 'member' as Role } });
  const create = useMutation({
    mutationFn: (body: typeof form.values) => unwrap(api.POST('/api/v1/team/invites', { body })),
    onSuccess: (inv) => {
      setLink({ email: inv.email, url: `${window.location.origin}/accept-invite?token=${encodeURIComponent(inv.token)}` });
      form.reset();
      void queries.invalidateQueries({ queryKey: ['team', 'invites'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/team/invites/{id}', { params: { path: { id } } })),
    onSuccess: () => (notifySaved('Invite revoked'), void queries.invalidateQueries({ queryKey: ['team', 'invites'] })),
    onError: notifyError,
  });
  return (
    <Paper withBorder p="md" mb="lg">
      <Title order={4} mb="sm">
        Invite someone
      </Title>
      <form onSubmit={form.onSubmit((v) => (setLink(null), create.mutate(v)))}>
        <Group align="flex-end">
          <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
          <Select label="Role" data={[...ROLES]} allowDeselect={false} {...form.getInputProps('role')} />
          <Button type="submit" loading={create.isPending}>
            Create invite
          </Button>
        </Group>
      </form>
      <ErrorAlert error={create.error} />
      {link && (
        <Alert color="yellow" mt="md" title={`Send this link to ${link.email}: it is shown only once`}>
          <CopyValue value={link.url} label="Copy link" />
        </Alert>
      )}
      {invites.rows.length > 0 && (
        <Table mt="md">
          <Table.Tbody>
            {invites.rows.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>{i.email}</Table.Td>
                <Table.Td>{i.role}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={i.status === 'expired' ? 'red' : 'dimmed'}>
                    {i.status}, expires {new Date(i.expires_at).toLocaleDateString()}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ConfirmButton size="xs" question={`Revoke the invite for ${i.email}?`} onConfirm={() => revoke.mutate(i.id)}>
                    Revoke
                  </ConfirmButton>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={invites} />
    </Paper>
  );
}
