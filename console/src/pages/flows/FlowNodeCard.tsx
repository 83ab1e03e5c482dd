import { Handle, Position, type NodeProps } from '@xyflow/react';
import { createContext, useContext } from 'react';
import type { ErrorDetail } from '../../api/errors';
import { NEXT, NODE_TYPES, slotsOf, summaryOf } from './catalog';
import type { CardNode } from './graph';

/** What every card needs from the editor without threading it through node data. */
export const CardContext = createContext<{ problems: ReadonlyMap<string, ErrorDetail[]>; startId: string | undefined }>({ problems: new Map(), startId: undefined });

/**
 * One node on the canvas: its type, id and a one-line summary, the API's problems for it, and one
 * source handle per way on (next, each key / branch / class, the default and the exits).
 */
export function FlowNodeCard({ id, data, selected }: NodeProps<CardNode>) {
  const { problems, startId } = useContext(CardContext);
  const mine = problems.get(id) ?? [];
  const info = NODE_TYPES[data.type];
  const slots = slotsOf({ type: data.type, data: data.config });
  const classes = ['flow-card', `flow-card-${info.shape}`, selected ? 'is-selected' : '', mine.length ? 'has-problems' : ''].join(' ');
  return (
    <div className={classes} data-testid={`node-${id}`} data-node-type={data.type}>
      {data.type !== 'entry' && <Handle type="target" position={Position.Left} className="flow-handle-target" />}
      <div className="flow-card-head">
        <span className="flow-card-type">{info.label}</span>
        <span className="flow-card-id">{id}</span>
        {startId === id && <span className="flow-card-start">first step</span>}
      </div>
      <div className="flow-card-summary">{summaryOf({ type: data.type, data: data.config })}</div>
      {mine.length > 0 && (
        <ul className="flow-card-problems" data-testid={`problems-${id}`}>
          {mine.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      {slots.map((s) => (
        <div key={s.handle} className="flow-card-slot" data-handle={s.handle}>
          <span>{s.label}</span>
          <Handle type="source" position={Position.Right} id={s.handle} className="flow-handle-source" />
        </div>
      ))}
      {data.unnamedOut && !slots.some((s) => s.handle === NEXT) && (
        <div className="flow-card-slot flow-card-unnamed">
          <span>Edge its data does not name</span>
          <Handle type="source" position={Position.Right} id={NEXT} className="flow-handle-source" />
        </div>
      )}
    </div>
  );
}
