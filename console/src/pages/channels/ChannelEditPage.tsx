import { Alert, Button, Grid, Group, NumberInput, Paper, PasswordInput, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap, type Get } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyValue } from '../../components/CopyValue';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { routeBody, targetOf, useTargets } from '../../hooks/useTargets';
import { CHANNEL_TYPES, CREDENTIAL_FIELDS, PROVIDER_LABELS, PROVIDERS_FOR_TYPE, webhookInstructions, type ChannelProvider, type ChannelType } from './kinds';
import { WebChannelPanel } from './WebChannelPanel';

export type Channel = Get<'/api/v1/channels/{id}'>;

const blank = {
  name: '',
  type: 'web' as ChannelType,
  provider: 'web' as ChannelProvider,
  credentials: {} as Record<string, string>,
  phone_number: '',
  target: '' as string,
  allowed_origins: [] as string[],
  thread_idle_minutes: '' as number | string,
};
type Values = typeof blank;

/**
 * Exotel's webhook URL from the create response, for the page that follows only. Kept in memory, never
 * in the router's history state (which survives reloads): it holds the channel's secret path token.
 */
const createdWebhookUrls = new Map<string, string>();

const usesNumber = (v: Pick<Values, 'type' | 'provider'>) => v.type !== 'web' && v.provider !== 'meta';
const isThread = (type: ChannelType) => type === 'sms' || type === 'whatsapp';

/** The credentials typed in, or undefined when none was (on edit: keep the stored ones). */
function credentialsBody(v: Values): Record<string, string> | undefined {
  const entries = Object.entries(v.credentials).filter(([name, value]) => value.trim() !== '' && CREDENTIAL_FIELDS[v.provider].some((f) => f.name === name));
  return entries.length ? Object.fromEntries(entries.map(([k, value]) => [k, value.trim()])) : undefined;
}

/**
 * `/channels/new` and `/channels/:id`. Credentials are write-only (typed, verified by the API with the
 * provider, never shown again); the webhook URL to paste at the provider has a copy button; web
 * channels get their allowed origins, the embed snippet and a live preview (WebChannelPanel).
 */
export function ChannelEditPage() {
  const { id } = useParams();
  const isNew = id === undefined;
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const channel = useQuery({ queryKey: ['channel', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/channels/{id}', { params: { path: { id: id! } } })) });
  const { options: targets } = useTargets();
  const form = useForm<Values>({ initialValues: blank, validate: { name: (v) => (v.trim() ? null : 'Give the channel a name') } });
  // Leaving the page forgets a just-created Exotel URL: it is shown once.
  useEffect(() => () => void (id && createdWebhookUrls.delete(id)), [id]);
  useEffect(() => {
    const c = channel.data;
    if (c)
      form.setValues({
        name: c.name,
        type: c.type,
        provider: c.provider,
        credentials: {},
        phone_number: c.phone_number ?? '',
        target: targetOf(c),
        allowed_origins: c.allowed_origins,
        thread_idle_minutes: c.settings.thread_idle_minutes,
      });
    // Only when the stored channel changes.
  }, [channel.data]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const settings = isThread(v.type) && v.thread_idle_minutes !== '' ? { thread_idle_minutes: Number(v.thread_idle_minutes) } : {};
      const common = {
        name: v.name.trim(),
        ...(usesNumber(v) ? { phone_number: v.phone_number.trim() || null } : {}),
        ...(v.type === 'web' ? { allowed_origins: v.allowed_origins } : {}),
        ...(isThread(v.type) ? { settings } : {}),
      };
      const credentials = credentialsBody(v);
      if (isNew) {
        const route = routeBody(v.target);
        return unwrap(api.POST('/api/v1/channels', { body: { ...common, type: v.type, provider: v.provider, ...(credentials ? { credentials } : {}), ...route } }));
      }
      // PATCH: the route only when it changed (one of agent_id/flow_id clears the other).
      const route = v.target !== targetOf(channel.data!) ? routeBody(v.target) : {};
      return unwrap(api.PATCH('/api/v1/channels/{id}', { params: { path: { id: id! } }, body: { ...common, ...route, ...(credentials ? { credentials } : {}) } }));
    },
    onSuccess: (saved) => {
      notifySaved(isNew ? 'Channel created' : 'Channel saved');
      form.setFieldValue('credentials', {});
      void queries.invalidateQueries({ queryKey: ['channels'] });
      // Exotel's URL (with its secret token) is in the create response only: carry it to the next page once.
      if (isNew) {
        if (saved.webhook_url && saved.provider === 'exotel') createdWebhookUrls.set(saved.id, saved.webhook_url);
        void navigate(`/channels/${saved.id}`, { replace: true });
      } else queries.setQueryData(['channel', saved.id], saved);
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/channels/{id}', { params: { path: { id: id! } } })),
    onSuccess: () => (notifySaved('Channel deleted'), void queries.invalidateQueries({ queryKey: ['channels'] }), void navigate('/channels')),
    onError: notifyError,
  });

  if (channel.error) return <ErrorAlert error={channel.error} title="Channel not available" />;
  const c = channel.data;
  const v = form.values;
  const readOnly = !canWrite;
  const createdWebhookUrl = id ? createdWebhookUrls.get(id) : undefined;
  const webhookUrl = c?.webhook_url ?? createdWebhookUrl ?? null;
  const fields = CREDENTIAL_FIELDS[v.provider];
  const configured = c?.credentials.configured ? `Stored${c.credentials.hint ? ` (account ${c.credentials.hint})` : ''}: leave empty to keep` : undefined;
  return (
    <>
      <PageHeader
        title={isNew ? 'New channel' : (c?.name ?? 'Channel')}
        description={readOnly ? 'Read only: your role cannot change channels.' : undefined}
        actions={
          !isNew &&
          canWrite && (
            <ConfirmButton question="Delete this channel? Calls and messages to it stop reaching your agents." onConfirm={() => remove.mutate()} loading={remove.isPending}>
              Delete channel
            </ConfirmButton>
          )
        }
      />
      <form onSubmit={form.onSubmit((values) => save.mutate(values))}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ErrorAlert error={save.error} title="Could not save the channel" />
            <Grid>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <TextInput label="Name" required {...form.getInputProps('name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Select
                  label="Type"
                  data={CHANNEL_TYPES.map((t) => ({ ...t }))}
                  allowDeselect={false}
                  disabled={!isNew || readOnly}
                  value={v.type}
                  onChange={(t) => {
                    const type = (t ?? 'web') as ChannelType;
                    form.setValues({ type, provider: PROVIDERS_FOR_TYPE[type][0], credentials: {} });
                  }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Select
                  label="Provider"
                  data={PROVIDERS_FOR_TYPE[v.type].map((p) => ({ value: p, label: PROVIDER_LABELS[p] }))}
                  allowDeselect={false}
                  disabled={!isNew || readOnly}
                  value={v.provider}
                  onChange={(p) => form.setValues({ provider: (p ?? v.provider) as ChannelProvider, credentials: {} })}
                />
              </Grid.Col>
            </Grid>
            <Grid>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <Select label="Routes to" description="The agent or flow that answers on this channel" placeholder="Nothing yet" data={targets} clearable {...form.getInputProps('target')} />
              </Grid.Col>
              {usesNumber(v) && (
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <TextInput label="Phone number" description="E.164 with the country code, e.g. +14155550100" required {...form.getInputProps('phone_number')} />
                </Grid.Col>
              )}
              {isThread(v.type) && (
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <NumberInput label="Thread idle timeout (minutes)" description="A conversation idle this long ends; the next message starts a new one (default 1440)" min={1} max={43_200} {...form.getInputProps('thread_idle_minutes')} />
                </Grid.Col>
              )}
            </Grid>
            {fields.length > 0 && (
              <Paper withBorder p="md">
                <Title order={4} mb={4}>
                  Credentials
                </Title>
                <Text size="sm" c="dimmed" mb="sm">
                  Write-only: checked with {PROVIDER_LABELS[v.provider]} when you save, stored encrypted, never shown again.
                  {!isNew && ' To replace them, fill in every field; empty fields keep the stored credentials.'}
                </Text>
                <Grid>
                  {fields.map((f) => {
                    const props = {
                      label: f.label,
                      description: f.description,
                      required: isNew && !f.optional,
                      placeholder: configured,
                      autoComplete: 'off',
                      value: v.credentials[f.name] ?? '',
                      onChange: (e: React.ChangeEvent<HTMLInputElement>) => form.setFieldValue('credentials', { ...v.credentials, [f.name]: e.currentTarget.value }),
                    };
                    return (
                      <Grid.Col key={f.name} span={{ base: 12, md: 6 }}>
                        {f.secret ? <PasswordInput {...props} /> : <TextInput {...props} />}
                      </Grid.Col>
                    );
                  })}
                </Grid>
              </Paper>
            )}
            {v.type === 'web' && (
              <TagsInput
                label="Allowed origins"
                description="The sites that may open the widget: scheme, host and port, no path (e.g. https://shop.example). Press Enter after each."
                placeholder="https://shop.example"
                {...form.getInputProps('allowed_origins')}
              />
            )}
            {canWrite && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {isNew ? 'Create channel' : 'Save'}
                </Button>
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
      {c && c.provider !== 'web' && (
        <Paper withBorder p="md" mt="lg">
          <Title order={4} mb="sm">
            Webhook URL
          </Title>
          {webhookUrl ? (
            <Stack gap="xs">
              {createdWebhookUrl && c.provider === 'exotel' && (
                <Alert color="yellow" title="Copy it now: it will not be shown again">
                  This URL contains the channel&apos;s secret token.
                </Alert>
              )}
              <CopyValue value={webhookUrl} />
              <Text size="sm">{webhookInstructions(c.type, c.provider)}</Text>
            </Stack>
          ) : (
            <Text size="sm">
              {c.provider === 'exotel'
                ? "Exotel's webhook URL contains a secret token and was shown only once, right after the channel was created. Delete and re-create the channel to get a new one."
                : 'No public URL is configured: set CONVERSE_PUBLIC_URL to the address the provider can reach (docs/configuration.md), restart, and the URL appears here.'}
            </Text>
          )}
        </Paper>
      )}
      {c && c.type === 'web' && <WebChannelPanel channel={c} canWrite={canWrite} />}
    </>
  );
}
