/**
 * The typing replay behind `intent-complete bench typing`: a simulated person retypes regions of
 * real files in a simulated editor, in real time, while the REAL request path (RequestScheduler →
 * CompletionPipeline → cache / context / ModelClient over HTTP → filter) suggests ghost text from
 * an oracle server. The editor behaves like VS Code: every change invokes the provider and cancels
 * the previous invocation; typing a character that matches the ghost text keeps showing the rest.
 * The person accepts a suggestion with Tab when it is exactly what they were about to type.
 */
import { CompletionCache, type CacheMode } from '../core/cache/completionCache';
import type { Settings } from '../core/config';
import { ContextEngine } from '../core/context/engine';
import { seededRandom } from '../core/eval/holes';
import { ConsistencyFilter } from '../core/filter/consistency';
import { ModelClient } from '../core/model/client';
import { EndpointHealth } from '../core/model/health';
import { CompletionPipeline } from '../core/pipeline';
import { RequestScheduler, type SchedulePolicy } from '../core/schedule/scheduler';
import type { SymbolIndex } from '../core/workspace/symbolIndex';
import type { CompletionRequest, Timings } from '../core/types';
import { SESSION_HEADER } from './oracle';
import type { OracleHandle } from './oracleProcess';

export interface Strategy {
  name: string;
  cache: CacheMode;
  policy: SchedulePolicy;
  /** Hot streak (default on where the cache is typed-ahead); off for the ablation. */
  hotStreak?: boolean;
}

export const STRATEGIES: readonly Strategy[] = [
  { name: 'ours', cache: 'typed-ahead', policy: { debounce: 'adaptive', cancel: true, reuseInflight: true, prepareAhead: true } },
  { name: 'fixedDebounce', cache: 'exact', policy: { debounce: 350, cancel: true, reuseInflight: false } },
  { name: 'naive', cache: 'off', policy: { debounce: 0, cancel: false, reuseInflight: false } },
];

/** Ablation: `ours` without the hot streak (single lines answered and the stream closed at their end). */
export const OURS_NO_HOT_STREAK: Strategy = { ...STRATEGIES[0], name: 'oursNoHotStreak', hotStreak: false };

/** Ablation: `ours` without the local work done ahead during the debounce wait (all of it in the request). */
export const OURS_NO_PREPARE: Strategy = { ...STRATEGIES[0], name: 'oursNoPrepare', policy: { ...STRATEGIES[0].policy, prepareAhead: false } };

/** A region of a file to retype, and the person's planned gap before each character. */
export interface TypingPlan {
  file: string;
  languageId: string;
  text: string;
  start: number;
  end: number;
  /** gapMs[i]: wait before typing the keystroke that starts at region offset i. */
  gapMs: number[];
}

/** A gap at least this long is a pause (pause-to-ghost-text is measured over these). */
export const PAUSE_MS = 400;
/** The longest wait, after a file is closed, for the server to see the client's closes. */
export const CLOSE_WAIT_MS = 2000;
/** How long ghost text must have been visible before the person acts on it. */
export const REACTION_MS = 150;

/** Keystroke gaps: log-normal around ~120 ms, longer before a new line, some pauses at word ends. */
export function planGaps(target: string, seed: number): number[] {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const gaps: number[] = [];
  for (let i = 0; i < target.length; i++) {
    let g = Math.min(600, Math.max(40, 120 * Math.exp(0.35 * normal())));
    const prev = i === 0 ? '\n' : target[i - 1];
    const afterNewline = prev === '\n' || (/[ \t]/.test(prev) && /\n[ \t]*$/.test(target.slice(0, i)));
    if (i === 0) g = 800 + rand() * 600;
    else if (afterNewline && rand() < 0.7) g = 600 + rand() * 1200;
    else if (/[ (.,]/.test(prev) && rand() < 0.12) g = 400 + rand() * 1100;
    gaps.push(Math.round(g));
  }
  return gaps;
}

/** One keystroke's worth of text at region offset `pos`: a character, or Enter with the next line's indentation. */
export function nextUnit(target: string, pos: number): string {
  const ch = target[pos];
  if (ch === '\n' || /[ \t]/.test(ch)) {
    const m = /^\n?[ \t]*/.exec(target.slice(pos));
    const run = m ? m[0] : ch;
    // Enter brings the indentation; blanks at the start of a line come as one (auto-indent).
    if (ch === '\n' || (pos > 0 && target[pos - 1] === '\n')) return run || ch;
  }
  return ch;
}

export interface RequestRecord {
  session: string;
  k: number;
  startedAt: number;
  endedAt?: number;
  aborted?: boolean;
  text?: string;
  used?: boolean;
  /** The wait before it went out, ms. */
  debounceMs?: number;
  /** The pipeline's own split (context, cache, model, filter, total). */
  timings?: Timings;
}

export interface SessionResult {
  session: string;
  /** Keystrokes the person would make typing the region with no help (the same for every strategy). */
  plannedKeystrokes: number;
  strategy: string;
  file: string;
  keystrokes: number;
  tabs: number;
  typedChars: number;
  acceptedChars: number;
  fromCache: number;
  fromInflight: number;
  pauses: number;
  pauseToGhost: number[];
  requests: RequestRecord[];
  /** Keystroke to ghost text for answers from the cache (no request): the work on the keystroke path, ms. */
  keystrokePathMs: number[];
  /** Per pause whose ghost text needed a model request: the debounce wait and the request's own time, ms. */
  pauseStages: { debounceMs: number; modelMs: number; totalMs: number }[];
  leftInFlight: number;
}

export interface ReplayDeps {
  settings: Settings;
  /** The oracle server (in this process or a child): files are registered with it. */
  oracle: Pick<OracleHandle, 'register'>;
  /** Counts open requests of a session at the server. */
  serverInFlight(session: string): number | Promise<number>;
  /** The workspace symbol index (read-only here), as the extension has; none: prefix/suffix prompts. */
  index?: SymbolIndex;
  /** Workspace folder name for repo-level prompts. */
  repoName?: string;
}

/**
 * Per strategy: one cache, one endpoint health and one HTTP client (its connections) shared by all
 * its files, as in one editor session; each file sends its own session header over it.
 */
export class StrategyRuntime {
  readonly cache: CompletionCache;
  readonly health = new EndpointHealth();
  private shared: ModelClient | undefined;
  constructor(readonly strategy: Strategy) {
    this.cache = new CompletionCache({ mode: strategy.cache });
  }

  clientFor(endpoint: string, session: string): ModelClient {
    this.shared ??= new ModelClient({ endpoint });
    return new ModelClient({ endpoint, headers: { [SESSION_HEADER]: session }, shareWith: this.shared });
  }
}

/**
 * Before anything is timed: a few requests through the real pipeline and HTTP client, so module
 * loading, the HTTP stack's first connection and the JIT are not charged to whichever strategy
 * happens to go first; with `rt`, through that strategy's shared client (its first connection).
 * Session `warmup#…` (not counted anywhere).
 */
export async function warmProcess(plan: TypingPlan, settings: Settings, oracle: Pick<OracleHandle, 'register'>, times = 3, rt?: StrategyRuntime): Promise<void> {
  const session = 'warmup#0';
  const client = rt ? rt.clientFor(settings.endpoint, session) : new ModelClient({ endpoint: settings.endpoint, headers: { [SESSION_HEADER]: session } });
  const pipeline = new CompletionPipeline({
    context: new ContextEngine({ relativePath: () => plan.file, repoName: 'bench' }),
    cache: new CompletionCache({ mode: 'off' }),
    filter: new ConsistencyFilter(),
    health: new EndpointHealth(),
    client: () => client,
    log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  await oracle.register(session, { text: plan.text, start: plan.start, end: plan.end });
  // The server is probed and its route chosen as the extension does (shared by the runtime's sessions).
  await client.probe(settings.model);
  const text = plan.text.slice(0, plan.start) + plan.text.slice(plan.end);
  for (let i = 0; i < times; i++) {
    const before = plan.text.slice(0, plan.start);
    const req: CompletionRequest = {
      doc: { uri: `bench://${session}/${plan.file}`, languageId: plan.languageId, text, version: i },
      cursor: { line: lineOf(before), character: column(before), offset: plan.start },
      explicit: true,
    };
    let closed: Promise<void> | undefined;
    await pipeline.complete(req, settings, undefined, { onStream: (c) => (closed = c) });
    await closed;
  }
}

/**
 * Before anything is timed, with the workspace index: each planned file's context built once at
 * its start (and its document analysed for the filter), in engines of its own that are then
 * dropped. The index's lazily built parts (import graph, type lookups) and the JIT of the related
 * ranking are shared by every strategy; without this the first strategy timed (`ours`) paid them
 * alone (bench typing, 2026-11-24: `ours`' process CPU 2,410 ms against 1,361–1,373 ms for the
 * same path run later in the same process).
 */
export function warmContext(plans: readonly TypingPlan[], settings: Settings, index: SymbolIndex | undefined, repoName: string): void {
  for (const plan of plans) {
    const text = plan.text.slice(0, plan.start) + plan.text.slice(plan.end);
    const before = plan.text.slice(0, plan.start);
    const req: CompletionRequest = {
      doc: { uri: `bench://warmup#context/${plan.file}`, languageId: plan.languageId, text, version: 0 },
      cursor: { line: lineOf(before), character: column(before), offset: plan.start },
      explicit: false,
    };
    new ContextEngine({ relativePath: () => plan.file, repoName, index }).build(req, settings);
    new ConsistencyFilter().prepare(text, plan.languageId, plan.start);
  }
}

export async function replayFile(plan: TypingPlan, rt: StrategyRuntime, deps: ReplayDeps, session: string): Promise<SessionResult> {
  const { settings } = deps;
  const client = rt.clientFor(settings.endpoint, session);
  await client.probe(settings.model);
  const pipeline = new CompletionPipeline({
    context: new ContextEngine({ relativePath: () => plan.file, repoName: deps.repoName ?? 'bench', index: deps.index }),
    cache: rt.cache,
    filter: new ConsistencyFilter(),
    health: rt.health,
    client: () => client,
    log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    hotStreak: rt.strategy.hotStreak,
  });
  await deps.oracle.register(session, { text: plan.text, start: plan.start, end: plan.end });
  const requests: RequestRecord[] = [];
  const byReq = new Map<CompletionRequest, RequestRecord>();
  const scheduler = new RequestScheduler(pipeline, rt.strategy.policy, undefined, {
    onModelStart: (req) => {
      const r: RequestRecord = { session, k: req.cursor.offset - plan.start, startedAt: performance.now() };
      requests.push(r);
      byReq.set(req, r);
    },
    onModelEnd: (outcome, req, aborted, debounceMs) => {
      const r = byReq.get(req);
      if (!r) return;
      r.endedAt = performance.now();
      r.aborted = aborted;
      r.text = outcome.text;
      r.debounceMs = debounceMs;
      r.timings = outcome.timings;
    },
  });

  const target = plan.text.slice(plan.start, plan.end);
  const before = plan.text.slice(0, plan.start);
  const after = plan.text.slice(plan.end);
  const res: SessionResult = {
    session,
    plannedKeystrokes: countUnits(target),
    strategy: rt.strategy.name,
    file: plan.file,
    keystrokes: 0,
    tabs: 0,
    typedChars: 0,
    acceptedChars: 0,
    fromCache: 0,
    fromInflight: 0,
    pauses: 0,
    pauseToGhost: [],
    requests,
    keystrokePathMs: [],
    pauseStages: [],
    leftInFlight: 0,
  };
  let pos = 0;
  let version = 0;
  let ghost: { text: string; since: number; k: number } | undefined;
  let pause: { at: number; ghostAt?: number; stage?: { debounceMs: number; modelMs: number } } | undefined;
  let editorCancel = new AbortController();
  const showGhost = (text: string, k: number, stage?: { debounceMs: number; modelMs: number }) => {
    const now = performance.now();
    if (!ghost || ghost.text !== text) ghost = { text, since: now, k };
    if (pause && pause.ghostAt === undefined) {
      pause.ghostAt = now;
      pause.stage = stage;
    }
    markUsed(requests, target, k, text);
  };
  const invoke = () => {
    editorCancel.abort();
    editorCancel = new AbortController();
    const v = ++version;
    const k = pos;
    const req: CompletionRequest = {
      doc: { uri: `bench://${session}/${plan.file}`, languageId: plan.languageId, text: before + target.slice(0, pos) + after, version: v },
      cursor: { line: lineOf(before + target.slice(0, pos)), character: column(before + target.slice(0, pos)), offset: plan.start + pos },
      explicit: false,
    };
    const t0 = performance.now();
    void scheduler.request(req, settings, editorCancel.signal).then((done) => {
      if (!done || v !== version) return;
      if (done.via === 'cache') res.fromCache++;
      if (done.via === 'cache' && done.debounceMs === 0) res.keystrokePathMs.push(performance.now() - t0);
      if (done.via === 'inflight') res.fromInflight++;
      const stage = done.via === 'model' ? { debounceMs: done.debounceMs, modelMs: done.outcome.timings.total } : undefined;
      if (done.outcome.text) showGhost(done.outcome.text, k, stage);
    });
  };

  // The file is opened before the person types: the extension primes it then (parse, filter
  // analysis; inlineProvider.warmup → pipeline.prime), off the keystroke path.
  pipeline.prime(
    {
      doc: { uri: `bench://${session}/${plan.file}`, languageId: plan.languageId, text: before + after, version: 0 },
      cursor: { line: lineOf(before), character: column(before), offset: plan.start },
      explicit: false,
    },
    settings,
  );

  let lastKeyAt = performance.now();
  while (pos < target.length) {
    const due = lastKeyAt + plan.gapMs[pos];
    await sleep(Math.max(0, due - performance.now()));
    const now = performance.now();
    lastKeyAt = now;
    if (pause) {
      res.pauses++;
      if (pause.ghostAt !== undefined) res.pauseToGhost.push(pause.ghostAt - pause.at);
      if (pause.ghostAt !== undefined && pause.stage) res.pauseStages.push({ ...pause.stage, totalMs: pause.ghostAt - pause.at });
      pause = undefined;
    }
    if (ghost && now - ghost.since >= REACTION_MS && ghost.text.trim() !== '' && target.startsWith(ghost.text, pos)) {
      // Tab: the suggestion is exactly what the person was about to type.
      pos += ghost.text.length;
      res.acceptedChars += ghost.text.length;
      res.tabs++;
      ghost = undefined;
    } else {
      const unit = nextUnit(target, pos);
      pos += unit.length;
      res.typedChars += unit.length;
      // VS Code keeps showing the rest of a suggestion the person types through.
      ghost = ghost && ghost.text.startsWith(unit) && ghost.text.length > unit.length ? { ...ghost, text: ghost.text.slice(unit.length) } : undefined;
    }
    res.keystrokes++;
    if (pos < target.length && plan.gapMs[pos] >= PAUSE_MS) {
      pause = { at: now };
      if (ghost) pause.ghostAt = now;
    }
    if (pos < target.length) invoke();
  }
  // The person is done with this file and closes it: VS Code disposes the editor's requests.
  editorCancel.abort();
  if (rt.strategy.policy.cancel) scheduler.dispose();
  // Wait until the server has seen every close the client made (not a fixed time): what is still
  // open at the server then is what this strategy leaves in flight.
  const waitUntil = performance.now() + CLOSE_WAIT_MS;
  while (performance.now() < waitUntil) {
    const clientSettled = !rt.strategy.policy.cancel || scheduler.inflightCount === 0;
    if (clientSettled && (await deps.serverInFlight(session)) <= scheduler.inflightCount) break;
    await sleep(5);
  }
  res.leftInFlight = await deps.serverInFlight(session);
  return res;
}

/** Marks the request whose output a shown suggestion came from (typed-ahead or direct). */
function markUsed(requests: RequestRecord[], target: string, k: number, shown: string): void {
  for (let i = requests.length - 1; i >= 0; i--) {
    const r = requests[i];
    if (r.text === undefined || r.k > k) continue;
    if (r.text.startsWith(target.slice(r.k, k) + shown)) {
      r.used = true;
      return;
    }
  }
}

function countUnits(target: string): number {
  let n = 0;
  for (let pos = 0; pos < target.length; n++) pos += nextUnit(target, pos).length;
  return n;
}

function lineOf(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function column(s: string): number {
  return s.length - (s.lastIndexOf('\n') + 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
