import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../auth/useSession';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { notifyError, notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { DocStatus, isSettled } from './status';

/** One document: its ingestion state and the chunks agents search. */
export function DocumentPage() {
  const id = useParams().id!;
  const canWrite = useCan('config:write');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const doc = useQuery({
    queryKey: ['knowledge', id],
    queryFn: () => unwrap(api.GET('/api/v1/knowledge/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && !isSettled(q.state.data) ? 1000 : false),
  });
  const ready = doc.data?.status === 'ready';
  const chunks = useCursorList(['knowledge', id, 'chunks', ready], (cursor) => unwrap(api.GET('/api/v1/knowledge/{id}/chunks', { params: { path: { id }, query: { cursor } } })), { enabled: ready });
  const reindex = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/knowledge/{id}/reindex', { params: { path: { id } } })),
    onSuccess: () => (notifySaved('Reindexing'), queries.invalidateQueries({ queryKey: ['knowledge'] })),
    onError: notifyError,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/knowledge/{id}', { params: { path: { id } } })),
    onSuccess: () => (notifySaved('Document deleted'), void queries.invalidateQueries({ queryKey: ['knowledge'] }), void navigate('/knowledge')),
    onError: notifyError,
  });
  if (doc.error) return <ErrorAlert error={doc.error} title="Document not available" />;
  if (!doc.data) return null;
  const d = doc.data;
  return (
    <>
      <PageHeader
        title={d.name}
        description={d.source === 'url' ? d.url : d.filename}
        actions={
          canWrite && (
            <>
              <Button variant="default" onClick={() => reindex.mutate()} loading={reindex.isPending} disabled={!isSettled(d)}>
                Reindex
              </Button>
              <ConfirmButton question="Delete this document and its chunks? Agents stop answering from it." onConfirm={() => remove.mutate()} loading={remove.isPending}>
                Delete document
              </ConfirmButton>
            </>
          )
        }
      />
      <Paper withBorder p="md" mb="lg">
        <Group>
          <DocStatus doc={d} />
          {d.content_type && <Badge variant="outline">{d.content_type}</Badge>}
          {d.page_count != null && <Text size="sm">{d.page_count} pages</Text>}
          {d.truncated && <Badge color="orange">truncated</Badge>}
        </Group>
      </Paper>
      <ErrorAlert error={chunks.error} />
      {ready && chunks.isSuccess && chunks.rows.length === 0 && <EmptyState title="No chunks">The document had no text to index.</EmptyState>}
      <Stack gap="xs" data-testid="chunks">
        {chunks.rows.map((c) => (
          <Paper key={c.id} withBorder p="sm">
            <Group gap="xs" mb={4}>
              <Badge variant="light">#{c.position}</Badge>
              {c.heading && <Text size="sm" fw={600}>{c.heading}</Text>}
              {c.page != null && <Text size="sm" c="dimmed">page {c.page}</Text>}
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {c.text}
            </Text>
          </Paper>
        ))}
      </Stack>
      <LoadMore list={chunks} />
    </>
  );
}
