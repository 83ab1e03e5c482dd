import { Anchor, Badge, Button, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { CursorTable } from '../../components/CursorTable';
import { EmptyState } from '../../components/EmptyState';
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
      <CursorTable
        list={list}
        rowKey={(p) => p.id}
        empty={
          <EmptyState title="No providers yet" action={newButton}>
            {canWrite
              ? 'Add an OpenAI, Anthropic, Google or OpenAI-compatible (e.g. Ollama) account for the agents’ replies, and Deepgram, ElevenLabs or OpenAI speech for voice. Without one, agents use the server default.'
              : 'Nobody has added a provider in this organization yet: agents use the server default.'}
          </EmptyState>
        }
        columns={[
          {
            header: 'Name',
            cell: (p) => (
              <Anchor component={Link} to={`/providers/${p.id}`}>
                {p.name}
              </Anchor>
            ),
          },
          {
            header: 'Kind',
            cell: (p) => (
              <Badge variant="light" color={isLanguageModel(p.kind) ? 'blue' : 'grape'}>
                {kindLabel(p.kind)}
              </Badge>
            ),
          },
          { header: 'Default model', cell: (p) => p.default_model ?? '—' },
          { header: 'Key', cell: (p) => <Text size="sm">{p.credentials.configured ? `configured ${p.credentials.hint ?? ''}` : 'none'}</Text> },
        ]}
      />
    </>
  );
}
