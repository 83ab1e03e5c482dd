import { Badge, Button, Group, Paper, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { kindLabel, PROVIDER_KINDS, type ProviderKind } from './kinds';

const blank = { name: '', kind: 'openai' as ProviderKind, base_url: '', api_key: '', default_model: '' };
type Values = typeof blank;
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/**
 * `/providers/new` and `/providers/:id`. The API key is write-only: typed once, afterwards only
 * `{configured, hint}` comes back, and an empty key field on save keeps the stored one.
 */
export function ProviderEditPage() {
  const { id } = useParams();
  const isNew = id === undefined;
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const provider = useQuery({ queryKey: ['provider', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/providers/{id}', { params: { path: { id: id! } } })) });
  const form = useForm<Values>({ initialValues: blank, validate: { name: (v) => (v.trim() ? null : 'Give the provider a name') } });
  useEffect(() => {
    const p = provider.data;
    if (p) form.setValues({ name: p.name, kind: p.kind, base_url: p.base_url ?? '', api_key: '', default_model: p.default_model ?? '' });
    // Only when the stored provider changes.
  }, [provider.data]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const credentials = v.api_key.trim() ? { api_key: v.api_key.trim() } : undefined;
      if (isNew) return unwrap(api.POST('/api/v1/providers', { body: { name: v.name.trim(), kind: v.kind, base_url: orNull(v.base_url), default_model: orNull(v.default_model), credentials } }));
      const p = provider.data!;
      // Only what changed: a base URL change without a new key is the API's to refuse, with its message.
      const body = {
        name: v.name.trim(),
        default_model: orNull(v.default_model),
        ...(orNull(v.base_url) !== p.base_url ? { base_url: orNull(v.base_url) } : {}),
        ...(credentials ? { credentials } : {}),
      };
      return unwrap(api.PATCH('/api/v1/providers/{id}', { params: { path: { id: id! } }, body }));
    },
    onSuccess: (saved) => {
      notifySaved(isNew ? 'Provider added' : 'Provider saved');
      form.setFieldValue('api_key', '');
      void queries.invalidateQueries({ queryKey: ['providers'] });
      queries.setQueryData(['provider', saved.id], saved);
      test.reset();
      if (isNew) void navigate(`/providers/${saved.id}`, { replace: true });
    },
  });
  const test = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/providers/{id}/test', { params: { path: { id: id! } } })) });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/providers/{id}', { params: { path: { id: id! } } })),
    onSuccess: () => (notifySaved('Provider deleted'), void queries.invalidateQueries({ queryKey: ['providers'] }), void navigate('/providers')),
    onError: notifyError,
  });

  if (provider.error) return <ErrorAlert error={provider.error} title="Provider not available" />;
  const p = provider.data;
  const readOnly = !canWrite;
  const compatible = form.values.kind === 'openai_compatible';
  const keyState = p?.credentials.configured ? `Configured${p.credentials.hint ? ` (${p.credentials.hint})` : ''}: leave empty to keep` : undefined;
  return (
    <>
      <PageHeader
        title={isNew ? 'New provider' : (p?.name ?? 'Provider')}
        description={readOnly ? 'Read only: your role cannot change providers.' : 'The key is write-only: it is encrypted and never shown again.'}
        actions={
          !isNew &&
          canWrite && (
            <ConfirmButton question="Delete this provider? An agent that still uses it blocks the deletion." onConfirm={() => remove.mutate()} loading={remove.isPending}>
              Delete provider
            </ConfirmButton>
          )
        }
      />
      <Paper withBorder p="md" maw={720}>
        <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
          <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
            <Stack>
              <ErrorAlert error={save.error} title="Could not save the provider" />
              <TextInput label="Name" required {...form.getInputProps('name')} />
              {isNew ? (
                <Select label="Kind" data={PROVIDER_KINDS.map((k) => ({ value: k.value, label: `${k.label} — ${k.group.toLowerCase()}` }))} allowDeselect={false} {...form.getInputProps('kind')} />
              ) : (
                <Text size="sm">
                  Kind: <Badge variant="light">{kindLabel(form.values.kind)}</Badge> (fixed)
                </Text>
              )}
              <TextInput
                label="Base URL"
                description={compatible ? 'Required: the API root, e.g. http://127.0.0.1:11434/v1 for Ollama' : "Optional: empty uses the provider's official endpoint. Changing it needs the key again."}
                required={compatible}
                {...form.getInputProps('base_url')}
              />
              <PasswordInput
                label="API key"
                description={compatible ? 'Optional for OpenAI-compatible servers' : undefined}
                placeholder={keyState ?? 'Paste the key once'}
                required={isNew && !compatible}
                autoComplete="off"
                {...form.getInputProps('api_key')}
              />
              <TextInput label="Default model" description="Used by agents that name no model" {...form.getInputProps('default_model')} />
              {canWrite && (
                <Group>
                  <Button type="submit" loading={save.isPending}>
                    {isNew ? 'Add provider' : 'Save'}
                  </Button>
                </Group>
              )}
            </Stack>
          </fieldset>
        </form>
      </Paper>
      {p && canWrite && (
        <Paper withBorder p="md" mt="lg" maw={720}>
          <Title order={4} mb="xs">
            Test
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            One cheap real call with the stored key (a model list, or a one-token completion).
          </Text>
          <Group>
            <Button variant="light" onClick={() => test.mutate()} loading={test.isPending}>
              Test provider
            </Button>
            {test.data && (
              <Text size="sm" data-testid="provider-test-result">
                <Badge color={test.data.ok ? 'green' : 'red'} variant="light" mr="xs">
                  {test.data.ok ? 'ok' : 'failed'}
                </Badge>
                {test.data.latency_ms} ms{test.data.error ? ` · ${test.data.error}` : ''}
              </Text>
            )}
          </Group>
          <ErrorAlert error={test.error} title="The test could not run" />
        </Paper>
      )}
    </>
  );
}
