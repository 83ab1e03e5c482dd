import { Button, Checkbox, Grid, Group, MultiSelect, NumberInput, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { fieldErrors } from '../../api/errors';
import { useCan } from '../../auth/useSession';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { routeBody, targetOf, useTargets } from '../../hooks/useTargets';
import { lockedReason, RETRY_OUTCOMES, WEEKDAYS, type RetryOutcome } from './rules';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const blank = () => ({
  name: '',
  target: '',
  channel_id: '',
  timezone: browserZone(),
  days: ['1', '2', '3', '4', '5'],
  start: '09:00',
  end: '18:00',
  max_concurrency: 1 as number | string,
  max_attempts: 3 as number | string,
  retry_delay_seconds: 3600 as number | string,
  retry_on: ['no_answer', 'busy', 'failed'] as string[],
});
type Values = ReturnType<typeof blank>;

/** The API's field paths → this form's fields. */
const ALIASES = { agent_id: 'target', flow_id: 'target', 'calling_window.days': 'days', 'calling_window.start': 'start', 'calling_window.end': 'end' };

const settingsBody = (v: Values) => ({
  timezone: v.timezone,
  calling_window: { days: v.days.map(Number).sort(), start: v.start.trim(), end: v.end.trim() },
  max_concurrency: Number(v.max_concurrency),
  max_attempts: Number(v.max_attempts),
  retry_delay_seconds: Number(v.retry_delay_seconds),
  retry_on: v.retry_on as RetryOutcome[],
});

/**
 * `/campaigns/new` and `/campaigns/:id/edit`. Fields the API would refuse to change in the campaign's
 * state are disabled with the reason; the API's validation problems are shown on their fields.
 */
export function CampaignFormPage() {
  const { id } = useParams();
  const isNew = id === undefined;
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const { options: targets } = useTargets();
  const campaign = useQuery({ queryKey: ['campaign', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })) });
  const channels = useQuery({ queryKey: ['channels', 'all'], queryFn: () => unwrap(api.GET('/api/v1/channels', { params: { query: { limit: 200 } } })) });
  const zones = useMemo(() => [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])], []);
  const form = useForm<Values>({
    initialValues: blank(),
    validate: {
      name: (v) => (v.trim() ? null : 'Give the campaign a name'),
      channel_id: (v) => (v ? null : 'Pick the voice channel to call from'),
      days: (v) => (v.length ? null : 'Pick at least one day'),
    },
  });
  useEffect(() => {
    const c = campaign.data;
    if (c)
      form.setValues({
        name: c.name,
        target: targetOf(c),
        channel_id: c.channel_id ?? '',
        timezone: c.timezone,
        days: c.calling_window.days.map(String),
        start: c.calling_window.start,
        end: c.calling_window.end,
        max_concurrency: c.max_concurrency,
        max_attempts: c.max_attempts,
        retry_delay_seconds: c.retry_delay_seconds,
        retry_on: c.retry_on,
      });
    // Only when the stored campaign changes.
  }, [campaign.data]);

  const c = campaign.data;
  const targetLocked = lockedReason(c?.status, 'target');
  const settingsLocked = lockedReason(c?.status, 'settings');
  const save = useMutation({
    mutationFn: (v: Values) => {
      if (isNew) return unwrap(api.POST('/api/v1/campaigns', { body: { name: v.name.trim(), channel_id: v.channel_id, ...(v.target ? routeBody(v.target) : {}), ...settingsBody(v) } }));
      // Only what this state lets change: the API refuses a request naming a field it keeps fixed.
      const changedTarget = !targetLocked && v.target !== targetOf(c!) ? routeBody(v.target) : {};
      const channel = !targetLocked && v.channel_id !== c!.channel_id ? { channel_id: v.channel_id } : {};
      return unwrap(api.PATCH('/api/v1/campaigns/{id}', { params: { path: { id: id! } }, body: { name: v.name.trim(), ...changedTarget, ...channel, ...(settingsLocked ? {} : settingsBody(v)) } }));
    },
    onSuccess: (saved) => {
      notifySaved(isNew ? 'Campaign created' : 'Campaign saved');
      queries.setQueryData(['campaign', saved.id], saved);
      void queries.invalidateQueries({ queryKey: ['campaigns'] });
      void navigate(`/campaigns/${saved.id}`, { replace: isNew });
    },
    onError: (err) => form.setErrors(fieldErrors(err, ALIASES)),
  });

  if (campaign.error) return <ErrorAlert error={campaign.error} title="Campaign not available" />;
  const readOnly = !canWrite;
  const voiceChannels = (channels.data?.data ?? []).filter((ch) => ch.type === 'voice').map((ch) => ({ value: ch.id, label: `${ch.name}${ch.phone_number ? ` (${ch.phone_number})` : ''}` }));
  return (
    <>
      <PageHeader title={isNew ? 'New campaign' : `Settings: ${c?.name ?? 'campaign'}`} description={readOnly ? 'Read only: your role cannot change campaigns.' : (settingsLocked ?? targetLocked ?? undefined)} />
      <form onSubmit={form.onSubmit((values) => save.mutate(values))}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ErrorAlert error={save.error} title="Could not save the campaign" />
            <Grid>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <TextInput label="Name" required {...form.getInputProps('name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Select
                  label="Agent or flow"
                  description={targetLocked ?? 'Who talks on the calls; empty: the channel’s agent or flow'}
                  placeholder="The channel’s"
                  data={targets}
                  clearable
                  searchable
                  disabled={!!targetLocked || readOnly}
                  {...form.getInputProps('target')}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Select
                  label="Voice channel"
                  description={targetLocked ?? 'The number the calls come from'}
                  placeholder={voiceChannels.length ? 'Pick a channel' : 'No voice channel yet: create one under Channels'}
                  data={voiceChannels}
                  required
                  disabled={!!targetLocked || readOnly}
                  {...form.getInputProps('channel_id')}
                />
              </Grid.Col>
            </Grid>
            <Paper withBorder p="md">
              <Title order={4} mb="sm">
                When to call
              </Title>
              <Grid>
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <Select
                    label="Time zone"
                    description={settingsLocked ?? 'For contacts whose number does not name one'}
                    data={zones}
                    searchable
                    allowDeselect={false}
                    limit={100}
                    disabled={!!settingsLocked || readOnly}
                    {...form.getInputProps('timezone')}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 6, md: 4 }}>
                  <TextInput label="From" description="HH:MM, the contact's local time" disabled={!!settingsLocked} {...form.getInputProps('start')} />
                </Grid.Col>
                <Grid.Col span={{ base: 6, md: 4 }}>
                  <TextInput label="Until" description="HH:MM, not included; 24:00 is midnight" disabled={!!settingsLocked} {...form.getInputProps('end')} />
                </Grid.Col>
              </Grid>
              <Checkbox.Group label="Days" mt="sm" {...form.getInputProps('days')}>
                <Group mt={4}>
                  {WEEKDAYS.map((d, i) => (
                    <Checkbox key={d} value={String(i + 1)} label={d} disabled={!!settingsLocked} />
                  ))}
                </Group>
              </Checkbox.Group>
            </Paper>
            <Paper withBorder p="md">
              <Title order={4} mb="sm">
                Calls and retries
              </Title>
              <Grid>
                <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                  <NumberInput label="Calls at a time" min={1} max={1000} disabled={!!settingsLocked} {...form.getInputProps('max_concurrency')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                  <NumberInput label="Attempts per contact" min={1} max={20} disabled={!!settingsLocked} {...form.getInputProps('max_attempts')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                  <NumberInput label="Retry after (seconds)" description="3600 = one hour" min={0} max={2_592_000} disabled={!!settingsLocked} {...form.getInputProps('retry_delay_seconds')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
                  <MultiSelect label="Retry when" data={[...RETRY_OUTCOMES]} disabled={!!settingsLocked} {...form.getInputProps('retry_on')} />
                </Grid.Col>
              </Grid>
            </Paper>
            {canWrite && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {isNew ? 'Create campaign' : 'Save'}
                </Button>
                {!isNew && (
                  <Button variant="default" onClick={() => void navigate(`/campaigns/${id}`)}>
                    Back to the campaign
                  </Button>
                )}
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
    </>
  );
}
