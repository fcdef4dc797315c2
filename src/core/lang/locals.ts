/**
 * Local declarations in scope at a position: the variables a function declared before the cursor
 * line, in the blocks that enclose it (not in sibling blocks, which are out of scope), and the
 * headers of the nested functions and callbacks the cursor is in. The outline (outline.ts) covers
 * declaration levels only; this covers the inside of the function being edited, for the part of
 * it the prompt's window no longer shows.
 */
import type { SyntaxNode } from './parser';

export interface LocalDeclaration {
  /** 0-based first and last line. */
  line: number;
  endLine: number;
  /** One line: the statement with its whitespace collapsed, a long initializer cut to `= …`. */
  text: string;
  /** Whether it is a nested function's header (its first line) rather than a declaration. */
  header: boolean;
}

interface LocalKinds {
  /** Statements that declare local variables. */
  decl: ReadonlySet<string>;
  /** Function-like nodes: the walk collects inside the outermost one only. */
  fn: ReadonlySet<string>;
  /** Whether a candidate statement declares (Python: an expression statement holding an assignment). */
  declares?: (n: SyntaxNode) => boolean;
}

const TS: LocalKinds = {
  decl: new Set(['lexical_declaration', 'variable_declaration']),
  fn: new Set(['arrow_function', 'function_expression', 'function_declaration', 'method_definition', 'generator_function', 'generator_function_declaration', 'function']),
};

const KINDS: Readonly<Record<string, LocalKinds>> = {
  typescript: TS,
  typescriptreact: TS,
  javascript: TS,
  javascriptreact: TS,
  python: {
    decl: new Set(['expression_statement']),
    fn: new Set(['function_definition', 'lambda']),
    declares: (n) => n.namedChild(0)?.type === 'assignment',
  },
  go: { decl: new Set(['short_var_declaration', 'var_declaration', 'const_declaration']), fn: new Set(['function_declaration', 'method_declaration', 'func_literal']) },
  rust: { decl: new Set(['let_declaration']), fn: new Set(['function_item', 'closure_expression']) },
  java: { decl: new Set(['local_variable_declaration']), fn: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']) },
};

/** Longest one-line rendering kept whole; a longer one keeps what is before its initializer. */
const WHOLE_MAX = 200;
/** Longest rendering at all (a long type annotation is cut with an ellipsis). */
const LINE_MAX = 320;
/** Characters of a statement read to render it (far more than LINE_MAX after whitespace is collapsed). */
const SCAN_MAX = 4 * 1024;

/** Whether local declarations are read for this language. */
export function hasLocals(languageId: string): boolean {
  return languageId in KINDS;
}

/**
 * The local declarations and nested function headers in scope at the start of line `row` (column
 * `column`), above that line, in file order. Empty outside any function, for languages without a
 * table above, and on any tree surprise.
 */
export function localsInScope(root: SyntaxNode, languageId: string, row: number, column: number): LocalDeclaration[] {
  const kinds = KINDS[languageId];
  if (!kinds) return [];
  try {
    const chain: SyntaxNode[] = [];
    for (let n: SyntaxNode | null = root.descendantForPosition({ row, column }); n; n = n.parent) chain.push(n);
    // Only inside the outermost function: top-level and class-level declarations are the outline's.
    let outer = -1;
    chain.forEach((n, i) => {
      if (kinds.fn.has(n.type)) outer = i;
    });
    if (outer < 0) return [];
    const out: LocalDeclaration[] = [];
    for (let i = 0; i <= outer; i++) {
      const a = chain[i];
      // A nested function's header; the outermost one's only when it is a callback (`it('…', () => {`),
      // since a declared function or method is in the outline already.
      if (kinds.fn.has(a.type) && a.startPosition.row < row && (i < outer || topOf(a).type === 'expression_statement'))
        out.push({ line: a.startPosition.row, endLine: a.startPosition.row, text: oneLine(firstLine(topOf(a).text)), header: true });
      for (const c of a.namedChildren) {
        if (!c || c.endPosition.row >= row) break;
        if (kinds.decl.has(c.type) && (!kinds.declares || kinds.declares(c)))
          out.push({ line: c.startPosition.row, endLine: c.endPosition.row, text: oneLine(c.text), header: false });
      }
    }
    return out.sort((x, y) => x.line - y.line);
  } catch {
    return [];
  }
}

/** A statement on one line: whitespace collapsed; a long one keeps what is before its ` = ` (name and type). */
export function oneLine(text: string): string {
  // Only the start is read: a local can be a thousand-line object literal, and this runs per prompt.
  const long = text.length > SCAN_MAX;
  const flat = (long ? text.slice(0, SCAN_MAX) : text).replace(/\s+/g, ' ').trim();
  if (!long && flat.length <= WHOLE_MAX) return flat;
  const eq = flat.indexOf(' = ');
  const head = eq > 0 ? flat.slice(0, eq) + ' = …' : long ? flat.slice(0, LINE_MAX - 1) + '…' : flat;
  return head.length <= LINE_MAX ? head : head.slice(0, LINE_MAX - 1) + '…';
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** The outermost node that starts on a function's first line (below the root): its call or declaration (`items.map((item) => {`). */
function topOf(fn: SyntaxNode): SyntaxNode {
  let top = fn;
  while (top.parent?.parent && top.parent.startPosition.row === fn.startPosition.row) top = top.parent;
  return top;
}
