/**
 * Names used on the lines around the cursor, and what they lead to beyond the index's lookup of
 * the names themselves: declarations in related files named like them (similarNamed) and the
 * declared types of the variables among them (scopeTypes). Both feed related.ts's ranking.
 */
import { identifiersOf, NAME } from '../lang/identifiers';
import type { Outline, OutlineSymbol } from '../lang/outline';
import type { SymbolIndex } from '../workspace/symbolIndex';
import { typeOfVariable } from './cursorTargets';
import { trigrams } from './nameSimilarity';
import { withReexports } from './reexports';

/** Names near the cursor compared with candidate declarations by name similarity. */
const SIMILAR_QUERY_NAMES = 24;
/** Lines above and below the cursor those names come from. */
const SIMILAR_ABOVE = 12;
const SIMILAR_BELOW = 3;
/** Similarly named declarations taken per near name, at most (one family does not take every place). */
const SIMILAR_PER_NAME = 3;
/** Factor of a similarly named declaration's score (similarity² × the near name's weight). */
const SIMILAR_WEIGHT = 2;
/** Declarations added by name similarity, at most. */
const SIMILAR_MAX = 12;
/** Trigram similarity below which two names are not alike. */
const SIMILAR_MIN = 0.6;
/** Lines searched for the declarations of variables in scope, and the lines whose names count. */
const SCOPE_LINES = 150;
const SCOPE_NEAR_ABOVE = 15;
const SCOPE_NEAR_BELOW = 3;
/** Names near the cursor: a use below the cursor counts this share of one above at the same distance. */
export const BELOW_CURSOR_FACTOR = 0.5;
/** Name similarity: a near name's weight falls off over this many lines, and shorter names are not compared. */
const SIMILAR_FALLOFF_LINES = 3;
const SIMILAR_MIN_NAME = 4;
/** A namespace import counts as used near the cursor when its local name weighs at least this much. */
const NAMESPACE_USED_MIN = 0.3;
/** Factor for similarly named declarations in a file reached through a namespace import used near the cursor. */
const NAMESPACE_BOOST = 1.5;
/** Factor for a similarly named declaration the file does not export. */
const UNEXPORTED_FACTOR = 0.5;
/** Declared types of names in scope: weight falloff in lines, and how many near names are looked at. */
const SCOPE_FALLOFF_LINES = 4;
const SCOPE_NAMES = 48;

/**
 * Top-level declarations in `files` (the files the current file imports, wholesale re-exports
 * followed, and the files of the best items so far) whose names resemble names used near the
 * cursor (nameSimilarity.ts), and that the document does not mention. Score: the best over near
 * names of similarity² × the near name's weight × SIMILAR_WEIGHT; × NAMESPACE_BOOST in a file reached
 * through a namespace import (`import * as core`) whose local name is used near the cursor.
 */
export function similarNamed(
  input: { currentPath: string; outline: Outline; languageId: string; text: string; cursorLine: number },
  index: SymbolIndex,
  ranked: readonly (readonly [string, number])[],
  imported: ReadonlySet<string>,
  extraFiles: readonly string[],
  excluded: (p: string) => boolean,
  kw: ReadonlySet<string>,
): { path: string; symbol: OutlineSymbol; score: number }[] {
  // Query: names on the lines around the cursor, weighted by the distance of their nearest use
  // (not by frequency: the line being typed is most like the lines right next to it).
  const lines = input.text.split('\n');
  const near = namesNearCursor(lines, input, { above: SIMILAR_ABOVE, below: SIMILAR_BELOW, falloff: SIMILAR_FALLOFF_LINES, minLength: SIMILAR_MIN_NAME }, kw);
  const query: { name: string; tg: readonly string[]; w: number }[] = [];
  for (const [name, w] of [...near.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, SIMILAR_QUERY_NAMES)) {
    const tg = trigrams(name);
    if (tg.length >= 2) query.push({ name, tg, w });
  }
  if (query.length === 0) return [];
  const byTrigram = new Map<string, number[]>();
  query.forEach((q, qi) => {
    for (const t of q.tg) {
      const l = byTrigram.get(t);
      if (l) l.push(qi);
      else byTrigram.set(t, [qi]);
    }
  });
  const common = new Array<number>(query.length).fill(0);
  const touchedList = new Array<number>(query.length).fill(0);
  const weight = new Map(ranked);
  // Files behind namespace imports used near the cursor.
  const nsFiles = new Set<string>();
  for (const im of input.outline.imports) {
    if (!im.bindings.some((b) => b.imported === '*' && (weight.get(b.local) ?? 0) >= NAMESPACE_USED_MIN)) continue;
    withReexports(index, index.resolver.resolve(input.currentPath, im.module, input.languageId), nsFiles);
  }
  const files = new Set([...imported, ...extraFiles]);
  files.delete(input.currentPath);
  const out: { path: string; symbol: OutlineSymbol; score: number; by: string }[] = [];
  for (const f of [...files].sort()) {
    if (excluded(f)) continue;
    const o = index.fileOutline(f);
    if (!o) continue;
    const nsBoost = nsFiles.has(f) ? NAMESPACE_BOOST : 1;
    for (const sym of o.symbols) {
      if (!sym.name || weight.has(sym.name) || kw.has(sym.name)) continue;
      const tc = trigrams(sym.name);
      if (tc.length < 2) continue;
      // Common trigrams with each query name, through the inverted map (no pairwise merge).
      let touched = 0;
      for (const t of tc) {
        const qs = byTrigram.get(t);
        if (!qs) continue;
        for (const qi of qs) {
          if (common[qi] === 0) touchedList[touched++] = qi;
          common[qi]++;
        }
      }
      let best = 0;
      let by = '';
      for (let k = 0; k < touched; k++) {
        const qi = touchedList[k];
        const c = common[qi];
        common[qi] = 0;
        const q = query[qi];
        const sim = (c / Math.min(q.tg.length, tc.length) + (2 * c) / (q.tg.length + tc.length)) / 2;
        if (sim < SIMILAR_MIN) continue;
        const v = sim * sim * q.w;
        if (v > best) {
          best = v;
          by = q.name;
        }
      }
      if (best > 0) out.push({ path: f, symbol: sym, score: best * SIMILAR_WEIGHT * nsBoost * (sym.exported ? 1 : UNEXPORTED_FACTOR), by });
    }
  }
  out.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.symbol.line - b.symbol.line));
  // A few per near name, so one family does not take every place.
  const per = new Map<string, number>();
  const chosen: { path: string; symbol: OutlineSymbol; score: number }[] = [];
  for (const c of out) {
    const k = per.get(c.by) ?? 0;
    if (k >= SIMILAR_PER_NAME) continue;
    per.set(c.by, k + 1);
    chosen.push({ path: c.path, symbol: c.symbol, score: c.score });
    if (chosen.length >= SIMILAR_MAX) break;
  }
  return chosen;
}

/**
 * Names on the lines around the cursor (not the cursor line itself: what is being typed would change
 * the choice at every keystroke, and with it the prompt's prefix), each weighted by its nearest use:
 * 1 / (1 + distance / falloff), halved below the cursor.
 */
function namesNearCursor(
  lines: readonly string[],
  input: { cursorLine: number; languageId: string },
  o: { above: number; below: number; falloff: number; minLength: number },
  kw: ReadonlySet<string>,
): Map<string, number> {
  const near = new Map<string, number>();
  for (let i = Math.max(0, input.cursorLine - o.above); i < Math.min(lines.length, input.cursorLine + o.below + 1); i++) {
    if (i === input.cursorLine) continue;
    const w = (i <= input.cursorLine ? 1 : BELOW_CURSOR_FACTOR) / (1 + Math.abs(i - input.cursorLine) / o.falloff);
    for (const n of identifiersOf(lines[i], input.languageId)) if (n.length >= o.minLength && !kw.has(n) && (near.get(n) ?? 0) < w) near.set(n, w);
  }
  return near;
}

/**
 * Declared types of names used on the lines around the cursor, with the weight of the nearest use:
 * fields/variables of the outline (`localTypes`), else a declaration found in the SCOPE_LINES above
 * (`x: Foo`, `x = new Foo(`, … see typeOfVariable).
 */
export function scopeTypes(input: { text: string; cursorLine: number; languageId: string }, localTypes: ReadonlyMap<string, string>, kw: ReadonlySet<string>): Map<string, number> {
  const lines = input.text.split('\n');
  const near = namesNearCursor(lines, input, { above: SCOPE_NEAR_ABOVE, below: SCOPE_NEAR_BELOW, falloff: SCOPE_FALLOFF_LINES, minLength: 0 }, kw);
  const scope = lines.slice(Math.max(0, input.cursorLine - SCOPE_LINES), input.cursorLine + 1).join('\n');
  const out = new Map<string, number>();
  for (const [n, w] of [...near.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, SCOPE_NAMES)) {
    // Type-like names are their own definitions.
    if (/^[A-Z]/.test(n) && input.languageId !== 'go') continue;
    let ty = localTypes.get(n) ?? typeOfVariable(scope, n);
    if (!ty) {
      // An alias: `const ws = this.knowledge;` → the type of `knowledge`.
      const a = new RegExp(`\\b${n.replace(/[$]/g, '\\$')}\\s*=\\s*(?:this\\.|self\\.)?(${NAME})\\s*[;\\n]`).exec(scope);
      if (a && a[1] !== n) ty = localTypes.get(a[1]) ?? typeOfVariable(scope, a[1]);
    }
    if (!ty || ty === n || kw.has(ty)) continue;
    out.set(ty, Math.max(out.get(ty) ?? 0, w));
  }
  return out;
}
