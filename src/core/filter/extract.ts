/**
 * Facts of one file or document from a real tree-sitter parse: its identifiers, top-level and
 * exported declarations, classes/interfaces/object types with their members, typed bindings with
 * their scopes, and imports. TypeScript/JavaScript and Python in depth; other languages get
 * identifiers and regex declarations (still grounded, less precise).
 */
import { declaredNames, stripStringsAndComments } from '../eval/identifiers';
import { parserIfReady, type SyntaxNode, type Tree } from '../syntax/parser';
import type { TypeShape } from './knowledge';
import { familyOf } from './builtins';
import { classBodyImports } from './pyClassBody';

export interface ImportFact {
  /** The local name it binds. */
  local: string;
  module: string;
  /** The exported name, or 'default' / '*'. */
  imported: string;
}

export interface Binding {
  name: string;
  /** The declared type as written (`Store`, `Map<string, X>`), or `new:T` for `new T()` / `T()`. */
  type: string;
  /** The range in which it is visible (its enclosing block / function / file). */
  scopeStart: number;
  scopeEnd: number;
}

export interface ClassRange {
  name: string;
  start: number;
  end: number;
}

export interface FileFacts {
  languageId: string;
  tokens: Set<string>;
  declared: Set<string>;
  exported: Set<string>;
  types: Map<string, MutableShape>;
  imports: ImportFact[];
  bindings: Binding[];
  classes: ClassRange[];
  /** End offset of the last import statement (where an auto-import goes). */
  importsEnd: number;
  /** The file uses `require` rather than `import`. */
  commonJs: boolean;
  /** Relative imports end in `.js` (ESM TypeScript). */
  jsExtensions: boolean;
  /** Parsed with tree-sitter (false: identifiers and regexes only). */
  parsed: boolean;
  /** `export * from 'm'` modules, whose exports are this file's too. */
  reexports: string[];
  /** Exports we cannot list (CommonJS `exports`, `export =`). */
  openExports: boolean;
  /** What encloses positions: class bodies, interface/object types, object literals, code blocks. */
  containers: Container[];
  /** Ranges of the parse's ERROR nodes (the document as typed is often broken somewhere). */
  errors: { start: number; end: number }[];
  /** Completed from a parse of the text before the cursor (mergeAtCursor): the whole document's parse is broken there. */
  repaired?: boolean;
}

/**
 * `template`: the text of a template literal; `substitution`: a `${…}` in one; `jsx`: a JSX
 * element's children (text and tags); `jsxtag`: the attributes of a JSX opening tag.
 */
export type ContainerKind = 'class' | 'interface' | 'object' | 'code' | 'string' | 'template' | 'substitution' | 'exports' | 'imports' | 'params' | 'jsx' | 'jsxtag';

export interface Container {
  kind: ContainerKind;
  start: number;
  end: number;
}

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
  const sorted = inOrder ? containers : containers.map((c, i) => ({ c, i })).sort((a, b) => a.c.start - b.c.start || a.i - b.i).map((x) => x.c);
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

const CONTAINER_KINDS: Record<string, ContainerKind> = {
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

export interface MutableShape extends TypeShape {
  readonly members: Set<string>;
  readonly memberTypes: Map<string, string>;
  readonly bases: string[];
  open: boolean;
}

const IDENT = /[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*/g;

export function tokensOf(text: string, into = new Set<string>()): Set<string> {
  for (const m of text.matchAll(IDENT)) into.add(m[0]);
  return into;
}

function emptyFacts(languageId: string, text: string): FileFacts {
  return {
    languageId,
    tokens: tokensOf(text),
    declared: new Set(),
    exported: new Set(),
    types: new Map(),
    imports: [],
    bindings: [],
    classes: [],
    importsEnd: 0,
    commonJs: false,
    jsExtensions: false,
    parsed: false,
    containers: [],
    errors: [],
    reexports: [],
    openExports: false,
  };
}

/** Extracts facts; parses synchronously when the grammar is loaded, else falls back to regexes. */
export function extractFacts(text: string, languageId: string): FileFacts {
  const facts = emptyFacts(languageId, text);
  const family = familyOf(languageId);
  const parser = family === 'ts' || family === 'python' ? parserIfReady(languageId) : undefined;
  if (!parser) {
    for (const n of declaredNames(text, languageId)) facts.declared.add(n);
    for (const n of facts.declared) facts.exported.add(n);
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
  if (family !== 'ts' && family !== 'python') return extractFacts(text, languageId);
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

function shape(facts: FileFacts, name: string, kind: TypeShape['kind']): MutableShape {
  let s = facts.types.get(name);
  if (!s) {
    s = { name, kind, members: new Set(), memberTypes: new Map(), bases: [], open: false };
    facts.types.set(name, s);
  }
  return s;
}

/** Text of a type without generics, arrays kept as `X[]`, nullables dropped. */
export function typeText(n: SyntaxNode | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'type_annotation' || n.type === 'type') return typeText(n.namedChildren.filter(isNode)[0]);
  return n.text.replace(/\s+/g, ' ');
}

const SCOPES = new Set(['statement_block', 'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'class_body', 'program', 'for_statement', 'for_in_statement', 'generator_function_declaration', 'block', 'function_definition', 'module', 'catch_clause']);

function scopeOf(n: SyntaxNode): SyntaxNode {
  let p = n.parent;
  while (p && !SCOPES.has(p.type)) p = p.parent;
  return p ?? n;
}

class TsExtractor {
  constructor(private readonly f: FileFacts) {}

  program(root: SyntaxNode): void {
    for (const s of root.namedChildren.filter(isNode)) this.topLevel(s, false);
    this.walk(root, undefined);
  }

  private topLevel(s: SyntaxNode, exported: boolean): void {
    const add = (name: string | undefined) => {
      if (!name) return;
      this.f.declared.add(name);
      if (exported) this.f.exported.add(name);
    };
    switch (s.type) {
      case 'export_statement': {
        const d = s.childForFieldName('declaration');
        if (d) this.topLevel(d, true);
        for (const c of s.namedChildren.filter(isNode)) {
          if (c.type === 'export_clause') for (const sp of c.namedChildren.filter(isNode)) add((sp.childForFieldName('alias') ?? sp.childForFieldName('name'))?.text);
          if (c.type !== 'export_clause' && c !== d && s.text.startsWith('export default')) this.f.exported.add('default');
        }
        const source = s.childForFieldName('source');
        if (source) {
          this.f.importsEnd = Math.max(this.f.importsEnd, s.endIndex);
          const spec = stringValue(source);
          const star = !s.namedChildren.some((c) => c?.type === 'export_clause' || c?.type === 'namespace_export');
          if (spec !== undefined && star) this.f.reexports.push(spec);
          for (const c of s.namedChildren) if (c?.type === 'namespace_export') add(c.namedChildren.find((x) => x?.type === 'identifier')?.text);
        }
        if (/^export\s*=/.test(s.text)) this.f.openExports = true;
        break;
      }
      case 'import_statement':
        this.importStatement(s);
        break;
      case 'lexical_declaration':
      case 'variable_declaration':
        for (const d of s.namedChildren.filter(isNode)) if (d.type === 'variable_declarator') for (const n of this.patternNames(d.childForFieldName('name'))) add(n);
        this.requireImports(s);
        break;
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'interface_declaration':
      case 'type_alias_declaration':
      case 'enum_declaration':
      case 'function_signature':
      case 'module':
      case 'internal_module':
        add(s.childForFieldName('name')?.text);
        break;
      case 'ambient_declaration':
        for (const c of s.namedChildren.filter(isNode)) this.topLevel(c, exported);
        break;
      case 'expression_statement': {
        // module.exports = { a, b } / exports.x = …
        const t = s.text;
        if (/^(module\.)?exports\b/.test(t)) for (const m of t.matchAll(/exports\.([A-Za-z_$][\w$]*)|\b([A-Za-z_$][\w$]*)\b(?=\s*[,}:])/g)) add(m[1] ?? m[2]);
        break;
      }
    }
  }

  private importStatement(s: SyntaxNode): void {
    this.f.importsEnd = Math.max(this.f.importsEnd, s.endIndex);
    const src = s.childForFieldName('source');
    const module = src ? stringValue(src) : undefined;
    if (module === undefined) return;
    if (module.startsWith('.') && /\.js$/.test(module)) this.f.jsExtensions = true;
    const clause = s.namedChildren.filter(isNode).find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const c of clause.namedChildren.filter(isNode)) {
      if (c.type === 'identifier') this.imp(c.text, module, 'default');
      else if (c.type === 'namespace_import') {
        const id = c.namedChildren.filter(isNode).find((x) => x.type === 'identifier');
        if (id) this.imp(id.text, module, '*');
      } else if (c.type === 'named_imports') {
        for (const sp of c.namedChildren.filter(isNode)) {
          if (sp.type !== 'import_specifier') continue;
          const name = sp.childForFieldName('name')?.text;
          const alias = sp.childForFieldName('alias')?.text;
          if (name) this.imp(alias ?? name, module, name);
        }
      }
    }
  }

  private imp(local: string, module: string, imported: string): void {
    this.f.imports.push({ local, module, imported });
    this.f.declared.add(local);
  }

  /** const x = require('m'), const { a, b } = require('m') */
  private requireImports(s: SyntaxNode): void {
    for (const d of s.namedChildren.filter(isNode)) {
      if (d.type !== 'variable_declarator') continue;
      const v = d.childForFieldName('value');
      if (v?.type !== 'call_expression' || v.childForFieldName('function')?.text !== 'require') continue;
      const arg = v.childForFieldName('arguments')?.namedChildren.filter(isNode)[0];
      const module = arg?.type === 'string' ? stringValue(arg) : undefined;
      if (module === undefined) continue;
      this.f.commonJs = true;
      this.f.importsEnd = Math.max(this.f.importsEnd, s.endIndex);
      const name = d.childForFieldName('name');
      if (name?.type === 'identifier') this.imp(name.text, module, '*');
      else if (name?.type === 'object_pattern') {
        for (const p of name.namedChildren.filter(isNode)) {
          if (p.type === 'shorthand_property_identifier_pattern') this.imp(p.text, module, p.text);
          else if (p.type === 'pair_pattern') {
            const key = p.childForFieldName('key')?.text;
            const val = p.childForFieldName('value');
            if (key && val?.type === 'identifier') this.imp(val.text, module, key);
          }
        }
      }
    }
  }

  /** Names bound by a pattern (identifier, destructuring, rest). */
  patternNames(n: SyntaxNode | null | undefined): string[] {
    if (!n) return [];
    switch (n.type) {
      case 'identifier':
      case 'shorthand_property_identifier_pattern':
        return [n.text];
      case 'object_pattern':
      case 'array_pattern':
      case 'rest_pattern':
      case 'assignment_pattern':
      case 'object_assignment_pattern':
        return n.namedChildren.filter(isNode).flatMap((c) => (c.type === 'pair_pattern' ? this.patternNames(c.childForFieldName('value')) : c === n.childForFieldName('right') ? [] : this.patternNames(c)));
      case 'pair_pattern':
        return this.patternNames(n.childForFieldName('value'));
      default:
        return [];
    }
  }

  private walk(n: SyntaxNode, cls: MutableShape | undefined): void {
    if (n.type === 'ERROR') this.f.errors.push({ start: n.startIndex, end: n.endIndex });
    const container = CONTAINER_KINDS[n.type];
    if (container) this.f.containers.push({ kind: container, start: n.startIndex, end: n.endIndex - 1 });
    switch (n.type) {
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'class': {
        const name = n.childForFieldName('name')?.text;
        if (name) {
          const s = shape(this.f, name, 'class');
          this.f.classes.push({ name, start: n.startIndex, end: n.endIndex });
          for (const h of n.namedChildren.filter(isNode)) {
            if (h.type !== 'class_heritage') continue;
            for (const c of h.namedChildren.filter(isNode)) {
              if (c.type === 'extends_clause') {
                const v = c.childForFieldName('value') ?? c.namedChildren.filter(isNode)[0];
                if (v) s.bases.push(v.text);
              } else if (c.type !== 'implements_clause' && c.type.endsWith('expression')) s.bases.push(c.text);
              else if (c.type === 'identifier' || c.type === 'member_expression') s.bases.push(c.text);
            }
          }
          const body = n.childForFieldName('body');
          if (body) this.f.containers.push({ kind: 'class', start: body.startIndex, end: body.endIndex - 1 });
          if (body) for (const c of body.namedChildren.filter(isNode)) this.walk(c, s);
          return;
        }
        break;
      }
      case 'interface_declaration': {
        const name = n.childForFieldName('name')?.text;
        if (name) {
          const s = shape(this.f, name, 'interface');
          for (const c of n.namedChildren.filter(isNode)) if (c.type === 'extends_type_clause') for (const t of c.namedChildren.filter(isNode)) s.bases.push(t.text);
          const body = n.childForFieldName('body');
          if (body) this.f.containers.push({ kind: 'interface', start: body.startIndex, end: body.endIndex - 1 });
          if (body) this.objectMembers(body, s);
          return;
        }
        break;
      }
      case 'type_alias_declaration': {
        const name = n.childForFieldName('name')?.text;
        const v = n.childForFieldName('value');
        if (name && v) this.aliasShape(v, shape(this.f, name, 'alias'));
        return;
      }
      case 'enum_declaration': {
        const name = n.childForFieldName('name')?.text;
        const body = n.childForFieldName('body');
        if (name && body) {
          const s = shape(this.f, name, 'enum');
          for (const c of body.namedChildren.filter(isNode)) {
            const m = c.type === 'enum_assignment' ? c.childForFieldName('name') : c;
            if (m) s.members.add(stripQuotes(m.text));
          }
        }
        return;
      }
      case 'public_field_definition':
      case 'field_definition':
        if (cls) {
          const name = (n.childForFieldName('name') ?? n.childForFieldName('property'))?.text;
          if (name) {
            cls.members.add(stripQuotes(name).replace(/^#/, '#'));
            const t = typeText(n.childForFieldName('type')) ?? newType(n.childForFieldName('value'));
            if (t) cls.memberTypes.set(name, t);
          }
        }
        break;
      case 'method_definition':
      case 'abstract_method_signature':
      case 'method_signature':
        if (cls) {
          const name = n.childForFieldName('name')?.text;
          if (name && name !== 'constructor') cls.members.add(stripQuotes(name));
          if (name === 'constructor') {
            for (const p of n.childForFieldName('parameters')?.namedChildren.filter(isNode) ?? []) {
              if (!p.namedChildren.filter(isNode).some((c) => c.type === 'accessibility_modifier' || c.type === 'readonly' || c.text === 'readonly')) continue;
              const id = p.childForFieldName('pattern');
              if (id?.type === 'identifier') {
                cls.members.add(id.text);
                const t = typeText(p.childForFieldName('type'));
                if (t) cls.memberTypes.set(id.text, t);
              }
            }
          }
        }
        break;
      case 'index_signature':
        if (cls) cls.open = true;
        break;
      case 'assignment_expression': {
        // this.x = … inside a class declares x (JavaScript classes).
        const left = n.childForFieldName('left');
        if (cls && left?.type === 'member_expression' && left.childForFieldName('object')?.type === 'this') {
          const p = left.childForFieldName('property')?.text;
          if (p) {
            cls.members.add(p);
            const t = newType(n.childForFieldName('right'));
            if (t && !cls.memberTypes.has(p)) cls.memberTypes.set(p, t);
          }
        }
        break;
      }
      case 'variable_declarator': {
        const name = n.childForFieldName('name');
        if (name?.type === 'identifier') {
          const t = typeText(n.childForFieldName('type')) ?? newType(n.childForFieldName('value'));
          // Untyped in a nested scope, it still shadows outer bindings of the name: its type is then
          // unknown ("exists somewhere"). Top-level names keep their own lookup (classes, objects).
          if (t) this.bind(name.text, t, n);
          else if (scopeOf(n).type !== 'program') this.bind(name.text, 'unknown', n);
        }
        break;
      }
      case 'required_parameter':
      case 'optional_parameter': {
        const id = n.childForFieldName('pattern');
        const t = typeText(n.childForFieldName('type'));
        if (id?.type === 'identifier' && t) this.bind(id.text, t, n, true);
        break;
      }
    }
    for (const c of n.namedChildren.filter(isNode)) this.walk(c, cls);
  }

  private bind(name: string, type: string, at: SyntaxNode, param = false): void {
    let scope = scopeOf(at);
    // A parameter is visible in what owns its parameter list: a function, or a signature without a
    // body (an overload, a method signature, a function type), never beyond it.
    if (param) scope = at.parent?.type === 'formal_parameters' && at.parent.parent ? at.parent.parent : at;
    this.f.bindings.push({ name, type, scopeStart: scope.startIndex, scopeEnd: scope.endIndex });
  }

  private objectMembers(body: SyntaxNode, s: MutableShape): void {
    for (const m of body.namedChildren.filter(isNode)) {
      if (m.type === 'index_signature') s.open = true;
      const name = m.childForFieldName('name');
      if (!name || m.type === 'index_signature') continue;
      const key = stripQuotes(name.text);
      s.members.add(key);
      const t = typeText(m.childForFieldName('type'));
      if (t && m.type === 'property_signature') s.memberTypes.set(key, t);
    }
  }

  private aliasShape(v: SyntaxNode, s: MutableShape): void {
    switch (v.type) {
      case 'object_type':
        this.objectMembers(v, s);
        return;
      case 'intersection_type':
      case 'union_type':
        for (const p of v.namedChildren.filter(isNode)) this.aliasShape(p, s);
        return;
      case 'type_identifier':
      case 'generic_type':
      case 'nested_type_identifier':
        s.bases.push(v.text);
        return;
      case 'parenthesized_type':
        for (const p of v.namedChildren.filter(isNode)) this.aliasShape(p, s);
        return;
      default:
        // Mapped, conditional, keyof …: members we cannot list.
        s.open = true;
    }
  }
}

class PyExtractor {
  constructor(private readonly f: FileFacts) {}

  module(root: SyntaxNode): void {
    for (const s of root.namedChildren.filter(isNode)) this.topLevel(s);
    this.walk(root, undefined);
  }

  private topLevel(s: SyntaxNode): void {
    const add = (n: string | undefined) => {
      if (n && !n.startsWith('__')) {
        this.f.declared.add(n);
        if (!n.startsWith('_')) this.f.exported.add(n);
      }
    };
    switch (s.type) {
      case 'function_definition':
      case 'class_definition':
        add(s.childForFieldName('name')?.text);
        break;
      case 'decorated_definition':
        this.topLevel(s.childForFieldName('definition') ?? s.namedChildren.filter(isNode)[s.namedChildren.filter(isNode).length - 1]);
        break;
      case 'expression_statement':
        for (const c of s.namedChildren.filter(isNode)) if (c.type === 'assignment') for (const n of assignTargets(c.childForFieldName('left'))) add(n);
        break;
      case 'import_statement':
      case 'import_from_statement':
        this.f.importsEnd = Math.max(this.f.importsEnd, s.endIndex);
        this.importStatement(s);
        break;
      case 'if_statement':
      case 'try_statement':
        for (const c of s.namedChildren.filter(isNode)) if (c.type === 'block' || c.type.endsWith('clause')) for (const x of c.namedChildren.filter(isNode)) if (x.type === 'block') x.namedChildren.filter(isNode).forEach((y) => this.topLevel(y));
        else this.topLevel(x);
        break;
    }
  }

  private importStatement(s: SyntaxNode): void {
    if (s.type === 'import_statement') {
      for (const n of s.namedChildren.filter(isNode)) {
        if (n.type === 'dotted_name') this.imp(n.text.split('.')[0], n.text.split('.')[0], '*');
        else if (n.type === 'aliased_import') {
          const mod = n.childForFieldName('name')?.text;
          const alias = n.childForFieldName('alias')?.text;
          if (mod && alias) this.imp(alias, mod, '*');
        }
      }
      return;
    }
    const modNode = s.childForFieldName('module_name');
    const module = modNode?.text ?? '';
    for (const n of s.namedChildren.filter(isNode)) {
      if (n === modNode) continue;
      if (n.type === 'dotted_name') this.imp(n.text, module, n.text);
      else if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (name && alias) this.imp(alias, module, name);
      }
    }
  }

  private imp(local: string, module: string, imported: string): void {
    this.f.imports.push({ local, module, imported });
    this.f.declared.add(local);
  }

  private walk(n: SyntaxNode, cls: MutableShape | undefined): void {
    switch (n.type) {
      case 'class_definition': {
        const name = n.childForFieldName('name')?.text;
        if (name) {
          const s = shape(this.f, name, 'class');
          this.f.classes.push({ name, start: n.startIndex, end: n.endIndex });
          for (const b of n.childForFieldName('superclasses')?.namedChildren.filter(isNode) ?? []) {
            if (b.type === 'identifier' || b.type === 'attribute') s.bases.push(b.text);
            else if (b.type !== 'keyword_argument') s.open = true;
          }
          for (const c of n.childForFieldName('body')?.namedChildren.filter(isNode) ?? []) {
            for (const m of classBodyImports(c)) s.members.add(m);
            this.walk(c, s);
          }
          return;
        }
        break;
      }
      case 'function_definition': {
        const name = n.childForFieldName('name')?.text;
        if (cls && name && n.parent?.parent?.type === 'class_definition') {
          cls.members.add(name);
          if (name === '__getattr__' || name === '__getattribute__') cls.open = true;
        } else if (cls && name && n.parent?.type === 'decorated_definition' && n.parent.parent?.parent?.type === 'class_definition') cls.members.add(name);
        for (const p of n.childForFieldName('parameters')?.namedChildren.filter(isNode) ?? []) {
          if (p.type === 'typed_parameter' || p.type === 'typed_default_parameter') {
            const id = p.type === 'typed_parameter' ? p.namedChildren.filter(isNode).find((c) => c.type === 'identifier') : p.childForFieldName('name');
            const t = typeText(p.childForFieldName('type'));
            if (id && t) this.f.bindings.push({ name: id.text, type: stripQuotes(t), scopeStart: n.startIndex, scopeEnd: n.endIndex });
          }
        }
        break;
      }
      case 'assignment': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        const t = typeText(n.childForFieldName('type')) ?? pyCallType(right);
        if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' && cls) {
          const a = left.childForFieldName('attribute')?.text;
          if (a) {
            cls.members.add(a);
            if (t && !cls.memberTypes.has(a)) cls.memberTypes.set(a, stripQuotes(t));
          }
        } else if (left?.type === 'identifier') {
          // Class-level fields (dataclasses, enums).
          if (cls && n.parent?.parent?.parent?.type === 'class_definition') {
            cls.members.add(left.text);
            if (t) cls.memberTypes.set(left.text, stripQuotes(t));
          } else if (t) {
            const scope = scopeOf(n);
            this.f.bindings.push({ name: left.text, type: stripQuotes(t), scopeStart: scope.startIndex, scopeEnd: scope.endIndex });
          }
        }
        break;
      }
    }
    for (const c of n.namedChildren.filter(isNode)) this.walk(c, cls);
  }
}

function assignTargets(n: SyntaxNode | null): string[] {
  if (!n) return [];
  if (n.type === 'identifier') return [n.text];
  if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern') return n.namedChildren.filter(isNode).flatMap(assignTargets);
  return [];
}

/** `X(…)` with a capitalised X: an instance of class X. */
function pyCallType(n: SyntaxNode | null): string | undefined {
  if (n?.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  return name && /^[A-Z]/.test(name) ? `new:${name}` : undefined;
}

/** `new T(…)` → `new:T`. */
function newType(n: SyntaxNode | null): string | undefined {
  if (n?.type === 'await_expression') return undefined;
  if (n?.type !== 'new_expression') return undefined;
  const c = n.childForFieldName('constructor');
  return c && (c.type === 'identifier' || c.type === 'member_expression') ? `new:${c.text}` : undefined;
}

function stringValue(n: SyntaxNode): string | undefined {
  const t = n.text;
  return /^(['"`]).*\1$/s.test(t) ? t.slice(1, -1) : undefined;
}

function stripQuotes(s: string): string {
  return /^(['"]).*\1$/.test(s) ? s.slice(1, -1) : s;
}

export function isNode(x: SyntaxNode | null): x is SyntaxNode {
  return x !== null;
}
