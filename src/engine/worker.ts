/**
 * The engine process: loads the model, serves the API (server.ts) and prints one JSON line on
 * stdout when ready: {"ready":true,"url","token","model","contextSize","threads","fim","chat",
 * "memory":{…}}; on failure {"ready":false,"error"} and exit code 1. The token comes from
 * INTENT_ENGINE_TOKEN (so it is not on the command line), else a new random one. The process ends
 * when its parent goes (IPC disconnect) or on SIGTERM/SIGINT.
 * Arguments: --model-file FILE --threads N [--port N] [--context N] [--sequences N] [--no-reuse] [--gpu]
 */
import { basename } from 'node:path';
import { Engine, type EngineOptions } from './engine';
import { newToken, startServer } from './server';

export const WORKER_ENV = 'IC_ENGINE_WORKER';
export const TOKEN_ENV = 'INTENT_ENGINE_TOKEN';

export interface WorkerArgs extends EngineOptions {
  port: number;
}

export interface ReadyLine {
  ready: true;
  url: string;
  token: string;
  model: string;
  contextSize: number;
  threads: number;
  fim: boolean;
  chat: boolean;
  memory: { model: number; context: number };
  pid: number;
}

/** The worker's arguments as a command line (the supervisor's side). */
export function workerArgv(a: WorkerArgs): string[] {
  return [
    '--model-file',
    a.modelFile,
    '--threads',
    String(a.threads),
    '--port',
    String(a.port),
    ...(a.contextSize ? ['--context', String(a.contextSize)] : []),
    ...(a.sequences ? ['--sequences', String(a.sequences)] : []),
    ...(a.reuse === false ? ['--no-reuse'] : []),
    ...(a.gpu ? ['--gpu'] : []),
  ];
}

export function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string) => {
    const v = flag(name);
    const n = v === undefined ? undefined : Number(v);
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) throw new Error(`--${name} expects a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  const modelFile = flag('model-file');
  if (!modelFile) throw new Error('--model-file is required');
  const threads = int('threads');
  if (!threads) throw new Error('--threads is required (at least 1)');
  return { modelFile, threads, port: int('port') ?? 0, contextSize: int('context'), sequences: int('sequences'), reuse: !argv.includes('--no-reuse'), gpu: argv.includes('--gpu') };
}

let started = false;

/** The worker's main: never returns normally (the process lives until told to stop). */
export async function runWorker(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (started) return;
  started = true;
  const say = (x: unknown) => process.stdout.write(JSON.stringify(x) + '\n');
  try {
    const args = parseWorkerArgs(argv);
    const token = process.env[TOKEN_ENV] || newToken();
    delete process.env[TOKEN_ENV];
    const engine = await Engine.load(args);
    const server = await startServer(engine, token, args.port);
    const stop = async () => {
      await server.close().catch(() => undefined);
      await engine.dispose().catch(() => undefined);
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
    process.once('disconnect', () => void stop());
    const i = engine.info;
    const ready: ReadyLine = {
      ready: true,
      url: server.url,
      token,
      model: i.id,
      contextSize: i.contextSize,
      threads: i.threads,
      fim: i.fim,
      chat: i.chat,
      memory: engine.memory(),
      pid: process.pid,
    };
    say(ready);
  } catch (e) {
    say({ ready: false, error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
}

// Run from tsc output (`node out/src/engine/worker.js …` or forked); the CLI bundle starts it from
// main.ts (in a bundle `require.main === module` holds for every module in it, hence the name check).
if (require.main === module && /^worker\.[cm]?[jt]s$/.test(basename(__filename))) void runWorker();
