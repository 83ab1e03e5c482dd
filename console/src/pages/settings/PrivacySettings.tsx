import { Button, Group, NumberInput, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap, type Get } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';

type Org = Get<'/api/v1/organization'>;

/** `settings.redact_pii` and `settings.retention_days` (docs/privacy.md); both audited by the API. */
export function PrivacySettings({ org, canWrite }: { org: Org; canWrite: boolean }) {
  const queries = useQueryClient();
  const form = useForm({ initialValues: { redact_pii: false, retention_days: '' as number | string } });
  useEffect(() => {
    form.setValues({ redact_pii: org.settings.redact_pii, retention_days: org.settings.retention_days ?? '' });
    // Only when the stored settings change.
  }, [org.settings.redact_pii, org.settings.retention_days]);
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(api.PATCH('/api/v1/organization', { body: { settings: { redact_pii: v.redact_pii, retention_days: v.retention_days === '' ? null : Number(v.retention_days) } } })),
    onSuccess: (o) => (notifySaved('Privacy settings saved'), queries.setQueryData(['organization'], o)),
  });
  return (
    <Paper withBorder p="md" maw={560} mt="lg">
      <Title order={4} mb="sm">
        Privacy
      </Title>
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <Stack>
          <ErrorAlert error={save.error} title="Could not save the privacy settings" />
          <Switch
            label="Redact personal data"
            description="Store phone numbers, emails and card numbers as [PHONE], [EMAIL], [CARD] in transcripts, tool calls, variables and webhook events. Live conversations are unaffected; what is already stored stays as it is."
            disabled={!canWrite}
            {...form.getInputProps('redact_pii', { type: 'checkbox' })}
          />
          <NumberInput
            label="Keep calls for (days)"
            description="Calls with their transcripts and messages older than this are deleted daily. Empty keeps them until you delete them."
            placeholder="Keep forever"
            min={1}
            max={3650}
            allowDecimal={false}
            disabled={!canWrite}
            {...form.getInputProps('retention_days')}
          />
          <Text size="xs" c="dimmed">
            Both changes are recorded in the audit log.
          </Text>
          {canWrite && (
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save privacy settings
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
