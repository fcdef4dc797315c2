/**
 * Sliding-window similarity (Copilot's "neighbor tabs" idea): windows of other files ranked by
 * Jaccard similarity of their identifier sets to the lines above the cursor. Used by the
 * jaccardNeighbors baseline and, for names the index cannot define (library APIs), by the engine.
 */
import type { CompletionRequest } from '../types';
import { windowTokenSet } from '../lang/identifiers';
import { codeLines, countLines } from './prefixView';
import type { Piece } from './sticky';
import type { SymbolIndex } from '../workspace/symbolIndex';
import type { FimTemplate } from './templates';

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
    for (const t of windowTokenSet(lines[i])) ids.push(tokenId(t));
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
  const q = windowTokenSet(query);
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

/* ---- Windows for a completion request (the context engine's similar-code part) ---- */

/** Lines a similar-code window is shown past its matched lines (half the 20-line window; measured in docs/benchmarks.md). */
export const WINDOW_CONTINUATION = 10;

/**
 * Lines [start + shift, end + shift) of a file (clamped to it, keeping the window's length): a matched window
 * moved down by `shift` lines, so it ends with what came after the match.
 */
export function continuationOf(lines: readonly string[], startLine: number, endLine: number, shift: number): { text: string; startLine: number; endLine: number } {
  const end = Math.min(lines.length, endLine + shift);
  const start = Math.min(Math.max(0, startLine + shift), Math.max(startLine, end - (endLine - startLine)));
  return { text: lines.slice(start, end).join('\n'), startLine: start, endLine: end };
}

/** Lines the similar-windows query moves by (windows are re-scored when it moves, cached while it stays). */
export const WINDOW_QUERY_STEP = 1;
/**
 * Lines above the cursor similar-code windows are matched against: the code just above says more
 * about what comes next than the whole screen does (docs/benchmarks.md).
 */
const WINDOW_QUERY_LINES = 15;

/** A similar-code window clipped to fewer lines than this is left out. */
const MIN_WINDOW_LINES = 4;

/**
 * A similar-code window's text: lines [start, end) of a file without blank and comment-only lines,
 * and without the indentation they all share (more code in the same room).
 */
export function windowText(lines: readonly string[], start: number, end: number, languageId: string): string {
  const code = codeLines(lines.slice(start, end), 0, Infinity, languageId).code;
  const rows = code.split('\n');
  const common = Math.min(...rows.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  return common > 0 && Number.isFinite(common) ? rows.map((l) => l.slice(common)).join('\n') : code;
}

/** Whether a window of the current document shown earlier (when the document was `before`) is still in it unchanged. */
export function stillThere(p: Piece, text: string, before: string | undefined, cursorLine: number, languageId: string): boolean {
  if (p.endLine === undefined || before === undefined) return false;
  const lines = text.split('\n');
  const shift = p.line > cursorLine ? lines.length - countLines(before) : 0;
  return p.text !== '' && windowText(lines, p.line + shift, p.endLine + shift, languageId).startsWith(p.text);
}

/** Where the prompt already shows the current file: from this offset above the cursor, and this many characters below it. */
export interface NearCursor {
  aboveFrom: number;
  below: number;
}

/**
 * Usage windows like the code above the cursor, from imported, related (`chosen`) and same-folder
 * files and from the current file away from what the prompt shows of it: the best ones for this
 * position within `max` (`ideal`), and a few more that may stay if an earlier request showed them
 * (`all`).
 */
export function requestWindows(
  index: SymbolIndex,
  req: CompletionRequest,
  relPath: string,
  chosen: readonly Piece[],
  max: number,
  template: FimTemplate,
  near: NearCursor,
  isExcluded?: (relPath: string) => boolean,
): { all: Piece[]; ideal: Piece[] } {
  // The query is the WINDOW_QUERY_LINES lines above a line that moves in steps of WINDOW_QUERY_STEP
  // (windows are re-scored when it moves, cached while it stays).
  const queryEnd = req.cursor.line - (req.cursor.line % WINDOW_QUERY_STEP);
  const lines = req.doc.text.split('\n');
  const query = lines.slice(Math.max(0, queryEnd - WINDOW_QUERY_LINES), queryEnd).join('\n');
  const candidates = new Set([...index.importsOf(relPath), ...chosen.map((s) => s.path), ...index.siblingsOf(relPath)]);
  candidates.delete(relPath);
  const files = [...candidates]
    .filter((p) => !isExcluded?.(p))
    .sort()
    .map((p) => ({ path: p, text: index.file(p)?.text ?? '' }))
    .filter((f) => f.text);
  // The current file itself, away from what the prompt shows of it anyway: code like the code
  // above the cursor further up or down the file (the next case of a switch, the sibling method)
  // names what the person is about to type. Windows are shown moved down by WINDOW_CONTINUATION,
  // so the range ruled out is moved up by as much.
  const fromLine = Math.min(queryEnd, countLines(req.doc.text.slice(0, near.aboveFrom)) - 1);
  let toLine = queryEnd + WINDOW_QUERY_STEP;
  for (let chars = 0; toLine < lines.length && chars < near.below;) chars += lines[toLine++].length + 1;
  const own = { path: relPath, text: req.doc.text, exclude: [fromLine - WINDOW_CONTINUATION, toLine - WINDOW_CONTINUATION] as const };
  const lineCost = template.repoLevel || template.name === 'chat' ? 1 : 4;
  const ideal: Piece[] = [];
  const all: Piece[] = [];
  let room = max;
  const linesOf = new Map<string, string[]>();
  // The best windows for this position (`ideal`), and a few more that may stay if an earlier
  // request showed them (`all`: the candidates sticky windows are kept among).
  for (const [i, w] of topWindows(query, [...files, own], { windowLines: 20, stride: 5, k: 24, idf: true }).entries()) {
    // Shown: the matched window's second half and what follows it (the lines after code like the
    // code above the cursor are what is likely to come next; its first half repeats names the
    // document already has).
    let fileLines = linesOf.get(w.path);
    if (!fileLines) linesOf.set(w.path, (fileLines = (index.file(w.path)?.text ?? '').split('\n')));
    const shown = continuationOf(fileLines, w.startLine, w.endLine, WINDOW_CONTINUATION);
    // A current-file window moved (clamped at the file's end) mostly into what the prompt shows anyway.
    if (w.path === relPath && Math.min(shown.endLine, toLine) - Math.max(shown.startLine, fromLine) > (shown.endLine - shown.startLine) / 2) continue;
    const piece = (t: string): Piece => ({
      key: `${w.path}#window#${shown.startLine}`,
      path: w.path,
      line: shown.startLine,
      endLine: shown.endLine,
      text: t,
      reason: 'similar code',
      kind: 'window',
    });
    // Without blank and comment-only lines (more code in the same room).
    let t = windowText(fileLines, shown.startLine, shown.endLine, req.doc.languageId);
    if (!t.trim()) continue;
    all.push(piece(t));
    if (i >= 6) continue;
    const cost = (x: string) => x.length + countLines(x) * (lineCost - 1) + w.path.length + 16;
    const full = countLines(t);
    while (cost(t) > room && t.includes('\n')) t = t.slice(0, t.lastIndexOf('\n'));
    // A window clipped to a couple of lines (a lone `}`) is not code a model can use.
    if (cost(t) > room || !t.trim() || countLines(t) < Math.min(full, MIN_WINDOW_LINES)) continue;
    room -= cost(t);
    ideal.push(piece(t));
  }
  return { all, ideal };
}
