/**
 * Line diff for reviewing an edit proposal: the original region's lines against the proposal's.
 * Common head and tail are trimmed first; the middle is an LCS over lines, which is exact and
 * cheap at the sizes an edit can have (the budget caps a region at a few hundred lines). Past
 * MAX_CELLS the middle is reported as one replaced block rather than spending time on it.
 */

export type DiffOpKind = 'equal' | 'insert' | 'delete';

export interface DiffOp {
  kind: DiffOpKind;
  /** Lines of `a` (equal/delete) or of `b` (insert). */
  lines: string[];
  /** Index of the first line in `a` this op is at (for insert: the line it goes before). */
  aStart: number;
  /** Index of the first line in `b` this op is at (for delete: the line it comes before). */
  bStart: number;
}

/** A changed block: lines removed from `a` and lines put in their place from `b`. */
export interface Hunk {
  aStart: number;
  removed: string[];
  bStart: number;
  inserted: string[];
}

const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const raw: { kind: DiffOpKind; line: string }[] = [];
  for (let i = 0; i < head; i++) raw.push({ kind: 'equal', line: a[i] });
  if (am.length * bm.length > MAX_CELLS) {
    for (const l of am) raw.push({ kind: 'delete', line: l });
    for (const l of bm) raw.push({ kind: 'insert', line: l });
  } else {
    raw.push(...lcsOps(am, bm));
  }
  for (let i = a.length - tail; i < a.length; i++) raw.push({ kind: 'equal', line: a[i] });
  // Group runs of the same kind, tracking positions in a and b.
  const ops: DiffOp[] = [];
  let ai = 0;
  let bi = 0;
  for (const r of raw) {
    const last = ops[ops.length - 1];
    if (last && last.kind === r.kind) last.lines.push(r.line);
    else ops.push({ kind: r.kind, lines: [r.line], aStart: ai, bStart: bi });
    if (r.kind !== 'insert') ai++;
    if (r.kind !== 'delete') bi++;
  }
  return ops;
}

function lcsOps(a: readonly string[], b: readonly string[]): { kind: DiffOpKind; line: string }[] {
  const n = a.length;
  const m = b.length;
  // dp[i][j] = LCS length of a[i..] and b[j..], flattened.
  const w = m + 1;
  const dp = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = a[i] === b[j] ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  const out: { kind: DiffOpKind; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'equal', line: a[i] });
      i++;
      j++;
    } else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) {
      out.push({ kind: 'delete', line: a[i++] });
    } else {
      out.push({ kind: 'insert', line: b[j++] });
    }
  }
  while (i < n) out.push({ kind: 'delete', line: a[i++] });
  while (j < m) out.push({ kind: 'insert', line: b[j++] });
  return out;
}

/** Adjacent delete/insert ops merged into hunks (what the review shows). */
export function toHunks(ops: readonly DiffOp[]): Hunk[] {
  const hunks: Hunk[] = [];
  let cur: Hunk | undefined;
  for (const op of ops) {
    if (op.kind === 'equal') {
      cur = undefined;
      continue;
    }
    if (!cur) {
      cur = { aStart: op.aStart, removed: [], bStart: op.bStart, inserted: [] };
      hunks.push(cur);
    }
    if (op.kind === 'delete') cur.removed.push(...op.lines);
    else cur.inserted.push(...op.lines);
  }
  return hunks;
}

/** Applies ops back to produce `b` (used by tests to check a diff is complete). */
export function applyOps(ops: readonly DiffOp[]): string[] {
  return ops.filter((o) => o.kind !== 'delete').flatMap((o) => o.lines);
}
