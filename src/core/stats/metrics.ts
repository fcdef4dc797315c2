/**
 * Evaluation metrics, as CrossCodeEval (amazon-science/cceval, scripts/eval_metric.py) defines
 * them, plus the order statistics the report uses. Pure functions.
 *
 * - exact match: the prediction's non-blank lines, stripped, equal the ground truth's;
 * - edit similarity: fuzzywuzzy's `fuzz.ratio` of the stripped texts, as a fraction:
 *   2·LCS / (|a| + |b|) (Levenshtein ratio with substitution cost 2), 0 when either is empty;
 * - identifier exact match: the identifier lists (order and repeats included) are equal;
 * - identifier F1: over identifier *sets*, 2·tp / (2·tp + fp + fn), 0 when both are empty.
 * Identifiers come from src/core/lang/identifiers.ts (strings and comments removed, keywords dropped).
 */
import { identifierSet, identifiersOf, stripStringsAndComments } from '../lang/identifiers';

/** Length of the longest common subsequence of two strings (UTF-16 units), O(|a|·|b|) time, O(|b|) space. */
export function lcsLength(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = ca === b.charCodeAt(j - 1) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
    cur.fill(0);
  }
  return prev[b.length];
}

/** CrossCodeEval's edit similarity (fuzz.ratio / 100, unrounded) of prediction and ground truth. */
export function editSimilarity(prediction: string, groundTruth: string): number {
  const a = prediction.trim();
  const b = groundTruth.trim();
  if (a.length === 0 || b.length === 0) return 0;
  return (2 * lcsLength(a, b)) / (a.length + b.length);
}

function codeLines(code: string, languageId: string): string[] {
  return stripCommentsOnly(code, languageId)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Comments removed, strings kept (CrossCodeEval's remove_comments before exact match). */
function stripCommentsOnly(code: string, languageId: string): string {
  // A scan that skips over string literals (single line) and drops comments.
  const hash = languageId === 'python';
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      out += code.slice(i, Math.min(j + 1, code.length));
      i = j + 1;
    } else if ((!hash && c === '/' && code[i + 1] === '/') || (hash && c === '#')) {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (!hash && c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? code.length : end + 2;
      out += code.slice(i, stop).replace(/[^\n]/g, '');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** CrossCodeEval exact match: the non-blank lines, stripped and without comments, are equal. */
export function exactMatch(prediction: string, groundTruth: string, languageId: string): boolean {
  const p = codeLines(prediction, languageId);
  const g = codeLines(groundTruth, languageId);
  return p.length === g.length && p.every((l, i) => l === g[i]);
}

/** CrossCodeEval identifier exact match: equal identifier lists. */
export function idExactMatch(prediction: string, groundTruth: string, languageId: string): boolean {
  const p = identifiersOf(prediction, languageId);
  const g = identifiersOf(groundTruth, languageId);
  return p.length === g.length && p.every((x, i) => x === g[i]);
}

export interface IdMatch {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** CrossCodeEval identifier precision / recall / F1 over identifier sets. */
export function idMatch(prediction: string, groundTruth: string, languageId: string): IdMatch {
  const p = new Set(identifiersOf(prediction, languageId));
  const g = new Set(identifiersOf(groundTruth, languageId));
  let tp = 0;
  let fp = 0;
  for (const x of p)
    if (g.has(x)) tp++;
    else fp++;
  let fn = 0;
  for (const x of g) if (!p.has(x)) fn++;
  return {
    tp,
    fp,
    fn,
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
    f1: 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0,
  };
}

/** Identifier F1 (CrossCodeEval). */
export function idF1(prediction: string, groundTruth: string, languageId: string): number {
  return idMatch(prediction, groundTruth, languageId).f1;
}

/**
 * Names a suggestion uses that exist nowhere in `known`: its identifiers (strings, comments and
 * keywords removed) minus those it declares itself. Member names count (`x.sendMsg` names sendMsg).
 */
export function unknownNames(suggestion: string, languageId: string, known: ReadonlySet<string>, declared: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const n of new Set(identifiersOf(suggestion, languageId))) if (!known.has(n) && !declared.has(n)) out.push(n);
  return out;
}

/** Identifier tokens of any source text (for a repository's name set), keywords not removed. */
export function namesIn(code: string, languageId: string, into: Set<string> = new Set()): Set<string> {
  return identifierSet(stripStringsAndComments(code, languageId), into);
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of values at or below it
 * (sorted[ceil(p/100·n) − 1]). Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export interface HistogramBucket {
  /** Lower bound, inclusive (ms). */
  from: number;
  /** Upper bound, exclusive; Infinity for the last bucket. */
  to: number;
  count: number;
}

/** Latency buckets, ms: their upper bounds. The last bucket is open-ended. */
export const LATENCY_BUCKETS_MS: readonly number[] = [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000];

/** Counts values into [0,b0), [b0,b1), …, [bn, ∞). */
export function histogram(values: readonly number[], bounds: readonly number[] = LATENCY_BUCKETS_MS): HistogramBucket[] {
  const out: HistogramBucket[] = [];
  let from = 0;
  for (const b of bounds) {
    out.push({ from, to: b, count: 0 });
    from = b;
  }
  out.push({ from, to: Infinity, count: 0 });
  for (const v of values) {
    let i = bounds.findIndex((b) => v < b);
    if (i < 0) i = bounds.length;
    out[i].count++;
  }
  return out;
}

/** Ratio or undefined when the denominator is 0 (a rate of nothing is not 0). */
export function ratio(num: number, den: number): number | undefined {
  return den > 0 ? num / den : undefined;
}

/** Mean or undefined. */
export function mean(values: readonly number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}
