/**
 * Sticky packing of related context: consecutive prompts of a document keep what earlier ones
 * showed, in place and with the same text, so they share a long common prefix (server KV cache).
 */
import type { Snippet } from '../types';
import type { Rooms } from './budget';

/** A piece of related context: one declaration, or one window of similar code. */
export interface Piece {
  /** Identity across requests (path#name, or path#window#line). */
  key: string;
  path: string;
  line: number;
  /** Windows: the line after the window (to tell overlapping windows). */
  endLine?: number;
  text: string;
  reason: string;
  kind: 'decl' | 'window';
}

/** A document's last related layout: its pieces, the cursor line each was last a candidate at, and the text of their files then. */
export interface ShownLayout {
  pieces: Piece[];
  earned: Map<string, number>;
  sources: Map<string, string>;
  /** The declaration the cursor was in (scopeAt). */
  scope: string;
  /** The cursor line. */
  line: number;
  /** The room the related part had and the code below the suffix got (kept while they fit: see `keptRoom`). */
  rooms: Rooms;
}

/** How far (lines) the cursor may move from where a shown piece was last a candidate and still keep it without it being one. */
export const STICKY_REGION_LINES = 40;

/** Documents whose last related layout is remembered. */
export const STICKY_DOCUMENTS = 32;
/** How full (share of its room) the related part must be for a frozen request to add nothing to it. */
const FROZEN_FULL = 0.5;

/** Share of the related budget the best-ranked pieces for the position are always given. */
const FRESH_SHARE = 0.5;

/** One kind of related piece with its own share of the budget. */
export interface PieceGroup {
  kind: Piece['kind'];
  /** Every candidate, best first. */
  ranked: readonly Piece[];
  /** The pieces this position would get on its own, best first (default: greedy over `ranked` within `max`). */
  ideal?: readonly Piece[];
  max: number;
  /** Characters a piece adds to the prompt (`newPath`: its file's header too). */
  cost: (p: Piece, newPath: boolean) => number;
}

/**
 * Chooses and orders related pieces so that consecutive requests of a document keep a common
 * prefix. Per group (declarations, windows), within its `max`:
 *  - the ideal pieces for this position (greedy by rank); the ones within the first `freshShare`
 *    of `max` always get in;
 *  - the previous request's pieces (`prev`, in prompt order) stay, in their order, from the start
 *    for as long as each is still a candidate of its group with the same text, or `keep` says it
 *    may stay as it was shown (its source unchanged, the cursor still near); room for the
 *    must-have pieces is made by dropping the newest of them first (the end of the sticky part:
 *    the cheapest place for the prompts to differ);
 *  - new pieces follow, by path, declarations before windows, then line.
 * `frozen` (the same function as the previous request), once the kept pieces fill half the room:
 * the sticky run is the whole result, nothing is added, and what no longer fits is dropped from
 * the end.
 * With no previous layout the result is the ideal pieces, by path, then line.
 */
export function stickyPack(groups: readonly PieceGroup[], prev: readonly Piece[] | undefined, freshShare = FRESH_SHARE, keep?: (p: Piece) => boolean, frozen = false): Piece[] {
  const total = (g: PieceGroup, xs: readonly Piece[]) => xs.reduce((n, p, i) => n + g.cost(p, xs.findIndex((q) => q.path === p.path) === i), 0);
  const greedy = (g: PieceGroup, cands: readonly Piece[], start: readonly Piece[] = []): Piece[] => {
    const paths = new Set(start.map((p) => p.path));
    const keys = new Set(start.map((p) => p.key));
    let used = total(g, start);
    const out: Piece[] = [];
    for (const p of cands) {
      if (keys.has(p.key) || overlaps(p, start) || overlaps(p, out)) continue;
      const c = g.cost(p, !paths.has(p.path));
      if (used + c > g.max) continue;
      used += c;
      paths.add(p.path);
      keys.add(p.key);
      out.push(p);
      if (g.max - used < 40) break;
    }
    return out;
  };
  const state = groups.map((g) => {
    const ideal = g.ideal ? [...g.ideal] : greedy(g, g.ranked);
    const must: Piece[] = [];
    const paths = new Set<string>();
    let used = 0;
    for (const p of ideal) {
      const c = g.cost(p, !paths.has(p.path));
      if (used + c > g.max * freshShare) break;
      used += c;
      paths.add(p.path);
      must.push(p);
    }
    const byKey = new Map(g.ranked.map((p) => [p.key, p]));
    for (const p of ideal) byKey.set(p.key, p);
    return { g, ideal, must, byKey };
  });
  const groupOf = (p: Piece) => state.find((s) => s.g.kind === p.kind);
  // The sticky run: previous pieces, from the start, while each is still a candidate, unchanged (or may be kept as shown).
  const kept: Piece[] = [];
  for (const p of prev ?? []) {
    const s = groupOf(p);
    const now = s?.byKey.get(p.key);
    // Frozen, a piece that went is skipped (the prompts differ from there on either way).
    if (!s || ((!now || now.text !== p.text) && !keep?.(p))) {
      if (frozen) continue;
      break;
    }
    kept.push(p);
  }
  const keptOf = (s: (typeof state)[number]) => kept.filter((p) => p.kind === s.g.kind);
  // Frozen only once the related part holds something: a part chosen while the document was nearly
  // empty (a new file, its imports not typed yet) still fills up as the person types.
  const keptCost = state.reduce((n, s) => n + total(s.g, keptOf(s)), 0);
  if (frozen && keptCost >= FROZEN_FULL * state.reduce((n, s) => n + s.g.max, 0)) {
    // Still working on the same thing: nothing is added (every addition re-sends the current file
    // after it); only what no longer fits goes, from the end.
    while (kept.length > 0 && state.some((s) => total(s.g, keptOf(s)) > s.g.max)) {
      const over = new Set(state.filter((s) => total(s.g, keptOf(s)) > s.g.max).map((s) => s.g.kind));
      let i = kept.length - 1;
      while (i > 0 && !over.has(kept[i].kind)) i--;
      kept.splice(i, 1);
    }
    if (kept.length > 0) return kept;
  }
  const missing = (s: (typeof state)[number]) => s.must.filter((m) => !kept.some((k) => k.key === m.key) && !overlaps(m, kept));
  // Room for the missing must-haves: drop the newest kept piece that is not one itself (a must-have
  // dropped here would only come back after the rest, moving everything after it), then any.
  const isMust = (p: Piece) => groupOf(p)!.must.some((m) => m.key === p.key);
  while (kept.length > 0 && state.some((s) => total(s.g, [...keptOf(s), ...missing(s)]) > s.g.max)) {
    const over = new Set(state.filter((s) => total(s.g, [...keptOf(s), ...missing(s)]) > s.g.max).map((s) => s.g.kind));
    let i = kept.length - 1;
    while (i >= 0 && (isMust(kept[i]) || !over.has(kept[i].kind))) i--;
    if (i < 0) i = kept.length - 1;
    kept.splice(i, 1);
  }
  const fresh = state.flatMap((s) => greedy(s.g, [...missing(s), ...s.ideal], keptOf(s)));
  fresh.sort(byPathLine);
  return [...kept, ...fresh];
}

function overlaps(p: Piece, xs: readonly Piece[]): boolean {
  if (p.kind !== 'window') return false;
  return xs.some((x) => x.kind === 'window' && x.path === p.path && p.line < (x.endLine ?? x.line + 1) && x.line < (p.endLine ?? p.line + 1));
}

function byPathLine(a: Piece, b: Piece): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'decl' ? -1 : 1;
  return a.line - b.line;
}

/** Pieces in prompt order → snippets: consecutive pieces of one file share a snippet. */
export function toSnippets(pieces: readonly Piece[]): Snippet[] {
  const out: (Snippet & { lastKind: Piece['kind'] })[] = [];
  for (const p of pieces) {
    const text = p.text.replace(/\n+$/, '');
    const last = out[out.length - 1];
    if (last && last.path === p.path) {
      last.text += p.kind === 'window' || last.lastKind === 'window' ? `\n…\n${text}` : `\n${text}`;
      if (!last.reason.includes(p.reason)) last.reason += `, ${p.reason}`;
      last.lastKind = p.kind;
    } else out.push({ path: p.path, text, reason: p.reason, lastKind: p.kind });
  }
  return out.map(({ path, text, reason }) => ({ path, text, reason }));
}
