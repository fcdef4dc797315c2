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
import { withReexports } from './reexports';
import { BELOW_CURSOR_FACTOR, scopeTypes, similarNamed } from './nearNames';
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
/**
 * A declaration in a file the current file neither imports nor shares a folder with counts
 * NOT_VISIBLE; a name the file imports by name counts IMPORT_BOUND times in the file it comes from;
 * member-name matches add up to at most MEMBER_CAP times the best one (docs/benchmarks.md).
 */
const NOT_VISIBLE = 0.5;
const IMPORT_BOUND = 3;
const MEMBER_CAP = 2;
/** Factor of a declared type of a name in scope (scopeTypes). */
const SCOPE_TYPE_WEIGHT = 2;
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
 * Order in which related items are packed into the budget: value per character, score / √size
 * (measured against plain score order and score / size, docs/benchmarks.md), ties by key.
 */
export function byPackValue(a: RelatedItem, b: RelatedItem): number {
  return packValue(b) - packValue(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function packValue(it: RelatedItem): number {
  return it.score / Math.sqrt(Math.max(PACK_MIN_CHARS, it.text.length));
}
