/** Outline of Python. */
import type { SyntaxNode } from '../parser';
import { type SymbolKind, type OutlineSymbol, type ImportBinding } from './types';
import { collapse, sigUpTo, bareTypeName, sym, field, kids, type Acc } from './nodes';

function pyFunction(node: SyntaxNode, text: string, decorated: SyntaxNode, kind: SymbolKind): OutlineSymbol | undefined {
  const name = field(node, 'name')?.text;
  if (!name) return undefined;
  const body = field(node, 'body');
  let sig = sigUpTo(node, body, text).replace(/\s*:$/, '');
  const decorators =
    decorated !== node
      ? kids(decorated)
          .filter((d) => d.type === 'decorator')
          .map((d) => collapse(d.text))
      : [];
  if (decorators.length) sig = `${decorators.join('\n')}\n${sig}`;
  const rt = field(node, 'return_type');
  return sym(name, name === '__init__' ? 'constructor' : kind, decorated, sig, !name.startsWith('_') || /^__\w+__$/.test(name), {
    returnType: bareTypeName(rt?.text.replace(/^["']|["']$/g, '')),
  });
}

function pyAssignment(stmt: SyntaxNode, text: string, kind: SymbolKind): OutlineSymbol[] {
  const a = stmt.namedChildren[0];
  if (!a || a.type !== 'assignment') return [];
  const left = field(a, 'left');
  if (!left) return [];
  const names =
    left.type === 'identifier'
      ? [left.text]
      : left.type === 'pattern_list' || left.type === 'tuple_pattern'
        ? kids(left)
            .filter((x) => x.type === 'identifier')
            .map((x) => x.text)
        : [];
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
  const heritage = supers
    ? kids(supers)
        .filter((x) => x.type !== 'keyword_argument')
        .map((x) => bareTypeName(x.text))
        .filter((x): x is string => !!x)
    : [];
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
  const decorators =
    decorated !== node
      ? kids(decorated)
          .filter((d) => d.type === 'decorator')
          .map((d) => collapse(d.text))
      : [];
  const sig = (decorators.length ? decorators.join('\n') + '\n' : '') + sigUpTo(node, body, text).replace(/\s*:$/, '');
  return sym(name, 'class', decorated, sig, !name.startsWith('_'), { heritage, members });
}

export function outlinePython(root: SyntaxNode, text: string, acc: Acc): void {
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
