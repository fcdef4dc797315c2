/**
 * TypeScript/JavaScript facts from a tree-sitter parse: top-level and exported declarations,
 * imports (ES and `require`), classes, interfaces, aliases and enums with their members and member
 * types, typed bindings with their scopes, containers and parse errors.
 */
import { NAME, NAME_CHARS } from '../lang/identifiers';
import type { SyntaxNode } from '../lang/parser';
import { CONTAINER_KINDS } from './containers';
import { shape, type FileFacts, type MutableShape } from './facts';
import { stringValue } from '../lang/outline/nodes';
import { isNode, newType, scopeOf, stripQuotes, typeText } from './treeNodes';

/** The names `module.exports = { a, b: c }` and `exports.x = …` export. */
const CJS_EXPORTED = new RegExp(String.raw`exports\.(${NAME})|(?<![${NAME_CHARS}])(${NAME})(?![${NAME_CHARS}])(?=\s*[,}:])`, 'g');

export class TsExtractor {
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
          if (spec !== undefined) this.namedReexports(s, spec);
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
      case 'generator_function_declaration': {
        const name = s.childForFieldName('name')?.text;
        const ret = typeText(s.childForFieldName('return_type'));
        if (name && ret) this.f.returnTypes.set(name, ret);
        add(name);
        break;
      }
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
        if (/^(module\.)?exports\b/.test(t)) for (const m of t.matchAll(CJS_EXPORTED)) add(m[1] ?? m[2]);
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
        return n.namedChildren
          .filter(isNode)
          .flatMap((c) => (c.type === 'pair_pattern' ? this.patternNames(c.childForFieldName('value')) : c === n.childForFieldName('right') ? [] : this.patternNames(c)));
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
        const value = v?.type === 'type_query' ? v.namedChildren.filter(isNode)[0] : undefined;
        if (name && value?.type === 'identifier') this.f.typeofAliases.set(name, value.text);
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
      case 'arrow_function':
      case 'function_expression': {
        const from = calleeOrigin(n);
        if (from) for (const p of callbackParams(n, (x) => this.patternNames(x))) this.f.origins.push({ name: p, type: from, scopeStart: n.startIndex, scopeEnd: n.endIndex });
        break;
      }
      case 'method_definition':
      case 'abstract_method_signature':
      case 'method_signature':
        if (cls) {
          const name = n.childForFieldName('name')?.text;
          if (name && name !== 'constructor') cls.members.add(stripQuotes(name));
          if (name === 'constructor') {
            for (const p of n.childForFieldName('parameters')?.namedChildren.filter(isNode) ?? []) {
              // `readonly` is an anonymous token, so all children are searched, not only the named ones.
              if (!p.children.filter(isNode).some((c) => c.type === 'accessibility_modifier' || c.type === 'override_modifier' || c.type === 'readonly')) continue;
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
        const value = n.childForFieldName('value');
        const t = typeText(n.childForFieldName('type')) ?? newType(value);
        if (name?.type === 'identifier') {
          // Untyped in a nested scope, it still shadows outer bindings of the name: its type is then
          // unknown ("exists somewhere"). Top-level names keep their own lookup (classes, objects).
          if (t) this.bind(name.text, t, n);
          else if (scopeOf(n).type !== 'program') this.bind(name.text, 'unknown', n);
        }
        const from = t ? undefined : originOf(value);
        if (from) for (const b of this.patternNames(name)) this.bind(b, from, n, false, this.f.origins);
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

  /** `export { a, b as c } from 'm'`: each exported name with the name it has in m. */
  private namedReexports(s: SyntaxNode, spec: string): void {
    for (const c of s.namedChildren) {
      if (c?.type !== 'export_clause') continue;
      for (const sp of c.namedChildren.filter(isNode)) {
        const name = sp.childForFieldName('name')?.text;
        const alias = sp.childForFieldName('alias')?.text ?? name;
        if (name && alias) (this.f.namedReexports ??= new Map()).set(alias, { module: spec, imported: name });
      }
    }
  }

  private bind(name: string, type: string, at: SyntaxNode, param = false, into = this.f.bindings): void {
    let scope = scopeOf(at);
    // A parameter is visible in what owns its parameter list: a function, or a signature without a
    // body (an overload, a method signature, a function type), never beyond it.
    if (param) scope = at.parent?.type === 'formal_parameters' && at.parent.parent ? at.parent.parent : at;
    into.push({ name, type, scopeStart: scope.startIndex, scopeEnd: scope.endIndex });
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

/** Expressions a value passes through unchanged in kind: its root is the root of their operand. */
const ORIGIN_THROUGH: Record<string, string> = {
  await_expression: '',
  call_expression: 'function',
  member_expression: 'object',
  subscript_expression: 'object',
  new_expression: 'constructor',
  parenthesized_expression: '',
  non_null_expression: '',
  as_expression: '',
  satisfies_expression: '',
};

/**
 * Where an untyped initialiser's value comes from: the name at its root (`express` for
 * `express.Router()`, `await axios.get(u)`, `new pg.Client()`), or `module:m` for `require('m')`.
 */
export function originOf(v: SyntaxNode | null): string | undefined {
  for (let n = v, depth = 0; n && depth < 16; depth++) {
    if (n.type === 'identifier') return n.text;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === 'require') {
      const arg = n.childForFieldName('arguments')?.namedChildren.filter(isNode)[0];
      const m = arg?.type === 'string' ? stringValue(arg) : undefined;
      return m === undefined ? undefined : `module:${m}`;
    }
    const field = ORIGIN_THROUGH[n.type];
    if (field === undefined) return undefined;
    n = field ? n.childForFieldName(field) : n.namedChildren.filter(isNode)[0];
  }
  return undefined;
}

/** For a function passed as an argument (`app.get('/', (req, res) => …)`), the origin of the function it is passed to. */
export function calleeOrigin(fn: SyntaxNode): string | undefined {
  const call = fn.parent?.type === 'arguments' ? fn.parent.parent : null;
  return call?.type === 'call_expression' ? originOf(call.childForFieldName('function')) : undefined;
}

/** Names a function's parameters bind, untyped or typed (a typed one has a binding of its own that wins). */
export function callbackParams(fn: SyntaxNode, names: (n: SyntaxNode | null) => string[]): string[] {
  const single = fn.childForFieldName('parameter');
  if (single) return names(single);
  const out: string[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren.filter(isNode) ?? []) {
    out.push(...names(p.type === 'required_parameter' || p.type === 'optional_parameter' ? p.childForFieldName('pattern') : p));
  }
  return out;
}
