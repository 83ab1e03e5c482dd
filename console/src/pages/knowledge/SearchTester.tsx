import { Badge, Button, Group, NumberInput, Paper, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Try a question against the knowledge base as an agent would see it (agent scope, voice mode). */
export function SearchTester() {
  const agents = useQuery({ queryKey: ['agents', 'options'], queryFn: () => unwrap(api.GET('/api/v1/agents', { params: { query: { limit: 200 } } })) });
  const form = useForm({ initialValues: { query: '', agent_id: '' as string | null, voice_mode: false, top_k: 5 } });
  const search = useMutation({
    mutationFn: (v: typeof form.values) => unwrap(api.POST('/api/v1/knowledge/query', { body: { query: v.query, top_k: v.top_k, voice_mode: v.voice_mode, ...(v.agent_id ? { agent_id: v.agent_id } : {}) } })),
  });
  return (
    <Paper withBorder p="md" mt="lg">
      <Title order={4} mb="sm">
        Search tester
      </Title>
      <form onSubmit={form.onSubmit((v) => search.mutate(v))}>
        <Group align="flex-end">
          <TextInput label="Question" required style={{ flex: 3 }} {...form.getInputProps('query')} />
          <Select label="As agent" placeholder="All documents" clearable data={(agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))} style={{ flex: 2 }} {...form.getInputProps('agent_id')} />
          <NumberInput label="Results" min={1} max={50} w={90} {...form.getInputProps('top_k')} />
          <Switch label="Voice mode" {...form.getInputProps('voice_mode', { type: 'checkbox' })} mb={8} />
          <Button type="submit" loading={search.isPending}>
            Search
          </Button>
        </Group>
      </form>
      <ErrorAlert error={search.error} />
      {search.data && (
        <Stack mt="md" gap="xs" data-testid="search-results">
          <Text size="sm" c="dimmed">
            {search.data.results.length} results ({search.data.mode})
          </Text>
          {search.data.results.map((r) => (
            <Paper key={r.chunk_id} withBorder p="sm">
              <Group gap="xs" mb={4}>
                <Badge variant="light">{r.score.toFixed(3)}</Badge>
                <Text size="sm" fw={600}>
                  {r.document_name}
                </Text>
                {r.heading && <Text size="sm" c="dimmed">{r.heading}</Text>}
                {r.page != null && <Text size="sm" c="dimmed">page {r.page}</Text>}
              </Group>
              <Text size="sm">{r.text}</Text>
            </Paper>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
