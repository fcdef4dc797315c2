/**
 * Python facts from a tree-sitter parse: top-level declarations and exports, imports, classes with
 * their members (methods, `self.x =`, class-level fields, class-body imports) and bases, and
 * annotated or constructed bindings with their scopes.
 */
import type { SyntaxNode } from '../lang/parser';
import { shape, type FileFacts, type MutableShape } from './facts';
import { classBodyImports } from './pyClassBody';
import { isNode, scopeOf, stripQuotes, typeText } from './treeNodes';

export class PyExtractor {
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
        for (const c of s.namedChildren.filter(isNode))
          if (c.type === 'block' || c.type.endsWith('clause'))
            for (const x of c.namedChildren.filter(isNode))
              if (x.type === 'block') x.namedChildren.filter(isNode).forEach((y) => this.topLevel(y));
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
          } else {
            // Where an untyped value comes from (`r = requests.get(u)`: requests), see FileFacts.origins.
            const from = pyOriginOf(right);
            const scope = scopeOf(n);
            if (from) this.f.origins.push({ name: left.text, type: from, scopeStart: scope.startIndex, scopeEnd: scope.endIndex });
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

/** Python expressions whose value's origin is that of one child (its field, or '' for the first named child). */
const PY_ORIGIN_THROUGH: Record<string, string> = { call: 'function', attribute: 'object', subscript: 'value', await: '', parenthesized_expression: '' };

/** The name at the root of an initialiser (`np` for `np.zeros(3).T`), through calls, attributes and subscripts. */
function pyOriginOf(v: SyntaxNode | null): string | undefined {
  for (let n = v, depth = 0; n && depth < 16; depth++) {
    if (n.type === 'identifier') return n.text;
    const field = PY_ORIGIN_THROUGH[n.type];
    if (field === undefined) return undefined;
    n = field ? n.childForFieldName(field) : n.namedChildren.filter(isNode)[0];
  }
  return undefined;
}
