/** Shared tree-walking helpers of the per-language outline walks. */
import { NAME } from '../identifiers';
import type { SyntaxNode } from '../parser';
import { type SymbolKind, type OutlineSymbol, type OutlineImport } from './types';

export function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Text of `node` up to the start of `body` (or the whole node), collapsed. */
export function sigUpTo(node: SyntaxNode, body: SyntaxNode | null | undefined, text: string, max = 240): string {
  const end = body ? body.startIndex : node.endIndex;
  // Collapse a bounded head first (a body-less node can be a whole file's worth of initializer):
  // when its collapsed form is already longer than `max`, its first `max` characters are the result's.
  const bound = node.startIndex + 4 * max + 64;
  if (end > bound) {
    const head = collapse(text.slice(node.startIndex, bound));
    if (head.length > max) return head.slice(0, max) + '…';
  }
  const s = collapse(text.slice(node.startIndex, end));
  return s.length > max ? s.slice(0, max) + '…' : s;
}

/** The type a TS/JS initializer gives without an annotation: `new Foo(…)` and `… as Foo` give `Foo`. */
export function initializerTypeName(value: SyntaxNode | null | undefined): string | undefined {
  if (!value) return undefined;
  if (value.type === 'new_expression') return bareTypeName(field(value, 'constructor')?.text);
  if (value.type === 'as_expression') {
    const t = value.namedChildren[1];
    return t && t.type !== 'predefined_type' ? bareTypeName(t.text) : undefined;
  }
  return undefined;
}

/** A type expression's qualifiers (`pkg.`, `a::b::`) and then its name, after leading `&*[]`. */
const BARE_TYPE_NAME = new RegExp(String.raw`^[&*\[\]\s]*(?:${NAME}\s*(?:\.|::)\s*)*(${NAME})`);

/** The leading bare type name of a type expression: `Promise<Foo[]>` → 'Promise', `*pkg.T` → 'T', `: Foo` → 'Foo'. */
export function bareTypeName(t: string | undefined): string | undefined {
  if (!t) return undefined;
  // Leading modifiers, references and pointers: `readonly T[]`, `&'a mut T`, `*T`, `[]T`, `[4]T`, `dyn T`, `impl T`.
  const s = t.replace(/^(?:[\s:]+|(?:readonly|const|mut|dyn|impl)\s+|&(?:'\w+\s*)?|\*|\[\d*\])+/, '');
  const m = BARE_TYPE_NAME.exec(s);
  return m ? m[1] : undefined;
}

export function bareNames(list: string): string[] {
  // Drop generic arguments, then take identifiers that start each comma-separated item.
  let depth = 0;
  let flat = '';
  for (const ch of list) {
    if (ch === '<' || ch === '[' || ch === '(') depth++;
    else if (ch === '>' || ch === ']' || ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) flat += ch;
  }
  const out: string[] = [];
  for (const item of flat.split(/[,&|+]/)) {
    const n = bareTypeName(item.replace(/\b(extends|implements)\b/g, ' '));
    if (n) out.push(n);
  }
  return out;
}

export function sym(name: string, kind: SymbolKind, node: SyntaxNode, signature: string, exported: boolean, extra: Partial<OutlineSymbol> = {}): OutlineSymbol {
  return {
    name,
    kind,
    signature,
    line: node.startPosition.row,
    endLine: node.endPosition.row,
    exported,
    heritage: [],
    members: [],
    ...extra,
  };
}

/** The text inside a quoted string literal (`'x'`, `"x"`, `` `x` ``); undefined for anything else. */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  const t = node?.text;
  return t !== undefined && /^(['"`]).*\1$/s.test(t) ? t.slice(1, -1) : undefined;
}

/** Field ids by name, per grammar (`childForFieldName` looks the name up in the grammar's field list on every call). */
const fieldIds = new WeakMap<object, Map<string, number>>();

/** The child in field `name` of `node` (null when none): `node.childForFieldName(name)` with the field id cached. */
export function field(node: SyntaxNode | null | undefined, name: string): SyntaxNode | null {
  if (!node) return null;
  const lang = node.tree.language;
  let ids = fieldIds.get(lang);
  if (!ids) fieldIds.set(lang, (ids = new Map()));
  let id = ids.get(name);
  if (id === undefined) ids.set(name, (id = lang.fields.indexOf(name)));
  return id > 0 ? node.childForFieldId(id) : null;
}

/** Named children, with ERROR nodes flattened into the list. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'ERROR') out.push(...kids(c));
    else out.push(c);
  }
  return out;
}

/** What a language's outline walk collects. */
export interface Acc {
  symbols: OutlineSymbol[];
  imports: OutlineImport[];
  exports: Set<string>;
  reexportAll: string[];
  packageName?: string;
}
