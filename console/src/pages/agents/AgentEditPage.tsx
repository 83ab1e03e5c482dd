import { Anchor, Button, Checkbox, Grid, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Get } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { DialNowButton } from '../calls/DialNow';
import { canFillSpeechRole } from '../providers/kinds';
import { Assignments } from './Assignments';
import { ProviderTestButton } from './ProviderTestButton';
import { blankVoice, voiceValues, VoiceTuningFields, withVoice } from './VoiceTuning';

type Agent = Get<'/api/v1/agents/{id}'>;
const BUILTIN_TOOLS = ['transfer_call', 'end_call', 'human_handoff', 'schedule_callback', 'send_message'] as const;
const LLM_KINDS = new Set(['openai', 'openai_compatible', 'google', 'anthropic']);

const blank = {
  name: '',
  system_prompt: '',
  llm_provider_id: '',
  llm_model: '',
  language: 'en-US',
  greeting: '',
  stt_provider_id: '',
  tts_provider_id: '',
  tts_voice: '',
  tools_builtin: [] as string[],
  ...blankVoice,
};
type Values = typeof blank;

const fromAgent = (a: Agent): Values => ({
  name: a.name,
  system_prompt: a.system_prompt,
  llm_provider_id: a.llm_provider_id ?? '',
  llm_model: a.llm_model ?? '',
  language: a.language,
  greeting: a.greeting ?? '',
  stt_provider_id: a.stt.provider_id ?? '',
  tts_provider_id: a.tts.provider_id ?? '',
  tts_voice: a.tts.voice ?? '',
  tools_builtin: a.tools_builtin,
  ...voiceValues(a.settings),
});

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
/** The agent as the form sets it; `settings` keeps every key the form does not edit. */
const toBody = (v: Values, settings: Record<string, unknown>) => ({
  name: v.name,
  system_prompt: v.system_prompt,
  llm_provider_id: orNull(v.llm_provider_id),
  llm_model: orNull(v.llm_model),
  language: v.language,
  greeting: orNull(v.greeting),
  stt: { provider_id: orNull(v.stt_provider_id), model: null },
  tts: { provider_id: orNull(v.tts_provider_id), voice: orNull(v.tts_voice) },
  tools_builtin: v.tools_builtin as (typeof BUILTIN_TOOLS)[number][],
  settings: withVoice(settings, v),
});

/** `/agents/new` and `/agents/:id`: one form for create and edit; read-only for roles without config:write. */
export function AgentEditPage() {
  const { id } = useParams();
  const isNew = id === undefined;
  const canWrite = useCan('config:write');
  const canRun = useCan('sessions:run');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const agent = useQuery({ queryKey: ['agent', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/agents/{id}', { params: { path: { id: id! } } })) });
  const providers = useQuery({ queryKey: ['providers', 'all'], queryFn: () => unwrap(api.GET('/api/v1/providers', { params: { query: { limit: 200 } } })) });
  const form = useForm<Values>({ initialValues: blank, validate: { name: (v) => (v.trim() ? null : 'Give the agent a name') } });

  useEffect(() => {
    if (agent.data) form.setValues(fromAgent(agent.data));
    // Reset the form only when the stored agent changes (not on every render of `form`).
  }, [agent.data]);

  const save = useMutation({
    mutationFn: async (v: Values) =>
      isNew
        ? unwrap(api.POST('/api/v1/agents', { body: toBody(v, {}) }))
        : unwrap(api.PUT('/api/v1/agents/{id}', { params: { path: { id: id! } }, body: { ...toBody(v, agent.data?.settings ?? {}), flow_id: agent.data?.flow_id ?? null } })),
    onSuccess: (saved) => {
      notifySaved(isNew ? 'Agent created' : 'Agent saved');
      void queries.invalidateQueries({ queryKey: ['agents'] });
      queries.setQueryData(['agent', saved.id], saved);
      if (isNew) void navigate(`/agents/${saved.id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/agents/{id}', { params: { path: { id: id! } } })),
    onSuccess: () => {
      notifySaved('Agent deleted');
      void queries.invalidateQueries({ queryKey: ['agents'] });
      void navigate('/agents');
    },
    onError: notifyError,
  });

  const all = providers.data?.data ?? [];
  const llmOptions = all.filter((p) => LLM_KINDS.has(p.kind)).map((p) => ({ value: p.id, label: `${p.name} (${p.kind}${p.default_model ? `, ${p.default_model}` : ''})` }));
  const speechOptions = (role: 'stt' | 'tts') => all.filter((p) => canFillSpeechRole(p.kind, role)).map((p) => ({ value: p.id, label: `${p.name} (${p.kind})` }));
  const readOnly = !canWrite;

  if (agent.error) return <ErrorAlert error={agent.error} title="Agent not available" />;
  return (
    <>
      <PageHeader
        title={isNew ? 'New agent' : (agent.data?.name ?? 'Agent')}
        description={readOnly ? 'Read only: your role cannot change agents.' : undefined}
        actions={
          !isNew && (
            <>
              {canRun && (
                <Button variant="default" component={Link} to={`/playground?agent=${id}`}>
                  Try in playground
                </Button>
              )}
              <DialNowButton target={{ agent_id: id }} />
              {canWrite && (
                <ConfirmButton question="Delete this agent? Its calls stay in the history." onConfirm={() => remove.mutate()} loading={remove.isPending}>
                  Delete agent
                </ConfirmButton>
              )}
            </>
          )
        }
      />
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ErrorAlert error={save.error} title="Could not save the agent" />
            <Grid>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <TextInput label="Name" required {...form.getInputProps('name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <TextInput label="Language" description="BCP 47 tag, e.g. en-US or hi-IN" {...form.getInputProps('language')} />
              </Grid.Col>
            </Grid>
            <Textarea label="System prompt" description="Who the agent is and how it should answer" autosize minRows={6} maxRows={20} {...form.getInputProps('system_prompt')} />
            <TextInput label="Greeting" description="The first thing the agent says (empty: it waits for the caller)" {...form.getInputProps('greeting')} />
            <Paper withBorder p="md">
              <Title order={4} mb={4}>
                Model and voice
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                The providers are your organization&apos;s accounts: add or test them on the <Anchor component={Link} to="/providers" underline="always">Providers</Anchor> page.
              </Text>
              <Grid>
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <Select label="Language model provider" placeholder="Server default (offline responder if none)" data={llmOptions} clearable {...form.getInputProps('llm_provider_id')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <TextInput label="Model" placeholder="The provider's default model" {...form.getInputProps('llm_model')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <Select label="Speech recognition" placeholder="Offline recognizer" data={speechOptions('stt')} clearable {...form.getInputProps('stt_provider_id')} />
                  <ProviderTestButton providerId={form.values.stt_provider_id} label="speech recognition" />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <Select label="Speech synthesis" placeholder="Offline voice" data={speechOptions('tts')} clearable {...form.getInputProps('tts_provider_id')} />
                  <ProviderTestButton providerId={form.values.tts_provider_id} label="speech synthesis" />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <TextInput label="Voice" placeholder="The provider's voice id" {...form.getInputProps('tts_voice')} />
                </Grid.Col>
              </Grid>
              <VoiceTuningFields form={form} />
            </Paper>
            <Checkbox.Group label="Built-in tools" description="Actions the model may take during a call" {...form.getInputProps('tools_builtin')}>
              <Group mt="xs">
                {BUILTIN_TOOLS.map((t) => (
                  <Checkbox key={t} value={t} label={t} />
                ))}
              </Group>
            </Checkbox.Group>
            {canWrite && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {isNew ? 'Create agent' : 'Save'}
                </Button>
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
      {!isNew && agent.data && <Assignments agentId={agent.data.id} readOnly={readOnly} />}
    </>
  );
}
