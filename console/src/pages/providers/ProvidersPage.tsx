import { Anchor, Badge, Button, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { isLanguageModel, kindLabel } from './kinds';

/** Language-model and speech accounts; agents pick them on their page. */
export function ProvidersPage() {
  const canWrite = useCan('config:write');
  const list = useCursorList(['providers'], (cursor) => unwrap(api.GET('/api/v1/providers', { params: { query: { cursor } } })));
  const newButton = canWrite && (
    <Button component={Link} to="/providers/new">
      New provider
    </Button>
  );
  return (
    <>
      <PageHeader title="Providers" description="The language models and speech engines your agents use. Choose one per agent on the agent's page." actions={newButton} />
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <EmptyState title="No providers yet" action={newButton}>
          {canWrite
            ? 'Add an OpenAI, Anthropic, Google or OpenAI-compatible (e.g. Ollama) account for the agents’ replies, and Deepgram, ElevenLabs or OpenAI speech for voice. Without one, agents use the server default.'
            : 'Nobody has added a provider in this organization yet: agents use the server default.'}
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Default model</Table.Th>
              <Table.Th>Key</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.rows.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/providers/${p.id}`}>
                    {p.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={isLanguageModel(p.kind) ? 'blue' : 'grape'}>
                    {kindLabel(p.kind)}
                  </Badge>
                </Table.Td>
                <Table.Td>{p.default_model ?? '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm">{p.credentials.configured ? `configured ${p.credentials.hint ?? ''}` : 'none'}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore list={list} />
    </>
  );
}
