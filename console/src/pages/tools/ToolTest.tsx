import { Alert, Badge, Button, Code, Group, JsonInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Get } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

type Tool = Get<'/api/v1/tools/{id}'>;

/** Sample arguments: every property of the schema with an empty value of its type. */
function sampleArguments(parameters: Record<string, unknown>): string {
  const props = (parameters.properties ?? {}) as Record<string, { type?: unknown }>;
  const sample: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(props)) {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    sample[name] = type === 'number' || type === 'integer' ? 0 : type === 'boolean' ? false : type === 'array' ? [] : type === 'object' ? {} : '';
  }
  return JSON.stringify(sample, null, 2);
}

const parse = (text: string): Record<string, unknown> => (text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {});

/** "Test": runs the saved tool once, for real, through the API's guarded client (POST /tools/{id}/test). */
export function ToolTest({ tool }: { tool: Tool }) {
  const [args, setArgs] = useState(() => sampleArguments(tool.parameters));
  const [session, setSession] = useState('{}');
  const [inputError, setInputError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (body: { arguments: Record<string, unknown>; session?: Record<string, unknown> }) => unwrap(api.POST('/api/v1/tools/{id}/test', { params: { path: { id: tool.id } }, body })),
  });
  const start = () => {
    try {
      setInputError(null);
      run.mutate({ arguments: parse(args), ...(tool.type === 'webhook' ? { session: parse(session) } : {}) });
    } catch {
      setInputError('The arguments (and session) must be JSON objects');
    }
  };
  const r = run.data;
  return (
    <Paper withBorder p="md" mt="lg">
      <Title order={4} mb="sm">
        Test the saved tool
      </Title>
      <Stack>
        <Text size="sm" c="dimmed">
          Sends one real request with these arguments (secret values are removed from what comes back). Save your changes first.
        </Text>
        <JsonInput label="Arguments" autosize minRows={3} value={args} onChange={setArgs} />
        {tool.type === 'webhook' && <JsonInput label="Sample session data" autosize minRows={2} value={session} onChange={setSession} />}
        <Group>
          <Button onClick={start} loading={run.isPending}>
            Run test
          </Button>
        </Group>
        {inputError && (
          <Alert color="red" role="alert">
            {inputError}
          </Alert>
        )}
        <ErrorAlert error={run.error} title="The test could not run" />
        {r && (
          <Stack gap="xs" data-testid="tool-test-result">
            <Group gap="xs">
              <Badge color={r.ok ? 'green' : 'red'} variant="light">
                {r.ok ? 'ok' : 'failed'}
              </Badge>
              <Text size="sm">
                HTTP {r.status ?? '—'} · {r.duration_ms} ms{r.content_type ? ` · ${r.content_type}` : ''}
              </Text>
            </Group>
            {r.error && (
              <Text size="sm" c="red.9">
                {r.error}
              </Text>
            )}
            {Object.keys(r.variables).length > 0 && (
              <Text size="sm">
                Variables: <Code>{JSON.stringify(r.variables)}</Code>
              </Text>
            )}
            <Text size="sm" fw={500}>
              Response body{r.body_truncated ? ' (first 4 KiB)' : ''}
            </Text>
            <Code block data-testid="tool-test-body">
              {r.body || '(empty)'}
            </Code>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
