/**
 * Facts of one file or document from a real tree-sitter parse: its identifiers, top-level and
 * exported declarations, classes/interfaces/object types with their members, typed bindings with
 * their scopes, and imports. TypeScript/JavaScript and Python in depth; other languages get
 * identifiers and regex declarations (still grounded, less precise). The facts' shapes are in
 * facts.ts, the extractors per language in extractTs.ts and extractPy.ts, shared node readers in
 * treeNodes.ts, container lookups in containers.ts.
 */
import { declaredNames, stripStringsAndComments } from '../lang/identifiers';
import { parserIfReady, type Tree } from '../lang/parser';
import { familyOf, type Family } from './builtins';
import { fillFromOutline } from './extractOutlined';
import { emptyFacts, type FileFacts, type ImportFact } from './facts';
import { PyExtractor } from './extractPy';
import { TsExtractor } from './extractTs';

/** Families whose documents' types come from their outline. */
const OUTLINED: ReadonlySet<Family> = new Set(['go', 'rust', 'java']);

export { containerAt, containersAt } from './containers';
export type { Container, ContainerKind } from './facts';
export { tokensOf, type Binding, type ClassRange, type FileFacts, type ImportFact, type MutableShape } from './facts';
export { isNode, typeText } from './treeNodes';

/**
 * Extracts facts; parses synchronously when the grammar is loaded, else falls back to regexes. Go,
 * Rust and Java get regex declarations plus, with `outlined` and their grammar loaded, the types
 * the outline of a parse lists (extractOutlined.ts).
 */
export function extractFacts(text: string, languageId: string, outlined = true): FileFacts {
  const facts = emptyFacts(languageId, text);
  const family = familyOf(languageId);
  const parser = family === 'ts' || family === 'python' ? parserIfReady(languageId) : undefined;
  if (!parser) {
    for (const n of declaredNames(text, languageId)) facts.declared.add(n);
    for (const n of facts.declared) facts.exported.add(n);
    const scanned = outlined && OUTLINED.has(family) ? parserIfReady(languageId) : undefined;
    const tree = scanned?.parse(text);
    if (tree) {
      try {
        fillFromOutline(facts, tree, text);
      } finally {
        tree.delete();
      }
    }
    return facts;
  }
  const tree = parser.parse(text);
  if (!tree) return facts;
  try {
    fillFromTree(facts, tree, text);
  } finally {
    tree.delete();
  }
  return facts;
}

/**
 * Facts of the text before a cursor, its open brackets closed after it: what a document whose rest
 * does not parse (a method's first line typed over, so its body closes the class early and the class
 * becomes one ERROR node) still says about where the cursor is. Containers and classes still open
 * at the cursor reach past it.
 */
export function extractPrefixFacts(prefix: string, languageId: string): FileFacts {
  const closers = familyOf(languageId) === 'ts' ? closersFor(prefix, languageId) : '';
  return extractFacts(prefix + '\n' + closers, languageId);
}

/** Closers for the brackets `code` leaves open, innermost first; '' when none or when they mismatch. */
export function closersFor(code: string, languageId: string): string {
  const stack: string[] = [];
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  for (const c of stripStringsAndComments(code, languageId)) {
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return '';
    }
  }
  return stack.reverse().join('');
}

/**
 * A document's facts for questions at `cursor` when its parse is broken around the cursor: the
 * whole document's facts, plus what the parse of the text before the cursor adds (its classes,
 * types and typed bindings, and the containers at the cursor). A class still open at the cursor is
 * known only up to the cursor, so its member list is left open (members declared after the cursor
 * may exist).
 */
export function mergeAtCursor(full: FileFacts, prefix: FileFacts, cursor: number): FileFacts {
  const types = new Map(full.types);
  const openAtCursor = new Set(prefix.classes.filter((c) => c.start <= cursor && cursor <= c.end).map((c) => c.name));
  for (const [name, t] of prefix.types) {
    if (types.has(name)) continue;
    types.set(name, openAtCursor.has(name) ? { ...t, open: true } : t);
  }
  const importKey = (i: ImportFact) => `${i.local}\0${i.module}\0${i.imported}`;
  const imports = new Map(full.imports.map((i) => [importKey(i), i]));
  for (const i of prefix.imports) if (!imports.has(importKey(i))) imports.set(importKey(i), i);
  return {
    ...full,
    declared: new Set([...full.declared, ...prefix.declared]),
    types,
    imports: [...imports.values()],
    bindings: [...full.bindings, ...prefix.bindings],
    origins: [...full.origins, ...prefix.origins],
    classes: [...full.classes, ...prefix.classes.filter((c) => !full.classes.some((f) => f.name === c.name && f.start === c.start))],
    containers: prefix.containers,
    errors: prefix.errors,
    repaired: true,
  };
}

/**
 * Facts from a tree parsed elsewhere (the workspace symbol index's parse of a file), without a
 * parse of our own; regex facts for languages we do not extract in depth.
 */
export function extractFactsFromTree(tree: Tree, text: string, languageId: string): FileFacts {
  const family = familyOf(languageId);
  // Go, Rust and Java workspace types are read from the index's outlines (indexKnowledge.ts).
  if (family !== 'ts' && family !== 'python') return extractFacts(text, languageId, false);
  const facts = emptyFacts(languageId, text);
  fillFromTree(facts, tree, text);
  return facts;
}

function fillFromTree(facts: FileFacts, tree: Tree, text: string): void {
  facts.parsed = true;
  if (familyOf(facts.languageId) === 'ts') {
    new TsExtractor(facts).program(tree.rootNode);
    if (/\bmodule\.exports\b|\bexports\.|\(exports\b|__exportStar/.test(text)) facts.openExports = true;
  } else new PyExtractor(facts).module(tree.rootNode);
}
