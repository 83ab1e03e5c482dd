import { Alert, Anchor, Badge, ScrollArea, Stack, Text } from '@mantine/core';
import type { ErrorDetail } from '../../api/errors';

/** Every problem the API (or the import check) found, above the canvas; a node id selects its card. */
export function ProblemList({ problems, onSelect }: { problems: ErrorDetail[]; onSelect: (nodeId: string) => void }) {
  if (problems.length === 0) return null;
  const general = problems.some((p) => !p.node_id && !p.edge_id);
  return (
    <Alert color="red" title={`The flow does not validate: ${problems.length} problem${problems.length === 1 ? '' : 's'}`} mb="md" data-testid="flow-problems">
      <ScrollArea.Autosize mah={140}>
        <Stack gap={2}>
          {problems.map((p, i) => (
            <Text size="sm" key={i}>
              {p.node_id ? (
                <Anchor component="button" type="button" size="sm" onClick={() => onSelect(p.node_id!)}>
                  {p.node_id}
                </Anchor>
              ) : p.edge_id ? (
                <Badge size="xs" variant="light" color="red">
                  {p.edge_id}
                </Badge>
              ) : null}{' '}
              {p.message}
            </Text>
          ))}
        </Stack>
      </ScrollArea.Autosize>
      {general && (
        <Text size="xs" mt={4}>
          Problems without a node or edge concern the flow as a whole ({problems.filter((p) => !p.node_id && !p.edge_id).map((p) => p.path || 'flow').join(', ')}).
        </Text>
      )}
    </Alert>
  );
}
