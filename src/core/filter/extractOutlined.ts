/**
 * Go, Rust and Java facts of a document from the outline of a real tree-sitter parse (the same
 * outline the workspace index reads): the types it declares with their members, member types and
 * bases, and the ranges in which `this` / `self` / `Self` name one of them (Java class bodies, Rust
 * `impl` blocks, Go methods' receivers are read from their text). Names are still read from the
 * suggestion by tokens (scan.ts); these facts only let a receiver of a type declared here be typed.
 *
 * A type whose members the file cannot list is left open: a Rust type with a derive or a trait impl
 * (`impl Display for X` gives `to_string`) has them as bases, and bases nothing declares make its
 * member list open when it is resolved (resolve.ts); a generic blanket impl (`impl<T> Ext for T`)
 * opens every type of the file.
 */
import { outlineFromTree, type OutlineSymbol } from '../lang/outline';
import type { SyntaxNode, Tree } from '../lang/parser';
import { shape, type FileFacts } from './facts';
import { isNode } from './treeNodes';

/** Members every Java enum has. */
const JAVA_ENUM_MEMBERS = ['values', 'valueOf', 'name', 'ordinal', 'compareTo', 'getDeclaringClass'];
/** Outline kinds that are types with members. */
const TYPE_SYMBOLS = new Set(['class', 'interface', 'enum', 'struct', 'trait']);

export function fillFromOutline(facts: FileFacts, tree: Tree, text: string): void {
  const outline = outlineFromTree(tree, text, facts.languageId);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const derives = facts.languageId === 'rust' ? rustDerives(tree.rootNode) : new Map<string, string[]>();
  const visit = (s: OutlineSymbol, nested: boolean) => {
    if (!TYPE_SYMBOLS.has(s.kind)) return;
    const kind = s.kind === 'enum' ? 'enum' : s.kind === 'interface' || s.kind === 'trait' ? 'interface' : 'class';
    const t = shape(facts, s.name, kind);
    // Rust: an impl of a type declared in another file (its fields are there).
    if (s.kind === 'struct' && s.signature.startsWith('impl ')) t.open = true;
    for (const m of s.members) {
      t.members.add(m.name);
      if (m.typeName && m.kind === 'field') t.memberTypes.set(m.name, m.typeName);
      const written = m.kind === 'field' ? fieldTypeText(m.signature, m.name, facts.languageId) : undefined;
      if (written) (facts.fieldTypes ??= new Map()).set(`${s.name}.${m.name}`, written);
    }
    for (const b of s.heritage) if (!t.bases.includes(b)) t.bases.push(b);
    for (const d of derives.get(s.name) ?? []) if (!t.bases.includes(d)) t.bases.push(d);
    if (facts.languageId === 'java' && s.kind === 'enum') for (const m of JAVA_ENUM_MEMBERS) t.members.add(m);
    facts.declared.add(s.name);
    if (!nested) facts.exported.add(s.name);
    // Java: a class body is where `this` is that class (an impl block is, in Rust: see rustImpls).
    if (facts.languageId === 'java' && s.line < lineStarts.length) facts.classes.push({ name: s.name, start: lineStarts[s.line], end: lineStarts[s.endLine + 1] ?? text.length });
    for (const m of s.members) visit(m, true);
  };
  for (const s of outline.symbols) visit(s, false);
  // Java wildcard imports (`import java.util.*;`, `import static a.B.*;`): what they may bring in is checked in grounding.ts.
  if (facts.languageId === 'java')
    for (const i of outline.imports) if (i.bindings.some((b) => b.local === '*')) facts.imports.push({ local: '*', module: i.module, imported: '*' });
  if (facts.languageId === 'rust') rustImpls(facts, tree.rootNode);
}

/** `#[derive(A, B)]` before a struct or enum: the traits it derives, by type name. */
function rustDerives(root: SyntaxNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const items = (n: SyntaxNode) => {
    let pending: string[] = [];
    for (const c of n.namedChildren.filter(isNode)) {
      if (c.type === 'attribute_item') {
        const m = /^#\[\s*derive\s*\(([^)]*)\)/.exec(c.text);
        if (m)
          pending.push(
            ...m[1]
              .split(',')
              .map((x) => x.trim().split('::').pop()!)
              .filter(Boolean),
          );
        continue;
      }
      if ((c.type === 'struct_item' || c.type === 'enum_item' || c.type === 'union_item') && pending.length) {
        const name = c.childForFieldName('name')?.text;
        if (name) out.set(name, pending);
      }
      if (c.type === 'mod_item') {
        const body = c.childForFieldName('body');
        if (body) items(body);
      }
      if (c.type !== 'line_comment' && c.type !== 'block_comment') pending = [];
    }
  };
  items(root);
  return out;
}

/**
 * Rust `impl` blocks: their ranges, where `self` and `Self` are the implemented type; a blanket impl
 * (`impl<T: Bound> Ext for T`) adds methods to every type, so it opens them all.
 */
function rustImpls(facts: FileFacts, root: SyntaxNode): void {
  const items = (n: SyntaxNode) => {
    for (const c of n.namedChildren.filter(isNode)) {
      if (c.type === 'mod_item') {
        const body = c.childForFieldName('body');
        if (body) items(body);
      }
      if (c.type !== 'impl_item') continue;
      const typeNode = c.childForFieldName('type');
      const name = typeNode ? /^[&\s]*(?:[A-Za-z_]\w*::)*([A-Za-z_]\w*)/.exec(typeNode.text)?.[1] : undefined;
      if (!name) continue;
      const params = c.childForFieldName('type_parameters');
      if (params && new RegExp(`\\b${name}\\b`).test(params.text)) {
        for (const t of facts.types.values()) t.open = true;
        continue;
      }
      facts.classes.push({ name, start: c.startIndex, end: c.endIndex });
    }
  };
  items(root);
}

/** A field's type as its declaration writes it: Rust `pub name: T,`, Java `private final T name = …;`. */
function fieldTypeText(signature: string, name: string, languageId: string): string | undefined {
  const n = name.replace(/\$/g, '\\$');
  const m =
    languageId === 'rust'
      ? new RegExp(String.raw`^(?:pub(?:\([^)]*\))?\s+)?${n}\s*:\s*(.+?)\s*,?$`).exec(signature)
      : languageId === 'java'
        ? new RegExp(String.raw`(?:^|\s)((?:[\w$.]+)(?:\s*<.*>)?(?:\s*\[\])*)\s+${n}\s*(?:[=;]|$)`).exec(signature)
        : null;
  return m?.[1];
}
