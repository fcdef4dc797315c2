/**
 * `intent-complete serve --model-file FILE [--port N] [--threads N] [--context N]`: the built-in
 * engine as a local OpenAI-compatible server on 127.0.0.1 (in a child process, restarted if it
 * crashes), so `eval`, `bench typing` and other tools can use it. Prints the URL and the bearer
 * token, then runs until Ctrl+C.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSupervisor } from '../engine/supervisor';

/** Threads when none are given: half the cores (the editor and the rest of the machine keep the others), at least 1. */
export function defaultThreads(): number {
  return Math.max(1, Math.floor(os.availableParallelism() / 2));
}

export interface ServeArgs {
  modelFile: string;
  port: number;
  threads: number;
  contextSize?: number;
}

export function parseServeArgs(argv: readonly string[]): ServeArgs | string {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, min: number): number | undefined | string => {
    const v = flag(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= min ? n : `--${name} expects a whole number ≥ ${min}, got ${JSON.stringify(v)}`;
  };
  const modelFile = flag('model-file');
  if (!modelFile) return 'usage: intent-complete serve --model-file FILE [--port N] [--threads N] [--context N]';
  if (!fs.existsSync(modelFile)) return `no model file at ${modelFile}`;
  const port = int('port', 0);
  const threads = int('threads', 1);
  const contextSize = int('context', 16);
  for (const x of [port, threads, contextSize]) if (typeof x === 'string') return x;
  return {
    modelFile: path.resolve(modelFile),
    port: (port as number | undefined) ?? 0,
    threads: (threads as number | undefined) ?? defaultThreads(),
    contextSize: contextSize as number | undefined,
  };
}

export async function runServe(argv: string[]): Promise<number> {
  const a = parseServeArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(a + '\n');
    return 2;
  }
  const sup = new EngineSupervisor({ modelFile: a.modelFile, threads: a.threads, port: a.port, contextSize: a.contextSize });
  sup.on('log', (m: string) => process.stderr.write(`${m}\n`));
  const failed = new Promise<number>((resolve) => sup.once('failed', () => resolve(1)));
  const ep = await sup.acquire();
  process.stdout.write(`${JSON.stringify({ url: ep.url, token: ep.token, model: ep.ready.model })}\n`);
  process.stderr.write(`serving ${ep.ready.model} at ${ep.url} (Authorization: Bearer <token>); Ctrl+C stops\n`);
  const stopped = new Promise<number>((resolve) => {
    const stop = () => void sup.stop().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return Promise.race([failed, stopped]);
}
