/**
 * Runs the engine in a child process (worker.ts) and keeps it running: starts it on first need,
 * waits for its ready line, restarts it after a crash with backoff (and gives up after a few
 * failures in a row, saying so), unloads it after an idle period, stops it. Pure Node: the CLI uses
 * it, and the editor will, so the model never loads into the editor's own process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { newToken } from './server';
import { TOKEN_ENV, WORKER_ENV, workerArgv, type ReadyLine, type WorkerArgs } from './worker';

export type EngineState = 'stopped' | 'loading' | 'ready' | 'restarting' | 'failed';

export interface SupervisorOptions extends Omit<WorkerArgs, 'port'> {
  port?: number;
  /** Stop the engine after this long without a request (acquire), ms; 0 or undefined: never. */
  idleMs?: number;
  /** The file to fork (default: worker.js next to this file, or the CLI bundle this file is part of). */
  entry?: string;
  /** Longest wait for the ready line, ms. */
  readyTimeoutMs?: number;
  /** First restart delay, ms (doubles per failure in a row, up to MAX_BACKOFF_MS). */
  backoffMs?: number;
  /** Failures in a row after which it stops trying (state `failed`). */
  maxRestarts?: number;
}

export interface EngineEndpoint {
  url: string;
  token: string;
  ready: ReadyLine;
}

const DEFAULT_READY_TIMEOUT_MS = 120_000;
const DEFAULT_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const DEFAULT_MAX_RESTARTS = 5;
/** A child that ran this long counts as having started well: the failure count starts again. */
const STABLE_MS = 60_000;
const STOP_GRACE_MS = 3000;

/**
 * The worker entry: tsc output has worker.js beside this file; in a bundle, the worker bundle beside
 * it (dist/worker.js: the extension's bundle requires `vscode` and cannot run alone), else the bundle
 * itself (the CLI's, started with IC_ENGINE_WORKER=1).
 */
export function defaultWorkerEntry(): string {
  const ext = path.extname(__filename);
  if (path.basename(__filename, ext) === 'supervisor') return path.join(__dirname, `worker${ext}`);
  const beside = path.join(__dirname, `worker${ext}`);
  return existsSync(beside) ? beside : __filename;
}

/**
 * Events: 'state' (EngineState), 'log' (string), 'failed' (Error, once the restarts are used up).
 */
export class EngineSupervisor extends EventEmitter {
  private child: ChildProcess | undefined;
  private starting: Promise<EngineEndpoint> | undefined;
  private endpoint: EngineEndpoint | undefined;
  private _state: EngineState = 'stopped';
  private failures = 0;
  private wanted = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly token = newToken();
  /** The port the first child listened on: a restarted engine listens there again (the URL handed out stays good). */
  private port: number | undefined;
  /** Times the child was started (tests and the log). */
  starts = 0;

  constructor(private readonly o: SupervisorOptions) {
    super();
  }

  get state(): EngineState {
    return this._state;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The running engine's endpoint, starting it if needed; counts as use (idle timer). */
  async acquire(): Promise<EngineEndpoint> {
    this.wanted = true;
    // Loading is not idleness: the idle period counts from the engine being ready.
    clearTimeout(this.idleTimer);
    if (this._state === 'failed') this.failures = 0;
    const ep = this.endpoint && this.child && this.child.exitCode === null ? this.endpoint : await this.start();
    this.touch();
    return ep;
  }

  /** Marks activity: the idle period starts again. */
  touch(): void {
    if (!this.o.idleMs) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.log(`idle for ${this.o.idleMs} ms: unloading the model`);
      void this.stop();
    }, this.o.idleMs);
    this.idleTimer.unref();
  }

  /** Stops the engine (it starts again on the next acquire). */
  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.idleTimer);
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    this.endpoint = undefined;
    this.starting = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await gone;
      clearTimeout(timer);
    }
    this.setState('stopped');
  }

  private start(): Promise<EngineEndpoint> {
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private spawn(): Promise<EngineEndpoint> {
    this.setState(this.failures > 0 ? 'restarting' : 'loading');
    const entry = this.o.entry ?? defaultWorkerEntry();
    const args = workerArgv({ ...this.o, port: this.o.port || this.port || 0 });
    const child = fork(entry, args, {
      env: { ...process.env, [WORKER_ENV]: '1', [TOKEN_ENV]: this.token },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect') && !a.startsWith('--cpu-prof')),
    });
    this.child = child;
    this.starts++;
    const startedAt = Date.now();
    child.stderr?.on('data', (d: Buffer) => this.log(`engine: ${d.toString().trimEnd()}`));
    return new Promise<EngineEndpoint>((resolve, reject) => {
      let buffered = '';
      let settled = false;
      const timer = setTimeout(
        () => fail(new Error(`the engine was not ready within ${this.o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms`)),
        this.o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      );
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        // The remembered port was taken meanwhile: the next start takes any free one.
        if (/EADDRINUSE/.test(e.message) && !this.o.port) this.port = undefined;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(e);
      };
      child.stdout?.on('data', (d: Buffer) => {
        buffered += d.toString();
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith('{') || settled) continue;
          let msg: { ready?: boolean; error?: string } & Partial<ReadyLine>;
          try {
            msg = JSON.parse(line);
          } catch {
            continue;
          }
          if (msg.ready !== true) return fail(new Error(`the engine could not start: ${msg.error ?? line}`));
          settled = true;
          clearTimeout(timer);
          const ready = msg as ReadyLine;
          this.endpoint = { url: ready.url, token: ready.token, ready };
          this.port = Number(new URL(ready.url).port);
          this.log(
            `engine ready: ${ready.model}, ${ready.threads} threads, context ${ready.contextSize}, model ${mb(ready.memory.model)} MB + context ${mb(ready.memory.context)} MB, pid ${ready.pid}`,
          );
          this.setState('ready');
          resolve(this.endpoint);
        }
      });
      child.once('exit', (code, signal) => {
        fail(new Error(`the engine exited before it was ready (${signal ?? code})`));
        this.onExit(child, code, signal, Date.now() - startedAt);
      });
      child.once('error', (e) => fail(e));
    });
  }

  /** A child that went away while wanted is restarted, with a growing delay; after too many failures in a row, `failed`. */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, ranMs: number): void {
    if (this.child !== child) return; // stopped on purpose, or already replaced
    this.child = undefined;
    this.endpoint = undefined;
    if (!this.wanted) return this.setState('stopped');
    this.failures = ranMs >= STABLE_MS ? 1 : this.failures + 1;
    const max = this.o.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    if (this.failures > max) {
      const e = new Error(`the engine stopped ${this.failures} times in a row (last: ${signal ?? `exit code ${code}`}); not restarting`);
      this.log(e.message);
      this.setState('failed');
      this.emit('failed', e);
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, (this.o.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** (this.failures - 1));
    this.log(`engine exited (${signal ?? `exit code ${code}`}); restarting in ${delay} ms`);
    this.setState('restarting');
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.wanted || this.child) return;
      this.start().catch((e: Error) => this.log(`restart failed: ${e.message}`));
    }, delay);
  }

  private setState(s: EngineState): void {
    if (this._state === s) return;
    this._state = s;
    this.emit('state', s);
  }

  private log(msg: string): void {
    this.emit('log', msg);
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
