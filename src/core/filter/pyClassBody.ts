/**
 * Names a statement in a Python class body binds as class attributes beyond `def` and assignments:
 * an import there (`from email.iterators import walk` in `class Message:`) makes `self.walk` a method.
 */
import type { SyntaxNode } from '../lang/parser';

export function classBodyImports(s: SyntaxNode): string[] {
  if (s.type !== 'import_statement' && s.type !== 'import_from_statement') return [];
  const module = s.type === 'import_from_statement' ? s.childForFieldName('module_name') : null;
  const out: string[] = [];
  for (const n of s.namedChildren) {
    if (!n || n === module) continue;
    // `import a.b` binds `a`; `from m import a as b` binds `b`.
    if (n.type === 'dotted_name') out.push(s.type === 'import_statement' ? n.text.split('.')[0] : n.text);
    else if (n.type === 'aliased_import') {
      const alias = n.childForFieldName('alias')?.text;
      if (alias) out.push(alias);
    }
  }
  return out;
}
