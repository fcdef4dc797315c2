/**
 * What an edit rewrites. A selection is widened to whole lines. With no selection, the enclosing
 * statement or function (tree-sitter) for the languages we ship grammars for; elsewhere the
 * paragraph (non-blank lines) around the cursor, or the cursor's line when it is blank.
 */
import { parse, type SyntaxNode } from '../lang/parser';
import type { OffsetRange } from './rebase';

export type TargetKind = 'selection' | 'statement' | 'function' | 'paragraph' | 'line';

export interface EditTarget extends OffsetRange {
  kind: TargetKind;
}

/** Widens [start, end) to whole lines; the last line's break is not included. */
export function wholeLines(text: string, start: number, end: number): OffsetRange {
  const s = text.lastIndexOf('\n', start - 1) + 1;
  // A selection that ends at the start of a line does not take that line.
  let e = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const nl = text.indexOf('\n', e);
  e = nl < 0 ? text.length : nl;
  if (e > s && text[e - 1] === '\r') e--;
  return { start: s, end: Math.max(s, e) };
}

/** The region for a selection (widened to whole lines). */
export function selectionTarget(text: string, start: number, end: number): EditTarget {
  return { ...wholeLines(text, start, end), kind: 'selection' };
}

const STATEMENT = /(?:_statement|_declaration|_definition|_item|^statement|^declaration)$/;
const NOT_A_TARGET = /parameter|^empty_statement$|^program$|^source_file$|^module$/;
const FUNCTION_LIKE = /function|method|arrow|lambda|class|impl|constructor|interface|struct|trait|enum/;
/** Wrappers that belong with what they wrap. */
const WRAPPER = /^(?:export_statement|decorated_definition)$/;

/** The region to edit at `offset` when nothing is selected. */
export async function targetAt(text: string, offset: number, languageId: string): Promise<EditTarget> {
  const node = await enclosingStatement(text, offset, languageId);
  if (node) return { ...wholeLines(text, node.start, node.end), kind: node.kind };
  return paragraphAt(text, offset);
}

async function enclosingStatement(text: string, offset: number, languageId: string): Promise<{ start: number; end: number; kind: TargetKind } | undefined> {
  let tree;
  try {
    tree = await parse(text, languageId);
  } catch {
    return undefined;
  }
  if (!tree) return undefined;
  try {
    const probe = probeOffset(text, offset);
    let node: SyntaxNode | null = tree.rootNode.descendantForIndex(probe, probe);
    while (node && !(STATEMENT.test(node.type) && !NOT_A_TARGET.test(node.type))) node = node.parent;
    if (!node || node.parent === null) return undefined;
    const kind: TargetKind = FUNCTION_LIKE.test(node.type) ? 'function' : 'statement';
    while (node.parent && WRAPPER.test(node.parent.type)) node = node.parent;
    return { start: node.startIndex, end: node.endIndex, kind };
  } finally {
    tree.delete();
  }
}

/** A point inside the cursor's line's code: not in its indentation, not past its end. */
function probeOffset(text: string, offset: number): number {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  let le = text.indexOf('\n', offset);
  if (le < 0) le = text.length;
  const line = text.slice(ls, le);
  const first = line.search(/\S/);
  if (first < 0) return offset;
  const last = line.trimEnd().length - 1;
  return ls + Math.min(Math.max(offset - ls, first), last);
}

/** The non-blank lines around the cursor; the cursor's line alone when it is blank. */
export function paragraphAt(text: string, offset: number): EditTarget {
  const lines = text.split('\n');
  const starts: number[] = [];
  let o = 0;
  for (const l of lines) {
    starts.push(o);
    o += l.length + 1;
  }
  let li = 0;
  while (li + 1 < starts.length && starts[li + 1] <= offset) li++;
  const blank = (i: number) => lines[i].trim() === '';
  if (blank(li)) return { ...wholeLines(text, starts[li], starts[li]), kind: 'line' };
  let a = li;
  let b = li;
  while (a > 0 && !blank(a - 1)) a--;
  while (b + 1 < lines.length && !blank(b + 1)) b++;
  return { ...wholeLines(text, starts[a], starts[b] + lines[b].length), kind: a === b ? 'line' : 'paragraph' };
}
