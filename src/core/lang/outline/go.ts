/** Outline of Go. */
import type { SyntaxNode } from '../parser';
import { type SymbolKind, type OutlineSymbol } from './types';
import { collapse, sigUpTo, bareTypeName, sym, stringValue, field, kids, type Acc } from './nodes';

const goExported = (n: string) => /^[A-Z]/.test(n);

export function outlineGo(root: SyntaxNode, text: string, acc: Acc): void {
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
        if (name && recvType)
          methods.push({ recv: recvType, s: sym(name, 'method', c, sigUpTo(c, field(c, 'body'), text), goExported(name), { returnType: bareTypeName(field(c, 'result')?.text) }) });
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
          const sig =
            kind === 'struct' || kind === 'interface'
              ? `type ${sigUpTo(spec, ty, text)} ${ty.type === 'struct_type' ? 'struct' : 'interface'}`
              : `type ${collapse(spec.text).slice(0, 200)}`;
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
