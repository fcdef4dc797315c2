/**
 * The request path for one editor, between keystrokes and the pipeline:
 *
 *   keystroke → typed-ahead cache → in-flight request that will cover it → adaptive debounce →
 *   cancel what the keystroke made useless → one request (streamed, early stop, deadline)
 *
 * A single-line answer comes at the end of its first line while its stream is read on for the next
 * line or two (hot streak, core/model/hotStreak.ts); the request stays in flight until that stream
 * closes, and a keystroke that the tail will cover waits for it.
 *
 * Pure (no 'vscode'): the VS Code provider and `intent-complete bench typing` drive this same
 * class. A policy turns mechanisms off for the benchmark's baselines.
 */
import type { Settings } from '../config';
import type { CompletionPipeline } from '../pipeline';
import type { CompletionOutcome, CompletionRequest } from '../types';
import { debounceDelay } from './debounce';
import { TypingSpeed } from './typingSpeed';

export interface SchedulePolicy {
  /** `adaptive` (typing speed and position) or a fixed wait in ms. */
  debounce: 'adaptive' | number;
  /** A new keystroke aborts the request it makes useless. */
  cancel: boolean;
  /** Keep (and wait for) an in-flight request whose output is consistent with what was typed since. */
  reuseInflight: boolean;
  /**
   * While the debounce waits, do the request's local work for this position ahead (the context
   * engine's parse, outline, related items, similar windows: CompletionPipeline.prepare), so the
   * request itself only assembles the prompt. Default on.
   */
  prepareAhead?: boolean;
}

export const DEFAULT_POLICY: Readonly<SchedulePolicy> = Object.freeze({ debounce: 'adaptive', cancel: true, reuseInflight: true, prepareAhead: true });

/**
 * The local work for a position starts this long before the debounce ends (at once for a shorter
 * wait): long enough for a new line's related ranking (p95 ~12-16 ms, more on a busy machine), short
 * enough that in a word, where the next key usually comes before the wait ends, it rarely starts.
 */
export const PREPARE_LEAD_MS = 60;

export interface Clock {
  now(): number;
  /** Resolves true when `signal` aborted during the wait. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve(true);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(signal.aborted);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/** What the scheduler did for one keystroke. */
export interface Scheduled {
  outcome: CompletionOutcome;
  /** How this answer was reached. */
  via: 'cache' | 'inflight' | 'model';
  /** The wait before the request, ms (0 when none). */
  debounceMs: number;
}

export interface SchedulerEvents {
  /** A model request goes out. */
  onModelStart?(req: CompletionRequest): void;
  /**
   * A model request was answered (any outcome, including aborted), after `debounceMs` of waiting.
   * A single line is answered at its end while the next lines may still stream (see onModelClosed).
   */
  onModelEnd?(outcome: CompletionOutcome, req: CompletionRequest, aborted: boolean, debounceMs: number): void;
  /** A model request's stream is closed (after the answer; later when the follow-up lines were read). */
  onModelClosed?(req: CompletionRequest): void;
}

interface Inflight {
  uri: string;
  prefix: string;
  suffix: string;
  partial: string;
  /** The stream is closed (the answer may come before, while follow-up lines stream on). */
  settled: boolean;
  controller: AbortController;
  /** The answer, as soon as it is decided. */
  done: Promise<CompletionOutcome>;
  /** The stream closed and its follow-up lines are in the cache. */
  closed: Promise<void>;
}

export class RequestScheduler {
  private readonly speed = new TypingSpeed();
  private readonly inflight = new Set<Inflight>();
  /** The latest position asked for (what the person has typed). */
  private latest: { uri: string; prefix: string; suffix: string } | undefined;
  private disposed = false;

  constructor(
    private readonly pipeline: CompletionPipeline,
    private readonly policy: SchedulePolicy = DEFAULT_POLICY,
    private readonly clock: Clock = realClock,
    private readonly events: SchedulerEvents = {},
  ) {}

  /** Requests currently in flight (0 or 1 unless the policy does not cancel). */
  get inflightCount(): number {
    return this.inflight.size;
  }

  get typingIntervalMs(): number | undefined {
    return this.speed.intervalMs;
  }

  /**
   * Called on every keystroke (and on Alt+\ with `req.explicit`). `signal` aborts when the editor
   * no longer wants this answer (the next keystroke); the HTTP request itself is aborted only when
   * the next keystroke makes it useless. Resolves undefined when there is nothing to show for this
   * keystroke (superseded or nothing found); never rejects.
   */
  async request(req: CompletionRequest, settings: Settings, signal: AbortSignal): Promise<Scheduled | undefined> {
    if (this.disposed) return undefined;
    if (!req.explicit) this.speed.note(this.clock.now());
    const text = req.doc.text;
    const here = { uri: req.doc.uri, prefix: text.slice(0, req.cursor.offset), suffix: text.slice(req.cursor.offset) };
    this.latest = here;

    // 1. Typed-ahead cache: no wait, no request.
    // An empty answer from the cache is an answer too: the model was asked here and nothing passed.
    const hit = this.pipeline.cached(req, settings);
    if (hit && (hit.text || !req.explicit)) return { outcome: hit, via: 'cache', debounceMs: 0 };

    // 2. Drop requests this keystroke made useless; wait for one that will cover it.
    if (this.policy.cancel) this.abortUseless();
    const covering = this.policy.reuseInflight ? this.covering(here) : undefined;
    if (covering) {
      const outcome = await covering.done;
      if (signal.aborted) return undefined;
      let after = this.pipeline.cached(req, settings);
      if (!after && !covering.settled) {
        // Past the decided line: the follow-up lines are still streaming into the cache.
        await covering.closed;
        if (signal.aborted) return undefined;
        after = this.pipeline.cached(req, settings);
      }
      if (after) return { outcome: after, via: 'inflight', debounceMs: 0 };
      if (req.explicit === false && outcome.error) return undefined;
    }

    // 3. Debounce: adapted to the position and the person's speed; none when asked explicitly.
    const line = lineAround(text, req.cursor.offset);
    const delay =
      this.policy.debounce === 'adaptive'
        ? debounceDelay({ explicit: req.explicit, lineBefore: line.before, lineAfter: line.after, typingIntervalMs: this.speed.intervalMs })
        : req.explicit
          ? 0
          : this.policy.debounce;
    if (delay > 0 && this.policy.prepareAhead) this.prepareAhead(req, settings, signal, delay);
    if (delay > 0 && (await this.clock.sleep(delay, signal))) return undefined;
    if (signal.aborted || this.disposed) return undefined;

    // 4. Something may have landed meanwhile.
    const late = this.pipeline.cached(req, settings);
    if (late && (late.text || !req.explicit)) return { outcome: late, via: 'cache', debounceMs: delay };
    if (this.policy.cancel) for (const f of [...this.inflight]) f.controller.abort();

    // 5. One request: streamed, stopped early, under the deadline.
    const outcome = await this.fire(req, settings, here, signal, delay);
    if (signal.aborted) return undefined;
    return { outcome, via: 'model', debounceMs: delay };
  }

  /** Local work for `req` during its debounce wait, unless a keystroke comes first (see PREPARE_LEAD_MS). */
  private prepareAhead(req: CompletionRequest, settings: Settings, signal: AbortSignal, delay: number): void {
    void this.clock.sleep(Math.max(0, delay - PREPARE_LEAD_MS), signal).then((aborted) => {
      if (!aborted && !signal.aborted && !this.disposed) this.pipeline.prepare(req, settings);
    });
  }

  /** Aborts everything in flight (the document closed, the editor went away). */
  dispose(): void {
    this.disposed = true;
    for (const f of this.inflight) f.controller.abort();
  }

  private fire(
    req: CompletionRequest,
    settings: Settings,
    here: { uri: string; prefix: string; suffix: string },
    signal: AbortSignal,
    debounceMs: number,
  ): Promise<CompletionOutcome> {
    const controller = new AbortController();
    // Without in-flight reuse, the editor's cancellation is the keystroke that makes it useless.
    if (this.policy.cancel && !this.policy.reuseInflight) signal.addEventListener('abort', () => controller.abort(), { once: true });
    const entry: Inflight = { ...here, partial: '', settled: false, controller, done: Promise.resolve(undefined as never), closed: Promise.resolve() };
    this.inflight.add(entry);
    this.events.onModelStart?.(req);
    let stream: Promise<void> | undefined;
    entry.done = this.pipeline
      .complete(req, settings, controller.signal, {
        onPartial: (t) => {
          entry.partial = t;
          // The person typed something the model is not writing: stop reading now.
          if (this.policy.cancel && this.policy.reuseInflight && this.latest && !consistent(entry, this.latest)) controller.abort();
        },
        onStream: (closed) => (stream = closed),
      })
      .then((outcome) => {
        this.events.onModelEnd?.(outcome, req, controller.signal.aborted, debounceMs);
        return outcome;
      });
    entry.closed = entry.done
      .then(() => stream)
      .catch(() => undefined)
      .then(() => {
        entry.settled = true;
        this.inflight.delete(entry);
        this.events.onModelClosed?.(req);
      });
    return entry.done;
  }

  /** Aborts in-flight requests whose output cannot be what the person is typing now. */
  private abortUseless(): void {
    const latest = this.latest;
    for (const f of this.inflight) {
      if (!this.policy.reuseInflight || !latest || !consistent(f, latest)) f.controller.abort();
    }
  }

  private covering(here: { uri: string; prefix: string; suffix: string }): Inflight | undefined {
    for (const f of this.inflight) if (!f.controller.signal.aborted && consistent(f, here)) return f;
    return undefined;
  }
}

/**
 * Whether a request made at `f`'s position can still serve `here`: same document and suffix, the
 * person only typed on from there, and what was typed agrees with what the model wrote so far.
 */
export function consistent(f: { uri: string; prefix: string; suffix: string; partial: string; settled?: boolean }, here: { uri: string; prefix: string; suffix: string }): boolean {
  if (f.uri !== here.uri || here.prefix.length < f.prefix.length || here.suffix !== f.suffix) return false;
  if (here.prefix.length - f.prefix.length > 256 || !here.prefix.startsWith(f.prefix)) return false;
  const typed = here.prefix.slice(f.prefix.length);
  if (f.partial.startsWith(typed)) return true;
  // Still streaming: what was typed may run past what has arrived so far.
  return !f.settled && typed.startsWith(f.partial);
}

function lineAround(text: string, offset: number): { before: string; after: string } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  return { before: text.slice(start, offset), after: text.slice(offset, end) };
}
