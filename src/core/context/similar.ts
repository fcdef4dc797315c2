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

/** Identifier → small integer, shared by all files (so window counts can live in a typed array). */
let tokenIds = new Map<string, number>();

function tokenId(t: string): number {
  let id = tokenIds.get(t);
  if (id === undefined) tokenIds.set(t, (id = tokenIds.size));
  return id;
}

/** A file's distinct tokens per line as ids: line i is `ids[starts[i] .. starts[i + 1])`; `vocab`: the file's distinct ids. */
interface LineTokens {
  text: string;
  ids: Int32Array;
  starts: Int32Array;
  vocab: Int32Array;
}

let lineCache = new Map<string, LineTokens>();
let cachedIds = 0;
/**
 * Token ids kept in the cache, over all files (4 bytes each). Bounded by size, not by a count of
 * files: a cap of 500 files emptied itself in turn on a folder of 600 (effect's `src/`), so every
 * request tokenized the whole folder again.
 */
const CACHE_IDS = 16_000_000;

/** Token ids per line of a file, cached by path and text. */
function lineTokenIds(p: string, text: string): LineTokens {
  const hit = lineCache.get(p);
  if (hit && hit.text === text) return hit;
  if (hit) {
    lineCache.delete(p);
    cachedIds -= hit.ids.length + hit.starts.length + hit.vocab.length;
  }
  const lines = text.split('\n');
  const starts = new Int32Array(lines.length + 1);
  const ids: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    starts[i] = ids.length;
    for (const t of tokenSet(lines[i])) ids.push(tokenId(t));
  }
  starts[lines.length] = ids.length;
  const entry = { text, ids: Int32Array.from(ids), starts, vocab: Int32Array.from(new Set(ids)) };
  lineCache.set(p, entry);
  cachedIds += entry.ids.length + entry.starts.length + entry.vocab.length;
  for (const [k, v] of lineCache) {
    if (cachedIds <= CACHE_IDS || k === p) break;
    lineCache.delete(k);
    cachedIds -= v.ids.length + v.starts.length + v.vocab.length;
  }
  return entry;
}

export interface Window {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

/**
 * Weight of a token that `df` of `n` files hold, for `topWindows({ idf: true })`: the square of
 * log(1 + n / (1 + df)). Measured against plain Jaccard and exponents 0.5, 1, 3 and 5 on the 12
 * dev corpora (docs/benchmarks.md, "IDF-weighted windows"): 2 was best for idRecall.
 */
export const IDF_WEIGHT = (n: number, df: number): number => Math.log(1 + n / (1 + df)) ** 2;

/**
 * The best `k` windows of `windowLines` lines (step `stride`) from `files`, by Jaccard similarity
 * to `query` (weighted by IDF_WEIGHT with `idf`); at most one window per file region (windows of one file do not overlap), none that
 * overlaps a file's `exclude` range of lines [from, to).
 */
export function topWindows(
  query: string,
  files: readonly { path: string; text: string; exclude?: readonly [number, number] }[],
  opts: { windowLines?: number; stride?: number; k?: number; idf?: boolean } = {},
): Window[] {
  const W = opts.windowLines ?? 60;
  const stride = opts.stride ?? 10;
  const k = opts.k ?? 4;
  if (tokenIds.size > 2_000_000) {
    // A very long session: start the shared vocabulary afresh.
    tokenIds = new Map();
    lineCache = new Map();
    cachedIds = 0;
  }
  const perFile = files.map((f) => lineTokenIds(f.path, f.text));
  const q = tokenSet(query);
  for (const t of q) tokenId(t);
  const inQuery = new Uint8Array(tokenIds.size);
  for (const t of q) inQuery[tokenIds.get(t)!] = 1;
  // For each token id, the number of lines of the current window containing it.
  const counts = new Int32Array(tokenIds.size);
  // Token weights: 1 each (plain Jaccard), or with `idf` by how many of the files hold the token
  // (IDF_WEIGHT), so names most files have (`value`, `options`) count less than the ones few share.
  const df = new Int32Array(tokenIds.size);
  const byDf = new Float64Array(files.length + 1).fill(1);
  if (opts.idf) {
    for (const { vocab } of perFile) for (const id of vocab) df[id]++;
    for (let d = 0; d <= files.length; d++) byDf[d] = IDF_WEIGHT(files.length, d);
  }
  let qWeight = 0;
  for (const t of q) qWeight += byDf[df[tokenIds.get(t)!]];
  const all: Window[] = [];
  for (let fi = 0; fi < files.length; fi++) {
    const f = files[fi];
    const { ids, starts } = perFile[fi];
    const nLines = starts.length - 1;
    // Slide the window instead of rebuilding its token set: `distinct` counts the tokens of lines
    // [lo, hi), `inter` those of them in the query; the score is jaccard(query, window).
    let distinct = 0;
    let inter = 0;
    let lo = 0;
    let hi = 0;
    for (let start = 0; start < Math.max(1, nLines - W + stride); start += stride) {
      const end = Math.min(nLines, start + W);
      for (; hi < end; hi++) {
        for (let j = starts[hi]; j < starts[hi + 1]; j++) {
          const id = ids[j];
          if (counts[id]++ === 0) {
            const w = byDf[df[id]];
            distinct += w;
            inter += inQuery[id] * w;
          }
        }
      }
      for (; lo < start && lo < hi; lo++) {
        for (let j = starts[lo]; j < starts[lo + 1]; j++) {
          const id = ids[j];
          if (--counts[id] === 0) {
            const w = byDf[df[id]];
            distinct -= w;
            inter -= inQuery[id] * w;
          }
        }
      }
      const score = q.size === 0 || distinct <= 1e-9 ? 0 : inter / (qWeight + distinct - inter);
      // A file may rule out a range of its lines (the current file's lines the prompt shows anyway).
      const ruledOut = f.exclude !== undefined && start < f.exclude[1] && end > f.exclude[0];
      if (score > 0 && !ruledOut) all.push({ path: f.path, startLine: start, endLine: end, text: '', score });
      if (end >= nLines) break;
    }
    // Leave the counts at zero for the next file.
    for (let j = starts[lo]; j < starts[hi]; j++) counts[ids[j]]--;
  }
  return chooseWindows(all, k, files);
}

/** The k best-scoring windows that do not overlap one another (ties: path, then line), with their text. */
export function chooseWindows(all: Window[], k: number, files: readonly { path: string; text: string }[]): Window[] {
  // Only the best few can be chosen (overlapping windows of one file are skipped, at most a few per
  // chosen one): sort those, not every window of a large folder; all of them if that was too few.
  const few = Math.max(256, k * 16);
  if (all.length > few * 2) {
    const scores = Float64Array.from(all, (w) => w.score).sort();
    const cut = scores[scores.length - few];
    const best = all.filter((w) => w.score >= cut);
    const chosen = pick(best, k);
    if (chosen.length >= k) return withText(chosen, files);
  }
  return withText(pick(all, k), files);
}

function pick(all: Window[], k: number): Window[] {
  all.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
  const chosen: Window[] = [];
  for (const w of all) {
    if (chosen.length >= k) break;
    if (chosen.some((c) => c.path === w.path && w.startLine < c.endLine && c.startLine < w.endLine)) continue;
    chosen.push(w);
  }
  return chosen;
}

function withText(chosen: Window[], files: readonly { path: string; text: string }[]): Window[] {
  const lines = new Map<string, string[]>();
  for (const w of chosen) {
    let l = lines.get(w.path);
    if (!l) lines.set(w.path, (l = files.find((f) => f.path === w.path)!.text.split('\n')));
    w.text = l.slice(w.startLine, w.endLine).join('\n');
  }
  return chosen;
}
