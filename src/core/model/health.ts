/**
 * Endpoint health: exponential backoff with jitter after connection failures, 5xx and 429
 * (Retry-After honoured), and a circuit breaker that stops requests for a while, then lets one
 * probe through to recover; and, while the endpoint is unreachable, a background probe that finds
 * out when it is back (RecoveryProbe). Pure: time, timers and randomness are injected.
 */
import type { ModelErrorInfo } from '../types';

export type HealthState =
  | { kind: 'healthy' }
  /** Failures seen, requests still allowed (next one after `retryAt`). */
  | { kind: 'degraded'; error: ModelErrorInfo; retryAt: number; failures: number }
  /** Circuit open: no requests until `retryAt`, then one probe. */
  | { kind: 'open'; error: ModelErrorInfo; retryAt: number; failures: number };

export interface HealthOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the circuit. */
  openAfter: number;
  now: () => number;
  random: () => number;
}

const DEFAULT_OPTIONS: HealthOptions = {
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  openAfter: 3,
  now: () => Date.now(),
  random: Math.random,
};

/** Errors that say something about the endpoint (not about one request). */
export function countsAgainstHealth(e: ModelErrorInfo): boolean {
  return e.kind === 'unreachable' || e.kind === 'rate-limited' || e.kind === 'auth' || (e.kind === 'http' && (e.status ?? 0) >= 500);
}

/** A 4xx answer the style fallback did not cure, this many times in a row, shows in the status. */
export const REPEATED_CLIENT_ERRORS = 2;

/** A 4xx other than auth and rate limits: the server refusing the request as sent. */
function isClientError(e: ModelErrorInfo): boolean {
  return e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500;
}

export class EndpointHealth {
  private state: HealthState = { kind: 'healthy' };
  private probing = false;
  /** Consecutive 4xx answers: they do not back off requests, but repeated they are shown. */
  private clientErrors = 0;
  private readonly opts: HealthOptions;
  private readonly listeners = new Set<(s: HealthState) => void>();

  constructor(opts: Partial<HealthOptions> = {}) {
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
  }

  get current(): HealthState {
    return this.state;
  }

  onChange(fn: (s: HealthState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * May a request go out now? While the circuit is open only one probe is let through after
   * `retryAt`; its outcome closes or re-opens the circuit.
   */
  allow(): { ok: true; probe: boolean } | { ok: false; retryAt: number; error: ModelErrorInfo } {
    const s = this.state;
    if (s.kind === 'healthy') return { ok: true, probe: false };
    if (this.opts.now() < s.retryAt) return { ok: false, retryAt: s.retryAt, error: s.error };
    if (s.kind === 'open') {
      if (this.probing) return { ok: false, retryAt: s.retryAt, error: s.error };
      this.probing = true;
      return { ok: true, probe: true };
    }
    return { ok: true, probe: false };
  }

  success(): void {
    this.probing = false;
    this.clientErrors = 0;
    if (this.state.kind !== 'healthy') this.set({ kind: 'healthy' });
  }

  /** A cancelled probe must not keep the circuit stuck. */
  abandonProbe(): void {
    this.probing = false;
  }

  failure(error: ModelErrorInfo): void {
    if (!countsAgainstHealth(error)) {
      this.probing = false;
      // Requests still go out (nothing to back off from), but the state carries the server's words.
      if (isClientError(error) && ++this.clientErrors >= REPEATED_CLIENT_ERRORS) this.set({ kind: 'degraded', error, retryAt: this.opts.now(), failures: this.clientErrors });
      return;
    }
    const failures = this.state.kind === 'healthy' ? 1 : this.state.failures + 1;
    const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (failures - 1));
    // Full jitter on the upper half: spreads retries without ever retrying at once.
    const jittered = backoff / 2 + this.opts.random() * (backoff / 2);
    const now = this.opts.now();
    const retryAt = Math.max(now + jittered, error.retryAt ?? 0);
    this.probing = false;
    const kind = failures >= this.opts.openAfter || error.kind === 'auth' ? 'open' : 'degraded';
    this.set({ kind, error, retryAt, failures });
  }

  reset(): void {
    this.probing = false;
    this.clientErrors = 0;
    this.set({ kind: 'healthy' });
  }

  private set(s: HealthState): void {
    this.state = s;
    for (const fn of this.listeners) fn(s);
  }
}

/** How the background probe backs off while the endpoint is unreachable. */
export interface RecoveryOptions {
  /** Wait before the first probe, ms. */
  firstDelayMs: number;
  /** Longest wait between probes, ms: "back within a few seconds" holds at this wait too. */
  maxDelayMs: number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (t: unknown) => void;
}

const RECOVERY_DEFAULTS: RecoveryOptions = {
  firstDelayMs: 1000,
  maxDelayMs: 5000,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

/**
 * While the endpoint is unreachable, asks it in the background whether it is back, so the status
 * can say so without the person typing. One probe at a time: the next is timed only after the
 * last one ended, with the wait doubling up to `maxDelayMs`. Ends when a probe gets an answer
 * (`onBack` runs) or on `stop()` (the endpoint came back through a request, changed, or the
 * extension is going away); a probe in flight then is aborted and its answer ignored.
 */
export class RecoveryProbe {
  private readonly opts: RecoveryOptions;
  private timer: unknown;
  private inFlight: AbortController | undefined;
  private delayMs = 0;
  private active = false;

  constructor(
    /** Resolves true when the endpoint answered. Must not throw. */
    private readonly probe: (signal: AbortSignal) => Promise<boolean>,
    private readonly onBack: () => void,
    opts: Partial<RecoveryOptions> = {},
  ) {
    this.opts = { ...RECOVERY_DEFAULTS, ...opts };
  }

  get running(): boolean {
    return this.active;
  }

  /** Starts probing, unless it already is. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.delayMs = this.opts.firstDelayMs;
    this.schedule();
  }

  stop(): void {
    this.active = false;
    if (this.timer !== undefined) this.opts.clearTimer(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private schedule(): void {
    this.timer = this.opts.setTimer(() => void this.run(), this.delayMs);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    const ctl = (this.inFlight = new AbortController());
    const back = await this.probe(ctl.signal).catch(() => false);
    // Stopped (or restarted) meanwhile: this answer belongs to an earlier round.
    if (this.inFlight !== ctl) return;
    this.inFlight = undefined;
    if (back) {
      this.active = false;
      this.onBack();
      return;
    }
    this.delayMs = Math.min(this.opts.maxDelayMs, this.delayMs * 2);
    this.schedule();
  }
}
