/**
 * `intent-complete bench typing --repo DIR [--files 20] [--latency 150] [--jitter 50] [--token-ms 4] [--seed 7] [--json]`
 *
 * Replays a person typing real files of the repository (src/bench/typingReplay.ts) against an
 * oracle OpenAI-compatible server on 127.0.0.1 that answers with the true continuation after the
 * latency, streaming. Our request path and the baselines `naive` and `fixedDebounce` type the same
 * keystrokes, at the same time, in one run. Real time, real HTTP, the real scheduler and pipeline.
 * Extra: --parallel N (files replayed at once, default 1: one person types one file at a time; more
 * files at once share this process's event loop, so one file's local work delays another's answer), --lines N (lines retyped per file, default 3),
 * --together (the three strategies type at the same moments in one process, rather than one after
 * the other: faster, but naive's request storm then loads the process the others are timed in),
 * --no-index (no workspace symbol index: prefix/suffix prompts only), --no-ablation (leave out
 * `oursNoHotStreak`, ours with the hot streak switched off, which shows the hot streak's share, and
 * `oursNoPrepare`, ours with no local work done ahead during the debounce wait; --reverse times the strategies in reverse
 * order (the first one timed pays more of the process's warm-up); --ablations NAMES
 * keeps only the named ones),
 * --in-process (the oracle server in this process, as before: by default it runs in a child process,
 * as a real model server does, so its work is not timed as the client's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, normalizeBaseUrl, type Settings } from '../core/config';
import { listWorkspaceFiles, readTextFile } from '../core/workspace/workspaceFiles';
import { languageForPath, SOURCE_EXTENSIONS } from '../core/lang/languageIds';
import { candidateLines, isSampleableSource, seededRandom } from '../core/eval/holes';
import { startChildOracle, startInProcessOracle, type OracleDump, type OracleHandle, type OracleHitView } from '../bench/oracleProcess';
import OpenAI from 'openai';
import { SESSION_HEADER } from '../bench/oracle';
import { SymbolIndex } from '../core/workspace/symbolIndex';
import { indexWorkspace } from '../core/workspace/indexer';
import {
  OURS_NO_HOT_STREAK,
  OURS_NO_PREPARE,
  STRATEGIES,
  StrategyRuntime,
  planGaps,
  replayFile,
  warmContext,
  warmProcess,
  type SessionResult,
  type TypingPlan,
} from '../bench/typingReplay';

/**
 * The oracle's time between streamed tokens: 4 ms (250 tokens/s, the fast end of a local server
 * running a small code model on a GPU). Time spent waiting for the tokens of a line is the model's.
 */
export const DEFAULT_TOKEN_MS = 4;

export interface TypingBenchOptions {
  repo: string;
  files: number;
  latency: number;
  jitter: number;
  /** Time between the oracle's streamed tokens (4 characters each), ms: the model's decoding speed. */
  tokenMs: number;
  seed: number;
  parallel: number;
  lines: number;
  /** Strategies run at the same time (default: one after the other, on the same planned keystrokes). */
  together?: boolean;
  /** No workspace symbol index (prefix/suffix prompts only, as before the index was wired in). */
  noIndex?: boolean;
  /** Leave out the ablations (`oursNoHotStreak`, `oursNoPrepare`). */
  noAblation?: boolean;
  /** Only these ablations (names), when given. */
  ablations?: string[];
  /** Time the strategies in reverse order (the first one timed pays more of the process's warm-up). */
  reverse?: boolean;
  /** The oracle server in this process (the old way: its work is then timed as client overhead). */
  inProcess?: boolean;
}

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

/** Picks `files` regions of `lines` lines to retype, seeded. */
export function planReplay(o: TypingBenchOptions): TypingPlan[] {
  const rand = seededRandom(o.seed);
  const candidates = listWorkspaceFiles(o.repo, { extensions: SOURCE_EXTENSIONS }).filter((f) => isSampleableSource(f.path) && f.size > 200);
  // Seeded shuffle, then the first files that have a region to type.
  const order = candidates
    .map((f) => ({ f, r: rand() }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.f);
  const plans: TypingPlan[] = [];
  for (const f of order) {
    if (plans.length >= o.files) break;
    const text = readTextFile(f.absPath);
    if (!text || text.includes('\r')) continue;
    const languageId = languageForPath(f.path)!;
    const lines = candidateLines(text, languageId);
    if (lines.length < 4) continue;
    const pick = lines[Math.floor(rand() * (lines.length - 1))];
    const lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    const start = lineStarts[pick.line] + pick.character;
    let endLine = Math.min(pick.line + o.lines, lineStarts.length) - 1;
    const lineEnd = (l: number) => (l + 1 < lineStarts.length ? lineStarts[l + 1] - 1 : text.length);
    while (endLine > pick.line && lineEnd(endLine) - start > 240) endLine--;
    const end = lineEnd(endLine);
    if (end - start < 8 || end - start > 400) continue;
    plans.push({ file: f.path, languageId, text, start, end, gapMs: planGaps(text.slice(start, end), o.seed * 1000 + plans.length) });
  }
  return plans;
}

export async function runTypingBench(o: TypingBenchOptions, progress?: (msg: string) => void): Promise<TypingBenchReport> {
  const plans = planReplay(o);
  if (plans.length === 0) throw new Error(`no source files to replay under ${o.repo}`);
  const oracleOptions = { latency: o.latency, jitter: o.jitter, seed: o.seed, tokenMs: o.tokenMs };
  const oracle = o.inProcess ? await startInProcessOracle(oracleOptions) : await startChildOracle(oracleOptions);
  try {
    const settings: Settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: oracle.url, model: 'qwen2.5-coder-oracle' };
    // The extension's context: a symbol index of the repository (built before anything is timed;
    // read-only during the replay, so every strategy sees the same one).
    const index = o.noIndex ? undefined : new SymbolIndex({ root: o.repo });
    const indexedFiles = index ? (await indexWorkspace(index, o.repo)).files : 0;
    const runtimes = [...STRATEGIES, ...(o.noAblation ? [] : [OURS_NO_HOT_STREAK, OURS_NO_PREPARE].filter((a) => !o.ablations || o.ablations.includes(a.name)))].map(
      (s) => new StrategyRuntime(s),
    );
    const sessionOf = (rt: StrategyRuntime, i: number) => `${rt.strategy.name}#${i}`;
    const serverInFlight = (session: string) => oracle.inFlight(session);
    const replayDeps = { settings, oracle, serverInFlight, index, repoName: path.basename(o.repo) };
    await warmProcess(plans[0], settings, oracle);
    warmContext(plans, settings, index, path.basename(o.repo));
    for (const rt of runtimes) await warmProcess(plans[0], settings, oracle, 1, rt);
    const results: SessionResult[] = [];
    // Every strategy types the same planned keystrokes; by default one strategy at a time, so each
    // is timed in a process that runs only its own request path (and the server).
    const groups = o.together ? [runtimes] : runtimes.map((rt) => [rt]);
    if (o.reverse) groups.reverse();
    const cpuMs = new Map<string, number>();
    for (const group of groups) {
      const cpu0 = process.cpuUsage();
      let next = 0;
      const worker = async () => {
        while (next < plans.length) {
          const i = next++;
          const plan = plans[i];
          const rs = await Promise.all(group.map((rt) => replayFile(plan, rt, replayDeps, sessionOf(rt, i))));
          results.push(...rs);
          progress?.(`${group.map((rt) => rt.strategy.name).join('+')} ${i + 1}/${plans.length} ${plan.file}`);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, worker));
      const cpu = process.cpuUsage(cpu0);
      if (group.length === 1) cpuMs.set(group[0].strategy.name, (cpu.user + cpu.system) / 1000);
    }
    const seen = await oracle.dump();
    const floor = await libraryFloor(oracle, plans, seen.sent, settings.model);
    const reports = runtimes.map((rt) => ({
      ...summarize(
        rt.strategy.name,
        results.filter((r) => r.strategy === rt.strategy.name),
        seen,
      ),
      clientCpuMs: Math.round(cpuMs.get(rt.strategy.name) ?? NaN),
    }));
    const [ours, fixed, naive] = ['ours', 'fixedDebounce', 'naive'].map((n) => reports.find((r) => r.strategy === n)!);
    const targets = {
      requestsAtMostThirdOfNaive: ours.requestsPer100Keystrokes <= naive.requestsPer100Keystrokes / 3,
      requestsAtMostTwoThirdsOfFixedDebounce: ours.requestsPer100Keystrokes <= (fixed.requestsPer100Keystrokes * 2) / 3,
      acceptedShareAtLeastBaselines: ours.acceptedCharShare >= Math.max(naive.acceptedCharShare, fixed.acceptedCharShare),
      clientOverheadP95AtMost10ms: ours.clientOverheadMs.p95 <= 10,
      pauseToGhostP50AtMostLatencyPlus30: ours.pauseToGhostMs.p50 <= o.latency + 30,
      promptPrefixReuseAtLeast090: ours.promptPrefixReuse >= 0.9,
      zeroLeftInFlight: ours.leftInFlight === 0,
    };
    return {
      repo: o.repo,
      files: plans.map((p) => p.file),
      targetChars: plans.reduce((n, p) => n + p.end - p.start, 0),
      latencyMs: o.latency,
      jitterMs: o.jitter,
      tokenMs: o.tokenMs,
      seed: o.seed,
      together: o.together === true,
      indexedFiles,
      server: o.inProcess ? 'in-process' : 'child-process',
      strategies: reports,
      libraryFloorMs: floor,
      targets,
    };
  } finally {
    await oracle.stop();
  }
}

/** Gap between the floor's requests (the replay's requests are hundreds of ms apart too). */
const FLOOR_GAP_MS = 250;

/**
 * The floor under every strategy's client overhead, measured in the same run: up to 40 of the
 * prompts `ours` sent, again, each through a bare `openai` client (streamed completions, read to the
 * first token, then closed), one at a time, nothing else running. What remains of a request's time
 * once the server's is taken off is the package's request building, HTTP on the loopback and the
 * parse of one SSE event — the part of the overhead no request path built on the package goes under.
 */
async function libraryFloor(
  oracle: OracleHandle,
  plans: readonly TypingPlan[],
  sent: readonly { session: string; prompt: string }[],
  model: string,
  max = 40,
): Promise<LibraryFloor> {
  const client = new OpenAI({ baseURL: normalizeBaseUrl(oracle.url), apiKey: 'no-key', maxRetries: 0, timeout: 10_000 });
  const picked = sent.filter((r) => r.session.startsWith('ours#'));
  const step = Math.max(1, Math.floor(picked.length / max));
  const times: { session: string; ms: number }[] = [];
  for (let i = 0; i < picked.length && times.length < max; i += step) {
    const plan = plans[Number(picked[i].session.split('#')[1])];
    if (!plan) continue;
    const session = `floor#${times.length}`;
    await oracle.register(session, { text: plan.text, start: plan.start, end: plan.end });
    await new Promise((r) => setTimeout(r, FLOOR_GAP_MS));
    const t0 = performance.now();
    try {
      const stream = await client.completions.create(
        { model, prompt: picked[i].prompt, max_tokens: 64, temperature: 0.1, stream: true },
        { headers: { [SESSION_HEADER]: session } },
      );
      for await (const _chunk of stream) {
        times.push({ session, ms: performance.now() - t0 });
        stream.controller.abort();
        break;
      }
    } catch {
      // A failed request says nothing about the floor.
    }
  }
  const hits = new Map((await oracle.dump()).hits.filter((h) => h.session.startsWith('floor#')).map((h) => [h.session, h.serverMs]));
  const over = times.flatMap((t) => {
    const serverMs = hits.get(t.session);
    return serverMs === undefined ? [] : [Math.max(0, t.ms - serverMs)];
  });
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return { requests: over.length, overheadMs: { p50: round2(percentile(over, 0.5)), p95: round2(percentile(over, 0.95)) } };
}

/** The server's time until it had written what the suggestion was decided on (first byte when unknown). */
export function modelMsOf(hit: OracleHitView, decidedChars: number | undefined): number {
  const serverMs = hit.serverMs ?? 0;
  if (decidedChars === undefined || !hit.writes?.length) return serverMs;
  const w = hit.writes.find(([, chars]) => chars >= decidedChars) ?? hit.writes[hit.writes.length - 1];
  return Math.max(serverMs, w[0]);
}

function summarize(strategy: string, sessions: SessionResult[], seen: OracleDump): Omit<StrategyReport, 'clientCpuMs'> {
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

function percentile(xs: number[], q: number): number {
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

/** CLI entry: parses flags, runs, prints a table or JSON. Returns the exit code. */
export async function benchTyping(argv: string[]): Promise<number> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, def: number): number => {
    const v = flag(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} expects a non-negative number, got ${JSON.stringify(v)}`);
    return n;
  };
  const repo = flag('repo');
  if (!repo) {
    process.stderr.write(
      'usage: intent-complete bench typing --repo DIR [--files 20] [--latency 150] [--jitter 50] [--token-ms 4] [--seed 7] [--json]\n' +
        '  [--parallel 1] [--lines 3] [--together] [--no-index] [--no-ablation | --ablations oursNoHotStreak,oursNoPrepare] [--reverse] [--in-process]\n',
    );
    return 2;
  }
  const json = argv.includes('--json');
  const o: TypingBenchOptions = {
    repo: path.resolve(repo),
    files: Math.max(1, Math.floor(num('files', 20))),
    latency: num('latency', 150),
    jitter: num('jitter', 50),
    tokenMs: Math.max(0, num('token-ms', DEFAULT_TOKEN_MS)),
    seed: Math.floor(num('seed', 7)),
    parallel: Math.max(1, Math.floor(num('parallel', 1))),
    lines: Math.max(1, Math.floor(num('lines', 3))),
    together: argv.includes('--together'),
    noIndex: argv.includes('--no-index'),
    noAblation: argv.includes('--no-ablation'),
    ablations: flag('ablations')?.split(',').filter(Boolean),
    reverse: argv.includes('--reverse'),
    inProcess: argv.includes('--in-process'),
  };
  const report = await runTypingBench(o, json ? undefined : (m) => process.stderr.write(`  ${m}\n`));
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(formatReport(report));
  return 0;
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
  out +=
    'targets: ' +
    Object.entries(r.targets)
      .map(([k, v]) => `${k} ${v ? 'ok' : 'MISSED'}`)
      .join(', ') +
    '\n';
  return out;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function fmt(x: number, d = 0): string {
  return Number.isFinite(x) ? x.toFixed(d) : '-';
}
