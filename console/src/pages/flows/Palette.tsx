import { Button, Paper, Stack, Title, Tooltip } from '@mantine/core';
import { NODE_TYPES, PALETTE, type NodeType } from './catalog';

/** The drag payload a palette button carries onto the canvas. */
export const DRAG_TYPE = 'application/x-converse-node-type';

/** One button per node type: a click adds the node in view, a drag drops it where it is let go. */
export function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  return (
    <Paper withBorder p="xs">
      <Title order={5} mb="xs">
        Add a step
      </Title>
      <Stack gap={4} className="flow-palette" aria-label="Node palette">
        {PALETTE.map((t) => (
          <Tooltip key={t} label={NODE_TYPES[t].description} position="right" openDelay={400}>
            <Button variant="default" size="xs" fullWidth draggable onDragStart={(e) => e.dataTransfer.setData(DRAG_TYPE, t)} onClick={() => onAdd(t)} aria-label={`Add ${NODE_TYPES[t].label} node`}>
              {NODE_TYPES[t].label}
            </Button>
          </Tooltip>
        ))}
      </Stack>
    </Paper>
  );
}
