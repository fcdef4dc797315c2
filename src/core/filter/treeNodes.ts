/**
 * Small readers of tree-sitter nodes shared by the per-language fact extractors: type text,
 * scopes, string values, `new T()` initialisers.
 */
import type { SyntaxNode } from '../lang/parser';

/** Text of a type without generics, arrays kept as `X[]`, nullables dropped. */
export function typeText(n: SyntaxNode | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'type_annotation' || n.type === 'type') return typeText(n.namedChildren.filter(isNode)[0]);
  return n.text.replace(/\s+/g, ' ');
}

/** Node kinds that bound a binding's visibility. */
const SCOPES = new Set([
  'statement_block',
  'function_declaration',
  'function_expression',
  'arrow_function',
  'method_definition',
  'class_body',
  'program',
  'for_statement',
  'for_in_statement',
  'generator_function_declaration',
  'block',
  'function_definition',
  'module',
  'catch_clause',
]);

export function scopeOf(n: SyntaxNode): SyntaxNode {
  let p = n.parent;
  while (p && !SCOPES.has(p.type)) p = p.parent;
  return p ?? n;
}

/** `new T(…)` → `new:T`. */
export function newType(n: SyntaxNode | null): string | undefined {
  if (n?.type === 'await_expression') return undefined;
  if (n?.type !== 'new_expression') return undefined;
  const c = n.childForFieldName('constructor');
  return c && (c.type === 'identifier' || c.type === 'member_expression') ? `new:${c.text}` : undefined;
}

export function stripQuotes(s: string): string {
  return /^(['"]).*\1$/.test(s) ? s.slice(1, -1) : s;
}

export function isNode(x: SyntaxNode | null): x is SyntaxNode {
  return x !== null;
}
