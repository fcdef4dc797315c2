/** The current file's own outline: its imports and the declarations the prompt's window does not show. */
import { identifierSet, identifierTokens } from '../lang/identifiers';
import type { LocalDeclaration } from '../lang/locals';
import { renderSymbol, type Outline, type OutlineSymbol } from '../lang/outline';
import { importStatementAt, importWithout, shareImports } from './ownImports';
import { codeLines, countLines } from './prefixView';

/**
 * The current file's outline also shows declarations below the suffix (helpers a file defines
 * after their first use); one there counts this many times its distance from the window's edge
 * against one above the window (docs/benchmarks.md, "Cross-file recall, round 4").
 */
const OWN_BELOW_DISTANCE = 2;

/**
 * The current file's outline for a prompt whose prefix window starts at `windowStart` and whose
 * suffix ends before line `belowLine`, within `max` characters: its import statements first (each on
 * one line, without the names `shown` — the window and suffix text — has; half the room at most,
 * shared out evenly), then the declarations above the window and below the suffix, nearest
 * first (one below counts OWN_BELOW_DISTANCE times its distance), in file order.
 */
export function ownOutline(
  outline: Outline,
  text: string,
  windowStart: number,
  belowStart: number,
  shown: string,
  languageId: string,
  max: number,
  belowCodeMax = 0,
  locals: readonly LocalDeclaration[] = [],
): string | undefined {
  const startLine = countLines(text.slice(0, windowStart)) - 1;
  const lines = text.split('\n');
  // The code right after the suffix, whole lines (taken from `max` first); declarations below it follow.
  let belowLine = belowStart < text.length ? countLines(text.slice(0, belowStart)) - 1 : Infinity;
  let belowCode: { line: number; text: string } | undefined;
  if (belowCodeMax > 0 && belowStart < text.length) {
    const { code, lines: used } = codeLines(lines, belowLine, belowCodeMax, languageId);
    if (code.trim()) {
      belowCode = { line: belowLine, text: code + '\n' };
      belowLine += used;
      max -= belowCode.text.length;
    }
  }
  const importLines = [...new Set(outline.imports.map((i) => i.line))].filter((l) => l < startLine).sort((a, b) => a - b);
  // Names the window and the suffix show anyway are left out of the import lists.
  const visible = identifierSet(shown);
  const stmts: string[] = [];
  const importRows = new Set<number>();
  let skipTo = -1;
  for (const l of importLines) {
    if (l <= skipTo) continue;
    const { text: stmt, end } = importStatementAt(lines, l, startLine - 1, languageId);
    skipTo = end;
    for (let r = l; r <= end; r++) importRows.add(r);
    const full = importWithout(stmt, visible, Infinity, languageId);
    if (full) stmts.push(full);
  }
  // The lines each name occurs on, import statements left out.
  const occurs = new Map<string, number[]>();
  lines.forEach((l, r) => {
    if (!importRows.has(r)) for (const w of identifierTokens(l)) (occurs.get(w) ?? occurs.set(w, []).get(w)!).push(r);
  });
  // Half the outline's room for the imports. A name the file imports but uses nowhere else is likely
  // what is about to be typed (an import written or added first, a use being retyped): clipped
  // lists keep such names first.
  const bound = new Set(outline.imports.flatMap((i) => i.bindings.map((b) => b.local)));
  const imports = shareImports(stmts, visible, Math.floor(max / 2), languageId, (name) => bound.has(name) && !occurs.has(name))
    .map((s) => s + '\n')
    .join('');
  let room = max - imports.length;
  const chosen: { line: number; text: string }[] = [];
  // Declarations above the window (nearest first) and below the suffix (nearest first), by
  // distance from the window's edge; one below counts BELOW_DISTANCE times its distance.
  // `local`: the one-line rendering of a local declaration (`s` then only gives its lines).
  const cands: { s: OutlineSymbol; d: number; above: boolean; local?: string }[] = [];
  for (const s of outline.symbols) {
    if (s.line < startLine) cands.push({ s, d: Math.max(0, startLine - s.endLine), above: true });
    else if (s.line >= belowLine) cands.push({ s, d: (s.line - belowLine) * OWN_BELOW_DISTANCE, above: false });
  }
  // The enclosing function's locals the window no longer shows are in scope: candidates by the same distance.
  const scoped = locals.filter((l) => l.line < startLine).map((l) => ({ l, d: Math.max(0, startLine - l.endLine) }));
  // Likewise a declaration of the file's own that nothing else in it refers to (a helper just
  // written, about to be called) comes first.
  const unreferenced = (s: OutlineSymbol) => !s.exported && (occurs.get(s.name) ?? []).every((r) => r >= s.line && r <= s.endLine);
  const fresh = new Set(cands.filter((c) => unreferenced(c.s)).map((c) => c.s));
  cands.sort((a, b) => Number(fresh.has(b.s)) - Number(fresh.has(a.s)) || a.d - b.d || a.s.line - b.s.line);
  for (const { l, d } of scoped) {
    // Before the first declaration that is farther away (and not a fresh one).
    const at = cands.findIndex((c) => !fresh.has(c.s) && c.d > d);
    const indent = /^[ \t]*/.exec(lines[l.line] ?? '')![0];
    const s: OutlineSymbol = { name: '', kind: 'variable', signature: '', line: l.line, endLine: l.endLine, exported: false, heritage: [], members: [] };
    cands.splice(at < 0 ? cands.length : at, 0, { s, d, above: true, local: indent + l.text + '\n' });
  }
  for (const { s, local } of cands) {
    if (local !== undefined) {
      if (local.length > room) continue;
      room -= local.length;
      chosen.push({ line: s.line, text: local });
      if (room < 40) break;
      continue;
    }
    // Members the prompt does not show (of the class the cursor is in: those above the window and
    // below the suffix), nearest the window first as far as room allows, in file order.
    const hidden = s.members.filter((m) => m.line < startLine || m.line >= belowLine);
    const gap = (m: OutlineSymbol) => (m.line < startLine ? startLine - m.endLine : (m.line - belowLine) * OWN_BELOW_DISTANCE);
    const rank = new Map([...hidden].sort((a, b) => Number(unreferenced(b)) - Number(unreferenced(a)) || gap(a) - gap(b) || a.line - b.line).map((m, i) => [m, i]));
    const withFirst = (n: number) => renderSymbol({ ...s, members: hidden.filter((m) => rank.get(m)! < n) }, languageId);
    // One declaration's members take at most half the room (the declarations after it count too).
    const cap = Math.max(room / 2, renderSymbol({ ...s, members: [] }, languageId).length);
    let r = withFirst(hidden.length);
    if (r.length > cap) {
      let lo = 0;
      let hi = hidden.length - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (withFirst(mid).length <= cap) lo = mid;
        else hi = mid - 1;
      }
      r = withFirst(lo);
    }
    if (r.length > room) continue;
    room -= r.length;
    chosen.push({ line: s.line, text: r });
    if (room < 40) break;
  }
  if (belowCode) chosen.push(belowCode);
  chosen.sort((a, b) => a.line - b.line);
  const out = imports + chosen.map((c) => c.text).join('');
  return out.trim() ? out.replace(/\n+$/, '') : undefined;
}
