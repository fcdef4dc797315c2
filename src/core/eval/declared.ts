/**
 * Names a range of a parsed file declares, read off its syntax tree: what `targetIdentifiers`
 * leaves out of a hole's targets ("the ground truth's identifiers minus the names it declares").
 * The regular-expression `declaredNames` sees only keyword declarations (`const x`, `function f`);
 * the tree also knows parameters, class fields and methods, interface members, enum members, type
 * parameters and catch bindings, all of which the person introduces at the hole rather than recalls.
 * Object-literal keys, shorthand properties and import bindings under the exported name are not
 * declarations here: they name something that exists elsewhere (a type's property, a module's
 * export). A name the line chooses for an import (`as` alias, namespace, default import) is.
 */
import type { SyntaxNode } from '../lang/parser';

/** Node type → the fields that hold what it declares (a name, or a pattern of names). */
const BINDING_FIELDS: Record<string, readonly string[]> = {
  // TypeScript / JavaScript
  variable_declarator: ['name'],
  function_declaration: ['name'],
  generator_function_declaration: ['name'],
  function_signature: ['name'],
  class_declaration: ['name'],
  abstract_class_declaration: ['name'],
  interface_declaration: ['name'],
  type_alias_declaration: ['name'],
  enum_declaration: ['name'],
  internal_module: ['name'],
  property_signature: ['name'],
  method_signature: ['name'],
  abstract_method_signature: ['name'],
  public_field_definition: ['name'],
  field_definition: ['property'],
  enum_assignment: ['name'],
  type_parameter: ['name'],
  required_parameter: ['pattern'],
  optional_parameter: ['pattern'],
  arrow_function: ['parameter'],
  catch_clause: ['parameter'],
  index_signature: ['name'],
  // A name given with `as` (`import { a as b }`, `export { a as b }`) is chosen, not recalled.
  import_specifier: ['alias'],
  export_specifier: ['alias'],
  // Python
  function_definition: ['name'],
  class_definition: ['name'],
  default_parameter: ['name'],
  typed_default_parameter: ['name'],
  aliased_import: ['alias'],
  // Go
  method_declaration: ['name'],
  parameter_declaration: ['name'],
  variadic_parameter_declaration: ['name'],
  type_spec: ['name'],
  field_declaration: ['name'],
  method_spec: ['name'],
  method_elem: ['name'],
  var_spec: ['name'],
  const_spec: ['name'],
  import_spec: ['name'],
  short_var_declaration: ['left'],
  // Rust
  function_item: ['name'],
  function_signature_item: ['name'],
  parameter: ['pattern'],
  let_declaration: ['pattern'],
  struct_item: ['name'],
  enum_item: ['name'],
  enum_variant: ['name'],
  trait_item: ['name'],
  type_item: ['name'],
  const_item: ['name'],
  static_item: ['name'],
  use_as_clause: ['alias'],
  // Java
  interface_body_method: ['name'],
  record_declaration: ['name'],
  formal_parameter: ['name'],
  catch_formal_parameter: ['name'],
  enum_constant: ['name'],
  enhanced_for_statement: ['name'],
};

/** Nodes whose every named child that is a name is bound: parameter lists without fields on their items, Rust `<T>`. */
const BINDING_LISTS = new Set([
  'lambda_parameters',
  'closure_parameters',
  'inferred_parameters',
  'list_splat_pattern',
  'dictionary_splat_pattern',
  'as_pattern_target',
  'enum_body',
]);

/** Fields inside a pattern that are not bindings: a default value, a type, the key of `{ key: name }`. */
const NOT_BOUND = new Set(['type', 'right', 'default', 'key', 'return_type', 'value_type']);

function isName(n: SyntaxNode): boolean {
  return /identifier(_pattern)?$/.test(n.type);
}

/** Every name a binding (a name node or a destructuring pattern) introduces. */
function bindingNames(n: SyntaxNode, out: SyntaxNode[]): void {
  if (isName(n)) {
    out.push(n);
    return;
  }
  for (let i = 0; i < n.childCount; i++) {
    const c = n.child(i);
    if (!c || !c.isNamed) continue;
    const f = n.fieldNameForChild(i);
    if ((f && NOT_BOUND.has(f)) || c.type === 'type_annotation') continue;
    bindingNames(c, out);
  }
}

/** The nodes naming what `node` itself declares. */
function declaredBy(node: SyntaxNode, out: SyntaxNode[]): void {
  const t = node.type;
  // A method declares only in a class body (an object literal's method is a key, like a pair's).
  const fields = t === 'method_definition' ? (node.parent?.type === 'class_body' ? ['name'] : []) : BINDING_FIELDS[t];
  if (fields) for (const f of fields) for (const c of node.childrenForFieldName(f)) if (c) bindingNames(c, out);
  if (BINDING_LISTS.has(t)) for (const c of node.namedChildren) if (c && isName(c)) out.push(c);
  switch (t) {
    case 'parameters': // Python: bare identifiers; a typed one has its name first.
      for (const c of node.namedChildren) {
        if (c?.type === 'identifier') out.push(c);
        else if (c?.type === 'typed_parameter' && c.namedChildren[0]?.type === 'identifier') out.push(c.namedChildren[0]);
      }
      break;
    case 'infer_type': // `T extends Array<infer E>` declares E.
    case 'namespace_import': // `import * as ns`.
      if (node.namedChildren[0] && isName(node.namedChildren[0])) out.push(node.namedChildren[0]);
      break;
    case 'import_clause': // The default import's local name: `import def from …`.
      if (node.namedChildren[0]?.type === 'identifier') out.push(node.namedChildren[0]);
      break;
    case 'type_parameters': // Rust `<T, U>`.
      for (const c of node.namedChildren) if (c?.type === 'type_identifier') out.push(c);
      break;
    case 'type_parameter': // Java `<T extends X>` has no name field.
      if (!node.childForFieldName('name') && node.namedChildren[0]?.type === 'type_identifier') out.push(node.namedChildren[0]);
      break;
    case 'for_statement': // Python `for a, b in …`.
    case 'range_clause': // Go `for k, v := range …`.
    case 'assignment': {
      // Python `a = …`, `a, b = …` (not `obj.a = …`).
      const left = node.childForFieldName('left');
      if (left && (isName(left) || /^(pattern_list|tuple_pattern|expression_list)$/.test(left.type))) bindingNames(left, out);
      break;
    }
  }
}

/** Names whose declaring name node starts inside [start, end) of the tree's text. */
export function declaredInRange(root: SyntaxNode, start: number, end: number): Set<string> {
  const out = new Set<string>();
  const visit = (node: SyntaxNode) => {
    // What the parser could not read is left to the keyword scan of `declaredNames` (a guess in an
    // ERROR region takes type arguments for parameters).
    if (node.endIndex <= start || node.startIndex >= end || node.type === 'ERROR') return;
    const names: SyntaxNode[] = [];
    declaredBy(node, names);
    for (const n of names) if (n.startIndex >= start && n.startIndex < end) out.add(n.text.replace(/^#/, ''));
    for (const c of node.namedChildren) if (c) visit(c);
  };
  visit(root);
  return out;
}
