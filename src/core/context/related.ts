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
import { codeMask, identifiersOf, keywordsFor } from '../eval/identifiers';
import { renderSymbol, type Outline, type OutlineSymbol } from '../syntax/outline';
import { trigrams } from './nameSimilarity';
import type { Declaration, SymbolIndex } from './symbolIndex';

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

const ABOVE = 100;
const BELOW = 30;
/** Names near the cursor compared with candidate declarations by name similarity. */
const SIMILAR_QUERY_NAMES = 24;
const SIMILAR_ABOVE = 12;
const SIMILAR_BELOW = 3;
const SIMILAR_PER_NAME = 3;
const SIMILAR_WEIGHT = 2;
/** Declarations added by name similarity, at most. */
const SIMILAR_MAX = 12;
const SIMILAR_MIN = 0.6;
/**
 * Measured on zod and this repo (docs/benchmarks.md, "Context (issue 7)"): a declaration in a file
 * the current file neither imports nor shares a folder with counts half; a name the file imports by
 * name counts 3× in the file it comes from; member-name matches add up to at most 2× the best one.
 */
const NOT_VISIBLE = 0.5;
const IMPORT_BOUND = 3;
const MEMBER_CAP = 2;
/** Lines searched for the declarations of variables in scope, and the lines whose names count. */
const SCOPE_LINES = 150;
const SCOPE_NEAR_ABOVE = 15;
const SCOPE_NEAR_BELOW = 3;
const SCOPE_TYPE_WEIGHT = 2;
/** Cap on one rendering added by name similarity (a sibling is wanted for its name and signature). */
const SIMILAR_ITEM_CHARS = 600;

/** Score given to the declared type of the parameter the cursor is in (see enclosingCall). */
const CALL_ARG_TYPE_WEIGHT = 4;
/** Lines searched upwards for the call the cursor is an argument of. */
const CALL_LINES = 30;

/**
 * The call whose argument list the cursor is in, when it was opened on a line above:
 * `foo(a, {` / `  key: 1,` / cursor → { callee: 'foo', argIndex: 1 }. Walks back over brackets
 * (string contents are not told apart: a rough but cheap scan) and passes through object and array
 * literals that are themselves arguments or values (`(`, `,`, `:`, `[`, `=` before them); any other
 * unclosed `{` (a block) ends the search.
 */
export function enclosingCall(text: string, cursorLine: number, linePrefix: string): { callee: string; argIndex: number } | undefined {
  let end = 0;
  for (let i = 0; i < cursorLine; i++) {
    end = text.indexOf('\n', end) + 1;
    if (end === 0) return undefined;
  }
  let start = end;
  for (let i = 0; i < CALL_LINES && start > 0; i++) start = text.lastIndexOf('\n', start - 2) + 1;
  const src = text.slice(start, end) + linePrefix;
  let depth = 0;
  let commas = 0;
  for (let i = src.length - 1; i >= 0; i--) {
    const c = src[i];
    if (c === ')' || c === '}' || c === ']') depth++;
    else if (c === '(' || c === '{' || c === '[') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === '(') {
        // Opened on the cursor line: the callee is cursorTargets' (and would change as the line is typed).
        if (i >= src.length - linePrefix.length) return undefined;
        const m = /([A-Za-z_$][\w$]*)\s*(?:<[^<>()]*>)?\s*$/.exec(src.slice(Math.max(0, i - 200), i));
        return m && !/^(if|for|while|switch|catch|function|return|typeof|await)$/.test(m[1]) ? { callee: m[1], argIndex: commas } : undefined;
      }
      const before = /(\S)\s*$/.exec(src.slice(Math.max(0, i - 80), i))?.[1];
      if (c === '{' && !(before && /[(,:[=]/.test(before) && !/=>\s*$/.test(src.slice(Math.max(0, i - 80), i)))) return undefined;
      commas = 0;
    } else if (c === ',' && depth === 0) commas++;
  }
  return undefined;
}

/**
 * Declared type names of parameter `argIndex` in the signatures of `decls` (functions, methods):
 * every capitalised name in that parameter's type (`opts?: Partial<GenerateOptions>` → Partial,
 * GenerateOptions), keywords left out.
 */
export function parameterTypes(decls: readonly Declaration[], argIndex: number, kw: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const d of decls) {
    if (d.symbol.kind !== 'function' && d.symbol.kind !== 'method') continue;
    const sig = d.symbol.signature;
    const open = sig.indexOf('(', sig.indexOf(d.symbol.name) >= 0 ? sig.indexOf(d.symbol.name) : 0);
    if (open < 0) continue;
    // Split the parameter list at top-level commas.
    const params: string[] = [];
    let depth = 0;
    let cur = '';
    for (let i = open + 1; i < sig.length; i++) {
      const c = sig[i];
      if (c === '(' || c === '{' || c === '[' || c === '<') depth++;
      else if (c === ')' || c === '}' || c === ']' || (c === '>' && sig[i - 1] !== '=')) {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        params.push(cur);
        cur = '';
        continue;
      }
      cur += c;
    }
    params.push(cur);
    const p = params[argIndex];
    const colon = p?.indexOf(':') ?? -1;
    if (!p || colon < 0) continue;
    for (const m of p.slice(colon + 1).matchAll(/\b[A-Z][\w$]*/g)) if (!kw.has(m[0])) out.add(m[0]);
  }
  return [...out];
}

/** Receiver of a member access and callee of a call at the end of the text before the cursor. */
export function cursorTargets(linePrefix: string): { receiver?: string; receiverChain: string[]; callee?: string } {
  const recv = /((?:[A-Za-z_$][\w$]*\s*(?:\(\s*\))?\s*(?:\.|::|->)\s*)+)[A-Za-z_$\w]*$/.exec(linePrefix);
  let receiverChain: string[] = [];
  if (recv) receiverChain = recv[1].split(/\.|::|->/).map((s) => s.replace(/\(\s*\)/, '').trim()).filter(Boolean);
  // The innermost unclosed call: `foo(a, bar(` → bar.
  let depth = 0;
  let callee: string | undefined;
  for (let i = linePrefix.length - 1; i >= 0; i--) {
    const c = linePrefix[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        const m = /([A-Za-z_$][\w$]*)\s*$/.exec(linePrefix.slice(0, i));
        callee = m?.[1];
        break;
      }
      depth--;
    }
  }
  return { receiver: receiverChain[receiverChain.length - 1], receiverChain, callee };
}

/** Names of the document with a score by closeness to the cursor. */
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
    const w = (i < input.cursorLine ? 1 : 0.5) / (1 + d / 8);
    const seen = new Set<string>();
    for (const n of identifiersOf(lines[i], input.languageId)) {
      if (seen.has(n)) continue;
      seen.add(n);
      add(n, w);
      near.add(n);
    }
  }
  for (const n of new Set(identifiersOf(input.linePrefix, input.languageId))) add(n, 1.5);
  // The rest of the document, a little each.
  const rest = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (i >= from && i < to) continue;
    for (const n of identifiersOf(lines[i], input.languageId)) rest.add(n);
  }
  for (const n of rest) if (!near.has(n)) add(n, 0.05);
  for (const im of input.outline.imports) for (const b of im.bindings) if (b.local !== '*') add(b.local, 0.3);
  return scores;
}

export function relatedItems(input: RelatedInput): RelatedItem[] {
  const { index, currentPath } = input;
  const excluded = input.isExcluded ?? (() => false);
  const maxItem = input.maxItemChars ?? 1600;
  // Files reachable through imports (and what they re-export wholesale, two levels deep).
  const imported = new Set<string>();
  let frontier: string[] = [];
  for (const im of input.outline.imports) for (const t of index.resolver.resolve(currentPath, im.module, input.languageId)) frontier.push(t);
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: string[] = [];
    for (const f of frontier) {
      if (imported.has(f)) continue;
      imported.add(f);
      const o = index.fileOutline(f);
      if (o) for (const m of o.reexportAll) next.push(...index.resolveImport(f, m));
    }
    frontier = next;
  }
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
    scores.set(r, (scores.get(r) ?? 0) + 3);
    const ty = localTypes.get(r) ?? typeOfVariable(input.text, r);
    if (ty) scores.set(ty, (scores.get(ty) ?? 0) + 4);
  }
  if (t.callee) scores.set(t.callee, (scores.get(t.callee) ?? 0) + 2);
  // The call the cursor is an argument of, opened on a line above (`f(a, {` … cursor): the declared
  // type of that parameter (an options object's fields are what gets typed).
  {
    const call = enclosingCall(input.text, input.cursorLine, input.linePrefix);
    if (call) {
      scores.set(call.callee, (scores.get(call.callee) ?? 0) + 1);
      for (const ty of parameterTypes(index.declarations(call.callee).filter((d) => d.path !== currentPath).slice(0, 4), call.argIndex, kw))
        scores.set(ty, (scores.get(ty) ?? 0) + CALL_ARG_TYPE_WEIGHT);
    }
  }
  // Types of variables in scope near the cursor.
  for (const [name, ty] of localTypes) if (scores.has(name)) scores.set(ty, (scores.get(ty) ?? 0) + 0.3 * (scores.get(name) ?? 0));
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
    const rank = (d: Declaration) => (imported.has(d.path) ? 8 : 0) + (open.has(d.path) ? 4 : 0) + (d.path.startsWith(dir + '/') ? 2 : 0) + (d.symbol.exported ? 1 : 0);
    return [...ok].sort((a, b) => rank(b) - rank(a)).slice(0, 2);
  };
  const topLevel = (d: Declaration): { path: string; symbol: OutlineSymbol } | undefined => {
    if (!d.container) return d;
    const c = index.declarations(d.container).find((x) => x.path === d.path && !x.container);
    return c ?? (index.declarations(d.container).find((x) => x.path === d.path));
  };
  const addName = (name: string, score: number, reason: string) => {
    const decls = index.declarations(name);
    if (decls.length === 0) return;
    // A name declared in dozens of places (e.g. `name`, `get`) says little about which one.
    const spread = decls.length > 6 ? 6 / decls.length : 1;
    for (const d of pick(decls)) {
      const top = topLevel(d);
      if (!top) continue;
      const key = `${top.path}#${top.symbol.name}#${top.symbol.line}`;
      const visible = imported.has(top.path);
      // A name the file imports by name, found in the file it comes from: the most direct lead.
      const boost = visible ? (boundNames.has(name) ? 1.5 * IMPORT_BOUND : 1.5) : top.path.startsWith(dir + '/') ? 1 : NOT_VISIBLE;
      const s = score * spread * boost * (d.container ? 0.6 : 1);
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
  const ranked = [...scores.entries()].filter(([n]) => !kw.has(n)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 300);
  for (const [n, s] of ranked) addName(n, s, 'definition');
  // Siblings by name: declarations of the files the current file imports (and of the files the
  // best items come from) whose names resemble names near the cursor, and that the document does
  // not mention yet (`_cidrv6` next to `_cidrv4`, `$ZodCIDRv6Internals` inside `class ZodCIDRv6`).
  for (const c of similarNamed(input, index, ranked, imported, [...items.values()].sort((a, b) => b.score - a.score).slice(0, 8).map((i) => i.path), excluded, kw)) {
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
  const first = [...items.values()].sort((a, b) => b.score - a.score).slice(0, 24);
  for (const it of first) {
    const next = new Set<string>();
    for (const h of it.symbol.heritage) next.add(h);
    if (it.symbol.typeName) next.add(it.symbol.typeName);
    if (it.symbol.returnType) next.add(it.symbol.returnType);
    for (const m of it.symbol.members) {
      if (m.typeName) next.add(m.typeName);
      if (m.returnType) next.add(m.returnType);
    }
    for (const n of next) if (!kw.has(n) && !scores.has(n)) addName(n, it.score * 0.35, 'type of member');
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
      .map((e) => /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)/.exec(e)?.[1])
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
  input: Pick<RelatedInput, 'currentPath' | 'languageId' | 'text' | 'cursorLine' | 'linePrefix' | 'outline'>,
  index: SymbolIndex,
  excluded: (p: string) => boolean,
): { path: string; symbol: OutlineSymbol; score: number }[] {
  if (!/^(typescript|typescriptreact|javascript|javascriptreact)$/.test(input.languageId)) return [];
  const list = enclosingList(input.text, input.cursorLine, input.linePrefix);
  if (!list) return [];
  const files: string[] = [];
  let frontier = index.resolver.resolve(input.currentPath, list.module, input.languageId);
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: string[] = [];
    for (const f of frontier) {
      if (files.includes(f) || f === input.currentPath) continue;
      files.push(f);
      for (const m of index.fileOutline(f)?.reexportAll ?? []) next.push(...index.resolveImport(f, m));
    }
    frontier = next;
  }
  const inDoc = new Set(input.text.match(/[A-Za-z_$][\w$]*/g) ?? []);
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
  const usedInOrder = codeMask(input.text, input.languageId).match(/[A-Za-z_$][\w$]*/g) ?? [];
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

/** Languages whose non-exported members (`private`, `#x`) no other file can use. */
const PRIVATE_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'java']);

/** A class/type of another file as that file's users see it: without its private members (TS/JS/Java). */
export function withoutPrivateMembers(s: OutlineSymbol, languageId: string): OutlineSymbol {
  if (!PRIVATE_LANGUAGES.has(languageId) || !s.members.some((m) => !m.exported)) return s;
  return { ...s, members: s.members.filter((m) => m.exported) };
}

/** `x: Foo`, `x = new Foo(`, `Foo x =`, `x := Foo{` near a name: its declared type. */
export function typeOfVariable(text: string, name: string): string | undefined {
  const esc = name.replace(/[$]/g, '\\$');
  const res = [
    new RegExp(`\\b${esc}\\??\\s*:\\s*(?:readonly\\s+)?([A-Z][\\w$]*)`),
    new RegExp(`\\b${esc}\\s*=\\s*(?:await\\s+)?new\\s+([A-Za-z_$][\\w$]*)`),
    new RegExp(`\\b${esc}\\s*:?=\\s*&?([A-Z][\\w]*)\\s*\\{`),
    new RegExp(`\\b([A-Z][\\w$]*)(?:<[^>]*>)?\\s+${esc}\\s*[=;,)]`),
  ];
  for (const re of res) {
    const m = re.exec(text);
    if (m) return m[1];
  }
  return undefined;
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
 * names of similarity² × the near name's weight (capped at 3) × 0.6; ×1.5 in a file reached
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
  const near = namesNearCursor(lines, input, { above: SIMILAR_ABOVE, below: SIMILAR_BELOW, falloff: 3, minLength: 4 }, kw);
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
    if (!im.bindings.some((b) => b.imported === '*' && (weight.get(b.local) ?? 0) >= 0.3)) continue;
    let frontier = index.resolver.resolve(input.currentPath, im.module, input.languageId);
    for (let depth = 0; depth < 3 && frontier.length; depth++) {
      const next: string[] = [];
      for (const f of frontier) {
        if (nsFiles.has(f)) continue;
        nsFiles.add(f);
        for (const m of index.fileOutline(f)?.reexportAll ?? []) next.push(...index.resolveImport(f, m));
      }
      frontier = next;
    }
  }
  const files = new Set([...imported, ...extraFiles]);
  files.delete(input.currentPath);
  const out: { path: string; symbol: OutlineSymbol; score: number; by: string }[] = [];
  for (const f of [...files].sort()) {
    if (excluded(f)) continue;
    const o = index.fileOutline(f);
    if (!o) continue;
    const nsBoost = nsFiles.has(f) ? 1.5 : 1;
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
      if (best > 0) out.push({ path: f, symbol: sym, score: best * SIMILAR_WEIGHT * nsBoost * (sym.exported ? 1 : 0.5), by });
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
    const w = (i <= input.cursorLine ? 1 : 0.5) / (1 + Math.abs(i - input.cursorLine) / o.falloff);
    for (const n of identifiersOf(lines[i], input.languageId)) if (n.length >= o.minLength && !kw.has(n) && (near.get(n) ?? 0) < w) near.set(n, w);
  }
  return near;
}

/**
 * Declared types of names used on the lines around the cursor, with the weight of the nearest use:
 * fields/variables of the outline (`localTypes`), else a declaration found in the SCOPE_LINES above
 * (`x: Foo`, `x = new Foo(`, … see typeOfVariable).
 */
export function scopeTypes(
  input: Pick<RelatedInput, 'text' | 'cursorLine' | 'languageId'>,
  localTypes: ReadonlyMap<string, string>,
  kw: ReadonlySet<string>,
): Map<string, number> {
  const lines = input.text.split('\n');
  const near = namesNearCursor(lines, input, { above: SCOPE_NEAR_ABOVE, below: SCOPE_NEAR_BELOW, falloff: 4, minLength: 0 }, kw);
  const scope = lines.slice(Math.max(0, input.cursorLine - SCOPE_LINES), input.cursorLine + 1).join('\n');
  const out = new Map<string, number>();
  for (const [n, w] of [...near.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 48)) {
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
  return it.score / Math.sqrt(Math.max(100, it.text.length));
}
