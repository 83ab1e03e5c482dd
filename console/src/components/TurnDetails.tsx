import { Anchor, Badge, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Get } from '../api/client';

type Call = Get<'/api/v1/calls/{id}'>;
export type VariableChanges = Record<number, Array<{ name: string; from: unknown; to: unknown }>>;

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/**
 * What happened in each turn of a call: tool calls (with status and latency), knowledge hits, variable
 * changes (when known) and the latency breakdown. Used by the playground and the call page.
 */
export function TurnDetails({ call, changes = {} }: { call: Call; changes?: VariableChanges }) {
  // Document names for the hits (roles without config:read get a 403 here and see short ids instead).
  const docs = useQuery({ queryKey: ['knowledge', 'names'], retry: false, queryFn: () => unwrap(api.GET('/api/v1/knowledge', { params: { query: { limit: 200 } } })) });
  const docName = (id: string) => docs.data?.data.find((d) => d.id === id)?.name ?? id.slice(0, 8);
  const turns = [...new Set([...call.latency.map((l) => l.turn), ...call.tool_calls.map((t) => t.turn), ...call.knowledge_hits.map((h) => h.turn), ...Object.keys(changes).map(Number)])].sort((a, b) => a - b);
  if (turns.length === 0) return <Text c="dimmed" size="sm">No turns yet.</Text>;
  return (
    <Stack gap="sm" data-testid="turn-details">
      {turns.map((n) => {
        const latency = call.latency.find((l) => l.turn === n);
        const tools = call.tool_calls.filter((t) => t.turn === n);
        const hits = call.knowledge_hits.filter((h) => h.turn === n);
        return (
          <Paper key={n} withBorder p="sm">
            <Group justify="space-between" mb={4}>
              <Title order={6}>Turn {n}</Title>
              {latency && (
                <Text size="xs" c="dimmed" data-testid="turn-latency">
                  {latency.total_ms} ms total · model {latency.model_ttft_ms ?? '—'} ms to first token · tools {latency.tool_ms} ms · db {latency.db_ms} ms
                </Text>
              )}
            </Group>
            {tools.length > 0 && (
              <Table fz="xs" mb={4}>
                <Table.Tbody>
                  {tools.map((t, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>
                        <Badge size="xs" variant="light">{t.kind}</Badge> {t.name}
                      </Table.Td>
                      <Table.Td>
                        <Code>{JSON.stringify(t.arguments)}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Badge size="xs" variant="light" color={t.status === 'ok' ? 'green' : 'red'}>{t.status}</Badge> {t.latency_ms} ms{' '}
                        {t.error && (
                          <Text span size="xs" c="red.9">
                            {t.error}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {hits.length > 0 && (
              <Text size="xs" data-testid="knowledge-hits">
                Knowledge:{' '}
                {hits.map((h, i) => (
                  <Fragment key={`${h.chunk_id}-${i}`}>
                    {i > 0 && ', '}
                    {docs.data ? (
                      <Anchor component={Link} to={`/knowledge/${h.document_id}`} size="xs">
                        {docName(h.document_id)}
                      </Anchor>
                    ) : (
                      docName(h.document_id)
                    )}{' '}
                    ({h.score.toFixed(2)})
                  </Fragment>
                ))}
              </Text>
            )}
            {changes[n]?.map((c) => (
              <Text size="xs" key={c.name}>
                Variable <Code>{c.name}</Code>: {show(c.from)} → {show(c.to)}
              </Text>
            ))}
          </Paper>
        );
      })}
    </Stack>
  );
}
