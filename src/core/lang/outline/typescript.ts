/** Outline of TypeScript, JavaScript and their JSX forms. */
import { NAME } from '../identifiers';
import type { SyntaxNode } from '../parser';
import { type SymbolKind, type OutlineSymbol, type ImportBinding } from './types';
import { collapse, sigUpTo, initializerTypeName, bareTypeName, bareNames, sym, stringValue, field, kids, type Acc } from './nodes';

/** `exports.x` / `module.exports.x`: a CommonJS export named x. */
const COMMONJS_EXPORT = new RegExp(String.raw`^(?:module\.)?exports\.(${NAME})$`);

/** Longest signature kept for a type alias that is a union without object parts (its values). */
const UNION_SIGNATURE_MAX = 1200;

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
            if (
              (p.type === 'required_parameter' || p.type === 'optional_parameter') &&
              p.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.text === 'readonly')
            ) {
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
      const sig =
        value && value.text.length > 160 && objects.length > 0
          ? sigUpTo(node, value, text) + (value.type === 'object_type' ? ' {' : ' {…}')
          : collapse(node.text).replace(/;$/, '');
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
          if (mod)
            acc.imports.push({
              module: mod,
              bindings: tsPatternNames(nameNode).map((n) => ({ local: n, imported: nameNode.type === 'identifier' ? 'default' : n })),
              line: node.startPosition.row,
            });
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

/** Names a TypeScript/JavaScript binding pattern binds (default values and keys are not names it binds). */
export function tsPatternNames(n: SyntaxNode | null): string[] {
  if (!n) return [];
  switch (n.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [n.text];
    case 'pair_pattern':
      return tsPatternNames(field(n, 'value'));
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
      return n.namedChildren.flatMap(tsPatternNames);
    case 'assignment_pattern':
    case 'object_assignment_pattern':
      return tsPatternNames(field(n, 'left'));
    default:
      return [];
  }
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
          out.push(
            sym(field(value, 'name')?.text ?? 'default', value.type === 'class' ? 'class' : 'function', node, sigUpTo(node, body, text), true, {
              heritage: value.type === 'class' ? tsHeritage(value) : [],
              members: value.type === 'class' ? tsMembers(body, text) : [],
            }),
          );
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
        const m = COMMONJS_EXPORT.exec(left);
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

export function outlineTs(root: SyntaxNode, text: string, acc: Acc): void {
  for (const c of kids(root)) tsStatement(c, text, acc, acc.symbols);
}
