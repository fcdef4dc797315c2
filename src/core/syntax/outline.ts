/**
 * Outlines: a file's declarations as signatures without bodies, plus its imports and exports.
 *
 * The Outline types are a public interface: the workspace symbol index (context/symbolIndex.ts)
 * is built from them and the consistency filter reads them through that index. Keep them stable.
 *
 * Extraction walks only declaration levels of a real tree-sitter tree (top level, class/interface/
 * impl/namespace bodies), never whole function bodies, so it stays cheap. ERROR nodes are
 * tolerated: their named children are visited as if they were at the same level.
 */
import { createHash } from 'node:crypto';
import type { SyntaxNode, Tree } from './parser';
import { parserIfReady, getParser } from './parser';

export type SymbolKind =
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'enumMember'
  | 'function'
  | 'method'
  | 'constructor'
  | 'field'
  | 'variable'
  | 'namespace'
  | 'struct'
  | 'trait';

/** Longest signature kept for a type alias that is a union without object parts (its values). */
const UNION_SIGNATURE_MAX = 1200;

export interface OutlineSymbol {
  name: string;
  kind: SymbolKind;
  /** The declaration without its body, whitespace collapsed (e.g. `async m<U>(p: U): Promise<void>`). */
  signature: string;
  /** 0-based first and last line of the whole declaration. */
  line: number;
  endLine: number;
  /** Visible outside its file/module (TS/JS `export`, Go capitalised, Rust `pub`, Java non-private, Python no leading `_`). */
  exported: boolean;
  /** Bare names of what it extends/implements/embeds (generics stripped): `extends Bar<T> implements Baz` → ['Bar', 'Baz']. */
  heritage: string[];
  /** Members of classes, interfaces, object type aliases, enums, structs, traits, namespaces (Go/Rust methods are attached to their type). */
  members: OutlineSymbol[];
  /** Bare name of a field's/variable's declared type, when written (`x: Foo<Bar>` → 'Foo'), or of its TS/JS `new Foo(…)` / `… as Foo` initializer. */
  typeName?: string;
  /** Bare name of a function's/method's declared return type, when written (`Promise<Foo>` → 'Promise'). */
  returnType?: string;
}

export interface ImportBinding {
  /** The local name it is bound to in this file. */
  local: string;
  /** The name in the imported module ('default' for a default import, '*' for a namespace import). */
  imported: string;
}

export interface OutlineImport {
  /** The module specifier as written: './a', 'lodash', 'os.path', '.x' (Python relative), 'a/b' (Go), 'crate::a::B' (Rust), 'java.util.List'. */
  module: string;
  bindings: ImportBinding[];
  line: number;
}

export interface Outline {
  languageId: string;
  /** Package/module name the file declares (Go `package`, Java `package`), when it does. */
  packageName?: string;
  symbols: OutlineSymbol[];
  imports: OutlineImport[];
  /** Names this file exports (its own exported declarations and named re-exports). */
  exports: string[];
  /** Modules re-exported wholesale (`export * from './x'`). */
  reexportAll: string[];
  /** The tree had ERROR/MISSING nodes (the outline is best effort). */
  hasErrors: boolean;
}

export const OUTLINE_LANGUAGES: ReadonlySet<string> = new Set([
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'python',
  'go',
  'rust',
  'java',
]);

// ---------------------------------------------------------------------------------------------
// helpers

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Text of `node` up to the start of `body` (or the whole node), collapsed. */
function sigUpTo(node: SyntaxNode, body: SyntaxNode | null | undefined, text: string, max = 240): string {
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
function initializerTypeName(value: SyntaxNode | null | undefined): string | undefined {
  if (!value) return undefined;
  if (value.type === 'new_expression') return bareTypeName(field(value, 'constructor')?.text);
  if (value.type === 'as_expression') {
    const t = value.namedChildren[1];
    return t && t.type !== 'predefined_type' ? bareTypeName(t.text) : undefined;
  }
  return undefined;
}

/** The leading bare type name of a type expression: `Promise<Foo[]>` → 'Promise', `*pkg.T` → 'T', `: Foo` → 'Foo'. */
export function bareTypeName(t: string | undefined): string | undefined {
  if (!t) return undefined;
  // Leading modifiers, references and pointers: `readonly T[]`, `&'a mut T`, `*T`, `[]T`, `[4]T`, `dyn T`, `impl T`.
  const s = t.replace(/^(?:[\s:]+|(?:readonly|const|mut|dyn|impl)\s+|&(?:'\w+\s*)?|\*|\[\d*\])+/, '');
  const m = /^[&*\[\]\s]*(?:[A-Za-z_$][\w$]*\s*(?:\.|::)\s*)*([A-Za-z_$][\w$]*)/.exec(s);
  return m ? m[1] : undefined;
}

function bareNames(list: string): string[] {
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

function sym(
  name: string,
  kind: SymbolKind,
  node: SyntaxNode,
  signature: string,
  exported: boolean,
  extra: Partial<OutlineSymbol> = {},
): OutlineSymbol {
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

function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const t = node.text;
  const m = /^[`'"](.*)[`'"]$/s.exec(t);
  return m ? m[1] : t;
}

/** Field ids by name, per grammar (`childForFieldName` looks the name up in the grammar's field list on every call). */
const fieldIds = new WeakMap<object, Map<string, number>>();

/** The child in field `name` of `node` (null when none): `node.childForFieldName(name)` with the field id cached. */
function field(node: SyntaxNode | null | undefined, name: string): SyntaxNode | null {
  if (!node) return null;
  const lang = node.tree.language;
  let ids = fieldIds.get(lang);
  if (!ids) fieldIds.set(lang, (ids = new Map()));
  let id = ids.get(name);
  if (id === undefined) ids.set(name, (id = lang.fields.indexOf(name)));
  return id > 0 ? node.childForFieldId(id) : null;
}

/** Named children, with ERROR nodes flattened into the list. */
function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'ERROR') out.push(...kids(c));
    else out.push(c);
  }
  return out;
}

interface Acc {
  symbols: OutlineSymbol[];
  imports: OutlineImport[];
  exports: Set<string>;
  reexportAll: string[];
  packageName?: string;
}

// ---------------------------------------------------------------------------------------------
// TypeScript / JavaScript / TSX

function tsTypeAnn(node: SyntaxNode | null): string | undefined {
  return node ? collapse(node.text).replace(/^:\s*/, '') : undefined;
}

function tsMembers(body: SyntaxNode | null, text: string): OutlineSymbol[] {
  if (!body) return [];
  const out: OutlineSymbol[] = [];
  for (const m of kids(body)) {
    switch (m.type) {
      case 'method_definition':
      case 'method_signature':
      case 'abstract_method_signature': {
        const name = field(m, 'name')?.text;
        if (!name) break;
        const isCtor = name === 'constructor';
        const s = sym(name, isCtor ? 'constructor' : 'method', m, sigUpTo(m, field(m, 'body'), text), !/^(private|#)/.test(m.text), {
          returnType: bareTypeName(tsTypeAnn(field(m, 'return_type'))),
        });
        out.push(s);
        if (isCtor) {
          // Parameter properties: constructor(private a: A) declares field a.
          for (const p of kids(field(m, 'parameters') ?? m)) {
            if ((p.type === 'required_parameter' || p.type === 'optional_parameter') && p.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.text === 'readonly')) {
              const pn = field(p, 'pattern')?.text;
              if (pn) out.push(sym(pn, 'field', p, collapse(p.text), !/^private/.test(p.text), { typeName: bareTypeName(tsTypeAnn(field(p, 'type'))) }));
            }
          }
        }
        break;
      }
      case 'public_field_definition':
      case 'property_signature':
      case 'field_definition': {
        const nameNode = field(m, 'name') ?? field(m, 'property');
        const name = nameNode?.text;
        if (!name) break;
        const value = field(m, 'value');
        let sig = collapse(text.slice(m.startIndex, value ? value.startIndex : m.endIndex)).replace(/\s*=\s*$/, '');
        if (value && value.endIndex - value.startIndex <= 60 && !value.text.includes('\n')) sig = collapse(m.text);
        else if (value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')) {
          sig = `${sig} = ${sigUpTo(value, field(value, 'body'), text)}`;
        }
        out.push(sym(name, 'field', m, sig.replace(/;$/, ''), !/^(private|#)/.test(m.text), { typeName: bareTypeName(tsTypeAnn(field(m, 'type'))) ?? initializerTypeName(value) }));
        break;
      }
      case 'call_signature':
      case 'construct_signature':
      case 'index_signature':
        out.push(sym(m.type === 'construct_signature' ? 'new' : '', 'method', m, collapse(m.text).replace(/;$/, ''), true));
        break;
      case 'class_static_block':
        break;
      case 'property_identifier':
      case 'enum_assignment': {
        const name = m.type === 'property_identifier' ? m.text : field(m, 'name')?.text;
        if (name) out.push(sym(name, 'enumMember', m, collapse(m.text), true));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function tsHeritage(node: SyntaxNode): string[] {
  const out: string[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'class_heritage' || c.type === 'extends_type_clause') out.push(...bareNames(c.text.replace(/\b(extends|implements)\b/g, ',')));
  }
  return out;
}

function tsDeclaration(node: SyntaxNode, text: string, exported: boolean, acc: Acc, out: OutlineSymbol[]): void {
  const name = field(node, 'name')?.text;
  switch (node.type) {
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'class': {
      if (!name) return;
      const body = field(node, 'body');
      out.push(sym(name, 'class', node, sigUpTo(node, body, text), exported, { heritage: tsHeritage(node), members: tsMembers(body, text) }));
      return;
    }
    case 'interface_declaration': {
      if (!name) return;
      const body = field(node, 'body');
      out.push(sym(name, 'interface', node, sigUpTo(node, body, text), exported, { heritage: tsHeritage(node), members: tsMembers(body, text) }));
      return;
    }
    case 'type_alias_declaration': {
      if (!name) return;
      const value = field(node, 'value');
      const objects: SyntaxNode[] = [];
      const heritage: string[] = [];
      if (value) {
        const parts = value.type === 'intersection_type' || value.type === 'union_type' ? kids(value) : [value];
        for (const p of parts) {
          if (p.type === 'object_type') objects.push(p);
          else if (p.type === 'type_identifier' || p.type === 'generic_type' || p.type === 'nested_type_identifier') {
            const n = bareTypeName(p.text);
            if (n && value.type === 'intersection_type') heritage.push(n);
          }
        }
      }
      const members = objects.flatMap((o) => tsMembers(o, text));
      const sig = value && value.text.length > 160 && objects.length > 0 ? sigUpTo(node, value, text) + (value.type === 'object_type' ? ' {' : ' {…}') : collapse(node.text).replace(/;$/, '');
      // A union of literals/names is the type's list of values (`type Format = "email" | "url" | …`):
      // kept longer than other signatures, since code that uses the type writes those values.
      const sigMax = value?.type === 'union_type' && objects.length === 0 ? UNION_SIGNATURE_MAX : 240;
      out.push(sym(name, 'type', node, sig.length > sigMax ? sig.slice(0, sigMax) + '…' : sig, exported, { heritage, members }));
      return;
    }
    case 'enum_declaration': {
      if (!name) return;
      const body = field(node, 'body');
      out.push(sym(name, 'enum', node, sigUpTo(node, body, text), exported, { members: tsMembers(body, text) }));
      return;
    }
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'function_signature': {
      if (!name) return;
      out.push(
        sym(name, 'function', node, sigUpTo(node, field(node, 'body'), text).replace(/;$/, ''), exported, {
          returnType: bareTypeName(tsTypeAnn(field(node, 'return_type'))),
        }),
      );
      return;
    }
    case 'lexical_declaration':
    case 'variable_declaration': {
      const kw = node.child(0)?.text ?? 'const';
      for (const d of kids(node)) {
        if (d.type !== 'variable_declarator') continue;
        const nameNode = field(d, 'name');
        if (!nameNode) continue;
        const value = field(d, 'value');
        if (value && value.type === 'call_expression' && field(value, 'function')?.text === 'require') {
          const mod = stringValue(field(value, 'arguments')?.namedChildren[0]);
          if (mod) acc.imports.push({ module: mod, bindings: tsPatternNames(nameNode).map((n) => ({ local: n, imported: nameNode.type === 'identifier' ? 'default' : n })), line: node.startPosition.row });
          continue;
        }
        const typeName = bareTypeName(tsTypeAnn(field(d, 'type'))) ?? (nameNode.type === 'identifier' ? initializerTypeName(value) : undefined);
        for (const n of tsPatternNames(nameNode)) {
          let sig: string;
          let kind: SymbolKind = 'variable';
          let members: OutlineSymbol[] = [];
          let returnType: string | undefined;
          if (value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')) {
            kind = 'function';
            sig = `${kw} ${collapse(text.slice(d.startIndex, value.startIndex))} ${sigUpTo(value, field(value, 'body'), text)}`;
            returnType = bareTypeName(tsTypeAnn(field(value, 'return_type')));
          } else if (value && value.type === 'class') {
            kind = 'class';
            const body = field(value, 'body');
            members = tsMembers(body, text);
            sig = `${kw} ${collapse(text.slice(d.startIndex, body ? body.startIndex : d.endIndex))}`;
          } else if (value && value.type === 'object') {
            members = tsObjectMembers(value, text);
            sig = `${kw} ${collapse(text.slice(d.startIndex, value.startIndex))} { … }`;
          } else if (value && value.text.length > 80) {
            sig = `${kw} ${collapse(text.slice(d.startIndex, value.startIndex))}…`;
          } else sig = `${kw} ${collapse(d.text)}`;
          out.push(sym(n, kind, node, sig.length > 240 ? sig.slice(0, 240) + '…' : sig, exported, { typeName, members, returnType }));
        }
      }
      return;
    }
    case 'internal_module':
    case 'module': {
      if (!name) return;
      const body = field(node, 'body');
      const inner: OutlineSymbol[] = [];
      if (body) for (const c of kids(body)) tsStatement(c, text, acc, inner, true);
      out.push(sym(stringValue(field(node, 'name')) ?? name, 'namespace', node, sigUpTo(node, body, text), exported, { members: inner }));
      return;
    }
    case 'ambient_declaration':
      for (const c of kids(node)) tsDeclaration(c, text, exported, acc, out);
      return;
    default:
      return;
  }
}

function tsObjectMembers(obj: SyntaxNode, text: string): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const p of kids(obj)) {
    if (p.type === 'pair') {
      const k = field(p, 'key');
      const v = field(p, 'value');
      if (!k) continue;
      const sig = v && (v.type === 'arrow_function' || v.type === 'function_expression') ? `${k.text}: ${sigUpTo(v, field(v, 'body'), text)}` : collapse(p.text).slice(0, 100);
      out.push(sym(k.text, v && (v.type === 'arrow_function' || v.type === 'function_expression') ? 'method' : 'field', p, sig, true));
    } else if (p.type === 'method_definition') {
      const n = field(p, 'name')?.text;
      if (n) out.push(sym(n, 'method', p, sigUpTo(p, field(p, 'body'), text), true));
    } else if (p.type === 'shorthand_property_identifier') {
      out.push(sym(p.text, 'field', p, p.text, true));
    }
  }
  return out;
}

function tsPatternNames(n: SyntaxNode): string[] {
  if (n.type === 'identifier') return [n.text];
  const out: string[] = [];
  const walk = (x: SyntaxNode) => {
    for (const c of x.namedChildren) {
      if (!c) continue;
      if (c.type === 'shorthand_property_identifier_pattern' || c.type === 'identifier') out.push(c.text);
      else if (c.type === 'pair_pattern') {
        const v = field(c, 'value');
        if (v) (v.type === 'identifier' ? out.push(v.text) : walk(v));
      } else walk(c);
    }
  };
  walk(n);
  return out;
}

function tsStatement(node: SyntaxNode, text: string, acc: Acc, out: OutlineSymbol[], inNamespace = false): void {
  switch (node.type) {
    case 'import_statement': {
      const source = stringValue(field(node, 'source'));
      if (!source) return;
      const bindings: ImportBinding[] = [];
      for (const c of kids(node)) {
        if (c.type !== 'import_clause') continue;
        for (const k of kids(c)) {
          if (k.type === 'identifier') bindings.push({ local: k.text, imported: 'default' });
          else if (k.type === 'namespace_import') {
            const id = k.namedChildren.find((x) => x?.type === 'identifier');
            if (id) bindings.push({ local: id.text, imported: '*' });
          } else if (k.type === 'named_imports') {
            for (const s of kids(k)) {
              if (s.type !== 'import_specifier') continue;
              const nm = field(s, 'name')?.text;
              const alias = field(s, 'alias')?.text;
              if (nm) bindings.push({ local: alias ?? nm, imported: nm });
            }
          }
        }
      }
      acc.imports.push({ module: source, bindings, line: node.startPosition.row });
      return;
    }
    case 'export_statement': {
      const decl = field(node, 'declaration');
      const source = stringValue(field(node, 'source'));
      if (decl) {
        const before = out.length;
        tsDeclaration(decl, text, true, acc, out);
        for (let i = before; i < out.length; i++) acc.exports.add(out[i].name);
        return;
      }
      const clause = node.namedChildren.find((c) => c?.type === 'export_clause');
      if (clause) {
        const bindings: ImportBinding[] = [];
        for (const s of kids(clause)) {
          if (s.type !== 'export_specifier') continue;
          const nm = field(s, 'name')?.text;
          const alias = field(s, 'alias')?.text;
          if (nm) {
            acc.exports.add(alias ?? nm);
            bindings.push({ local: alias ?? nm, imported: nm });
          }
        }
        if (source) acc.imports.push({ module: source, bindings, line: node.startPosition.row });
        return;
      }
      if (source) {
        // export * from './x'  |  export * as ns from './x'
        const ns = node.namedChildren.find((c) => c?.type === 'namespace_export');
        const id = ns?.namedChildren.find((c) => c?.type === 'identifier' || c?.type === 'string');
        if (id) {
          acc.exports.add(id.text);
          acc.imports.push({ module: source, bindings: [{ local: id.text, imported: '*' }], line: node.startPosition.row });
        } else {
          acc.reexportAll.push(source);
          acc.imports.push({ module: source, bindings: [], line: node.startPosition.row });
        }
        return;
      }
      // export default <expression>
      const value = field(node, 'value');
      if (value) {
        acc.exports.add('default');
        if (value.type === 'identifier') return;
        if (value.type === 'class' || value.type === 'function_expression' || value.type === 'arrow_function' || value.type === 'function') {
          const body = field(value, 'body');
          out.push(sym(field(value, 'name')?.text ?? 'default', value.type === 'class' ? 'class' : 'function', node, sigUpTo(node, body, text), true, {
            heritage: value.type === 'class' ? tsHeritage(value) : [],
            members: value.type === 'class' ? tsMembers(body, text) : [],
          }));
        }
      }
      return;
    }
    case 'expression_statement': {
      const e = node.namedChildren[0];
      if (!e) return;
      if (e.type === 'internal_module') return tsDeclaration(e, text, inNamespace, acc, out);
      // CommonJS: module.exports = …, exports.x = …
      if (e.type === 'assignment_expression') {
        const left = field(e, 'left')?.text ?? '';
        const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
        if (m) {
          acc.exports.add(m[1]);
          const v = field(e, 'right');
          const fn = v && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function');
          out.push(sym(m[1], fn ? 'function' : 'variable', node, fn ? `${left} = ${sigUpTo(v, field(v, 'body'), text)}` : collapse(node.text).slice(0, 120), true));
        } else if (left === 'module.exports') {
          const v = field(e, 'right');
          if (v?.type === 'object') for (const mm of tsObjectMembers(v, text)) acc.exports.add(mm.name);
          else acc.exports.add('default');
        }
      }
      return;
    }
    default:
      tsDeclaration(node, text, inNamespace && false, acc, out);
  }
}

function outlineTs(root: SyntaxNode, text: string, acc: Acc): void {
  for (const c of kids(root)) tsStatement(c, text, acc, acc.symbols);
}

// ---------------------------------------------------------------------------------------------
// Python

function pyFunction(node: SyntaxNode, text: string, decorated: SyntaxNode, kind: SymbolKind): OutlineSymbol | undefined {
  const name = field(node, 'name')?.text;
  if (!name) return undefined;
  const body = field(node, 'body');
  let sig = sigUpTo(node, body, text).replace(/\s*:$/, '');
  const decorators = decorated !== node ? kids(decorated).filter((d) => d.type === 'decorator').map((d) => collapse(d.text)) : [];
  if (decorators.length) sig = `${decorators.join('\n')}\n${sig}`;
  const rt = field(node, 'return_type');
  return sym(name, name === '__init__' ? 'constructor' : kind, decorated, sig, !name.startsWith('_') || /^__\w+__$/.test(name), { returnType: bareTypeName(rt?.text.replace(/^["']|["']$/g, '')) });
}

function pyAssignment(stmt: SyntaxNode, text: string, kind: SymbolKind): OutlineSymbol[] {
  const a = stmt.namedChildren[0];
  if (!a || a.type !== 'assignment') return [];
  const left = field(a, 'left');
  if (!left) return [];
  const names = left.type === 'identifier' ? [left.text] : left.type === 'pattern_list' || left.type === 'tuple_pattern' ? kids(left).filter((x) => x.type === 'identifier').map((x) => x.text) : [];
  const type = field(a, 'type');
  const right = field(a, 'right');
  const sig = right && right.text.length > 80 ? collapse(text.slice(a.startIndex, right.startIndex)) + ' …' : collapse(a.text);
  return names.map((n) => sym(n, kind, stmt, sig, !n.startsWith('_'), { typeName: bareTypeName(type?.text.replace(/^["']|["']$/g, '')) }));
}

function pyClass(node: SyntaxNode, text: string, decorated: SyntaxNode): OutlineSymbol | undefined {
  const name = field(node, 'name')?.text;
  if (!name) return undefined;
  const body = field(node, 'body');
  const supers = field(node, 'superclasses');
  const heritage = supers ? kids(supers).filter((x) => x.type !== 'keyword_argument').map((x) => bareTypeName(x.text)).filter((x): x is string => !!x) : [];
  const members: OutlineSymbol[] = [];
  const seen = new Set<string>();
  const push = (s: OutlineSymbol | undefined) => {
    if (s && !seen.has(s.name)) {
      seen.add(s.name);
      members.push(s);
    }
  };
  if (body) {
    for (const m of kids(body)) {
      const inner = m.type === 'decorated_definition' ? field(m, 'definition') : m;
      if (!inner) continue;
      if (inner.type === 'function_definition') {
        const f = pyFunction(inner, text, m, 'method');
        push(f);
        // self.x = … in methods declares fields.
        const fb = field(inner, 'body');
        if (fb) {
          for (const st of kids(fb)) {
            const a = st.type === 'expression_statement' ? st.namedChildren[0] : null;
            if (a?.type !== 'assignment') continue;
            const l = field(a, 'left');
            if (l?.type === 'attribute' && field(l, 'object')?.text === 'self') {
              const attr = field(l, 'attribute')?.text;
              const ty = field(a, 'type');
              if (attr) push(sym(attr, 'field', st, collapse(a.text).slice(0, 100), !attr.startsWith('_'), { typeName: bareTypeName(ty?.text) }));
            }
          }
        }
      } else if (inner.type === 'class_definition') push(pyClass(inner, text, m));
      else if (inner.type === 'expression_statement') for (const s of pyAssignment(inner, text, 'field')) push(s);
    }
  }
  const decorators = decorated !== node ? kids(decorated).filter((d) => d.type === 'decorator').map((d) => collapse(d.text)) : [];
  const sig = (decorators.length ? decorators.join('\n') + '\n' : '') + sigUpTo(node, body, text).replace(/\s*:$/, '');
  return sym(name, 'class', decorated, sig, !name.startsWith('_'), { heritage, members });
}

function outlinePython(root: SyntaxNode, text: string, acc: Acc): void {
  for (const c of kids(root)) {
    if (c.type === 'import_statement') {
      for (const n of kids(c)) {
        if (n.type === 'dotted_name') acc.imports.push({ module: n.text, bindings: [{ local: n.text.split('.')[0], imported: '*' }], line: c.startPosition.row });
        else if (n.type === 'aliased_import') {
          const mod = field(n, 'name')?.text;
          const alias = field(n, 'alias')?.text;
          if (mod && alias) acc.imports.push({ module: mod, bindings: [{ local: alias, imported: '*' }], line: c.startPosition.row });
        }
      }
    } else if (c.type === 'import_from_statement') {
      const modNode = field(c, 'module_name');
      const mod = modNode ? collapse(modNode.text) : '';
      const bindings: ImportBinding[] = [];
      for (const n of kids(c)) {
        if (n === modNode || n.startIndex === modNode?.startIndex) continue;
        if (n.type === 'dotted_name') bindings.push({ local: n.text, imported: n.text });
        else if (n.type === 'aliased_import') {
          const nm = field(n, 'name')?.text;
          const alias = field(n, 'alias')?.text;
          if (nm) bindings.push({ local: alias ?? nm, imported: nm });
        } else if (n.type === 'wildcard_import') bindings.push({ local: '*', imported: '*' });
      }
      acc.imports.push({ module: mod, bindings, line: c.startPosition.row });
    } else {
      const inner = c.type === 'decorated_definition' ? field(c, 'definition') : c;
      if (!inner) continue;
      let s: OutlineSymbol | undefined;
      if (inner.type === 'function_definition') s = pyFunction(inner, text, c, 'function');
      else if (inner.type === 'class_definition') s = pyClass(inner, text, c);
      else if (inner.type === 'expression_statement') {
        for (const v of pyAssignment(inner, text, 'variable')) {
          acc.symbols.push(v);
          if (v.exported) acc.exports.add(v.name);
        }
        continue;
      }
      if (s) {
        acc.symbols.push(s);
        if (s.exported) acc.exports.add(s.name);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Go

const goExported = (n: string) => /^[A-Z]/.test(n);

function outlineGo(root: SyntaxNode, text: string, acc: Acc): void {
  const methods: { recv: string; s: OutlineSymbol }[] = [];
  for (const c of kids(root)) {
    switch (c.type) {
      case 'package_clause':
        acc.packageName = c.namedChildren[0]?.text;
        break;
      case 'import_declaration':
        for (const spec of c.descendantsOfType('import_spec')) {
          if (!spec) continue;
          const p = stringValue(field(spec, 'path'));
          if (!p) continue;
          const alias = field(spec, 'name')?.text;
          acc.imports.push({ module: p, bindings: [{ local: alias ?? p.split('/').pop()!, imported: '*' }], line: spec.startPosition.row });
        }
        break;
      case 'function_declaration': {
        const name = field(c, 'name')?.text;
        if (name) acc.symbols.push(sym(name, 'function', c, sigUpTo(c, field(c, 'body'), text), goExported(name), { returnType: bareTypeName(field(c, 'result')?.text) }));
        break;
      }
      case 'method_declaration': {
        const name = field(c, 'name')?.text;
        const recv = field(c, 'receiver');
        const recvType = recv ? bareTypeName(field(recv.namedChildren[0], 'type')?.text) : undefined;
        if (name && recvType) methods.push({ recv: recvType, s: sym(name, 'method', c, sigUpTo(c, field(c, 'body'), text), goExported(name), { returnType: bareTypeName(field(c, 'result')?.text) }) });
        break;
      }
      case 'type_declaration':
        for (const spec of kids(c)) {
          if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
          const name = field(spec, 'name')?.text;
          const ty = field(spec, 'type');
          if (!name || !ty) continue;
          const members: OutlineSymbol[] = [];
          const heritage: string[] = [];
          let kind: SymbolKind = 'type';
          if (ty.type === 'struct_type') {
            kind = 'struct';
            const list = ty.namedChildren.find((x) => x?.type === 'field_declaration_list');
            for (const f of list ? kids(list) : []) {
              if (f.type !== 'field_declaration') continue;
              const ft = field(f, 'type');
              const names = f.namedChildren.filter((x) => x?.type === 'field_identifier').map((x) => x!.text);
              if (names.length === 0 && ft) {
                const b = bareTypeName(ft.text);
                if (b) heritage.push(b);
              }
              for (const n of names) members.push(sym(n, 'field', f, collapse(f.text), goExported(n), { typeName: bareTypeName(ft?.text) }));
            }
          } else if (ty.type === 'interface_type') {
            kind = 'interface';
            for (const m of kids(ty)) {
              if (m.type === 'method_spec' || m.type === 'method_elem') {
                const n = field(m, 'name')?.text;
                if (n) members.push(sym(n, 'method', m, collapse(m.text), goExported(n), { returnType: bareTypeName(field(m, 'result')?.text) }));
              } else if (m.type === 'constraint_elem' || m.type === 'type_elem' || m.type === 'type_identifier' || m.type === 'qualified_type') {
                const b = bareTypeName(m.text);
                if (b) heritage.push(b);
              }
            }
          }
          const sig = kind === 'struct' || kind === 'interface' ? `type ${sigUpTo(spec, ty, text)} ${ty.type === 'struct_type' ? 'struct' : 'interface'}` : `type ${collapse(spec.text).slice(0, 200)}`;
          acc.symbols.push(sym(name, kind, spec, sig, goExported(name), { members, heritage }));
        }
        break;
      case 'const_declaration':
      case 'var_declaration':
        for (const spec of c.descendantsOfType(['const_spec', 'var_spec'])) {
          if (!spec) continue;
          const ty = field(spec, 'type');
          for (const n of spec.namedChildren) {
            if (n?.type !== 'identifier') continue;
            const sig = `${c.type === 'const_declaration' ? 'const' : 'var'} ${collapse(spec.text).slice(0, 120)}`;
            acc.symbols.push(sym(n.text, 'variable', spec, sig, goExported(n.text), { typeName: bareTypeName(ty?.text) }));
          }
        }
        break;
      default:
        break;
    }
  }
  const byName = new Map(acc.symbols.map((s) => [s.name, s]));
  for (const { recv, s } of methods) {
    const t = byName.get(recv);
    if (t) t.members.push(s);
    else acc.symbols.push({ ...s, signature: s.signature });
  }
  for (const s of acc.symbols) if (s.exported) acc.exports.add(s.name);
}

// ---------------------------------------------------------------------------------------------
// Rust

const rustPub = (n: SyntaxNode) => n.namedChildren.some((c) => c?.type === 'visibility_modifier');

function rustUseNames(node: SyntaxNode, prefix: string, out: { module: string; local: string; imported: string }[]): void {
  switch (node.type) {
    case 'identifier':
    case 'self':
    case 'crate':
    case 'super':
      out.push({ module: prefix, local: node.text, imported: node.text });
      return;
    case 'scoped_identifier': {
      const path = field(node, 'path')?.text ?? '';
      const name = field(node, 'name')?.text ?? '';
      out.push({ module: prefix ? `${prefix}::${path}` : path, local: name, imported: name });
      return;
    }
    case 'use_as_clause': {
      const p = field(node, 'path');
      const alias = field(node, 'alias')?.text;
      if (!p) return;
      const tmp: { module: string; local: string; imported: string }[] = [];
      rustUseNames(p, prefix, tmp);
      for (const t of tmp) out.push({ ...t, local: alias ?? t.local });
      return;
    }
    case 'scoped_use_list': {
      const p = field(node, 'path')?.text ?? '';
      const list = field(node, 'list');
      const np = prefix && p ? `${prefix}::${p}` : prefix || p;
      if (list) for (const c of kids(list)) rustUseNames(c, np, out);
      return;
    }
    case 'use_list':
      for (const c of kids(node)) rustUseNames(c, prefix, out);
      return;
    case 'use_wildcard':
      out.push({ module: prefix ? `${prefix}::${node.text.replace(/::\*$/, '')}` : node.text.replace(/::\*$/, ''), local: '*', imported: '*' });
      return;
    default:
      return;
  }
}

function rustItems(items: SyntaxNode[], text: string, acc: Acc, out: OutlineSymbol[], topLevel: boolean): void {
  const impls: { type: string; trait?: string; members: OutlineSymbol[] }[] = [];
  for (const c of items) {
    const name = field(c, 'name')?.text;
    const pub = rustPub(c);
    switch (c.type) {
      case 'use_declaration': {
        const arg = field(c, 'argument');
        if (!arg) break;
        const names: { module: string; local: string; imported: string }[] = [];
        rustUseNames(arg, '', names);
        const byMod = new Map<string, ImportBinding[]>();
        for (const n of names) {
          const l = byMod.get(n.module) ?? [];
          l.push({ local: n.local, imported: n.imported });
          byMod.set(n.module, l);
        }
        for (const [module, bindings] of byMod) acc.imports.push({ module, bindings, line: c.startPosition.row });
        break;
      }
      case 'function_item':
      case 'function_signature_item':
        if (name) out.push(sym(name, 'function', c, sigUpTo(c, field(c, 'body'), text).replace(/;$/, ''), pub, { returnType: bareTypeName(field(c, 'return_type')?.text) }));
        break;
      case 'struct_item':
      case 'union_item': {
        if (!name) break;
        const body = field(c, 'body');
        const members: OutlineSymbol[] = [];
        if (body?.type === 'field_declaration_list') {
          for (const f of kids(body)) {
            const fn = field(f, 'name')?.text;
            if (f.type === 'field_declaration' && fn) members.push(sym(fn, 'field', f, collapse(f.text), rustPub(f), { typeName: bareTypeName(field(f, 'type')?.text) }));
          }
        }
        out.push(sym(name, 'struct', c, body?.type === 'field_declaration_list' ? sigUpTo(c, body, text) : collapse(c.text).slice(0, 200), pub, { members }));
        break;
      }
      case 'enum_item': {
        if (!name) break;
        const body = field(c, 'body');
        const members = body ? kids(body).filter((v) => v.type === 'enum_variant').map((v) => sym(field(v, 'name')?.text ?? v.text, 'enumMember', v, collapse(v.text).slice(0, 120), true)) : [];
        out.push(sym(name, 'enum', c, sigUpTo(c, body, text), pub, { members }));
        break;
      }
      case 'trait_item': {
        if (!name) break;
        const body = field(c, 'body');
        const members: OutlineSymbol[] = [];
        if (body) rustItems(kids(body), text, acc, members, false);
        const bounds = field(c, 'bounds');
        out.push(sym(name, 'trait', c, sigUpTo(c, body, text), pub, { members: members.map((m) => ({ ...m, kind: m.kind === 'function' ? 'method' : m.kind })), heritage: bounds ? bareNames(bounds.text.replace(/^:/, '')) : [] }));
        break;
      }
      case 'impl_item': {
        const type = bareTypeName(field(c, 'type')?.text);
        const trait = bareTypeName(field(c, 'trait')?.text);
        const body = field(c, 'body');
        const members: OutlineSymbol[] = [];
        if (body) rustItems(kids(body), text, acc, members, false);
        if (type) impls.push({ type, trait, members: members.map((m) => ({ ...m, kind: m.kind === 'function' ? 'method' : m.kind })) });
        break;
      }
      case 'type_item':
      case 'associated_type':
        if (name) out.push(sym(name, 'type', c, collapse(c.text).slice(0, 200).replace(/;$/, ''), pub));
        break;
      case 'const_item':
      case 'static_item': {
        if (!name) break;
        const v = field(c, 'value');
        out.push(sym(name, 'variable', c, (v && v.text.length > 60 ? collapse(text.slice(c.startIndex, v.startIndex)) + '…' : collapse(c.text)).replace(/;$/, ''), pub, { typeName: bareTypeName(field(c, 'type')?.text) }));
        break;
      }
      case 'mod_item': {
        if (!name) break;
        const body = field(c, 'body');
        const members: OutlineSymbol[] = [];
        if (body) rustItems(kids(body), text, acc, members, false);
        out.push(sym(name, 'namespace', c, sigUpTo(c, body, text).replace(/;$/, ''), pub, { members }));
        break;
      }
      case 'macro_definition':
        if (name) out.push(sym(name, 'function', c, `macro_rules! ${name}`, true));
        break;
      default:
        break;
    }
  }
  for (const im of impls) {
    const t = out.find((s) => s.name === im.type && (s.kind === 'struct' || s.kind === 'enum' || s.kind === 'type' || s.kind === 'trait'));
    if (t) {
      t.members.push(...im.members);
      if (im.trait && !t.heritage.includes(im.trait)) t.heritage.push(im.trait);
    } else if (topLevel || im.members.length) {
      // impl for a type declared elsewhere: keep the methods under a synthetic entry of that type.
      out.push({ name: im.type, kind: 'struct', signature: `impl ${im.trait ? `${im.trait} for ` : ''}${im.type}`, line: 0, endLine: 0, exported: true, heritage: im.trait ? [im.trait] : [], members: im.members });
    }
  }
}

function outlineRust(root: SyntaxNode, text: string, acc: Acc): void {
  rustItems(kids(root), text, acc, acc.symbols, true);
  for (const s of acc.symbols) if (s.exported) acc.exports.add(s.name);
}

// ---------------------------------------------------------------------------------------------
// Java

function javaMods(n: SyntaxNode): string {
  return n.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '';
}

function javaType(node: SyntaxNode, text: string): OutlineSymbol | undefined {
  const name = field(node, 'name')?.text;
  if (!name) return undefined;
  const body = field(node, 'body');
  const kind: SymbolKind = node.type === 'interface_declaration' || node.type === 'annotation_type_declaration' ? 'interface' : node.type === 'enum_declaration' ? 'enum' : 'class';
  const heritage: string[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'superclass' || c.type === 'super_interfaces' || c.type === 'extends_interfaces') heritage.push(...bareNames(c.text.replace(/\b(extends|implements)\b/, '')));
  }
  const members: OutlineSymbol[] = [];
  if (node.type === 'record_declaration') {
    const params = field(node, 'parameters');
    for (const p of params ? kids(params) : []) {
      const pn = field(p, 'name')?.text;
      if (pn) {
        members.push(sym(pn, 'field', p, collapse(p.text), true, { typeName: bareTypeName(field(p, 'type')?.text) }));
        members.push(sym(pn, 'method', p, `${collapse(field(p, 'type')?.text ?? '')} ${pn}()`, true, { returnType: bareTypeName(field(p, 'type')?.text) }));
      }
    }
  }
  const visit = (items: SyntaxNode[]) => {
    for (const m of items) {
      const priv = /\bprivate\b/.test(javaMods(m));
      switch (m.type) {
        case 'method_declaration':
        case 'constructor_declaration':
        case 'compact_constructor_declaration':
        case 'annotation_type_element_declaration': {
          const mn = field(m, 'name')?.text;
          if (mn) members.push(sym(mn, m.type === 'method_declaration' || m.type === 'annotation_type_element_declaration' ? 'method' : 'constructor', m, sigUpTo(m, field(m, 'body'), text).replace(/;$/, ''), !priv, { returnType: bareTypeName(field(m, 'type')?.text) }));
          break;
        }
        case 'field_declaration':
        case 'constant_declaration': {
          const ty = field(m, 'type');
          for (const d of kids(m)) {
            if (d.type !== 'variable_declarator') continue;
            const dn = field(d, 'name')?.text;
            const v = field(d, 'value');
            if (dn) members.push(sym(dn, 'field', m, collapse(text.slice(m.startIndex, v && v.text.length > 40 ? v.startIndex : d.endIndex)).replace(/=\s*$/, '').trim(), !priv, { typeName: bareTypeName(ty?.text) }));
          }
          break;
        }
        case 'enum_constant': {
          const en = field(m, 'name')?.text;
          if (en) members.push(sym(en, 'enumMember', m, en, true));
          break;
        }
        case 'enum_body_declarations':
          visit(kids(m));
          break;
        case 'class_declaration':
        case 'interface_declaration':
        case 'enum_declaration':
        case 'record_declaration': {
          const t = javaType(m, text);
          if (t) members.push(t);
          break;
        }
        default:
          break;
      }
    }
  };
  if (body) visit(kids(body));
  return sym(name, kind, node, sigUpTo(node, body, text), !/\bprivate\b/.test(javaMods(node)), { heritage, members });
}

function outlineJava(root: SyntaxNode, text: string, acc: Acc): void {
  for (const c of kids(root)) {
    if (c.type === 'package_declaration') acc.packageName = c.namedChildren.find((x) => x?.type === 'scoped_identifier' || x?.type === 'identifier')?.text;
    else if (c.type === 'import_declaration') {
      const path = c.namedChildren.find((x) => x?.type === 'scoped_identifier' || x?.type === 'identifier')?.text;
      if (!path) continue;
      const wildcard = c.namedChildren.some((x) => x?.type === 'asterisk');
      const last = path.split('.').pop()!;
      acc.imports.push({ module: wildcard ? path : path.split('.').slice(0, -1).join('.'), bindings: [wildcard ? { local: '*', imported: '*' } : { local: last, imported: last }], line: c.startPosition.row });
    } else if (/^(class|interface|enum|record|annotation_type)_declaration$/.test(c.type)) {
      const t = javaType(c, text);
      if (t) {
        acc.symbols.push(t);
        if (t.exported) acc.exports.add(t.name);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// entry points

/** The outline of a parsed file. Never throws on odd trees (ERROR nodes, missing fields). */
export function outlineFromTree(tree: Tree, text: string, languageId: string): Outline {
  const acc: Acc = { symbols: [], imports: [], exports: new Set(), reexportAll: [] };
  const root = tree.rootNode;
  try {
    switch (languageId) {
      case 'typescript':
      case 'typescriptreact':
      case 'javascript':
      case 'javascriptreact':
        outlineTs(root, text, acc);
        break;
      case 'python':
        outlinePython(root, text, acc);
        break;
      case 'go':
        outlineGo(root, text, acc);
        break;
      case 'rust':
        outlineRust(root, text, acc);
        break;
      case 'java':
        outlineJava(root, text, acc);
        break;
      default:
        break;
    }
  } catch {
    // A grammar surprise must not take the index down: keep what was collected.
  }
  return {
    languageId,
    packageName: acc.packageName,
    symbols: acc.symbols,
    imports: acc.imports,
    exports: [...acc.exports],
    reexportAll: acc.reexportAll,
    hasErrors: root.hasError,
  };
}

export function emptyOutline(languageId: string): Outline {
  return { languageId, symbols: [], imports: [], exports: [], reexportAll: [], hasErrors: false };
}

/** Outlines cached by content (language + text hash): the same text is never parsed twice. */
export class OutlineCache {
  private readonly map = new Map<string, Outline>();
  private readonly treeListeners = new Set<(tree: Tree, text: string, languageId: string) => void>();
  constructor(private readonly max = 4000) {}

  /**
   * Also hands every tree this cache parses to `listener` (before the tree is freed), so another
   * reader of the same files (the consistency filter) needs no parse of its own. Returns the unsubscribe.
   */
  onTree(listener: (tree: Tree, text: string, languageId: string) => void): () => void {
    this.treeListeners.add(listener);
    return () => this.treeListeners.delete(listener);
  }

  static key(text: string, languageId: string): string {
    return `${languageId}:${createHash('sha1').update(text).digest('base64')}`;
  }

  get(text: string, languageId: string): Outline | undefined {
    const k = OutlineCache.key(text, languageId);
    const o = this.map.get(k);
    if (o) {
      this.map.delete(k);
      this.map.set(k, o);
    }
    return o;
  }

  /** The outline, parsing only when the grammar is loaded; undefined when it is not (yet). */
  outlineSync(text: string, languageId: string): Outline | undefined {
    if (!OUTLINE_LANGUAGES.has(languageId)) return emptyOutline(languageId);
    const k = OutlineCache.key(text, languageId);
    const hit = this.map.get(k);
    if (hit) {
      this.map.delete(k);
      this.map.set(k, hit);
      return hit;
    }
    const parser = parserIfReady(languageId);
    if (!parser) return undefined;
    const tree = parser.parse(text);
    if (!tree) return emptyOutline(languageId);
    try {
      const o = outlineFromTree(tree, text, languageId);
      this.set(k, o);
      for (const l of this.treeListeners) {
        try {
          l(tree, text, languageId);
        } catch {
          /* a listener's failure is its own */
        }
      }
      return o;
    } finally {
      tree.delete();
    }
  }

  /** Stores an outline computed elsewhere (e.g. from a live incremental tree). */
  put(text: string, languageId: string, outline: Outline): void {
    this.set(OutlineCache.key(text, languageId), outline);
  }

  async outline(text: string, languageId: string): Promise<Outline> {
    if (OUTLINE_LANGUAGES.has(languageId)) await getParser(languageId);
    return this.outlineSync(text, languageId) ?? emptyOutline(languageId);
  }

  private set(k: string, o: Outline): void {
    this.map.set(k, o);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/** Renders symbols as compact code: signatures, members indented, no bodies. */
export function renderSymbols(symbols: readonly OutlineSymbol[], languageId: string, indent = ''): string {
  let out = '';
  for (const s of symbols) out += renderSymbol(s, languageId, indent);
  return out;
}


export function renderSymbol(s: OutlineSymbol, languageId: string, indent = '', parent?: OutlineSymbol): string {
  const py = languageId === 'python';
  const lines = (sig: string) => sig.split('\n').map((l) => indent + l).join('\n');
  const ownBody = s.kind === 'type' ? /\{(…)?$/.test(s.signature) : s.kind !== 'variable' && s.kind !== 'function';
  if (s.members.length === 0 || !ownBody) {
    let sig = s.signature.replace(/\{…\}$/, '{ … }');
    if (/=>$/.test(sig)) sig += ' …';
    if (py) return `${lines(sig)}${/^(def|class|async def)\b/.test(sig.split('\n').pop() ?? '') ? (sig.endsWith(':') ? ' ...' : ': ...') : ''}\n`;
    if (parent?.kind === 'enum' && s.kind === 'enumMember' && languageId !== 'rust') return `${lines(sig)},\n`;
    if (s.kind === 'enumMember') return `${lines(sig)}${/,$/.test(sig) ? '' : ','}\n`;
    if (languageId === 'rust' && s.kind === 'field') return `${lines(sig.replace(/,$/, ''))},\n`;
    const brace = /\{$/.test(sig) ? ' }' : '';
    const semi = brace || /[;,}]$/.test(sig) || languageId === 'go' || languageId === 'rust' && s.kind === 'method' && false ? '' : ';';
    return `${lines(sig)}${brace}${semi}\n`;
  }
  let body = '';
  let prev = '';
  for (const m of s.members) {
    const r = renderSymbol(m, languageId, indent + (py ? '    ' : languageId === 'go' ? '\t' : '  '), s);
    if (r !== prev) body += r;
    prev = r;
  }
  if (py) return `${lines(s.signature.replace(/:?$/, ':'))}\n${body}`;
  const sig = s.signature.replace(/\{…?$/, '').trimEnd();
  return `${lines(sig + ' {')}\n${body}${indent}}\n`;
}
