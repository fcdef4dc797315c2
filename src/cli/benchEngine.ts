/**
 * `intent-complete bench engine --model-file FILE --repo DIR [--files 6] [--lines 2] [--seed 7] [--threads 1] [--context N] [--timeout-ms 10000] [--json]`
 *
 * The typing replay of `bench typing` (src/bench/typingReplay.ts: the real scheduler,
 * pipeline and context engine, so the prompts are the ones the extension builds) with the built-in
 * engine as the model, run twice on the same planned keystrokes: `ours` (each document's KV state
 * kept between requests) and `noReuse` (every request evaluates its whole prompt). The figures
 * come from the engine (its /intent/stats): requests, prompt tokens, tokens evaluated, the share of
 * prompt tokens not evaluated again (`kvReuse`), prompt evaluation and first-token times, tokens/s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, type Settings } from '../core/config';
import { SESSION_HEADER } from '../bench/oracle';
import { replayFile, STRATEGIES, StrategyRuntime, warmContext, warmProcess, type Strategy, type TypingPlan } from '../bench/typingReplay';
import { indexWorkspace } from '../core/workspace/indexer';
import { SymbolIndex } from '../core/workspace/symbolIndex';
import { ModelClient } from '../core/model/client';
import type { RequestFigures } from '../engine/engine';
import { DOCUMENT_HEADER } from '../engine/server';
import { EngineSupervisor, type EngineEndpoint } from '../engine/supervisor';
import { planReplay, DEFAULT_TOKEN_MS } from './benchTyping';
import { targetsLine } from './benchTypingReport';

export interface EngineBenchOptions {
  modelFile: string;
  repo: string;
  files: number;
  lines: number;
  seed: number;
  threads: number;
  contextSize?: number;
  /** The client's deadline per request (the extension's default is for a fast server; the engine on a small CPU needs more). */
  timeoutMs: number;
}

export interface ModeReport {
  requests: number;
  /** Requests that began evaluating (the token figures are over these). */
  started: number;
  /** Requests that produced a first token (the time figures are over these). */
  answered: number;
  promptTokens: number;
  evaluatedTokens: number;
  /** Share of the prompt tokens brought into a sequence that came from its KV state instead of being evaluated. */
  kvReuse: number;
  promptEvalMs: { p50: number; p95: number };
  firstTokenMs: { p50: number; p95: number };
  /** Generated tokens per second after the first token. */
  tokensPerSecond: number;
  /** Prompt tokens evaluated per second of prompt evaluation. */
  promptTokensPerSecond: number;
}

export interface EngineBenchReport {
  repo: string;
  model: string;
  threads: number;
  contextSize: number;
  files: string[];
  seed: number;
  results: { ours: ModeReport; noReuse: ModeReport };
  targets: { kvReuseAtLeast085: boolean; firstTokenP50AtMostHalfOfNoReuse: boolean };
}

/** The client's deadline per request in this benchmark, ms (see EngineBenchOptions.timeoutMs). */
export const DEFAULT_BENCH_TIMEOUT_MS = 10_000;

const MODES = [
  { name: 'ours', reuse: true },
  { name: 'noReuse', reuse: false },
] as const;

/** The client side is `bench typing`'s `ours` for both modes: only the engine differs. */
const CLIENT_STRATEGY: Strategy = STRATEGIES[0];

/** `bench typing`'s runtime, with the engine's token and each file's name as its document. */
class EngineRuntime extends StrategyRuntime {
  private base: ModelClient | undefined;
  constructor(private readonly token: string) {
    super(CLIENT_STRATEGY);
  }
  override clientFor(endpoint: string, session: string): ModelClient {
    this.base ??= new ModelClient({ endpoint, apiKey: this.token });
    return new ModelClient({ endpoint, headers: { [SESSION_HEADER]: session, [DOCUMENT_HEADER]: session }, shareWith: this.base });
  }
}

export async function runEngineBench(o: EngineBenchOptions, progress?: (m: string) => void): Promise<EngineBenchReport> {
  const plans = planReplay({ repo: o.repo, files: o.files, lines: o.lines, seed: o.seed, latency: 0, jitter: 0, tokenMs: DEFAULT_TOKEN_MS, parallel: 1 });
  if (plans.length === 0) throw new Error(`no source files to replay under ${o.repo}`);
  const index = new SymbolIndex({ root: o.repo });
  await indexWorkspace(index, o.repo);
  const repoName = path.basename(o.repo);
  const results: Partial<Record<(typeof MODES)[number]['name'], ModeReport>> = {};
  let model = '';
  let contextSize = 0;
  for (const mode of MODES) {
    const sup = new EngineSupervisor({ modelFile: o.modelFile, threads: o.threads, reuse: mode.reuse, contextSize: o.contextSize });
    try {
      const ep = await sup.acquire();
      model = ep.ready.model;
      contextSize = ep.ready.contextSize;
      const records = await replayMode(mode.name, plans, ep, o.timeoutMs, index, repoName, progress);
      results[mode.name] = summarize(records);
    } finally {
      await sup.stop();
    }
  }
  const ours = results.ours!;
  const noReuse = results.noReuse!;
  return {
    repo: o.repo,
    model,
    threads: o.threads,
    contextSize,
    files: plans.map((p) => p.file),
    seed: o.seed,
    results: { ours, noReuse },
    targets: { kvReuseAtLeast085: ours.kvReuse >= 0.85, firstTokenP50AtMostHalfOfNoReuse: ours.firstTokenMs.p50 <= noReuse.firstTokenMs.p50 / 2 },
  };
}

async function replayMode(
  mode: string,
  plans: TypingPlan[],
  ep: EngineEndpoint,
  timeoutMs: number,
  index: SymbolIndex,
  repoName: string,
  progress?: (m: string) => void,
): Promise<RequestFigures[]> {
  const settings: Settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: ep.url, model: ep.ready.model, timeoutMs };
  const rt = new EngineRuntime(ep.token);
  // The engine is the model: nothing to register, and it answers or drops every request it gets.
  const deps = { settings, oracle: { register: async () => undefined }, serverInFlight: () => 0, index, repoName };
  await warmProcess(plans[0], settings, deps.oracle, 1, rt);
  warmContext(plans, settings, index, repoName);
  for (let i = 0; i < plans.length; i++) {
    await replayFile(plans[i], rt, deps, `${mode}#${i}`);
    progress?.(`${mode} ${i + 1}/${plans.length} ${plans[i].file}`);
  }
  const stats = await settledStats(ep);
  return stats.requests.filter((r) => r.document.startsWith(`${mode}#`));
}

/** Longest wait for the engine to finish requests the replay left it (aborted ones end at the next piece). */
const SETTLE_MS = 60_000;

/** The engine's figures once it has no request left to answer. */
async function settledStats(ep: EngineEndpoint): Promise<{ active: number; requests: RequestFigures[] }> {
  const until = Date.now() + SETTLE_MS;
  for (;;) {
    const res = await fetch(ep.url.replace(/\/v1$/, '/intent/stats'), { headers: { authorization: `Bearer ${ep.token}` } });
    if (!res.ok) throw new Error(`engine stats: HTTP ${res.status}`);
    const stats = (await res.json()) as { active: number; requests: RequestFigures[] };
    if (stats.active === 0 || Date.now() > until) return stats;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function summarize(records: readonly RequestFigures[]): ModeReport {
  const sum = (f: (r: RequestFigures) => number, rs: readonly RequestFigures[] = records) => rs.reduce((n, r) => n + f(r), 0);
  const answered = records.filter((r) => r.firstTokenMs !== undefined);
  // Requests given up while they waited for their sequence evaluated nothing and reused nothing.
  const started = records.filter((r) => r.started);
  const promptTokens = sum((r) => r.promptTokens, started);
  const evaluatedTokens = sum((r) => r.evaluatedTokens, started);
  // Over the tokens each request got into its sequence (an aborted evaluation did not get them all).
  const reusedTokens = sum((r) => r.reusedTokens, started);
  const genMs = sum((r) => r.generationMs, answered);
  const genTokens = sum((r) => Math.max(0, r.generatedTokens - 1), answered);
  const evalMs = sum((r) => r.promptEvalMs, answered);
  const round = (x: number, d: number) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : NaN);
  const pp = (xs: number[]) => ({ p50: round(percentile(xs, 0.5), 2), p95: round(percentile(xs, 0.95), 2) });
  return {
    requests: records.length,
    started: started.length,
    answered: answered.length,
    promptTokens,
    evaluatedTokens,
    kvReuse: reusedTokens + evaluatedTokens > 0 ? round(reusedTokens / (reusedTokens + evaluatedTokens), 3) : NaN,
    promptEvalMs: pp(answered.map((r) => r.promptEvalMs)),
    firstTokenMs: pp(answered.map((r) => r.firstTokenMs!)),
    tokensPerSecond: genMs > 0 ? round((1000 * genTokens) / genMs, 1) : NaN,
    promptTokensPerSecond: evalMs > 0 ? round((1000 * sum((r) => r.evaluatedTokens, answered)) / evalMs, 1) : NaN,
  };
}

function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))];
}

export async function runBenchEngine(argv: string[]): Promise<number> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, def: number, min = 1) => {
    const v = flag(name);
    const n = v === undefined ? def : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} expects a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const modelFile = flag('model-file');
  const repo = flag('repo');
  if (!modelFile || !repo) {
    process.stderr.write(
      'usage: intent-complete bench engine --model-file FILE --repo DIR [--files 6] [--lines 2] [--seed 7] [--threads 1] [--context N] [--timeout-ms 10000] [--json]\n',
    );
    return 2;
  }
  if (!fs.existsSync(modelFile)) throw new Error(`no model file at ${modelFile}`);
  const json = argv.includes('--json');
  const o: EngineBenchOptions = {
    modelFile: path.resolve(modelFile),
    repo: path.resolve(repo),
    files: int('files', 6),
    lines: int('lines', 2),
    seed: int('seed', 7, 0),
    threads: int('threads', 1),
    contextSize: flag('context') === undefined ? undefined : int('context', 0, 16),
    timeoutMs: int('timeout-ms', DEFAULT_BENCH_TIMEOUT_MS, 100),
  };
  const report = await runEngineBench(o, json ? undefined : (m) => process.stderr.write(`  ${m}\n`));
  process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : formatEngineReport(report));
  return 0;
}

export function formatEngineReport(r: EngineBenchReport): string {
  const rows: [string, (m: ModeReport) => string][] = [
    ['requests (started / answered)', (m) => `${m.requests} (${m.started} / ${m.answered})`],
    ['prompt tokens', (m) => String(m.promptTokens)],
    ['evaluated tokens', (m) => String(m.evaluatedTokens)],
    ['kvReuse', (m) => m.kvReuse.toFixed(3)],
    ['promptEvalMs p50 / p95', (m) => `${m.promptEvalMs.p50} / ${m.promptEvalMs.p95}`],
    ['firstTokenMs p50 / p95', (m) => `${m.firstTokenMs.p50} / ${m.firstTokenMs.p95}`],
    ['tokens/s (generation)', (m) => String(m.tokensPerSecond)],
    ['prompt tokens/s (evaluation)', (m) => String(m.promptTokensPerSecond)],
  ];
  const w = Math.max(...rows.map(([l]) => l.length));
  let out = `bench engine: ${r.model}, ${r.threads} thread(s), context ${r.contextSize}, ${r.files.length} files of ${r.repo}, seed ${r.seed}\n`;
  out += `${''.padEnd(w)}  ${'ours'.padStart(14)}  ${'noReuse'.padStart(14)}\n`;
  for (const [label, f] of rows) out += `${label.padEnd(w)}  ${f(r.results.ours).padStart(14)}  ${f(r.results.noReuse).padStart(14)}\n`;
  return out + targetsLine(r.targets);
}
