/**
 * Positions for a flow's nodes. The flow document has no place for them (nodes are `{id, type, data}`,
 * all strict), so the editor lays every loaded flow out the same way: columns by distance from the
 * entry (breadth-first along the edges in document order), nodes in a column in the order they were
 * reached, then anything unreachable in a last column; three columns to a band. The same flow always
 * gets the same picture.
 */
import { slotsOf, type ApiEdge, type ApiNode } from './catalog';

export interface XY {
  x: number;
  y: number;
}

const COLUMN_WIDTH = 340;
const ROW_GAP = 40;
const BAND_GAP = 60;
const COLUMNS = 3;
/** A card's height without measuring it: a header and summary, then one row per handle. */
export const estimatedHeight = (node: ApiNode): number => 86 + 26 * slotsOf(node).length;

export function autoLayout(nodes: readonly ApiNode[], edges: readonly ApiEdge[]): Record<string, XY> {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const depth = new Map<string, number>();
  const order: string[] = [];
  const known = new Set(nodes.map((n) => n.id));
  const queue = nodes.filter((n) => n.type === 'entry').map((n) => n.id);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const next of out.get(id) ?? []) {
      if (!known.has(next) || depth.has(next)) continue;
      depth.set(next, depth.get(id)! + 1);
      queue.push(next);
    }
  }
  const lastColumn = Math.max(-1, ...depth.values()) + 1;
  for (const n of nodes) {
    if (depth.has(n.id)) continue;
    depth.set(n.id, lastColumn);
    order.push(n.id);
  }
  // Long flows wrap: every COLUMNS depths start a new band below the previous one, so a chain of
  // twenty steps stays readable at the canvas's zoom instead of becoming one very wide row.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const columnHeight = new Map<number, number>();
  const slot = new Map<string, number>();
  for (const id of order) {
    const column = depth.get(id)!;
    const y = columnHeight.get(column) ?? 0;
    slot.set(id, y);
    columnHeight.set(column, y + estimatedHeight(byId.get(id)!) + ROW_GAP);
  }
  const bandTop: number[] = [0];
  for (let band = 0; band * COLUMNS <= lastColumn; band++) {
    const columns = [...columnHeight].filter(([c]) => Math.floor(c / COLUMNS) === band).map(([, h]) => h);
    bandTop[band + 1] = bandTop[band]! + Math.max(0, ...columns) + BAND_GAP;
  }
  const positions: Record<string, XY> = {};
  for (const id of order) {
    const column = depth.get(id)!;
    positions[id] = { x: (column % COLUMNS) * COLUMN_WIDTH, y: bandTop[Math.floor(column / COLUMNS)]! + slot.get(id)! };
  }
  return positions;
}
