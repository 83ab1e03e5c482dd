import { Badge, Group, Progress, Text } from '@mantine/core';
import type { Get } from '../../api/client';

export type Doc = Get<'/api/v1/knowledge/{id}'>;
const COLORS = { queued: 'gray', processing: 'blue', ready: 'green', failed: 'red' } as const;

export const isSettled = (d: Doc) => d.status === 'ready' || d.status === 'failed';

/** A document's ingestion state: progress while it runs, the reason when it failed. */
export function DocStatus({ doc }: { doc: Doc }) {
  return (
    <div data-testid={`status-${doc.name}`}>
      <Group gap="xs">
        <Badge color={COLORS[doc.status]} variant="light">
          {doc.status}
        </Badge>
        {doc.status === 'ready' && <Text size="xs" c="dimmed">{doc.chunk_count} chunks</Text>}
      </Group>
      {!isSettled(doc) && <Progress value={doc.progress} size="sm" mt={4} animated aria-label={`${doc.name} progress`} />}
      {doc.error && (
        <Text size="xs" c={doc.status === 'failed' ? 'red' : 'dimmed'}>
          {doc.error}
        </Text>
      )}
    </div>
  );
}
