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
import * as path from 'node:path';
import { DEFAULTS, normalizeBaseUrl, type Settings } from '../core/config';
import { listWorkspaceFiles, readTextFile } from '../core/workspace/workspaceFiles';
import { languageForPath, SOURCE_EXTENSIONS } from '../core/lang/languageIds';
import { candidateLines, isSampleableSource, seededRandom } from '../core/eval/holes';
import { startChildOracle, startInProcessOracle, type OracleHandle } from '../bench/oracleProcess';
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
import { formatReport, percentile, summarize, type LibraryFloor, type TypingBenchReport } from './benchTypingReport';

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
