/**
 * Strongly connected components of a directed graph (Tarjan), iterative so a 500-node chain cannot
 * overflow the stack; O(vertices + edges). `adjacency[v]` lists the successors of vertex v (0 … n-1).
 * Components come out in reverse topological order: each one after every component it can reach.
 */
export function stronglyConnectedComponents(adjacency: readonly (readonly number[])[]): number[][] {
  const n = adjacency.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const work: Array<{ v: number; next: number }> = [];
  const visit = (v: number): void => {
    order[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    work.push({ v, next: 0 });
  };
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const successors = adjacency[frame.v]!;
      if (frame.next < successors.length) {
        const w = successors[frame.next++]!;
        if (order[w] === -1) visit(w);
        else if (onStack[w] === 1) low[frame.v] = Math.min(low[frame.v]!, order[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent.v] = Math.min(low[parent.v]!, low[frame.v]!);
      if (low[frame.v] !== order[frame.v]) continue;
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        component.push(w);
      } while (w !== frame.v);
      components.push(component);
    }
  }
  return components;
}

/** A component is cyclic when it has more than one vertex or its one vertex has a self-loop. */
export const isCyclic = (component: readonly number[], adjacency: readonly (readonly number[])[]): boolean =>
  component.length > 1 || (adjacency[component[0]!] ?? []).includes(component[0]!);

/** Which vertices lie on a cycle (a self-loop counts). */
export function verticesOnCycles(adjacency: readonly (readonly number[])[]): boolean[] {
  const onCycle = new Array<boolean>(adjacency.length).fill(false);
  for (const component of stronglyConnectedComponents(adjacency)) {
    if (isCyclic(component, adjacency)) for (const v of component) onCycle[v] = true;
  }
  return onCycle;
}
