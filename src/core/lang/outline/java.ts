/** Outline of Java. */
import type { SyntaxNode } from '../parser';
import { type SymbolKind, type OutlineSymbol } from './types';
import { collapse, sigUpTo, bareTypeName, bareNames, sym, field, kids, type Acc } from './nodes';

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
          if (mn)
            members.push(
              sym(
                mn,
                m.type === 'method_declaration' || m.type === 'annotation_type_element_declaration' ? 'method' : 'constructor',
                m,
                sigUpTo(m, field(m, 'body'), text).replace(/;$/, ''),
                !priv,
                { returnType: bareTypeName(field(m, 'type')?.text) },
              ),
            );
          break;
        }
        case 'field_declaration':
        case 'constant_declaration': {
          const ty = field(m, 'type');
          for (const d of kids(m)) {
            if (d.type !== 'variable_declarator') continue;
            const dn = field(d, 'name')?.text;
            const v = field(d, 'value');
            if (dn)
              members.push(
                sym(
                  dn,
                  'field',
                  m,
                  collapse(text.slice(m.startIndex, v && v.text.length > 40 ? v.startIndex : d.endIndex))
                    .replace(/=\s*$/, '')
                    .trim(),
                  !priv,
                  { typeName: bareTypeName(ty?.text) },
                ),
              );
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

export function outlineJava(root: SyntaxNode, text: string, acc: Acc): void {
  for (const c of kids(root)) {
    if (c.type === 'package_declaration') acc.packageName = c.namedChildren.find((x) => x?.type === 'scoped_identifier' || x?.type === 'identifier')?.text;
    else if (c.type === 'import_declaration') {
      const path = c.namedChildren.find((x) => x?.type === 'scoped_identifier' || x?.type === 'identifier')?.text;
      if (!path) continue;
      const wildcard = c.namedChildren.some((x) => x?.type === 'asterisk');
      const last = path.split('.').pop()!;
      acc.imports.push({
        module: wildcard ? path : path.split('.').slice(0, -1).join('.'),
        bindings: [wildcard ? { local: '*', imported: '*' } : { local: last, imported: last }],
        line: c.startPosition.row,
      });
    } else if (/^(class|interface|enum|record|annotation_type)_declaration$/.test(c.type)) {
      const t = javaType(c, text);
      if (t) {
        acc.symbols.push(t);
        if (t.exported) acc.exports.add(t.name);
      }
    }
  }
}
