import { Button, Code, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { PrivacySettings } from './PrivacySettings';

export function SettingsPage() {
  const canWrite = useCan('org:write');
  const queries = useQueryClient();
  const org = useQuery({ queryKey: ['organization'], queryFn: () => unwrap(api.GET('/api/v1/organization')) });
  const form = useForm({ initialValues: { name: '' } });
  useEffect(() => {
    if (org.data) form.setValues({ name: org.data.name });
    // Only when the stored organization changes.
  }, [org.data]);
  const save = useMutation({
    mutationFn: (body: { name: string }) => unwrap(api.PATCH('/api/v1/organization', { body })),
    onSuccess: (o) => (notifySaved('Organization saved'), queries.setQueryData(['organization'], o)),
  });
  return (
    <>
      <PageHeader title="Organization settings" description={canWrite ? undefined : 'Read only: your role cannot change the organization.'} />
      <ErrorAlert error={org.error ?? save.error} />
      {org.data && (
        <Paper withBorder p="md" maw={560}>
          <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
            <Stack>
              <TextInput label="Organization name" required disabled={!canWrite} {...form.getInputProps('name')} />
              <Text size="sm">
                Organization id: <Code>{org.data.id}</Code>
              </Text>
              {canWrite && (
                <Group>
                  <Button type="submit" loading={save.isPending}>
                    Save
                  </Button>
                </Group>
              )}
            </Stack>
          </form>
        </Paper>
      )}
      {org.data && <PrivacySettings org={org.data} canWrite={canWrite} />}
    </>
  );
}
