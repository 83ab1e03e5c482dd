import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { ErrorDetail } from '../../api/errors';
import { getIn, NEXT, NODE_TYPES, slotsOf, type NodeData } from './catalog';
import type { CardNode, Graph } from './graph';
import { NodeForm, type Choice } from './NodeForm';

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface NodeActions {
  setConfig: (config: NodeData) => void;
  /** An error message, or null once renamed. */
  rename: (to: string) => string | null;
  connect: (handle: string, target: string | null) => void;
  setStart: () => void;
  remove: () => void;
}

/** The selected node: its id, its form, where each of its ways on leads, and its problems. */
export function NodePanel({ node, graph, problems, readOnly, tools, agents, actions }: { node: CardNode; graph: Graph; problems: ErrorDetail[]; readOnly: boolean; tools: Choice[]; agents: Choice[]; actions: NodeActions }) {
  const info = NODE_TYPES[node.data.type];
  const [idDraft, setIdDraft] = useState(node.id);
  const [idError, setIdError] = useState<string | null>(null);
  // The form owns its values; when the data changes from elsewhere (a connection drawn on the canvas
  // writes an edge id into it) the form starts again from the new data.
  const fromForm = useRef<NodeData | null>(null);
  const [formKey, setFormKey] = useState(0);
  useEffect(() => {
    if (node.data.config !== fromForm.current) setFormKey((k) => k + 1);
  }, [node.data.config]);

  const applyId = () => {
    if (idDraft === node.id) return setIdError(null);
    const problem = !ID_PATTERN.test(idDraft) ? 'Use 1–128 letters, digits and _ . : -' : actions.rename(idDraft);
    setIdError(problem);
  };
  const targets = graph.nodes.filter((n) => n.data.type !== 'entry').map((n) => ({ value: n.id, label: `${n.id} (${NODE_TYPES[n.data.type].label})` }));
  const targetOf = (handle: string, path: Array<string | number>) => {
    const edge = handle === NEXT ? graph.edges.find((e) => e.source === node.id && e.sourceHandle === NEXT) : graph.edges.find((e) => e.source === node.id && e.id === getIn(node.data.config, path));
    return edge?.target ?? null;
  };
  const slots = slotsOf({ type: node.data.type, data: node.data.config });

  return (
    <Stack gap="sm" data-testid="node-panel">
      <Title order={4}>{info.label}</Title>
      <Text size="sm" c="dimmed">
        {info.description}
      </Text>
      {problems.length > 0 && (
        <Alert color="red" title="The API refused this node" data-testid="node-panel-problems">
          <Stack gap={2}>
            {problems.map((p, i) => (
              <Text size="sm" key={i}>
                {p.message} <Text span size="xs" c="dimmed">({p.path})</Text>
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <fieldset disabled={readOnly} className="flow-fieldset">
        <Stack gap="sm">
          <TextInput
            label="Node id"
            description="Validation errors name nodes by id"
            value={idDraft}
            error={idError}
            onChange={(e) => setIdDraft(e.currentTarget.value)}
            onBlur={applyId}
            onKeyDown={(e) => e.key === 'Enter' && applyId()}
          />
          <NodeForm
            key={`${node.id}:${formKey}`}
            type={node.data.type}
            data={node.data.config}
            tools={tools}
            agents={agents}
            onChange={(config) => {
              fromForm.current = config;
              actions.setConfig(config);
            }}
          />
          {slots.length > 0 && (
            <Paper withBorder p="sm">
              <Title order={5} mb="xs">
                Connections
              </Title>
              <Stack gap="xs">
                {slots.map((s) => (
                  <Select
                    key={s.handle}
                    label={`${s.label}: goes to`}
                    placeholder="Not connected"
                    data={targets}
                    value={targetOf(s.handle, s.path)}
                    onChange={(v) => actions.connect(s.handle, v)}
                    clearable={!readOnly}
                    searchable
                  />
                ))}
              </Stack>
            </Paper>
          )}
          {!readOnly && (
            <Group>
              {node.data.type !== 'entry' && (
                <Button variant="default" size="xs" onClick={actions.setStart}>
                  Set as first step
                </Button>
              )}
              <Button variant="light" color="red" size="xs" onClick={actions.remove}>
                Delete node
              </Button>
            </Group>
          )}
        </Stack>
      </fieldset>
    </Stack>
  );
}
