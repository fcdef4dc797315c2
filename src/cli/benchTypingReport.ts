/**
 * What `bench typing` reports: per strategy, figures from its sessions and the oracle server's log
 * (requests, cache and in-flight reuse, client overhead less the model's time, stage times, prompt
 * prefix reuse and where consecutive prompts differ), and the table printed without --json.
 */
import * as fs from 'node:fs';
import type { OracleDump, OracleHitView } from '../bench/oracleProcess';
import type { SessionResult } from '../bench/typingReplay';

/** The HTTP floor of the required client: the `openai` package alone, against the same server. */
export interface LibraryFloor {
  requests: number;
  /** Time from the call to the first streamed token parsed, less the server's time to its first byte, p50/p95 ms. */
  overheadMs: { p50: number; p95: number };
}

export interface StrategyReport {
  strategy: string;
  /** Keystrokes made (typed characters, Enter and Tab). */
  keystrokes: number;
  plannedKeystrokes: number;
  requests: number;
  requestsPer100Keystrokes: number;
  cacheShare: number;
  inflightReuseShare: number;
  wastedRequests: number;
  wastedShare: number;
  pauses: number;
  pausesWithGhost: number;
  pauseToGhostMs: { p50: number; p95: number };
  clientOverheadMs: { p50: number; p95: number };
  /** Client overhead less the context and filter stages: HTTP client, scheduler, waits on the event loop, p50/p95 ms. */
  overheadBesidesStagesMs: { p50: number; p95: number };
  /** Where request time goes besides the model: the pipeline's context and filter stages, p50/p95 ms. */
  stagesMs: { context: { p50: number; p95: number }; filter: { p50: number; p95: number } };
  /** Keystroke to ghost text for answers from the cache (no request, no wait), p50/p95 ms. */
  keystrokePathMs: { p50: number; p95: number };
  /** Pauses whose ghost text needed a model request: how many, and the p50 of its debounce wait and pipeline time, ms. */
  pauseRequests: { count: number; debounceP50: number; pipelineP50: number };
  acceptedCharShare: number;
  /** NaN when no file had two requests (nothing to compare). */
  promptPrefixReuse: number;
  /** Consecutive prompt pairs (same file) the reuse is measured over. */
  promptPairs: number;
  /**
   * Where those pairs first differ: in the related context (before the current file), in the
   * current file before the previous cursor (the prefix window moved, or an edit above), or at or
   * after the previous cursor (what was typed; with the suffix after it, the part every FIM
   * prompt must send anew); `identical` = the same prompt.
   */
  promptBreaks: { related: number; window: number; cursor: number; identical: number };
  leftInFlight: number;
  /**
   * CPU time of this process (user + system) while this strategy's files were replayed, ms: its
   * whole request path (keystrokes, local work, HTTP client), not only what lies inside a request.
   * NaN when strategies run together; with --in-process it includes the oracle server's work.
   */
  clientCpuMs: number;
}

export interface TypingBenchReport {
  repo: string;
  files: string[];
  targetChars: number;
  latencyMs: number;
  jitterMs: number;
  tokenMs: number;
  seed: number;
  /** The strategies typed at the same moments in one process (otherwise one after the other). */
  together: boolean;
  /** Files in the workspace symbol index the prompts drew related context from (0: no index). */
  indexedFiles: number;
  /** Where the oracle server ran: a child process (as a real model server) or this process. */
  server: 'child-process' | 'in-process';
  strategies: StrategyReport[];
  /** The `openai` package alone against the same server, in the same run (see libraryFloor). */
  libraryFloorMs: LibraryFloor;
  targets: Record<string, boolean>;
}

/** The server's time until it had written what the suggestion was decided on (first byte when unknown). */
export function modelMsOf(hit: OracleHitView, decidedChars: number | undefined): number {
  const serverMs = hit.serverMs ?? 0;
  if (decidedChars === undefined || !hit.writes?.length) return serverMs;
  const w = hit.writes.find(([, chars]) => chars >= decidedChars) ?? hit.writes[hit.writes.length - 1];
  return Math.max(serverMs, w[0]);
}

export function summarize(strategy: string, sessions: SessionResult[], seen: OracleDump): Omit<StrategyReport, 'clientCpuMs'> {
  const sum = (f: (s: SessionResult) => number) => sessions.reduce((n, s) => n + f(s), 0);
  const keystrokes = sum((s) => s.keystrokes);
  // Per 100 keystrokes of the replay (what the person would type unaided: the same for every strategy).
  const planned = sum((s) => s.plannedKeystrokes);
  const requests = sessions.flatMap((s) => s.requests);
  const wasted = requests.filter((r) => r.aborted || !r.used).length;
  const targetChars = sum((s) => s.acceptedChars + s.typedChars);
  // Client overhead: time from the request leaving the scheduler to its outcome, minus the model's
  // time at the server: from reading the request to writing the chunk that completed what the
  // suggestion was decided on (a line ends only when the model has produced its last token; with
  // --token-ms 0 the whole answer is written at once after the first byte, and then the client's
  // reading of that burst is all counted as its own).
  const overhead: number[] = [];
  const besides: number[] = [];
  let reuseCommon = 0;
  let reuseTotal = 0;
  let promptPairs = 0;
  const promptBreaks = { related: 0, window: 0, cursor: 0, identical: 0 };
  const bySession = new Map<string, OracleHitView[]>();
  for (const h of seen.hits) {
    if (!h.session.startsWith(`${strategy}#`)) continue;
    const list = bySession.get(h.session) ?? [];
    list.push(h);
    bySession.set(h.session, list);
  }
  for (const s of sessions) {
    for (const r of s.requests) {
      if (r.endedAt === undefined || r.aborted) continue;
      const hit = (bySession.get(s.session) ?? []).filter((h) => h.k === r.k).pop();
      // A request the oracle could not place has no server time to subtract: left out, not counted whole.
      if (!hit || hit.serverMs === undefined) continue;
      const o = Math.max(0, r.endedAt - r.startedAt - modelMsOf(hit, r.timings?.decidedChars));
      overhead.push(o);
      if (r.timings) besides.push(Math.max(0, o - r.timings.context - r.timings.filter));
    }
  }
  // Prompt prefix reuse: every prompt the server received in a file (warm-ups too), in arrival
  // order: characters equal to the start of the previous prompt, over all prompt characters.
  for (const s of sessions) {
    const prompts = seen.sent.filter((r) => r.session === s.session).map((r) => r.prompt);
    // IC_BENCH_PROMPTS=FILE: every file's prompts as JSON lines, to see where consecutive ones differ.
    if (process.env.IC_BENCH_PROMPTS) fs.appendFileSync(process.env.IC_BENCH_PROMPTS, JSON.stringify({ session: s.session, file: s.file, prompts }) + '\n');
    for (let i = 1; i < prompts.length; i++) {
      const common = commonPrefix(prompts[i - 1], prompts[i]);
      reuseCommon += common;
      reuseTotal += prompts[i].length;
      promptPairs++;
      promptBreaks[breakPlace(prompts[i - 1], prompts[i], common)]++;
    }
  }
  const answered = requests.filter((r) => r.timings && !r.aborted);
  const stage = (k: 'context' | 'filter') => {
    const xs = answered.map((r) => r.timings![k]);
    return { p50: round(percentile(xs, 0.5), 2), p95: round(percentile(xs, 0.95), 2) };
  };
  const keystrokePath = sessions.flatMap((s) => s.keystrokePathMs);
  const pauseStages = sessions.flatMap((s) => s.pauseStages);
  const pauseToGhost = sessions.flatMap((s) => s.pauseToGhost);
  const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    strategy,
    keystrokes,
    requests: requests.length,
    requestsPer100Keystrokes: round((100 * requests.length) / Math.max(1, planned), 1),
    cacheShare: round(sum((s) => s.fromCache) / Math.max(1, keystrokes)),
    inflightReuseShare: round(sum((s) => s.fromInflight) / Math.max(1, keystrokes)),
    plannedKeystrokes: planned,
    wastedRequests: wasted,
    wastedShare: round(wasted / Math.max(1, requests.length)),
    pauses: sum((s) => s.pauses),
    pausesWithGhost: pauseToGhost.length,
    pauseToGhostMs: { p50: round(percentile(pauseToGhost, 0.5), 1), p95: round(percentile(pauseToGhost, 0.95), 1) },
    clientOverheadMs: { p50: round(percentile(overhead, 0.5), 2), p95: round(percentile(overhead, 0.95), 2) },
    overheadBesidesStagesMs: { p50: round(percentile(besides, 0.5), 2), p95: round(percentile(besides, 0.95), 2) },
    stagesMs: { context: stage('context'), filter: stage('filter') },
    keystrokePathMs: { p50: round(percentile(keystrokePath, 0.5), 2), p95: round(percentile(keystrokePath, 0.95), 2) },
    pauseRequests: {
      count: pauseStages.length,
      debounceP50: round(
        percentile(
          pauseStages.map((p) => p.debounceMs),
          0.5,
        ),
        1,
      ),
      pipelineP50: round(
        percentile(
          pauseStages.map((p) => p.modelMs),
          0.5,
        ),
        1,
      ),
    },
    acceptedCharShare: round(sum((s) => s.acceptedChars) / Math.max(1, targetChars)),
    promptPrefixReuse: reuseTotal > 0 ? round(reuseCommon / reuseTotal) : NaN,
    promptPairs,
    promptBreaks,
    leftInFlight: sum((s) => s.leftInFlight),
  };
}

export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))];
}

/** Where two consecutive prompts first differ, by the previous prompt's layout (Qwen FIM markers). */
export function breakPlace(prev: string, next: string, common: number): 'related' | 'window' | 'cursor' | 'identical' {
  if (prev === next) return 'identical';
  const fileStart = prev.lastIndexOf('<|fim_prefix|>');
  const cursor = prev.lastIndexOf('<|fim_suffix|>');
  if (fileStart < 0 || cursor < 0) return 'cursor';
  // The current file's path line comes before its prefix marker (repo-level form).
  const header = prev.lastIndexOf('<|file_sep|>', fileStart);
  if (common < (header >= 0 ? header : fileStart)) return 'related';
  if (common < cursor) return 'window';
  return 'cursor';
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export function formatReport(r: TypingBenchReport): string {
  const rows: [string, (s: StrategyReport) => string][] = [
    ["keystrokes (of the replay's N unaided)", (s) => `${s.keystrokes}/${s.plannedKeystrokes}`],
    ['model requests', (s) => String(s.requests)],
    ['requests / 100 replay keystrokes', (s) => s.requestsPer100Keystrokes.toFixed(1)],
    ['keystrokes served from cache', (s) => pct(s.cacheShare)],
    ['keystrokes served by an in-flight request', (s) => pct(s.inflightReuseShare)],
    ['wasted requests (aborted or never shown)', (s) => `${s.wastedRequests} (${pct(s.wastedShare)})`],
    ['pauses with ghost text', (s) => `${s.pausesWithGhost}/${s.pauses}`],
    ['pause → ghost text p50 / p95 ms', (s) => `${fmt(s.pauseToGhostMs.p50)} / ${fmt(s.pauseToGhostMs.p95)}`],
    [
      '  of which: pauses needing a request, debounce / pipeline p50 ms',
      (s) => `${s.pauseRequests.count}: ${fmt(s.pauseRequests.debounceP50)} / ${fmt(s.pauseRequests.pipelineP50)}`,
    ],
    ['client overhead / request p50 / p95 ms', (s) => `${fmt(s.clientOverheadMs.p50, 2)} / ${fmt(s.clientOverheadMs.p95, 2)}`],
    ['  context stage p50 / p95 ms', (s) => `${fmt(s.stagesMs.context.p50, 2)} / ${fmt(s.stagesMs.context.p95, 2)}`],
    ['  filter stage p50 / p95 ms', (s) => `${fmt(s.stagesMs.filter.p50, 2)} / ${fmt(s.stagesMs.filter.p95, 2)}`],
    ['  rest (HTTP client, scheduler, event loop) p50 / p95 ms', (s) => `${fmt(s.overheadBesidesStagesMs.p50, 2)} / ${fmt(s.overheadBesidesStagesMs.p95, 2)}`],
    ['keystroke → cached ghost text p50 / p95 ms', (s) => `${fmt(s.keystrokePathMs.p50, 2)} / ${fmt(s.keystrokePathMs.p95, 2)}`],
    ['characters typed by accepting', (s) => pct(s.acceptedCharShare)],
    ['prompt prefix reuse (consecutive pairs in a file)', (s) => `${fmt(s.promptPrefixReuse, 3)} (${s.promptPairs})`],
    ['  pairs first differing in related / window / at cursor', (s) => `${s.promptBreaks.related} / ${s.promptBreaks.window} / ${s.promptBreaks.cursor}`],
    ['requests left in flight at the end', (s) => String(s.leftInFlight)],
    ['client process CPU over the replay, ms', (s) => fmt(s.clientCpuMs ?? NaN)],
  ];
  const names = r.strategies.map((s) => s.strategy);
  const w0 = Math.max(...rows.map(([l]) => l.length));
  const cells = rows.map(([l, f]) => [l, ...r.strategies.map(f)]);
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((c) => c[i + 1].length)));
  const line = (c: string[]) =>
    c[0].padEnd(w0) +
    '  ' +
    c
      .slice(1)
      .map((x, i) => x.padStart(widths[i]))
      .join('  ') +
    '\n';
  let out = `typing replay: ${r.files.length} files, ${r.targetChars} characters, latency ${r.latencyMs}±${r.jitterMs} ms, a token every ${r.tokenMs} ms, seed ${r.seed}, strategies ${r.together ? 'together' : 'one after the other'}, ${r.indexedFiles ? `symbol index of ${r.indexedFiles} files` : 'no symbol index'}, oracle server ${r.server}\n`;
  out += line(['', ...names]);
  for (const c of cells) out += line(c);
  const f = r.libraryFloorMs;
  out += `floor: the openai package alone, same server and prompts, to its first token (${f.requests} requests): overhead p50 / p95 ${fmt(f.overheadMs.p50, 2)} / ${fmt(f.overheadMs.p95, 2)} ms\n`;
  return out + targetsLine(r.targets);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function fmt(x: number, d = 0): string {
  return Number.isFinite(x) ? x.toFixed(d) : '-';
}

/** A benchmark's targets as one line: each `ok` or `MISSED`. */
export function targetsLine(targets: Record<string, boolean>): string {
  return `targets: ${Object.entries(targets)
    .map(([k, v]) => `${k} ${v ? 'ok' : 'MISSED'}`)
    .join(', ')}\n`;
}
