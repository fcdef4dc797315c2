/**
 * Sliding-window similarity (Copilot's "neighbor tabs" idea): windows of other files ranked by
 * Jaccard similarity of their identifier sets to the lines above the cursor. Used by the
 * jaccardNeighbors baseline and, for names the index cannot define (library APIs), by the engine.
 */

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;

export function tokenSet(text: string): Set<string> {
  const s = new Set<string>();
  for (const m of text.matchAll(IDENT)) s.add(m[0]);
  return s;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

const lineCache = new Map<string, { text: string; sets: Set<string>[] }>();

/** Token sets per line of a file, cached by path and text. */
function lineTokenSets(p: string, text: string): Set<string>[] {
  const hit = lineCache.get(p);
  if (hit && hit.text === text) return hit.sets;
  const sets = text.split('\n').map((l) => tokenSet(l));
  lineCache.set(p, { text, sets });
  if (lineCache.size > 500) lineCache.delete(lineCache.keys().next().value as string);
  return sets;
}

export interface Window {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

/**
 * The best `k` windows of `windowLines` lines (step `stride`) from `files`, by Jaccard similarity
 * to `query`; at most one window per file region (windows of one file do not overlap).
 */
export function topWindows(
  query: string,
  files: readonly { path: string; text: string }[],
  opts: { windowLines?: number; stride?: number; k?: number } = {},
): Window[] {
  const W = opts.windowLines ?? 60;
  const stride = opts.stride ?? 10;
  const k = opts.k ?? 4;
  const q = tokenSet(query);
  const all: Window[] = [];
  for (const f of files) {
    const lines = lineTokenSets(f.path, f.text);
    // Slide the window instead of rebuilding its token set: `counts` holds, for each distinct
    // token of lines [lo, hi), the number of those lines containing it; `inter` how many of the
    // distinct tokens are in the query. The score is jaccard(q, union of the window's lines).
    const counts = new Map<string, number>();
    let inter = 0;
    let lo = 0;
    let hi = 0;
    for (let start = 0; start < Math.max(1, lines.length - W + stride); start += stride) {
      const end = Math.min(lines.length, start + W);
      for (; hi < end; hi++) {
        for (const t of lines[hi]) {
          const c = counts.get(t) ?? 0;
          if (c === 0 && q.has(t)) inter++;
          counts.set(t, c + 1);
        }
      }
      for (; lo < start && lo < hi; lo++) {
        for (const t of lines[lo]) {
          const c = counts.get(t)! - 1;
          if (c > 0) counts.set(t, c);
          else {
            counts.delete(t);
            if (q.has(t)) inter--;
          }
        }
      }
      const score = q.size === 0 || counts.size === 0 ? 0 : inter / (q.size + counts.size - inter);
      if (score > 0) all.push({ path: f.path, startLine: start, endLine: end, text: '', score });
      if (end >= lines.length) break;
    }
  }
  all.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
  const chosen: Window[] = [];
  for (const w of all) {
    if (chosen.length >= k) break;
    if (chosen.some((c) => c.path === w.path && w.startLine < c.endLine && c.startLine < w.endLine)) continue;
    chosen.push(w);
  }
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  for (const w of chosen) w.text = byPath.get(w.path)!.split('\n').slice(w.startLine, w.endLine).join('\n');
  return chosen;
}
