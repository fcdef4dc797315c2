/**
 * `intent-complete eval --repo DIR --endpoint URL --model NAME [--api STYLE] [--holes N] [--seed S]
 *  [--timeout MS] [--json] [--html FILE]`
 *
 * The endpoint is probed and asked exactly as ghost text asks it (model/route.ts); `--api` forces a
 * way of asking (completions, chat, llamacpp-infill, ollama, mistral-fim).
 *
 * Replay evaluation of a model on a repository (src/core/stats/evaluate.ts). A progress bar on
 * stderr when it is a terminal. `--json` prints the summary object and `falseDrops` (the correct
 * proposals the filter altered, core/stats/falseDrops.ts); the human output lists them too. The API
 * key, when the endpoint needs one, comes from the environment variable INTENT_COMPLETE_API_KEY.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_STYLES, normalizeSettings, type ApiStyle } from '../core/config';
import { evaluateRepository, type EvalRun } from '../core/stats/evaluate';
import { dropPlace } from '../core/stats/falseDrops';
import { codeLine, evalCell, evalHtml, EVAL_COLUMNS, FALSE_DROPS_TITLE, falseDropsCount } from '../core/stats/render';

export const EVAL_USAGE = `eval --repo DIR --endpoint URL --model NAME [--api ${API_STYLES.filter((a) => a !== 'auto').join('|')}] [--holes N] [--seed S] [--timeout MS] [--json] [--html FILE]`;

interface EvalArgs {
  repo: string;
  endpoint: string;
  model: string;
  api: ApiStyle;
  holes: number;
  seed: number;
  timeoutMs?: number;
  json: boolean;
  html?: string;
}

export function parseEvalArgs(argv: string[]): EvalArgs | string {
  const a: Partial<EvalArgs> = { api: 'auto', holes: 100, seed: 7, json: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    const int = () => {
      const raw = v();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${k} expects a whole number, got ${JSON.stringify(raw)}`);
      return n;
    };
    try {
      if (k === '--repo') a.repo = v();
      else if (k === '--endpoint') a.endpoint = v();
      else if (k === '--model') a.model = v();
      else if (k === '--api') {
        const x = v();
        const style = API_STYLES.find((s) => s === x && s !== 'auto');
        if (!style) return `--api expects one of ${API_STYLES.filter((s) => s !== 'auto').join(', ')}, got ${JSON.stringify(x)}`;
        a.api = style;
      } else if (k === '--holes') a.holes = int();
      else if (k === '--seed') a.seed = int();
      else if (k === '--timeout') a.timeoutMs = int();
      else if (k === '--json') a.json = true;
      else if (k === '--html') a.html = v();
      else return `unknown option ${JSON.stringify(k)}`;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  if (!a.repo) return '--repo is required';
  if (!a.endpoint) return '--endpoint is required';
  if (!a.model) return '--model is required';
  return a as EvalArgs;
}

function progressBar(done: number, total: number, width = 30): string {
  const f = total ? done / total : 1;
  const fill = Math.round(f * width);
  return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}`;
}

/** The correct proposals the filter altered, each with its place, verdict and reason. */
export function falseDropsText(run: EvalRun): string {
  const drops = run.falseDrops ?? [];
  return [
    `${FALSE_DROPS_TITLE}: ${falseDropsCount(run)}`,
    ...drops.flatMap((d) => [`  ${dropPlace(d)}  ${d.verdict}: ${d.reason}`, `    proposal: ${codeLine(d.proposal)}`, `    shown:    ${codeLine(d.shown)}`]),
  ].join('\n');
}

function table(run: EvalRun): string {
  const rows = EVAL_COLUMNS.map(([k, t]) => [t, evalCell(run.summary, k)]);
  const w = Math.max(...rows.map((r) => r[0].length));
  const errors = Object.entries(run.counts.errors)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `model ${run.summary.model} · ${run.summary.holes} holes from ${run.repo} · seed ${run.seed}${run.cancelled ? ' · cancelled' : ''}`,
    run.endpointInfo ? `  endpoint: ${run.endpointInfo}` : '',
    ...rows.map(([t, v]) => `  ${t.padEnd(w)}  ${v}`),
    errors ? `  errors: ${errors}` : '',
    falseDropsText(run),
  ]
    .filter(Boolean)
    .join('\n');
}

export async function runEval(argv: string[], out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const args = parseEvalArgs(argv);
  if (typeof args === 'string') {
    err.write(`intent-complete eval: ${args}\nUsage: intent-complete ${EVAL_USAGE}\n`);
    return 2;
  }
  const root = path.resolve(args.repo);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    err.write(`intent-complete eval: --repo ${args.repo} is not a folder\n`);
    return 2;
  }
  const { settings, problems } = normalizeSettings({ endpoint: args.endpoint, model: args.model, apiStyle: args.api, ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}) });
  if (problems.length) {
    err.write(`intent-complete eval: ${problems.join('; ')}\n`);
    return 2;
  }
  const tty = err.isTTY === true;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let run: EvalRun;
  try {
    run = await evaluateRepository({
      root,
      settings,
      apiKey: process.env.INTENT_COMPLETE_API_KEY,
      holes: args.holes,
      seed: args.seed,
      signal: controller.signal,
      onProgress: tty ? (done, total) => err.write(`\r${progressBar(done, total)}`) : undefined,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (tty) err.write('\n');
  }
  if (run.summary.holes === 0 && !run.cancelled) err.write(`intent-complete eval: no holes found in ${root} (no source files of a supported language?)\n`);
  if (args.html) fs.writeFileSync(args.html, evalHtml([run]), 'utf8');
  if (args.json) out.write(JSON.stringify({ ...run.summary, falseDrops: run.falseDrops ?? [] }) + '\n');
  else out.write(table(run) + '\n');
  return run.cancelled ? 130 : 0;
}
