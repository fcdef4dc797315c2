/**
 * The built-in engine as the extension uses it: starts the engine's supervisor (a child process,
 * src/engine/supervisor.ts) on first need, hands its endpoint (URL, bearer token, served model) to
 * whoever asks, stops it when disabled or disposed, runs it again when its settings change, and
 * says what it is doing (loading, ready, downloading, failed) for the status bar (busy, a request
 * in flight, is ghost text's own requesting state).
 * No `vscode` here: the notices it raises are shown by ui.ts.
 */
import * as fs from 'node:fs';
import type { Settings } from '../../core/config';
import type { Logger } from '../../core/types';
import type { CatalogueEntry } from '../../engine/catalogue';
import { checkLocalModelFile, type LocalModelCheck } from '../../engine/ggufFile';
import { EngineSupervisor, type EngineEndpoint, type EngineState, type SupervisorOptions } from '../../engine/supervisor';
import { planRun, sameRun, servedModelName, type EngineRun } from './run';

/** What the engine is doing, as the status bar shows it. */
export type EnginePhase =
  /** Not enabled: ghost text uses intentComplete.endpoint. */
  | 'off'
  /** Enabled, no model loaded: it loads on the next request. */
  | 'idle'
  /** The catalogue model is not downloaded yet. */
  | 'needs-model'
  /** The model file cannot be used (reason). */
  | 'invalid'
  | 'downloading'
  | 'loading'
  | 'ready'
  | 'restarting'
  /** It kept crashing: it waits for Restart. */
  | 'failed';

export interface EngineView {
  phase: EnginePhase;
  /** The served model name (when known). */
  model?: string;
  /** Downloading: per cent done (undefined while the size is unknown). */
  percent?: number;
  reason?: string;
  threads?: number;
  pid?: number;
}

/** The running engine as the pipeline talks to it. */
export interface LocalEndpoint {
  endpoint: string;
  /** The engine's bearer token. */
  apiKey: string;
  model: string;
  /** The model has a chat template (Edit Selection can use it). */
  chat: boolean;
  fim: boolean;
}

/** Something to tell the person once (ui.ts shows it). */
export type EngineNotice =
  | { kind: 'failed'; message: string }
  | { kind: 'needs-download'; entry: CatalogueEntry; file: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'settings'; message: string };

/** The part of EngineSupervisor the manager uses (tests give their own). */
export interface SupervisorLike {
  readonly state: EngineState;
  readonly pid: number | undefined;
  acquire(): Promise<EngineEndpoint>;
  stop(): Promise<void>;
  on(event: 'state', l: (s: EngineState) => void): unknown;
  on(event: 'log', l: (m: string) => void): unknown;
  on(event: 'failed', l: (e: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export interface LocalEngineDeps {
  settings(): Settings;
  /** Where catalogue models are downloaded (the extension's global storage, models/). */
  modelsDir: string;
  log: Logger;
  /** The worker entry to fork (default: supervisor.ts finds it). */
  workerEntry?: string;
  createSupervisor?(o: SupervisorOptions): SupervisorLike;
  /** A complete catalogue model file is there (default: it exists; downloads rename into place only when verified). */
  present?(file: string): boolean;
  checkFile?(file: string): Promise<LocalModelCheck>;
  /** Logical cores (default: this machine's). */
  cores?: number;
}

/** The universal package carries no engine (scripts/packageTarget.mjs builds the ones that do). */
export const NO_ENGINE =
  'this installation of Intent Complete has no built-in engine (the package for every platform leaves it out); install the package for your platform, or use your own server';

type Listener<T> = (value: T) => void;

/** A minimal event: `on(listener)` returns something to dispose (the shape of vscode.Event). */
class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(v: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(v);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
  clear(): void {
    this.listeners.clear();
  }
}

export class LocalEngine {
  private sup: SupervisorLike | undefined;
  private run: EngineRun | undefined;
  /** The running engine's endpoint, once a request got it (cleared when the engine stops or restarts). */
  private ep: EngineEndpoint | undefined;
  private download: { percent?: number } | undefined;
  /** The model file that failed its check, and why: not tried again until the settings change or Restart. */
  private invalid: { file: string; reason: string } | undefined;
  /** Why the supervisor gave up (phase failed). */
  private failure: string | undefined;
  private missing: CatalogueEntry | undefined;
  /** Starting is one at a time: two first requests start one engine. */
  private starting: Promise<SupervisorLike | undefined> | undefined;
  private readonly told = new Set<string>();
  private disposed = false;
  private readonly changed = new Emitter<EngineView>();
  private readonly notices = new Emitter<EngineNotice>();
  /** Fires with the new view whenever what the engine is doing changes. */
  readonly onDidChangeState = this.changed.event;
  /** Fires with something the person should be told (once each). */
  readonly onNotice = this.notices.event;

  constructor(private readonly d: LocalEngineDeps) {}

  get enabled(): boolean {
    return !this.disposed && this.d.settings()['localEngine.enabled'];
  }

  /** The child's process id while one runs (tests). */
  get pid(): number | undefined {
    return this.sup?.pid;
  }

  /** The endpoint while the engine is ready (undefined while it loads, restarts or is stopped). */
  get current(): LocalEndpoint | undefined {
    return this.enabled && this.ep && this.sup?.state === 'ready' ? toLocal(this.ep) : undefined;
  }

  /** The engine's bearer token while it is ready and enabled (the key requests to it carry). */
  get apiKey(): string | undefined {
    return this.current?.apiKey;
  }

  /**
   * A request wants the engine (and found none ready): start it, without waiting. The request
   * itself gets nothing; the status says loading, and the next request finds the engine ready.
   */
  wanted(): void {
    if (!this.enabled || this.current || this.starting) return;
    // Loading or restarting already; or waiting for the person (Restart, another file, the download).
    if (['loading', 'restarting', 'failed', 'invalid', 'downloading'].includes(this.view().phase)) return;
    void this.endpoint();
  }

  view(): EngineView {
    const base = { model: this.ep?.ready.model ?? this.run?.model ?? this.plannedModel(), threads: this.ep?.ready.threads, pid: this.sup?.pid };
    if (!this.enabled) return { ...base, phase: 'off' };
    if (this.download) return { ...base, phase: 'downloading', percent: this.download.percent };
    if (this.invalid) return { ...base, phase: 'invalid', reason: this.invalid.reason };
    if (this.missing) return { ...base, phase: 'needs-model', model: this.missing.id, reason: `${this.missing.label} is not downloaded yet` };
    const state = this.sup?.state ?? 'stopped';
    if (state === 'failed') return { ...base, phase: 'failed', reason: this.failure };
    return { ...base, phase: state === 'stopped' ? 'idle' : state };
  }

  /**
   * The engine's endpoint, starting it if needed (the first request waits for the model to load;
   * `signal` gives up waiting, the loading goes on). Undefined when disabled, when there is no
   * usable model, or after repeated crashes (until restart()).
   */
  async endpoint(signal?: AbortSignal): Promise<LocalEndpoint | undefined> {
    if (!this.enabled) return undefined;
    const sup = await this.ensure();
    if (!sup || sup.state === 'failed' || signal?.aborted) return undefined;
    try {
      const ep = await abortable(sup.acquire(), signal);
      if (sup !== this.sup) return undefined;
      if (this.ep !== ep) {
        this.ep = ep;
        this.fire();
      }
      return toLocal(ep);
    } catch (e) {
      if (!signal?.aborted) this.d.log.warn(`built-in engine: ${errText(e)}`);
      return undefined;
    }
  }

  /**
   * What the status bar shows of the engine: its own state while it is not serving (idle, loading,
   * restarting, downloading, a model needed, failed). Undefined when off or ready: the endpoint's
   * status (ready, busy, filtered or what a request found) says the rest.
   */
  status(): ({ kind: 'engine' } & EngineView) | undefined {
    const v = this.view();
    if (v.phase === 'off' || (v.phase === 'ready' && this.current)) return undefined;
    return { kind: 'engine', ...v };
  }

  /**
   * The endpoint for Edit Selection: the engine's, when its model has a chat template; else what
   * model it needs, as a sentence (not an error: the engine is fine, the model cannot chat).
   * Undefined when the engine is off (edits go to intentComplete.endpoint).
   */
  async forEdit(signal?: AbortSignal): Promise<{ ok: true; endpoint: LocalEndpoint } | { ok: false; message: string } | undefined> {
    if (!this.enabled) return undefined;
    const ep = await this.endpoint(signal);
    if (!ep) return { ok: false, message: `the built-in engine is not ready (${this.view().reason ?? this.view().phase}); see the status bar item` };
    if (!ep.chat) return { ok: false, message: editNeedsChat(ep.model) };
    return { ok: true, endpoint: ep };
  }

  /** A download's progress (percent, or undefined when unknown); `done` ends it. */
  downloading(percent: number | undefined, done = false): void {
    this.download = done ? undefined : { percent };
    if (done) this.missing = undefined;
    this.fire();
  }

  /** The settings changed: stop when disabled; a different model, thread count or idle period runs a new engine. */
  async settingsChanged(): Promise<void> {
    if (!this.enabled) {
      this.invalid = undefined;
      this.missing = undefined;
      await this.stopEngine();
      return this.fire();
    }
    const plan = this.plan();
    if (this.invalid && (!plan.ok || plan.run.modelFile !== this.invalid.file)) this.invalid = undefined;
    if (plan.ok) this.missing = undefined;
    if (this.sup && !(plan.ok && sameRun(plan.run, this.run))) {
      const wasUp = this.sup.state !== 'stopped';
      this.d.log.info('built-in engine: settings changed; starting it again with the new ones');
      await this.stopEngine();
      if (wasUp) void this.endpoint();
    }
    this.fire();
  }

  /** Stops the engine and starts it again (after repeated crashes, or asked for). */
  async restart(): Promise<LocalEndpoint | undefined> {
    this.invalid = undefined;
    this.told.clear();
    await this.stopEngine();
    this.fire();
    return this.endpoint();
  }

  /** Stops the engine: the child goes, nothing starts until the next request. */
  async stopEngine(): Promise<void> {
    const sup = this.sup;
    this.sup = undefined;
    this.run = undefined;
    this.ep = undefined;
    this.starting = undefined;
    if (!sup) return;
    await sup.stop().catch((e: unknown) => this.d.log.warn(`built-in engine: stopping failed: ${errText(e)}`));
    sup.removeAllListeners();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stopEngine();
    this.changed.clear();
    this.notices.clear();
  }

  /** The model the settings name, before any engine ran (for the status). */
  private plannedModel(): string {
    const s = this.d.settings();
    return s['localEngine.modelFile'] ? servedModelName(s['localEngine.modelFile']) : s['localEngine.model'];
  }

  private plan() {
    const present = this.d.present ?? ((f: string) => fs.existsSync(f));
    return planRun(this.d.settings(), this.d.modelsDir, present, this.d.cores);
  }

  /** The supervisor for the current settings, created (after checking the model file) when there is none. */
  private ensure(): Promise<SupervisorLike | undefined> {
    const plan = this.plan();
    for (const p of plan.problems) this.noticeOnce({ kind: 'settings', message: p });
    if (!plan.ok) {
      if (this.missing?.id !== plan.entry.id) {
        this.missing = plan.entry;
        this.fire();
      }
      this.noticeOnce({ kind: 'needs-download', entry: plan.entry, file: plan.file });
      return Promise.resolve(undefined);
    }
    if (this.missing) {
      this.missing = undefined;
      this.fire();
    }
    if (this.sup && sameRun(plan.run, this.run)) return Promise.resolve(this.sup);
    if (this.invalid?.file === plan.run.modelFile) return Promise.resolve(undefined);
    this.starting ??= this.create(plan.run).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async create(run: EngineRun): Promise<SupervisorLike | undefined> {
    if (this.sup) await this.stopEngine();
    const check = await (this.d.checkFile ?? checkLocalModelFile)(run.modelFile);
    const entry = this.d.workerEntry;
    const reason = !check.ok ? `${run.modelFile} cannot be used: ${check.reason}` : entry && !fs.existsSync(entry) ? NO_ENGINE : undefined;
    if (reason) {
      this.invalid = { file: run.modelFile, reason };
      this.d.log.warn(`built-in engine: ${this.invalid.reason}`);
      this.noticeOnce({ kind: 'invalid', message: this.invalid.reason });
      this.fire();
      return undefined;
    }
    if (!this.enabled) return undefined;
    const opts: SupervisorOptions = { modelFile: run.modelFile, threads: run.threads, idleMs: run.idleMs || undefined, entry: this.d.workerEntry };
    const sup = (this.d.createSupervisor ?? ((o: SupervisorOptions) => new EngineSupervisor(o)))(opts);
    sup.on('log', (m) => this.d.log.info(`built-in engine: ${m}`));
    sup.on('state', () => {
      if (sup !== this.sup) return;
      if (sup.state !== 'ready') this.ep = undefined;
      this.fire();
    });
    sup.on('failed', (e) => {
      if (sup !== this.sup) return;
      this.failure = e.message;
      this.notices.fire({ kind: 'failed', message: e.message });
      this.fire();
    });
    this.sup = sup;
    this.run = run;
    this.d.log.info(
      `built-in engine: ${run.model} from ${run.modelFile}, ${run.threads} threads, ${run.idleMs ? `unloads after ${run.idleMs / 60_000} idle minutes` : 'never unloads'}`,
    );
    return sup;
  }

  private noticeOnce(n: EngineNotice): void {
    const key = n.kind === 'needs-download' ? `${n.kind}:${n.entry.id}` : `${n.kind}:${n.message}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    this.notices.fire(n);
  }

  private fire(): void {
    this.changed.fire(this.view());
  }
}

function toLocal(ep: EngineEndpoint): LocalEndpoint {
  return { endpoint: ep.url, apiKey: ep.token, model: ep.ready.model, chat: ep.ready.chat, fim: ep.ready.fim };
}

/** What Edit Selection says when the engine's model has no chat template. */
export function editNeedsChat(model: string): string {
  return (
    `Edit Selection needs a model that can chat, and the built-in engine's ${model} has no chat template. ` +
    'Choose an instruct model (a GGUF file with a chat template, e.g. Qwen2.5-Coder-1.5B-Instruct) with "Run a Model on This Machine…", or stop using the built-in engine to edit through your server.'
  );
}

/** The promise, or a rejection as soon as the signal aborts (the work itself goes on). */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
