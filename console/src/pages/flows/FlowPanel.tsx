import { ActionIcon, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { NODE_TYPES } from './catalog';
import type { FlowDoc, Graph } from './graph';

type Variable = FlowDoc['variables'][number];

/** Shown when no node is selected: the flow's name, its first step and the session variables it expects. */
export function FlowPanel({ name, onName, variables, onVariables, graph, startId, onStart, readOnly }: {
  name: string;
  onName: (name: string) => void;
  variables: Variable[];
  onVariables: (v: Variable[]) => void;
  graph: Graph;
  startId: string | undefined;
  onStart: (id: string) => void;
  readOnly: boolean;
}) {
  const set = (i: number, patch: Partial<Variable>) =>
    onVariables(variables.map((v, j) => (j === i ? Object.fromEntries(Object.entries({ ...v, ...patch }).filter(([k, x]) => k === 'name' || x !== '')) as Variable : v)));
  const targets = graph.nodes.filter((n) => n.data.type !== 'entry').map((n) => ({ value: n.id, label: `${n.id} (${NODE_TYPES[n.data.type].label})` }));
  return (
    <fieldset disabled={readOnly} className="flow-fieldset">
      <Stack gap="sm" data-testid="flow-panel">
        <Title order={4}>Flow</Title>
        <Text size="sm" c="dimmed">
          {readOnly ? 'Select a node to see its settings.' : 'Add steps from the palette, connect a handle on the right of a card to the next card, and select a card to fill in its form.'}
        </Text>
        <TextInput label="Flow name" required value={name} onChange={(e) => onName(e.currentTarget.value)} />
        <Select label="First step" description="Where the Start node leads" placeholder="Not set" data={targets} value={startId ?? null} onChange={(v) => v && onStart(v)} searchable />
        <Paper withBorder p="sm">
          <Title order={5}>Session variables</Title>
          <Text size="xs" c="dimmed" mb="xs">
            Values the session starter passes with POST /sessions; nodes may use them as {'{{name}}'}.
          </Text>
          <Stack gap="xs">
            {variables.map((v, i) => (
              <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
                <TextInput label="Name" value={v.name} onChange={(e) => set(i, { name: e.currentTarget.value })} style={{ flex: 1 }} />
                <TextInput label="Default" value={v.default ?? ''} onChange={(e) => set(i, { default: e.currentTarget.value })} style={{ flex: 1 }} />
                <ActionIcon variant="subtle" color="red" aria-label={`Remove variable ${v.name}`} onClick={() => onVariables(variables.filter((_, j) => j !== i))}>
                  ×
                </ActionIcon>
              </Group>
            ))}
            {!readOnly && (
              <Button variant="default" size="xs" onClick={() => onVariables([...variables, { name: '' }])}>
                Add variable
              </Button>
            )}
          </Stack>
        </Paper>
      </Stack>
    </fieldset>
  );
}
