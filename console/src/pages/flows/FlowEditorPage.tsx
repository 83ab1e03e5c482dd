import '@xyflow/react/dist/style.css';
import './flows.css';
import { Alert, Button, Center, FileButton, Grid, Loader, Paper } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { applyEdgeChanges, applyNodeChanges, Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, useReactFlow, type EdgeChange, type NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ApiError, type ErrorDetail } from '../../api/errors';
import { useCan } from '../../auth/useSession';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySaved } from '../../components/notify';
import { PageHeader } from '../../components/PageHeader';
import { DialNowButton } from '../calls/DialNow';
import { NEXT, NODE_TYPES, slotsOf, type NodeType } from './catalog';
import { FlowNodeCard, CardContext } from './FlowNodeCard';
import { FlowPanel } from './FlowPanel';
import { addNode, connect, disconnect, fromDoc, removeEdges, removeNodes, renameNode, setConfig, setStart, startOf, toDoc, type FlowDoc, type Graph } from './graph';
import { checkFlow, downloadFlow, readFlowFile } from './io';
import { NodePanel } from './NodePanel';
import { DRAG_TYPE, Palette } from './Palette';
import { ProblemList } from './ProblemList';
import { UnsavedChangesGuard } from './UnsavedChangesGuard';
import { templateById } from './templates';

const nodeTypes = { flow: FlowNodeCard };

const blankFlow = (): FlowDoc => ({ name: 'New flow', nodes: [{ id: 'start', type: 'entry', data: {} }], edges: [], variables: [] });

function newDoc(template: string | null): FlowDoc {
  const t = templateById(template);
  return t ? { ...structuredClone(t.flow), variables: t.flow.variables ?? [] } : blankFlow();
}

const snapshot = (doc: FlowDoc) => JSON.stringify(doc);

/** Below `at` until no card starts there, so a card added from the palette never hides another. */
function freeSpot(g: Graph, at: { x: number; y: number }) {
  const spot = { ...at };
  while (g.nodes.some((n) => Math.abs(n.position.x - spot.x) < 200 && spot.y >= n.position.y - 40 && spot.y < n.position.y + (n.measured?.height ?? 120) + 20)) spot.y += 40;
  return spot;
}

/**
 * `/flows/new[?template=…]` and `/flows/:id`: the visual editor. The flow document is the state; the
 * canvas, the node forms and the connection selects all edit it, Save sends it whole (POST, then PUT),
 * and the API's validation problems are drawn on the nodes and edges they name.
 */
export function FlowEditorPage() {
  const { id = 'new' } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const isNew = id === 'new';
  const flow = useQuery({ queryKey: ['flow', id], enabled: !isNew, queryFn: () => unwrap(api.GET('/api/v1/flows/{id}', { params: { path: { id } } })) });
  // A new flow keeps its editor (and the positions drawn) when its first save moves it to /flows/:id.
  const editorKey = (location.state as { editorKey?: string } | null)?.editorKey ?? id;
  if (!isNew && flow.error) return <ErrorAlert error={flow.error} title="Flow not available" />;
  if (!isNew && !flow.data)
    return (
      <Center h={200}>
        <Loader aria-label="Loading the flow" />
      </Center>
    );
  const initial: FlowDoc = isNew ? newDoc(params.get('template')) : { name: flow.data!.name, nodes: flow.data!.nodes, edges: flow.data!.edges, variables: flow.data!.variables };
  return (
    <ReactFlowProvider>
      <Editor key={editorKey} editorKey={editorKey} savedId={isNew ? null : id} initial={initial} />
    </ReactFlowProvider>
  );
}

function Editor({ editorKey, savedId, initial }: { editorKey: string; savedId: string | null; initial: FlowDoc }) {
  const readOnly = !useCan('config:write');
  const canRun = useCan('sessions:run');
  const navigate = useNavigate();
  const queries = useQueryClient();
  const flowApi = useReactFlow();
  const canvas = useRef<HTMLDivElement>(null);

  const [name, setName] = useState(initial.name);
  const [variables, setVariables] = useState(initial.variables);
  const [graph, setGraph] = useState<Graph>(() => fromDoc(initial));
  const doc = useMemo(() => toDoc(name, variables, graph), [name, variables, graph]);
  const [saved, setSaved] = useState(() => (savedId ? snapshot(toDoc(initial.name, initial.variables, fromDoc(initial))) : snapshot(toDoc(blankFlow().name, [], fromDoc(blankFlow())))));
  const dirty = snapshot(doc) !== saved;
  const [problems, setProblems] = useState<ErrorDetail[]>([]);
  const [importError, setImportError] = useState<unknown>(null);
  const [imported, setImported] = useState<string | null>(null);

  const tools = useQuery({ queryKey: ['tools', 'options'], queryFn: () => unwrap(api.GET('/api/v1/tools', { params: { query: { limit: 200 } } })) });
  const agents = useQuery({ queryKey: ['agents', 'options'], queryFn: () => unwrap(api.GET('/api/v1/agents', { params: { query: { limit: 200 } } })) });
  const toolChoices = (tools.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  const agentChoices = (agents.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }));

  // Set while the first save of a new flow moves to the flow's own URL (the guard lets that pass).
  const leaving = useRef(false);

  const byNode = useMemo(() => {
    const map = new Map<string, ErrorDetail[]>();
    for (const p of problems) if (p.node_id) map.set(p.node_id, [...(map.get(p.node_id) ?? []), p]);
    return map;
  }, [problems]);
  const badEdges = useMemo(() => new Set(problems.flatMap((p) => (p.edge_id ? [p.edge_id] : []))), [problems]);
  const startId = startOf(graph);
  const cardContext = useMemo(() => ({ problems: byNode, startId }), [byNode, startId]);
  const selected = graph.nodes.find((n) => n.selected);

  const edges = useMemo(() => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    return graph.edges.map((e) => {
      const source = byId.get(e.source);
      const slot = source && e.sourceHandle !== NEXT ? slotsOf({ type: source.data.type, data: source.data.config }).find((s) => s.handle === e.sourceHandle) : undefined;
      return { ...e, label: e.data?.label ?? slot?.label, markerEnd: { type: MarkerType.ArrowClosed }, className: badEdges.has(e.id) ? 'edge-problem' : undefined };
    });
  }, [graph, badEdges]);

  const forgetProblems = (nodeId: string) => setProblems((ps) => (ps.some((p) => p.node_id === nodeId) ? ps.filter((p) => p.node_id !== nodeId) : ps));
  const select = (nodeId: string | null) => setGraph((g) => ({ ...g, nodes: g.nodes.map((n) => (Boolean(n.selected) === (n.id === nodeId) ? n : { ...n, selected: n.id === nodeId })) }));

  const onNodesChange = useCallback((changes: NodeChange<Graph['nodes'][number]>[]) => {
    const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
    setGraph((g) => {
      const moved = { ...g, nodes: applyNodeChanges(changes.filter((c) => c.type !== 'remove'), g.nodes) };
      return removed.size ? removeNodes(moved, removed) : moved;
    });
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<Graph['edges'][number]>[]) => {
    const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
    setGraph((g) => {
      const kept = { ...g, edges: applyEdgeChanges(changes.filter((c) => c.type !== 'remove'), g.edges) };
      return removed.size ? removeEdges(kept, removed) : kept;
    });
  }, []);

  const add = (type: NodeType, at?: { x: number; y: number }) => {
    const box = canvas.current?.getBoundingClientRect();
    const center = box ? flowApi.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 3 }) : { x: 0, y: 0 };
    setGraph((g) => {
      const { graph: next, id } = addNode(g, type, at ?? freeSpot(g, center));
      return { ...next, nodes: next.nodes.map((n) => ({ ...n, selected: n.id === id })) };
    });
  };
  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_TYPE) as NodeType;
    if (!NODE_TYPES[type]) return;
    e.preventDefault();
    add(type, flowApi.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  const save = useMutation({
    mutationFn: () => (savedId ? unwrap(api.PUT('/api/v1/flows/{id}', { params: { path: { id: savedId } }, body: doc })) : unwrap(api.POST('/api/v1/flows', { body: doc }))),
    onSuccess: (out) => {
      // The API trims texts: take its version, keeping the positions drawn here.
      const stored: FlowDoc = { name: out.name, nodes: out.nodes, edges: out.edges, variables: out.variables };
      const positions = Object.fromEntries(graph.nodes.map((n) => [n.id, n.position]));
      const next = fromDoc(stored, positions);
      setGraph({ ...next, nodes: next.nodes.map((n) => ({ ...n, selected: n.id === selected?.id })) });
      setName(out.name);
      setVariables(out.variables);
      setSaved(snapshot(toDoc(out.name, out.variables, next)));
      setProblems([]);
      notifySaved(savedId ? 'Flow saved' : 'Flow created');
      queries.setQueryData(['flow', out.id], out);
      void queries.invalidateQueries({ queryKey: ['flows'] });
      if (!savedId) {
        leaving.current = true;
        void navigate(`/flows/${out.id}`, { replace: true, state: { editorKey } });
        leaving.current = false;
      }
    },
    onError: (err) => setProblems(err instanceof ApiError && err.code === 'validation_error' ? err.details : []),
  });

  // Cleared after each import, so choosing the same file again (after fixing it) imports it again.
  const resetFileInput = useRef<() => void>(null);
  const importFile = async (file: File | null) => {
    resetFileInput.current?.();
    if (!file) return;
    setImportError(null);
    setImported(null);
    try {
      const doc = await readFlowFile(file);
      const found = checkFlow(doc, tools.isSuccess && agents.isSuccess ? { toolIds: toolChoices.map((t) => t.value), agentIds: agentChoices.map((a) => a.value) } : null);
      setGraph(fromDoc(doc));
      setName(doc.name);
      setVariables(doc.variables);
      setProblems(found);
      save.reset();
      setImported(`Imported “${doc.name}”: ${found.length ? `${found.length} problem${found.length === 1 ? '' : 's'} to fix before saving` : 'save to keep it'}.`);
      flowApi.fitView();
    } catch (err) {
      setImportError(err);
    }
  };

  const nodeActions = selected && {
    setConfig: (config: typeof selected.data.config) => {
      setGraph((g) => setConfig(g, selected.id, config));
      forgetProblems(selected.id);
    },
    rename: (to: string) => {
      if (graph.nodes.some((n) => n.id === to)) return `Another node is called ${to}`;
      setGraph((g) => renameNode(g, selected.id, to));
      forgetProblems(selected.id);
      return null;
    },
    connect: (handle: string, target: string | null) => setGraph((g) => (target ? connect(g, selected.id, handle, target) : disconnect(g, selected.id, handle))),
    setStart: () => setGraph((g) => setStart(g, selected.id)),
    remove: () => {
      setGraph((g) => removeNodes(g, new Set([selected.id])));
      forgetProblems(selected.id);
    },
  };

  return (
    <>
      <PageHeader
        title={name || 'Flow'}
        description={readOnly ? 'Read only: your role cannot change flows.' : dirty ? 'Unsaved changes' : savedId ? 'All changes saved' : 'Not saved yet'}
        actions={
          <>
            {savedId && canRun && (
              <Button variant="default" component={Link} to={`/playground?flow=${savedId}`}>
                Test in playground
              </Button>
            )}
            {savedId && <DialNowButton target={{ flow_id: savedId }} />}
            <Button variant="default" onClick={() => downloadFlow(doc)}>
              Export JSON
            </Button>
            {!readOnly && (
              <FileButton resetRef={resetFileInput} onChange={(f) => void importFile(f)} accept="application/json,.json">
                {(props) => (
                  <Button variant="default" {...props}>
                    Import JSON
                  </Button>
                )}
              </FileButton>
            )}
            {!readOnly && (
              <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!dirty && !!savedId}>
                {savedId ? 'Save' : 'Create flow'}
              </Button>
            )}
          </>
        }
      />
      <ErrorAlert error={importError} title="Could not import the file" />
      {imported && (
        <Alert color="blue" mb="md" role="status" withCloseButton onClose={() => setImported(null)} data-testid="import-status">
          {imported}
        </Alert>
      )}
      {save.error && !(save.error instanceof ApiError && save.error.code === 'validation_error') && <ErrorAlert error={save.error} title="Could not save the flow" />}
      <ProblemList problems={problems} onSelect={select} />
      <Grid>
        {!readOnly && (
          <Grid.Col span={{ base: 12, md: 2 }}>
            <Palette onAdd={(t) => add(t)} />
          </Grid.Col>
        )}
        <Grid.Col span={{ base: 12, md: readOnly ? 8 : 6 }}>
          <div className="flow-canvas" ref={canvas} onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="flow-canvas">
            <CardContext.Provider value={cardContext}>
              <ReactFlow
                nodes={graph.nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={(c) => setGraph((g) => connect(g, c.source, c.sourceHandle ?? NEXT, c.target))}
                nodesDraggable={!readOnly}
                nodesConnectable={!readOnly}
                deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
                fitView
                minZoom={0.2}
                aria-label="Flow canvas"
              >
                <Background />
                <Controls showInteractive={false} />
              </ReactFlow>
            </CardContext.Provider>
          </div>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="md">
            {selected && nodeActions ? (
              <NodePanel key={selected.id} node={selected} graph={graph} problems={byNode.get(selected.id) ?? []} readOnly={readOnly} tools={toolChoices} agents={agentChoices} actions={nodeActions} />
            ) : (
              <FlowPanel name={name} onName={setName} variables={variables} onVariables={setVariables} graph={graph} startId={startId} onStart={(target) => setGraph((g) => setStart(g, target))} readOnly={readOnly} />
            )}
          </Paper>
        </Grid.Col>
      </Grid>
      <UnsavedChangesGuard dirty={dirty} bypass={leaving} />
    </>
  );
}
