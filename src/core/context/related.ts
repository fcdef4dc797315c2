/**
 * Related symbols, ranked: declarations in other files of the names the person is working with.
 *
 * Scores, highest first:
 *  - the receiver of a member access / the callee of a call on the cursor line (its type's outline);
 *  - names used near the cursor (weighted by distance), then the rest of the document;
 *  - the names the file imports;
 *  - one level further: the declared types of the members/returns of what was chosen, and what
 *    chosen types extend (so `a.b.c` and inherited members are covered).
 * A declaration is preferred in a file the current file imports, then an open editor, then the same
 * folder, then an exported one. Each result is code: the declaration's outline (signatures, no
 * bodies), under its file path.
 */
import { identifiersOf, keywordsFor } from '../lang/identifiers';
import { renderSymbol, type Outline, type OutlineSymbol } from '../lang/outline';
import { cursorTargets, enclosingCall, parameterTypes, typeOfVariable } from './cursorTargets';
import { listCandidates } from './importLists';
import { trigrams } from './nameSimilarity';
import { withReexports } from './reexports';
import type { Declaration, SymbolIndex } from '../workspace/symbolIndex';

export interface RelatedItem {
  path: string;
  /** Line of the declaration in its file (for deterministic ordering). */
  line: number;
  /** Rendered declaration (signatures, no bodies). */
  text: string;
  score: number;
  reason: string;
  /** path#name: one item per declaration. */
  key: string;
}

export interface RelatedInput {
  index: SymbolIndex;
  currentPath: string;
  languageId: string;
  text: string;
  /** 0-based cursor line and the text of that line before the cursor. */
  cursorLine: number;
  linePrefix: string;
  /** Outline of the current document (not the file on disk). */
  outline: Outline;
  /** Paths (workspace-relative) never to use. */
  isExcluded?: (p: string) => boolean;
  /** Open editors (workspace-relative), a small preference. */
  openFiles?: readonly string[];
  /** Cap on one item's rendered size, in characters. */
  maxItemChars?: number;
}

/** Lines above and below the cursor whose names are weighted by their distance (nameScores). */
const ABOVE = 100;
const BELOW = 30;
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
/**
 * A declaration in a file the current file neither imports nor shares a folder with counts
 * NOT_VISIBLE; a name the file imports by name counts IMPORT_BOUND times in the file it comes from;
 * member-name matches add up to at most MEMBER_CAP times the best one (docs/benchmarks.md).
 */
const NOT_VISIBLE = 0.5;
const IMPORT_BOUND = 3;
const MEMBER_CAP = 2;
/** Lines searched for the declarations of variables in scope, and the lines whose names count. */
const SCOPE_LINES = 150;
const SCOPE_NEAR_ABOVE = 15;
const SCOPE_NEAR_BELOW = 3;
const SCOPE_TYPE_WEIGHT = 2;
/** Names near the cursor: a use below the cursor counts this share of one above at the same distance. */
const BELOW_CURSOR_FACTOR = 0.5;
/** Names near the cursor: a use's weight is 1 / (1 + distance / this many lines). */
const NEAR_FALLOFF_LINES = 8;
/** Weight of each name on the line being typed. */
const LINE_PREFIX_WEIGHT = 1.5;
/** Weight of a name used only farther from the cursor than ABOVE/BELOW lines. */
const REST_OF_FILE_WEIGHT = 0.05;
/** Weight of each name a file's import binds. */
const IMPORTED_NAME_WEIGHT = 0.3;
/** Added for each receiver of the member access being typed (`a.b.` → a, b). */
const RECEIVER_WEIGHT = 3;
/** Added for the declared type of such a receiver. */
const RECEIVER_TYPE_WEIGHT = 4;
/** Added for the function being called on the line being typed. */
const CALLEE_WEIGHT = 2;
/** Added for the function whose argument list, opened above, the cursor is in. */
const ENCLOSING_CALL_WEIGHT = 1;
/** A variable's declared type gets this share of the variable's own weight. */
const LOCAL_TYPE_SHARE = 0.3;
/** Names declared in more places than this count proportionally less (`name`, `get`). */
const SPREAD_DECLARATIONS = 6;
/** Factor for a declaration in a file the current file imports. */
const VISIBLE_BOOST = 1.5;
/** Factor for a match on a member name rather than a top-level declaration. */
const MEMBER_MATCH_FACTOR = 0.6;
/** Best-scoring names looked up in the index. */
const RANKED_NAMES = 300;
/** Files of this many best items also searched for similarly named declarations. */
const SIMILAR_FROM_BEST_FILES = 8;
/** Best items whose mentioned types (heritage, field and return types) are added one level further. */
const TYPE_HOP_ITEMS = 24;
/** A type mentioned by a chosen item gets this share of the item's score. */
const TYPE_HOP_SHARE = 0.35;
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
/** Packing order: an item's size counts as at least this many characters. */
const PACK_MIN_CHARS = 100;
/** Default cap on one item's rendered size, in characters. */
const MAX_ITEM_CHARS = 1600;
/** Cap on one rendering added by name similarity (a sibling is wanted for its name and signature). */
const SIMILAR_ITEM_CHARS = 600;

/** Score given to the declared type of the parameter the cursor is in (see enclosingCall). */
const CALL_ARG_TYPE_WEIGHT = 4;

export function nameScores(input: Pick<RelatedInput, 'text' | 'cursorLine' | 'linePrefix' | 'languageId' | 'outline'>): Map<string, number> {
  const scores = new Map<string, number>();
  const add = (n: string, w: number) => scores.set(n, (scores.get(n) ?? 0) + w);
  const lines = input.text.split('\n');
  const from = Math.max(0, input.cursorLine - ABOVE);
  const to = Math.min(lines.length, input.cursorLine + BELOW);
  const near = new Set<string>();
  for (let i = from; i < to; i++) {
    if (i === input.cursorLine) continue;
    const d = Math.abs(input.cursorLine - i);
    const w = (i < input.cursorLine ? 1 : BELOW_CURSOR_FACTOR) / (1 + d / NEAR_FALLOFF_LINES);
    const seen = new Set<string>();
    for (const n of identifiersOf(lines[i], input.languageId)) {
      if (seen.has(n)) continue;
      seen.add(n);
      add(n, w);
      near.add(n);
    }
  }
  for (const n of new Set(identifiersOf(input.linePrefix, input.languageId))) add(n, LINE_PREFIX_WEIGHT);
  // The rest of the document, a little each.
  const rest = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (i >= from && i < to) continue;
    for (const n of identifiersOf(lines[i], input.languageId)) rest.add(n);
  }
  for (const n of rest) if (!near.has(n)) add(n, REST_OF_FILE_WEIGHT);
  for (const im of input.outline.imports) for (const b of im.bindings) if (b.local !== '*') add(b.local, IMPORTED_NAME_WEIGHT);
  return scores;
}

export function relatedItems(input: RelatedInput): RelatedItem[] {
  const { index, currentPath } = input;
  const excluded = input.isExcluded ?? (() => false);
  const maxItem = input.maxItemChars ?? MAX_ITEM_CHARS;
  // Files reachable through imports (and what they re-export wholesale, two levels deep).
  const imported = new Set<string>();
  const targets: string[] = [];
  for (const im of input.outline.imports) for (const t of index.resolver.resolve(currentPath, im.module, input.languageId)) targets.push(t);
  withReexports(index, targets, imported);
  const open = new Set(input.openFiles ?? []);
  const dir = currentPath.includes('/') ? currentPath.slice(0, currentPath.lastIndexOf('/')) : '';
  const kw = keywordsFor(input.languageId);

  const scores = nameScores(input);
  // Local types of fields/variables: `this.x` → type of member x in the current file.
  const localTypes = new Map<string, string>();
  const collectTypes = (syms: readonly OutlineSymbol[]) => {
    for (const s of syms) {
      if (s.typeName) localTypes.set(s.name, s.typeName);
      if (s.returnType) localTypes.set(s.name, s.returnType);
      if (s.members.length) collectTypes(s.members);
    }
  };
  collectTypes(input.outline.symbols);
  const t = cursorTargets(input.linePrefix);
  for (const r of t.receiverChain) {
    scores.set(r, (scores.get(r) ?? 0) + RECEIVER_WEIGHT);
    const ty = localTypes.get(r) ?? typeOfVariable(input.text, r);
    if (ty) scores.set(ty, (scores.get(ty) ?? 0) + RECEIVER_TYPE_WEIGHT);
  }
  if (t.callee) scores.set(t.callee, (scores.get(t.callee) ?? 0) + CALLEE_WEIGHT);
  // The call the cursor is an argument of, opened on a line above (`f(a, {` … cursor): the declared
  // type of that parameter (an options object's fields are what gets typed).
  {
    const call = enclosingCall(input.text, input.cursorLine, input.linePrefix);
    if (call) {
      scores.set(call.callee, (scores.get(call.callee) ?? 0) + ENCLOSING_CALL_WEIGHT);
      for (const ty of parameterTypes(
        index
          .declarations(call.callee)
          .filter((d) => d.path !== currentPath)
          .slice(0, 4),
        call.argIndex,
        kw,
      ))
        scores.set(ty, (scores.get(ty) ?? 0) + CALL_ARG_TYPE_WEIGHT);
    }
  }
  // Types of variables in scope near the cursor.
  for (const [name, ty] of localTypes) if (scores.has(name)) scores.set(ty, (scores.get(ty) ?? 0) + LOCAL_TYPE_SHARE * (scores.get(name) ?? 0));
  // Declared types of the variables and parameters used right around the cursor (`ws: Knowledge`,
  // `const engine = new ContextEngine(`): the line being typed often calls their members.
  for (const [ty, w] of scopeTypes(input, localTypes, kw)) scores.set(ty, (scores.get(ty) ?? 0) + SCOPE_TYPE_WEIGHT * w);

  const items = new Map<string, RelatedItem & { symbol: OutlineSymbol; memberSum: number; memberMax: number }>();
  // Names bound by a named import (`import { A as B }` binds B).
  const boundNames = new Set<string>();
  for (const im of input.outline.imports) for (const b of im.bindings) if (b.imported !== '*') boundNames.add(b.local);
  const pick = (decls: readonly Declaration[]): Declaration[] => {
    let ok = decls.filter((d) => d.path !== currentPath && !excluded(d.path));
    // Declarations the file can actually see (through its imports) win over same-named others.
    const visible = ok.filter((d) => imported.has(d.path));
    if (visible.length) ok = visible;
    if (ok.length <= 2) return ok;
    // Priority, in this order: imported, open in an editor, in the same folder, exported.
    const rank = (d: Declaration) => (imported.has(d.path) ? 8 : 0) + (open.has(d.path) ? 4 : 0) + (d.path.startsWith(dir + '/') ? 2 : 0) + (d.symbol.exported ? 1 : 0);
    return [...ok].sort((a, b) => rank(b) - rank(a)).slice(0, 2);
  };
  const topLevel = (d: Declaration): { path: string; symbol: OutlineSymbol } | undefined => {
    if (!d.container) return d;
    const c = index.declarations(d.container).find((x) => x.path === d.path && !x.container);
    return c ?? index.declarations(d.container).find((x) => x.path === d.path);
  };
  const addName = (name: string, score: number, reason: string) => {
    const decls = index.declarations(name);
    if (decls.length === 0) return;
    // A name declared in dozens of places (e.g. `name`, `get`) says little about which one.
    const spread = decls.length > SPREAD_DECLARATIONS ? SPREAD_DECLARATIONS / decls.length : 1;
    for (const d of pick(decls)) {
      const top = topLevel(d);
      if (!top) continue;
      const key = `${top.path}#${top.symbol.name}#${top.symbol.line}`;
      const visible = imported.has(top.path);
      // A name the file imports by name, found in the file it comes from: the most direct lead.
      const boost = visible ? (boundNames.has(name) ? VISIBLE_BOOST * IMPORT_BOUND : VISIBLE_BOOST) : top.path.startsWith(dir + '/') ? 1 : NOT_VISIBLE;
      const s = score * spread * boost * (d.container ? MEMBER_MATCH_FACTOR : 1);
      let it = items.get(key);
      if (!it) {
        it = { path: top.path, line: top.symbol.line, text: '', score: 0, reason, key, symbol: top.symbol, memberSum: 0, memberMax: 0 };
        items.set(key, it);
      }
      if (d.container) {
        // Many member names matching (object keys, common method names) add up only so far:
        // at most MEMBER_CAP × the best single member, so a big type does not win by size alone.
        it.score -= Math.min(it.memberSum, MEMBER_CAP * it.memberMax);
        it.memberSum += s;
        it.memberMax = Math.max(it.memberMax, s);
        it.score += Math.min(it.memberSum, MEMBER_CAP * it.memberMax);
      } else it.score += s;
    }
  };
  const ranked = [...scores.entries()]
    .filter(([n]) => !kw.has(n))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, RANKED_NAMES);
  for (const [n, s] of ranked) addName(n, s, 'definition');
  // Siblings by name: declarations of the files the current file imports (and of the files the
  // best items come from) whose names resemble names near the cursor, and that the document does
  // not mention yet (`_cidrv6` next to `_cidrv4`, `$ZodCIDRv6Internals` inside `class ZodCIDRv6`).
  for (const c of similarNamed(
    input,
    index,
    ranked,
    imported,
    [...items.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, SIMILAR_FROM_BEST_FILES)
      .map((i) => i.path),
    excluded,
    kw,
  )) {
    const key = `${c.path}#${c.symbol.name}#${c.symbol.line}`;
    const it = items.get(key);
    if (it) it.score += c.score;
    else items.set(key, { path: c.path, line: c.symbol.line, text: '', score: c.score, reason: 'similar name', key, symbol: c.symbol, memberSum: 0, memberMax: 0 });
  }
  // Inside an import/export list (`export {` … cursor … `} from './m'`): the declarations of that
  // module the list does not name yet, nearest in declaration order to the names listed around the
  // cursor (such lists mostly follow the module's order).
  for (const c of listCandidates(input, index, excluded)) {
    const key = `${c.path}#${c.symbol.name}#${c.symbol.line}`;
    const it = items.get(key);
    if (it) it.score += c.score;
    else items.set(key, { path: c.path, line: c.symbol.line, text: '', score: c.score, reason: 'module exports', key, symbol: c.symbol, memberSum: 0, memberMax: 0 });
  }
  // One level further: types that chosen declarations mention.
  const first = [...items.values()].sort((a, b) => b.score - a.score).slice(0, TYPE_HOP_ITEMS);
  for (const it of first) {
    const next = new Set<string>();
    for (const h of it.symbol.heritage) next.add(h);
    if (it.symbol.typeName) next.add(it.symbol.typeName);
    if (it.symbol.returnType) next.add(it.symbol.returnType);
    for (const m of it.symbol.members) {
      if (m.typeName) next.add(m.typeName);
      if (m.returnType) next.add(m.returnType);
    }
    for (const n of next) if (!kw.has(n) && !scores.has(n)) addName(n, it.score * TYPE_HOP_SHARE, 'type of member');
  }
  const out: RelatedItem[] = [];
  for (const it of items.values()) {
    const lang = index.file(it.path)?.languageId ?? input.languageId;
    let text = renderSymbol(withoutPrivateMembers(it.symbol, lang), lang);
    const cap = it.reason === 'similar name' || it.reason === 'module exports' ? Math.min(maxItem, SIMILAR_ITEM_CHARS) : maxItem;
    if (text.length > cap) text = clipLines(text, cap);
    out.push({ path: it.path, line: it.line, text, score: it.score, reason: it.reason, key: it.key });
  }
  out.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
  return out;
}

/** Languages whose non-exported members (`private`, `#x`) no other file can use. */
const PRIVATE_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'java']);

/** A class/type of another file as that file's users see it: without its private members (TS/JS/Java). */
export function withoutPrivateMembers(s: OutlineSymbol, languageId: string): OutlineSymbol {
  if (!PRIVATE_LANGUAGES.has(languageId) || !s.members.some((m) => !m.exported)) return s;
  return { ...s, members: s.members.filter((m) => m.exported) };
}

/** Cuts a rendering to whole lines under `max` characters, closing with an ellipsis line. */
export function clipLines(text: string, max: number): string {
  const lines = text.split('\n');
  let out = '';
  for (const l of lines) {
    if (out.length + l.length + 1 > max - 8) break;
    out += l + '\n';
  }
  // One long line (a collapsed signature): cut it at a character.
  if (!out && lines[0]) return lines[0].slice(0, Math.max(0, max - 8)) + '…\n';
  return out + '  …\n';
}

/**
 * Top-level declarations in `files` (the files the current file imports, wholesale re-exports
 * followed, and the files of the best items so far) whose names resemble names used near the
 * cursor (nameSimilarity.ts), and that the document does not mention. Score: the best over near
 * names of similarity² × the near name's weight × SIMILAR_WEIGHT; × NAMESPACE_BOOST in a file reached
 * through a namespace import (`import * as core`) whose local name is used near the cursor.
 */
export function similarNamed(
  input: Pick<RelatedInput, 'currentPath' | 'outline' | 'languageId' | 'text' | 'cursorLine'>,
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
  input: Pick<RelatedInput, 'cursorLine' | 'languageId'>,
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
export function scopeTypes(input: Pick<RelatedInput, 'text' | 'cursorLine' | 'languageId'>, localTypes: ReadonlyMap<string, string>, kw: ReadonlySet<string>): Map<string, number> {
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
      const a = new RegExp(`\\b${n.replace(/[$]/g, '\\$')}\\s*=\\s*(?:this\\.|self\\.)?([A-Za-z_$][\\w$]*)\\s*[;\\n]`).exec(scope);
      if (a && a[1] !== n) ty = localTypes.get(a[1]) ?? typeOfVariable(scope, a[1]);
    }
    if (!ty || ty === n || kw.has(ty)) continue;
    out.set(ty, Math.max(out.get(ty) ?? 0, w));
  }
  return out;
}

/**
 * Order in which related items are packed into the budget: value per character, score / √size
 * (measured against plain score order and score / size, docs/benchmarks.md), ties by key.
 */
export function byPackValue(a: RelatedItem, b: RelatedItem): number {
  return packValue(b) - packValue(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function packValue(it: RelatedItem): number {
  return it.score / Math.sqrt(Math.max(PACK_MIN_CHARS, it.text.length));
}
