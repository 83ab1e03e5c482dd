import { Button, Grid, Group, JsonInput, NumberInput, Paper, Select, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap, type Get } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { headerRows, headersBody, HeadersEditor, type HeaderRow } from '../../components/HeadersEditor';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { ToolTest } from './ToolTest';

type Tool = Get<'/api/v1/tools/{id}'>;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

const blank = {
  name: '',
  description: '',
  type: 'http' as 'http' | 'webhook',
  method: 'POST' as (typeof METHODS)[number],
  url: '',
  headers: [] as HeaderRow[],
  parameters: pretty({ type: 'object', properties: {} }),
  body: '',
  timeout_ms: 10_000 as number | string,
  response_mapping: '{}',
};
type Values = typeof blank;

const fromTool = (t: Tool): Values => ({
  name: t.name,
  description: t.description,
  type: t.type,
  method: t.config.method as Values['method'],
  url: t.config.url,
  headers: headerRows(t.config.headers),
  parameters: pretty(t.parameters),
  body: t.config.body === null || t.config.body === undefined ? '' : pretty(t.config.body),
  timeout_ms: t.config.timeout_ms,
  response_mapping: pretty(t.config.response_mapping),
});

const jsonError = (v: string, what: string) => {
  if (v.trim() === '') return null;
  try {
    JSON.parse(v);
    return null;
  } catch {
    return `${what} is not valid JSON`;
  }
};

const toBody = (v: Values) => ({
  name: v.name.trim(),
  description: v.description,
  type: v.type,
  parameters: JSON.parse(v.parameters) as Record<string, unknown>,
  config: {
    method: v.method,
    url: v.url.trim(),
    headers: headersBody(v.headers),
    // A webhook tool always sends the call document (the API refuses a body template for it).
    body: v.type === 'webhook' || v.body.trim() === '' ? null : (JSON.parse(v.body) as unknown),
    timeout_ms: Number(v.timeout_ms),
    response_mapping: (v.response_mapping.trim() ? JSON.parse(v.response_mapping) : {}) as Record<string, string>,
  },
});

/** `/tools/new` and `/tools/:id`: the request template, its secret headers (write-only) and a test run. */
export function ToolEditPage() {
  const { id } = useParams();
  const isNew = id === undefined;
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const tool = useQuery({ queryKey: ['tool', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/tools/{id}', { params: { path: { id: id! } } })) });
  const form = useForm<Values>({
    initialValues: blank,
    validate: {
      name: (v) => (v.trim() ? null : 'Give the tool a name'),
      url: (v) => (v.trim() ? null : 'The URL the tool calls'),
      parameters: (v) => (v.trim() ? jsonError(v, 'The parameters schema') : 'A JSON Schema with "type": "object"'),
      body: (v) => jsonError(v, 'The body template'),
      response_mapping: (v) => jsonError(v, 'The response mapping'),
    },
  });
  useEffect(() => {
    if (tool.data) form.setValues(fromTool(tool.data));
    // Only when the stored tool changes.
  }, [tool.data]);

  const save = useMutation({
    mutationFn: (v: Values) => (isNew ? unwrap(api.POST('/api/v1/tools', { body: toBody(v) })) : unwrap(api.PUT('/api/v1/tools/{id}', { params: { path: { id: id! } }, body: toBody(v) }))),
    onSuccess: (saved) => {
      notifySaved(isNew ? 'Tool created' : 'Tool saved');
      void queries.invalidateQueries({ queryKey: ['tools'] });
      queries.setQueryData(['tool', saved.id], saved);
      if (isNew) void navigate(`/tools/${saved.id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/tools/{id}', { params: { path: { id: id! } } })),
    onSuccess: () => (notifySaved('Tool deleted'), void queries.invalidateQueries({ queryKey: ['tools'] }), void navigate('/tools')),
    onError: notifyError,
  });

  if (tool.error) return <ErrorAlert error={tool.error} title="Tool not available" />;
  const readOnly = !canWrite;
  return (
    <>
      <PageHeader
        title={isNew ? 'New tool' : (tool.data?.name ?? 'Tool')}
        description={readOnly ? 'Read only: your role cannot change tools.' : 'Assign the tool to agents on their page (Knowledge, tools and MCP servers).'}
        actions={
          !isNew &&
          canWrite && (
            <ConfirmButton question="Delete this tool? Agents that use it lose it." onConfirm={() => remove.mutate()} loading={remove.isPending}>
              Delete tool
            </ConfirmButton>
          )
        }
      />
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ErrorAlert error={save.error} title="Could not save the tool" />
            <Grid>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <TextInput label="Name" description="What the model calls it: letters, digits, _ and -" required {...form.getInputProps('name')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <Select
                  label="Type"
                  description="webhook: POSTs the call and the session's data"
                  data={[
                    { value: 'http', label: 'HTTP request' },
                    { value: 'webhook', label: 'Webhook' },
                  ]}
                  allowDeselect={false}
                  {...form.getInputProps('type')}
                />
              </Grid.Col>
            </Grid>
            <Textarea label="Description" description="Tells the model when to use the tool" autosize minRows={2} {...form.getInputProps('description')} />
            <Paper withBorder p="md">
              <Title order={4} mb="sm">
                Request
              </Title>
              <Stack>
                <Grid>
                  <Grid.Col span={{ base: 12, md: 2 }}>
                    <Select label="Method" data={[...METHODS]} allowDeselect={false} {...form.getInputProps('method')} />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, md: 7 }}>
                    <TextInput label="URL" description="{{param}} may appear in the path and query" required {...form.getInputProps('url')} />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, md: 3 }}>
                    <NumberInput label="Timeout (ms)" min={100} max={30_000} {...form.getInputProps('timeout_ms')} />
                  </Grid.Col>
                </Grid>
                <HeadersEditor rows={form.values.headers} onChange={(rows) => form.setFieldValue('headers', rows)} disabled={readOnly} />
                {form.values.type === 'http' && (
                  <JsonInput label="Body template" description='JSON; a "{{param}}" leaf takes the argument. Empty: the arguments as JSON' autosize minRows={3} {...form.getInputProps('body')} />
                )}
              </Stack>
            </Paper>
            <JsonInput label="Parameters (JSON Schema)" description="The arguments the model fills in" autosize minRows={4} {...form.getInputProps('parameters')} />
            <JsonInput label="Response mapping" description='Variable name → JSONPath into the answer, e.g. {"temperature": "$.current.temp_c"}' autosize minRows={2} {...form.getInputProps('response_mapping')} />
            {canWrite && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {isNew ? 'Create tool' : 'Save'}
                </Button>
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
      {!isNew && tool.data && canWrite && <ToolTest tool={tool.data} />}
    </>
  );
}
