/** Outline of Rust. */
import type { SyntaxNode } from '../parser';
import { type OutlineSymbol, type ImportBinding } from './types';
import { collapse, sigUpTo, bareTypeName, bareNames, sym, field, kids, type Acc } from './nodes';

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
        const members = body
          ? kids(body)
              .filter((v) => v.type === 'enum_variant')
              .map((v) => sym(field(v, 'name')?.text ?? v.text, 'enumMember', v, collapse(v.text).slice(0, 120), true))
          : [];
        out.push(sym(name, 'enum', c, sigUpTo(c, body, text), pub, { members }));
        break;
      }
      case 'trait_item': {
        if (!name) break;
        const body = field(c, 'body');
        const members: OutlineSymbol[] = [];
        if (body) rustItems(kids(body), text, acc, members, false);
        const bounds = field(c, 'bounds');
        out.push(
          sym(name, 'trait', c, sigUpTo(c, body, text), pub, {
            members: members.map((m) => ({ ...m, kind: m.kind === 'function' ? 'method' : m.kind })),
            heritage: bounds ? bareNames(bounds.text.replace(/^:/, '')) : [],
          }),
        );
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
        out.push(
          sym(name, 'variable', c, (v && v.text.length > 60 ? collapse(text.slice(c.startIndex, v.startIndex)) + '…' : collapse(c.text)).replace(/;$/, ''), pub, {
            typeName: bareTypeName(field(c, 'type')?.text),
          }),
        );
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
      out.push({
        name: im.type,
        kind: 'struct',
        signature: `impl ${im.trait ? `${im.trait} for ` : ''}${im.type}`,
        line: 0,
        endLine: 0,
        exported: true,
        heritage: im.trait ? [im.trait] : [],
        members: im.members,
      });
    }
  }
}

export function outlineRust(root: SyntaxNode, text: string, acc: Acc): void {
  rustItems(kids(root), text, acc, acc.symbols, true);
  for (const s of acc.symbols) if (s.exported) acc.exports.add(s.name);
}
