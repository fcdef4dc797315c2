/** Import and export lists (`import {` … `} from 'm'`): the module's declarations the list does not name yet. */
import { codeMask, identifierSet, identifierTokens, NAME } from '../lang/identifiers';
import type { Outline, OutlineSymbol } from '../lang/outline';
import { withReexports } from './reexports';
import type { SymbolIndex } from '../workspace/symbolIndex';

/** The exported name of an import/export list entry: `type X`, `X as Y` → X. */
const LISTED_NAME = new RegExp(String.raw`^\s*(?:type\s+)?(${NAME})`);

/** Score of the best declaration offered for an import/export list (then halved per rank), and how many. */
const LIST_WEIGHT = 6;
const LIST_MAX = 6;
const LIST_LINES = 80;
/** How many of the names the document uses unbound are offered (see listCandidates). */
const LIST_USED_MAX = 8;

/**
 * The import/export list the cursor is in (`import {` / `export {` above, `} from 'm'` below, within
 * LIST_LINES each way; TS/JS): its module and the names listed before and after the cursor.
 */
export function enclosingList(text: string, cursorLine: number, linePrefix: string): { module: string; before: string[]; after: string[] } | undefined {
  const lines = text.split('\n');
  let open = -1;
  let col = -1;
  for (let i = cursorLine - 1; i >= Math.max(0, cursorLine - LIST_LINES); i--) {
    const l = lines[i];
    if (/[}();]/.test(l.replace(/\/\/.*$|\/\*.*?\*\//g, ''))) return undefined;
    const m = /^\s*(?:import|export)(?:\s+type)?\s*\{/.exec(l);
    if (m) {
      open = i;
      col = m[0].length;
      break;
    }
  }
  if (open < 0 || linePrefix.includes('}')) return undefined;
  let module: string | undefined;
  let close = -1;
  for (let i = cursorLine + 1; i < Math.min(lines.length, cursorLine + LIST_LINES); i++) {
    const m = /^([^{}]*)\}\s*from\s*['"]([^'"]+)['"]/.exec(lines[i]);
    if (m) {
      module = m[2];
      close = i;
      break;
    }
    if (/[{}();]/.test(lines[i].replace(/\/\/.*$|\/\*.*?\*\//g, ''))) return undefined;
  }
  if (!module) return undefined;
  // Listed names: the exported one of each entry (`a as b` → a), comments left out.
  const names = (t: string) =>
    t
      .replace(/\/\/.*$/gm, '')
      .replace(/\/\*[\s\S]*?\*\/|^\s*\*.*$/gm, '')
      .split(',')
      .map((e) => LISTED_NAME.exec(e)?.[1])
      .filter((n): n is string => !!n);
  const before = names(lines[open].slice(col) + '\n' + lines.slice(open + 1, cursorLine).join('\n') + '\n' + linePrefix);
  const after = names(lines.slice(cursorLine + 1, close).join('\n') + '\n' + /^([^{}]*)\}/.exec(lines[close])![1]);
  return { module, before, after };
}

/**
 * Declarations offered inside an import/export list: the exported top-level declarations of the
 * list's module (wholesale re-exports followed two levels): first those the document uses without
 * importing or declaring them; then those it does not name at all, ranked by distance in
 * declaration order from the last name listed before the cursor (after it first), else from the
 * first name listed after it (before it first).
 */
export function listCandidates(
  input: { currentPath: string; languageId: string; text: string; cursorLine: number; linePrefix: string; outline: Outline },
  index: SymbolIndex,
  excluded: (p: string) => boolean,
): { path: string; symbol: OutlineSymbol; score: number }[] {
  if (!/^(typescript|typescriptreact|javascript|javascriptreact)$/.test(input.languageId)) return [];
  const list = enclosingList(input.text, input.cursorLine, input.linePrefix);
  if (!list) return [];
  const files = withReexports(index, index.resolver.resolve(input.currentPath, list.module, input.languageId), new Set([input.currentPath]));
  const inDoc = identifierSet(input.text);
  const all: { path: string; symbol: OutlineSymbol; order: number }[] = [];
  for (const f of files) {
    if (excluded(f)) continue;
    for (const sym of index.fileOutline(f)?.symbols ?? []) if (sym.exported && sym.name) all.push({ path: f, symbol: sym, order: all.length });
  }
  // What the list is most likely missing: names the document uses that nothing in it binds or
  // declares and that the module exports (code written first, its import completed after).
  const bound = new Set(input.outline.imports.flatMap((im) => im.bindings.map((b) => b.local)));
  const declared = new Set(input.outline.symbols.map((s) => s.name));
  const listed = new Set([...list.before, ...list.after]);
  const usedInOrder = identifierTokens(codeMask(input.text, input.languageId));
  const used = new Set(usedInOrder);
  const unbound = (n: string) => used.has(n) && !bound.has(n) && !declared.has(n) && !listed.has(n);
  const seen = new Set<string>();
  if (files.length === 0) {
    // A module the index cannot resolve (a package's own name, an alias no tsconfig here maps): the
    // workspace's exported declarations of the names the document uses unbound, in order of first use.
    const out: { path: string; symbol: OutlineSymbol; score: number }[] = [];
    for (const n of new Set(usedInOrder.filter(unbound))) {
      const d = index.declarations(n).find((x) => !x.container && x.symbol.exported && x.path !== input.currentPath && !excluded(x.path));
      if (d) out.push({ path: d.path, symbol: { ...d.symbol, members: [] }, score: 2 * LIST_WEIGHT });
      if (out.length >= LIST_USED_MAX) break;
    }
    return out;
  }
  const wanted = all
    .filter((a) => unbound(a.symbol.name) && !seen.has(a.symbol.name) && !!seen.add(a.symbol.name))
    .slice(0, LIST_USED_MAX)
    .map((a) => ({ path: a.path, symbol: { ...a.symbol, members: [] }, score: 2 * LIST_WEIGHT }));
  const anchorAt = (name: string | undefined) => (name ? all.find((a) => a.symbol.name === name) : undefined);
  const prev = anchorAt(list.before[list.before.length - 1]);
  const next = anchorAt(list.after[0]);
  const anchor = prev ?? next;
  if (!anchor) return wanted;
  // Distance in declaration order; the side the cursor is on first (after `prev`, before `next`).
  const dist = (a: (typeof all)[number]) => {
    const d = a.order - anchor.order;
    const same = a.path === anchor.path ? 0 : 1000;
    return same + (prev ? (d > 0 ? d : 0.5 - d + 500) : d < 0 ? -d : 0.5 + d + 500);
  };
  const near = all
    .filter((a) => !inDoc.has(a.symbol.name))
    .sort((a, b) => dist(a) - dist(b) || a.order - b.order)
    .filter((a) => !seen.has(a.symbol.name) && !!seen.add(a.symbol.name))
    .slice(0, LIST_MAX)
    .map((a, i) => ({ path: a.path, symbol: { ...a.symbol, members: [] }, score: LIST_WEIGHT / 2 ** i }));
  return [...wanted, ...near];
}
