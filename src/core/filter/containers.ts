/**
 * What encloses a position of a document (class bodies, interface and object types, object
 * literals, code blocks, strings, templates, JSX), and the lookup of the containers around an
 * offset.
 */
import type { Container, ContainerKind, FileFacts } from './facts';

/** Containers sorted by start (ties in the order found), each with the index of its parent. */
interface ContainerIndex {
  sorted: Container[];
  parent: Int32Array;
}
const containerIndexes = new WeakMap<Container[], ContainerIndex>();

function containerIndex(containers: Container[]): ContainerIndex {
  let ix = containerIndexes.get(containers);
  if (ix && ix.sorted.length === containers.length) return ix;
  // Found in a walk that visits parents before children, they are normally in order already.
  let inOrder = true;
  for (let i = 1; i < containers.length && inOrder; i++) inOrder = containers[i - 1].start <= containers[i].start;
  const sorted = inOrder
    ? containers
    : containers
        .map((c, i) => ({ c, i }))
        .sort((a, b) => a.c.start - b.c.start || a.i - b.i)
        .map((x) => x.c);
  const parent = new Int32Array(sorted.length);
  const stack: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i];
    while (stack.length && sorted[stack[stack.length - 1]].end < c.end) stack.pop();
    parent[i] = stack.length ? stack[stack.length - 1] : -1;
    stack.push(i);
  }
  ix = { sorted, parent };
  containerIndexes.set(containers, ix);
  return ix;
}

/**
 * The innermost container around an offset ('code' at the top level): of those that hold it, the
 * one that starts last (the last found among equal starts). Syntax nodes nest, so it is the last
 * container starting before the offset or one of its ancestors: a binary search and a short climb.
 */
export function containerAt(facts: FileFacts, offset: number): ContainerKind {
  return containersAt(facts, offset, 1)[0]?.kind ?? 'code';
}

/** The containers around an offset, innermost first (at most `max`). */
export function containersAt(facts: FileFacts, offset: number, max = Infinity): Container[] {
  const { sorted, parent } = containerIndex(facts.containers);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  const out: Container[] = [];
  for (let i = lo - 1; i >= 0 && out.length < max; i = parent[i]) if (offset <= sorted[i].end) out.push(sorted[i]);
  return out;
}

/** Tree-sitter node kinds that are containers (TypeScript/JavaScript). */
export const CONTAINER_KINDS: Record<string, ContainerKind> = {
  class_body: 'class',
  interface_body: 'interface',
  object_type: 'interface',
  object: 'object',
  statement_block: 'code',
  template_string: 'template',
  template_substitution: 'substitution',
  export_clause: 'exports',
  named_imports: 'imports',
  formal_parameters: 'params',
  string: 'string',
  jsx_element: 'jsx',
  jsx_fragment: 'jsx',
  jsx_opening_element: 'jsxtag',
  jsx_self_closing_element: 'jsxtag',
  jsx_expression: 'code',
};
