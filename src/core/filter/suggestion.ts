/**
 * What a suggestion names, from a real parse of the line it completes plus the suggestion: free
 * identifiers, members with their receiver, type names, modules it imports, and the names it
 * introduces itself (parameters, locals, loop variables, destructuring, object keys, labels).
 * Without a grammar (Go, Rust, Java), reads it by tokens and declaration shapes (scan.ts).
 */
import { NAME, stripStringsAndComments } from '../lang/identifiers';
import type { TreeCursor } from 'web-tree-sitter';
import { parserIfReady, type SyntaxNode } from '../lang/parser';
import { tsPatternNames } from '../lang/outline/typescript';
import { familyOf } from './builtins';
import { closersFor } from './extract';
import { calleeOrigin, callbackParams } from './extractTs';
import { scanSuggestion } from './scan';
import type { SuggestionFacts } from './facts';

/** Analyses `lineBefore + text`; only names that reach past `lineBefore` are reported. */
const WRAPPERS: Record<string, [string, string]> = {
  class: ['class __C {\n', '\n}'],
  // A type literal's body: an interface's members, and mapped types (`[K in Keys]: …`) too.
  interface: ['type __I = {\n', '\n}'],
  // A line of a multi-line parameter list (of a function or a function type).
  params: ['function __f(\n', '\n) {}'],
  object: ['__o = {\n', '\n}'],
  // A line of a multi-line `export { … }` / `import { … } from` list.
  exports: ['export {\n', '\n};'],
  imports: ['import {\n', "\n} from '__m';"],
  // A line of a JSX element's children (text, tags, `{…}`), or of a multi-line opening tag's attributes.
  jsx: ['__x = <>\n', '\n</>;'],
  jsxtag: ['__x = <__T\n', '\n/>;'],
};
/** Names the wrappers add. */
const WRAPPER_NAMES = new Set(['__o', '__C', '__I', '__m', '__f', '__x', '__T']);
/** Declarations a snippet may leave unfinished (`export type X =`, `type F<T> = Pick<`) or write outside their type (`infer U,`): their names are its own. */
const TS_DECLARES = new RegExp(String.raw`\b(?:type|interface|class|enum|namespace|infer|function\*?)\s+(${NAME})|\[\s*(${NAME})\s+in\s`, 'g');

/** A snippet with no identifier character and no quote can name nothing. */
const NAMES_NOTHING = /^[^\w$'"`\u0080-\uFFFF]*$/;

/**
 * `parseErrors` is only needed to rank several candidates; without it (`wantParseErrors` false) a
 * snippet that can name nothing (`) {`, `});`) is not parsed at all.
 */
export function analyzeSuggestion(lineBefore: string, text: string, languageId: string, container: string = 'code', wantParseErrors = true, opener = ''): SuggestionFacts {
  const family = familyOf(languageId);
  const parser = family === 'ts' || family === 'python' ? parserIfReady(languageId) : undefined;
  if (!parser) return scanSuggestion(lineBefore, text, languageId);
  if (!wantParseErrors && NAMES_NOTHING.test(text)) return { refs: [], introduced: new Set(), assignedMembers: new Set(), parseErrors: 0, parsed: true };
  // Python: dedent so an indented snippet parses at module level.
  let before = lineBefore;
  let body = text;
  if (family === 'python') {
    const indent = /^[ \t]*/.exec(lineBefore)![0];
    before = lineBefore.slice(indent.length);
    if (indent)
      body = text
        .split('\n')
        .map((l, i) => (i > 0 && l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n');
  }
  // Parse the snippet where it sits: in a class body, an interface, an object literal, or code.
  // `opener`: what the snippet continues (a template literal's openings, `` `${ ``), on its line.
  const [open, close] = (family === 'ts' && WRAPPERS[container]) || [family === 'ts' ? opener : '', ''];
  // A line that continues a statement (`} catch (e) {`, `} else {`, or `else x();` after a one-line
  // `if`) parses after its opening part; alone, the parser's recovery splits names (`index` read
  // as `in` and `dex`).
  const lead = family === 'ts' && !open ? /^\s*(\}\s*)?(catch|finally|else)\b/.exec(before + body) : null;
  const cont = !lead ? '' : lead[2] === 'else' ? (lead[1] ? 'if (1) {\n' : 'if (1) 0;\n') : lead[1] ? 'try {\n' : 'try {}\n';
  // Brackets the snippet leaves open (`X.create = (p) => {`, `if (a) {`) are closed after it, so the
  // statement parses whole instead of as an ERROR node.
  const closers = family === 'ts' ? closersFor(cont + before + body, languageId) : '';
  const snippet = open + cont + before + body + (closers ? '\n' + closers : '') + close;
  const tree = parser.parse(snippet);
  if (!tree) return scanSuggestion(lineBefore, text, languageId);
  const cursor = tree.walk();
  try {
    const out: SuggestionFacts = { refs: [], introduced: new Set(), assignedMembers: new Set(), parseErrors: 0, parsed: true };
    const boundary = open.length + cont.length + before.length;
    const openRows = (open.endsWith('\n') ? 1 : 0) + (cont ? 1 : 0);
    const lineOf = (n: SyntaxNode) => n.startPosition.row - openRows;
    const ts = family === 'ts';
    const roles = ts ? TS_NODE_ROLES : PY_NODE_ROLES;
    const leaves = ts ? TS_LEAF_ROLES : PY_LEAF_ROLES;
    // One pass with a tree cursor, in the order of a recursive walk (parents before children): a
    // JavaScript node object is made only for the few node kinds whose role needs their children;
    // names are read from the cursor with their parent's kind and their field, kept on a stack.
    const frames: Frame[] = [];
    for (;;) {
      const type = cursor.nodeType;
      if (type === 'ERROR' || (wantParseErrors && cursor.nodeIsMissing)) out.parseErrors++;
      if (cursor.endIndex > boundary) {
        if (leaves.has(type)) {
          const parent = frames.length ? frames[frames.length - 1] : undefined;
          const start = cursor.startIndex;
          const leaf: Leaf = {
            type,
            text: snippet.slice(start, cursor.endIndex),
            start,
            line: cursor.startPosition.row - openRows,
            field: cursor.currentFieldName,
            parent,
            cursor,
            snippet,
          };
          if (ts) tsLeaf(leaf, out);
          else pyLeaf(leaf, out);
        } else if (roles.has(type)) (ts ? tsRole : pyRole)(cursor.currentNode, out, lineOf, boundary);
      }
      // The receiver of a member (`object` of a member expression or attribute), for its property.
      if (frames.length && cursor.currentFieldName === 'object') frames[frames.length - 1].object = [cursor.startIndex, cursor.endIndex];
      if (cursor.gotoFirstChild()) {
        frames.push({ type, object: undefined });
        continue;
      }
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        frames.pop();
      }
      if (done) break;
    }
    out.introduced.delete('__C');
    out.introduced.delete('__I');
    if (ts) for (const m of stripStringsAndComments(before + body, languageId).matchAll(TS_DECLARES)) out.introduced.add(m[1] ?? m[2]);
    out.refs = out.refs.filter((r) => !WRAPPER_NAMES.has(r.name));
    out.refs = out.refs.filter((r) => r.name !== '');
    for (const r of out.refs) if (r.at !== undefined) r.at -= open.length + cont.length;
    return out;
  } finally {
    cursor.delete();
    tree.delete();
  }
}

type LineOf = (n: SyntaxNode) => number;

/** A node on the cursor's path: its kind, and the range of its `object` child once passed. */
interface Frame {
  type: string;
  object: [number, number] | undefined;
}

/** A name node read from the cursor. */
interface Leaf {
  type: string;
  text: string;
  start: number;
  /** Line in the suggestion. */
  line: number;
  /** Its field in its parent. */
  field: string | null;
  parent: Frame | undefined;
  /** At the leaf, for the rare role that needs its parent's other children. */
  cursor: TreeCursor;
  snippet: string;
}

/** Node kinds whose role needs their children (a node object is made for them). */
const TS_NODE_ROLES = new Set([
  'variable_declarator',
  'assignment_expression',
  'required_parameter',
  'optional_parameter',
  'formal_parameters',
  'arrow_function',
  'catch_clause',
  'for_in_statement',
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
  'function_expression',
  'class',
  'method_definition',
  'public_field_definition',
  'type_parameter',
  'import_statement',
  'call_expression',
  'infer_type',
]);
/** Name kinds, read from the cursor alone. */
const TS_LEAF_ROLES = new Set(['identifier', 'shorthand_property_identifier', 'type_identifier', 'property_identifier', 'private_property_identifier', 'statement_identifier']);
const PY_NODE_ROLES = new Set([
  'assignment',
  'for_statement',
  'for_in_clause',
  'as_pattern_target',
  'pattern_list',
  'function_definition',
  'class_definition',
  'parameters',
  'lambda_parameters',
  'global_statement',
  'nonlocal_statement',
  'import_statement',
  'import_from_statement',
]);
const PY_LEAF_ROLES = new Set(['identifier']);

/** The receiver as written, without white space (and without a trailing `?` in TypeScript). */
function receiverText(l: Leaf, ts: boolean): string | undefined {
  const o = l.parent?.object;
  if (!o) return undefined;
  const t = l.snippet.slice(o[0], o[1]);
  return (ts ? t.replace(/\?$/, '') : t).replace(/\s+/g, '');
}

/** JSX elements whose `name` is a tag. */
const JSX_TAGS = new Set(['jsx_opening_element', 'jsx_closing_element', 'jsx_self_closing_element']);

/**
 * A JSX name that is no binding: a lower-case or dashed tag (`<pre>`, `<my-el>`: an intrinsic
 * element the host provides) or part of a namespaced name (`<svg:rect>`, `xlink:href`).
 * Capitalised and dotted tags (`<Cart>`, `<Foo.Bar>`) are components and stay checked.
 */
function isIntrinsicJsxName(parent: string | undefined, name: string): boolean {
  if (parent === 'jsx_namespace_name') return true;
  return !!parent && JSX_TAGS.has(parent) && (/^[a-z]/.test(name) || name.includes('-'));
}

function tsLeaf(l: Leaf, out: SuggestionFacts): void {
  const p = l.parent?.type;
  const f = l.field;
  switch (l.type) {
    case 'identifier': {
      if (p === 'import_specifier' || p === 'namespace_import' || p === 'import_clause') {
        const aliased = p === 'import_specifier' && !!l.cursor.currentNode.parent?.childForFieldName('alias');
        if (f === 'alias' || p !== 'import_specifier' || !aliased) out.introduced.add(l.text);
        if (p === 'import_specifier' && f === 'name') out.refs.push({ name: l.text, kind: 'imported', line: l.line });
        return;
      }
      if (p === 'export_specifier' || isIntrinsicJsxName(p, l.text)) return;
      if (p === 'nested_type_identifier' || p === 'nested_identifier') return void out.refs.push({ name: l.text, kind: 'free', line: l.line });
      out.refs.push({ name: l.text, kind: 'free', line: l.line, at: l.start });
      return;
    }
    case 'shorthand_property_identifier':
      out.refs.push({ name: l.text, kind: 'free', line: l.line, at: l.start });
      return;
    case 'type_identifier':
      if (p === 'nested_type_identifier') return;
      if (f === 'name' && p && /declaration|type_parameter/.test(p)) return;
      out.refs.push({ name: l.text, kind: 'type', line: l.line, at: l.start });
      return;
    case 'property_identifier':
    case 'private_property_identifier':
      if (p === 'member_expression' && f === 'property') out.refs.push({ name: l.text, kind: 'member', receiver: receiverText(l, true), line: l.line, at: l.start });
      // `#x in obj`: a brand check names the private member too.
      else if (l.type === 'private_property_identifier' && p === 'binary_expression') out.refs.push({ name: l.text, kind: 'member', line: l.line, at: l.start });
      // Object keys, method and field names are introduced, not referenced.
      return;
    case 'statement_identifier':
      out.introduced.add(l.text);
      return;
  }
}

function pyLeaf(l: Leaf, out: SuggestionFacts): void {
  const p = l.parent?.type;
  const f = l.field;
  if (!p) return;
  if (p === 'dotted_name' || p === 'aliased_import' || (p === 'keyword_argument' && f === 'name')) return;
  if (p === 'attribute' && f === 'attribute') {
    out.refs.push({ name: l.text, kind: 'member', receiver: receiverText(l, false), line: l.line, at: l.start });
    return;
  }
  if (out.introduced.has(l.text) && (p === 'parameters' || p === 'lambda_parameters')) return;
  if (p === 'typed_parameter' || p === 'default_parameter' || p === 'typed_default_parameter' || p === 'list_splat_pattern' || p === 'dictionary_splat_pattern') {
    if (f !== 'value' && f !== 'type') return;
  }
  if ((p === 'function_definition' || p === 'class_definition') && f === 'name') return;
  out.refs.push({ name: l.text, kind: 'free', line: l.line, at: l.start });
}

/** Array methods whose callback's first parameter is an element (`reduce`: its second). */
const ARRAY_CALLBACKS = new Set(['find', 'findIndex', 'findLast', 'findLastIndex', 'filter', 'map', 'forEach', 'some', 'every', 'flatMap', 'reduce', 'reduceRight']);

function callbackOrigins(fn: SyntaxNode, out: SuggestionFacts): void {
  // `xs.find((x) => …)`: x is an element of xs.
  const call = fn.parent?.type === 'arguments' && fn.parent.namedChildren[0]?.id === fn.id ? fn.parent.parent : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  const array = callee?.childForFieldName('object')?.text.replace(/\s+/g, '');
  if (method && array && ARRAY_CALLBACKS.has(method)) {
    const at = method.startsWith('reduce') ? 1 : 0;
    const param = callbackParams(fn, (n) => (n?.type === 'identifier' ? [n.text] : ['']))[at];
    // A parameter with a type of its own is read with that type.
    const typed = !!fn.childForFieldName('parameters')?.namedChildren[at]?.childForFieldName('type');
    if (param && !typed) (out.elements ??= new Map()).set(param, array);
  }
  const from = calleeOrigin(fn);
  if (!from) return;
  out.origins ??= new Map();
  for (const p of callbackParams(fn, tsPatternNames)) out.origins.set(p, from);
}

function tsRole(n: SyntaxNode, out: SuggestionFacts, lineOf: LineOf, boundary: number): void {
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
      } else for (const name of tsPatternNames(left)) out.introduced.add(name);
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
      callbackOrigins(n, out);
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
    case 'function_expression': {
      callbackOrigins(n, out);
      const name = n.childForFieldName('name');
      if (name) out.introduced.add(name.text);
      return;
    }
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
    case 'infer_type': {
      // `infer U` in a conditional type introduces U.
      const name = n.namedChildren.find((c) => c?.type === 'type_identifier');
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
      if ((fn?.text === 'require' || fn?.type === 'import') && arg?.type === 'string' && arg.endIndex > boundary)
        out.refs.push({ name: arg.text.slice(1, -1), kind: 'module', line: lineOf(arg) });
      return;
    }
  }
}

function pyTargets(n: SyntaxNode | null, into: Set<string>): void {
  if (!n) return;
  if (n.type === 'identifier') into.add(n.text);
  else if (/pattern|tuple|list|as_pattern_target/.test(n.type)) for (const c of n.namedChildren) if (c) pyTargets(c, into);
}

function pyRole(n: SyntaxNode, out: SuggestionFacts, lineOf: LineOf, boundary: number): void {
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
  }
}
