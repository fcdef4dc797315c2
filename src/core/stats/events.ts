/**
 * Quality events: what happened to each suggestion and each edit, recorded locally for the
 * quality report. Bounded; no code text unless the user turns it on; nothing is sent anywhere.
 *
 * The life of a suggestion: one `suggestion` event per request that got an outcome (shown or
 * not), then at most one `accepted` or `dismissed`, then `retained` checkpoints (30 s, 2 min)
 * for accepted ones. Ctrl+I edits record one `edit` event per outcome.
 */

/** Time split of one request, ms. `debounce` is the wait before the pipeline ran. */
export interface LatencySplit {
  debounce: number;
  context: number;
  /** Cache lookup (0 when absent in older events). */
  cache?: number;
  model: number;
  filter: number;
  /** Pipeline total (context + cache + model + filter + overhead); excludes debounce. */
  total: number;
}

export interface SuggestionEvent {
  type: 'suggestion';
  at: number;
  id: string;
  language: string;
  model: string;
  source: 'cache' | 'model' | 'none';
  /** keep / truncate / drop, or none when there was no candidate. */
  verdict: 'keep' | 'truncate' | 'drop' | 'none';
  unknown: string[];
  /** Characters of ghost text shown; 0 when nothing was shown. */
  shownChars: number;
  latency: LatencySplit;
  /** ModelErrorKind when the request failed (timeout, unreachable, cancelled, …). */
  error?: string;
  /** Only with intentComplete.recordCode. */
  text?: string;
}

export interface AcceptedEvent {
  type: 'accepted';
  at: number;
  id: string;
  chars: number;
}

export type DismissReason = 'typed-over' | 'cursor-moved' | 'replaced' | 'editor-changed' | 'escape';

export interface DismissedEvent {
  type: 'dismissed';
  at: number;
  id: string;
  reason?: DismissReason;
}

export interface RetainedEvent {
  type: 'retained';
  at: number;
  id: string;
  /** Checkpoint after the accept, ms (30 000 and 120 000 in normal use). */
  afterMs: number;
  /** Characters of the accepted text still present at the checkpoint. */
  chars: number;
  /** Characters accepted. */
  acceptedChars?: number;
}

export interface EditEvent {
  type: 'edit';
  at: number;
  /**
   * cancelled: the person stopped it before a proposal (Esc in the instruction box, or a cancel
   * during the request); failed: the endpoint, the budget or the document stood in the way.
   */
  outcome: 'accepted' | 'rejected' | 'refined' | 'failed' | 'cancelled';
  latencyMs: number;
  unknown: string[];
  model: string;
  language: string;
}

export type QualityEvent = SuggestionEvent | AcceptedEvent | DismissedEvent | RetainedEvent | EditEvent;

export const EVENT_TYPES: readonly QualityEvent['type'][] = ['suggestion', 'accepted', 'dismissed', 'retained', 'edit'];

/** Standard retention checkpoints after an accept, ms. */
export const RETENTION_CHECKPOINTS_MS: readonly number[] = [30_000, 120_000];

/** Parses one stored line into an event, or undefined for anything that is not one. */
export function parseEvent(line: string): QualityEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const e = v as { type?: unknown; at?: unknown };
  if (typeof e.type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(e.type) || typeof e.at !== 'number') return undefined;
  const r = v as Record<string, unknown>;
  switch (e.type) {
    case 'suggestion':
      if (typeof r.id !== 'string' || typeof r.latency !== 'object' || !r.latency || !Array.isArray(r.unknown)) return undefined;
      break;
    case 'accepted':
    case 'retained':
      if (typeof r.id !== 'string' || typeof r.chars !== 'number') return undefined;
      break;
    case 'dismissed':
      if (typeof r.id !== 'string') return undefined;
      break;
    case 'edit':
      if (typeof r.outcome !== 'string' || typeof r.latencyMs !== 'number') return undefined;
      break;
  }
  return v as QualityEvent;
}

/** Removes code text from an event unless code recording is on. */
export function redact(e: QualityEvent, recordCode: boolean): QualityEvent {
  if (recordCode || e.type !== 'suggestion' || e.text === undefined) return e;
  const { text: _dropped, ...rest } = e;
  return rest;
}

export class QualityLog {
  private readonly events: QualityEvent[] = [];
  private readonly listeners = new Set<(e: QualityEvent) => void>();

  constructor(private readonly maxEvents = 50_000) {}

  record(e: QualityEvent): void {
    this.events.push(e);
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        /* a listener's failure must not reach the caller (the inline provider) */
      }
    }
  }

  onRecord(fn: (e: QualityEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Events of this session (the persisted store holds earlier ones). */
  all(): readonly QualityEvent[] {
    return this.events;
  }

  clear(): void {
    this.events.length = 0;
  }
}
