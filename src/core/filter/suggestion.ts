/**
 * What a suggestion names, from a real parse of the line it completes plus the suggestion: free
 * identifiers, members with their receiver, type names, modules it imports, and the names it
 * introduces itself (parameters, locals, loop variables, destructuring, object keys, labels).
 * Falls back to a token scan when no grammar is loaded.
 */
import { keywordsFor, stripStringsAndComments } from '../eval/identifiers';
import { parserIfReady, type SyntaxNode } from '../syntax/parser';
import { familyOf } from './builtins';
import { isNode } from './extract';

export type RefKind = 'free' | 'member' | 'type' | 'module' | 'imported';

export interface Ref {
  name: string;
  kind: RefKind;
  /** For members: the receiver expression as written (`this`, `this.store`, `options`). */
  receiver?: string;
  /** 0-based line of the suggestion it is on. */
  line: number;
  /** Offset in the analysed text (line before the cursor + suggestion; Python: dedented). */
  at?: number;
}

export interface SuggestionFacts {
  refs: Ref[];
  introduced: Set<string>;
  /** Members the suggestion assigns (`this.x = …`, `self.x = …`): it declares them. */
  assignedMembers: Set<string>;
  parseErrors: number;
  parsed: boolean;
}

/** Analyses `lineBefore + text`; only names that reach past `lineBefore` are reported. */
const WRAPPERS: Record<string, [string, string]> = {
  class: ['class __C {\n', '\n}'],
  interface: ['interface __I {\n', '\n}'],
  object: ['__o = {\n', '\n}'],
};

export function analyzeSuggestion(lineBefore: string, text: string, languageId: string, container: string = 'code'): SuggestionFacts {
  const family = familyOf(languageId);
  const parser = family === 'ts' || family === 'python' ? parserIfReady(languageId) : undefined;
  if (!parser) return scan(lineBefore, text, languageId);
  // Python: dedent so an indented snippet parses at module level.
  let before = lineBefore;
  let body = text;
  if (family === 'python') {
    const indent = /^[ \t]*/.exec(lineBefore)![0];
    before = lineBefore.slice(indent.length);
    if (indent) body = text.split('\n').map((l, i) => (i > 0 && l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
  }
  // Parse the snippet where it sits: in a class body, an interface, an object literal, or code.
  const [open, close] = (family === 'ts' && WRAPPERS[container]) || ['', ''];
  // A line that continues a statement (`} catch (e) {`, `} else {`) parses after its opening part.
  const lead = family === 'ts' && !open ? /^\s*\}\s*(catch|finally|else)\b/.exec(before + body)?.[1] : undefined;
  const cont = lead === 'else' ? 'if (1) {\n' : lead ? 'try {\n' : '';
  // Brackets the snippet leaves open (`X.create = (p) => {`, `if (a) {`) are closed after it, so the
  // statement parses whole instead of as an ERROR node.
  const closers = family === 'ts' ? unclosed(cont + before + body, languageId) : '';
  const snippet = open + cont + before + body + (closers ? '\n' + closers : '') + close;
  const tree = parser.parse(snippet);
  if (!tree) return scan(lineBefore, text, languageId);
  try {
    const out: SuggestionFacts = { refs: [], introduced: new Set(), assignedMembers: new Set(), parseErrors: 0, parsed: true };
    const boundary = open.length + cont.length + before.length;
    const openRows = (open ? 1 : 0) + (cont ? 1 : 0);
    const lineOf = (n: SyntaxNode) => n.startPosition.row - openRows;
    const visit = family === 'ts' ? tsRole : pyRole;
    const walk = (n: SyntaxNode) => {
      if (n.type === 'ERROR' || n.isMissing) out.parseErrors++;
      if (n.endIndex > boundary) visit(n, out, lineOf, boundary);
      for (const c of n.children) if (c) walk(c);
    };
    walk(tree.rootNode);
    out.introduced.delete('__C');
    out.introduced.delete('__I');
    out.refs = out.refs.filter((r) => r.name !== '__o' && r.name !== '__C' && r.name !== '__I');
    out.refs = out.refs.filter((r) => r.name !== '');
    for (const r of out.refs) if (r.at !== undefined) r.at -= open.length + cont.length;
    return out;
  } finally {
    tree.delete();
  }
}

/** Closers for the brackets `code` leaves open, innermost first; '' when none or when they mismatch. */
function unclosed(code: string, languageId: string): string {
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

type LineOf = (n: SyntaxNode) => number;

const field = (n: SyntaxNode): string | null => {
  const p = n.parent;
  if (!p) return null;
  for (let i = 0; i < p.childCount; i++) if (p.child(i)?.id === n.id) return p.fieldNameForChild(i);
  return null;
};

/** Names a TypeScript/JavaScript pattern binds. */
function tsPatternNames(n: SyntaxNode | null): string[] {
  if (!n) return [];
  switch (n.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [n.text];
    case 'pair_pattern':
      return tsPatternNames(n.childForFieldName('value'));
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
      return n.namedChildren.filter(isNode).flatMap(tsPatternNames);
    case 'assignment_pattern':
    case 'object_assignment_pattern':
      return tsPatternNames(n.childForFieldName('left'));
    default:
      return [];
  }
}

function tsRole(n: SyntaxNode, out: SuggestionFacts, lineOf: LineOf, boundary: number): void {
  const p = n.parent;
  switch (n.type) {
    case 'variable_declarator':
      for (const name of tsPatternNames(n.childForFieldName('name'))) out.introduced.add(name);
      return;
    case 'assignment_expression': {
      // this.x = … / obj.x = …: assigning a member declares it (JavaScript).
      const left = n.childForFieldName('left');
      if (left?.type === 'member_expression') {
        const obj = left.childForFieldName('object');
        // this.x = … declares x; so does Name.x = … (a static on a class or function), recorded with its receiver.
        if (obj?.type === 'this') out.assignedMembers.add(left.childForFieldName('property')?.text ?? '');
        else if (obj?.type === 'identifier') out.assignedMembers.add(`${obj.text}.${left.childForFieldName('property')?.text ?? ''}`);
      }
      else for (const name of tsPatternNames(left)) out.introduced.add(name);
      return;
    }
    case 'required_parameter':
    case 'optional_parameter':
      for (const name of tsPatternNames(n.childForFieldName('pattern'))) out.introduced.add(name);
      return;
    case 'formal_parameters':
      // JavaScript's grammar puts patterns straight into the parameter list.
      for (const c of n.namedChildren) if (c) for (const name of tsPatternNames(c)) out.introduced.add(name);
      return;
    case 'arrow_function': {
      const param = n.childForFieldName('parameter');
      if (param) out.introduced.add(param.text);
      return;
    }
    case 'catch_clause':
      for (const name of tsPatternNames(n.childForFieldName('parameter'))) out.introduced.add(name);
      return;
    case 'for_in_statement':
      for (const name of tsPatternNames(n.childForFieldName('left'))) out.introduced.add(name);
      return;
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'class_declaration':
    case 'interface_declaration':
    case 'type_alias_declaration':
    case 'enum_declaration':
    case 'function_expression':
    case 'class':
    case 'method_definition':
    case 'public_field_definition': {
      const name = n.childForFieldName('name');
      if (name) out.introduced.add(name.text);
      return;
    }
    case 'type_parameter': {
      const name = n.childForFieldName('name');
      if (name) out.introduced.add(name.text);
      return;
    }
    case 'import_statement': {
      const src = n.childForFieldName('source');
      if (src && src.endIndex > boundary) out.refs.push({ name: src.text.slice(1, -1), kind: 'module', line: lineOf(src) });
      return;
    }
    case 'call_expression': {
      const fn = n.childForFieldName('function');
      const arg = n.childForFieldName('arguments')?.namedChildren[0];
      if ((fn?.text === 'require' || fn?.type === 'import') && arg?.type === 'string' && arg.endIndex > boundary) out.refs.push({ name: arg.text.slice(1, -1), kind: 'module', line: lineOf(arg) });
      return;
    }
    case 'identifier': {
      const f = field(n);
      if (p?.type === 'import_specifier' || p?.type === 'namespace_import' || p?.type === 'import_clause') {
        if (f === 'alias' || p.type !== 'import_specifier' || !p.childForFieldName('alias')) out.introduced.add(n.text);
        if (p.type === 'import_specifier' && f === 'name') out.refs.push({ name: n.text, kind: 'imported', line: lineOf(n) });
        return;
      }
      if (p?.type === 'export_specifier') return;
      if (p?.type === 'nested_type_identifier' || p?.type === 'nested_identifier') return out.refs.push({ name: n.text, kind: 'free', line: lineOf(n) }), undefined;
      out.refs.push({ name: n.text, kind: 'free', line: lineOf(n), at: n.startIndex });
      return;
    }
    case 'shorthand_property_identifier':
      out.refs.push({ name: n.text, kind: 'free', line: lineOf(n), at: n.startIndex });
      return;
    case 'type_identifier':
      if (p?.type === 'nested_type_identifier') return;
      if (f(n) === 'name' && p && /declaration|type_parameter/.test(p.type)) return;
      out.refs.push({ name: n.text, kind: 'type', line: lineOf(n), at: n.startIndex });
      return;
    case 'property_identifier':
    case 'private_property_identifier':
      if (p?.type === 'member_expression' && field(n) === 'property') {
        const obj = p.childForFieldName('object');
        out.refs.push({ name: n.text, kind: 'member', receiver: obj?.text.replace(/\?$/, '').replace(/\s+/g, ''), line: lineOf(n), at: n.startIndex });
      }
      // Object keys, method and field names are introduced, not referenced.
      return;
    case 'statement_identifier':
      out.introduced.add(n.text);
      return;
  }
}

function f(n: SyntaxNode): string | null {
  return field(n);
}

function pyTargets(n: SyntaxNode | null, into: Set<string>): void {
  if (!n) return;
  if (n.type === 'identifier') into.add(n.text);
  else if (/pattern|tuple|list|as_pattern_target/.test(n.type)) for (const c of n.namedChildren) if (c) pyTargets(c, into);
}

function pyRole(n: SyntaxNode, out: SuggestionFacts, lineOf: LineOf, boundary: number): void {
  const p = n.parent;
  switch (n.type) {
    case 'augmented_assignment':
      return;
    case 'assignment': {
      const left = n.childForFieldName('left');
      if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self') out.assignedMembers.add(left.childForFieldName('attribute')?.text ?? '');
      pyTargets(left, out.introduced);
      return;
    }
    case 'for_statement':
    case 'for_in_clause':
      pyTargets(n.childForFieldName('left'), out.introduced);
      return;
    case 'as_pattern_target':
    case 'pattern_list':
      pyTargets(n, out.introduced);
      return;
    case 'function_definition':
    case 'class_definition': {
      const name = n.childForFieldName('name');
      if (name) out.introduced.add(name.text);
      return;
    }
    case 'parameters':
    case 'lambda_parameters':
      for (const c of n.namedChildren) {
        if (!c) continue;
        const id = c.type === 'identifier' ? c : (c.childForFieldName('name') ?? c.namedChildren.find((x) => x?.type === 'identifier'));
        if (id) out.introduced.add(id.text);
      }
      return;
    case 'global_statement':
    case 'nonlocal_statement':
      for (const c of n.namedChildren) if (c) out.introduced.add(c.text);
      return;
    case 'import_statement':
    case 'import_from_statement': {
      const mod = n.type === 'import_from_statement' ? n.childForFieldName('module_name') : n.namedChildren.find((c) => c?.type === 'dotted_name' || c?.type === 'aliased_import');
      const modName = mod?.type === 'aliased_import' ? mod.childForFieldName('name') : mod;
      if (modName && modName.endIndex > boundary) out.refs.push({ name: modName.text, kind: 'module', line: lineOf(modName) });
      for (const c of n.namedChildren) {
        if (!c || c === mod) continue;
        if (c.type === 'aliased_import') {
          const a = c.childForFieldName('alias');
          if (a) out.introduced.add(a.text);
        } else if (c.type === 'dotted_name') out.introduced.add(c.text.split('.')[0]);
      }
      if (n.type === 'import_statement' && mod?.type === 'dotted_name') out.introduced.add(mod.text.split('.')[0]);
      return;
    }
    case 'identifier': {
      if (!p) return;
      if (p.type === 'dotted_name' || p.type === 'aliased_import' || p.type === 'keyword_argument' && field(n) === 'name') return;
      if (p.type === 'attribute' && field(n) === 'attribute') {
        out.refs.push({ name: n.text, kind: 'member', receiver: p.childForFieldName('object')?.text.replace(/\s+/g, ''), line: lineOf(n), at: n.startIndex });
        return;
      }
      if (out.introduced.has(n.text) && (p.type === 'parameters' || p.type === 'lambda_parameters')) return;
      if (p.type === 'typed_parameter' || p.type === 'default_parameter' || p.type === 'typed_default_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
        if (field(n) !== 'value' && field(n) !== 'type') return;
      }
      if ((p.type === 'function_definition' || p.type === 'class_definition') && field(n) === 'name') return;
      out.refs.push({ name: n.text, kind: 'free', line: lineOf(n), at: n.startIndex });
      return;
    }
  }
}

const SCAN_IDENT = /(\.\s*)?([A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*)/g;

/** No grammar: identifiers by tokens, members by a preceding dot, declarations by regex. */
function scan(lineBefore: string, text: string, languageId: string): SuggestionFacts {
  const out: SuggestionFacts = { refs: [], introduced: new Set(), assignedMembers: new Set(), parseErrors: 0, parsed: false };
  const kw = keywordsFor(languageId);
  const code = stripStringsAndComments(lineBefore + text, languageId);
  const boundary = lineBefore.length;
  for (const m of code.matchAll(/\b(?:const|let|var|function|class|def|fn|func|type|struct|enum|interface)\s+(?:mut\s+)?([A-Za-z_$][\w$]*)/g)) out.introduced.add(m[1]);
  for (const m of code.matchAll(/([A-Za-z_][\w]*)\s*(?::=|:\s*[A-Za-z_&[*]|,\s*[A-Za-z_][\w]*\s*:=)/g)) out.introduced.add(m[1]);
  let line = 0;
  let lastNl = 0;
  for (const m of code.matchAll(SCAN_IDENT)) {
    const end = m.index! + m[0].length;
    while (true) {
      const nl = code.indexOf('\n', lastNl);
      if (nl < 0 || nl >= m.index!) break;
      line++;
      lastNl = nl + 1;
    }
    if (end <= boundary || kw.has(m[2]) || /^\d/.test(m[2])) continue;
    if (m[1]) {
      const before = code.slice(0, m.index!);
      const recv = /([A-Za-z_$][\w$]*)\s*$/.exec(before);
      out.refs.push({ name: m[2], kind: 'member', receiver: recv?.[1], line });
    } else out.refs.push({ name: m[2], kind: 'free', line });
  }
  return out;
}
