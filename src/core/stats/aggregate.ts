/**
 * Aggregation of quality events into the report's figures. Pure: events in, numbers out.
 *
 * Definitions (also shown in the report):
 * - requests: suggestion events that were not cancelled (a newer keystroke superseded them);
 * - shown: requests that produced ghost text (shownChars > 0);
 * - acceptance rate: accepted / shown;
 * - accepted-and-retained characters at a checkpoint: characters of accepted text still present
 *   then, summed, over the characters accepted for those same suggestions;
 * - latency: debounce + pipeline total per request (what the person waits), nearest-rank
 *   percentiles over requests that went to the model and got an answer or an error (not cancelled
 *   ones, not cache-served ones); the histogram and the per-stage split count the same requests;
 * - cache latency: the same figure over suggestions served from the typed-ahead cache;
 * - cache hit rate: requests answered from the cache / requests;
 * - requests per shown suggestion: requests sent to the endpoint (cancelled ones included,
 *   they cost the server too) / shown;
 * - filter: truncate and drop count only suggestions the consistency check changed (it named
 *   unknown names); keep: suggestions shown as the model wrote them; empty answers, clean-up
 *   removals (a verdict without unknown names) and model errors are their own rows; the most
 *   frequent unknown names.
 */
import type { AcceptedEvent, DismissedEvent, EditEvent, QualityEvent, RetainedEvent, SuggestionEvent } from './events';
import { histogram, percentile, ratio, type HistogramBucket } from './metrics';

export interface Percentiles {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export interface RetentionFigure {
  afterMs: number;
  /** Accepted suggestions that reached this checkpoint. */
  suggestions: number;
  acceptedChars: number;
  retainedChars: number;
  rate?: number;
}

export interface NameCount {
  name: string;
  count: number;
}

export interface Summary {
  requests: number;
  cancelled: number;
  shown: number;
  accepted: number;
  dismissed: number;
  acceptanceRate?: number;
  acceptedChars: number;
  retention: RetentionFigure[];
  cacheHits: number;
  cacheHitRate?: number;
  networkRequests: number;
  requestsPerShown?: number;
  timeouts: number;
  /** Errors by kind (timeouts included), cancellations excluded. */
  errors: Record<string, number>;
  /**
   * `truncate`/`drop`: the consistency check changed the suggestion (unknown names); `keep`: shown
   * as checked; `empty`: the model had nothing to show; `cleanup`: clean-up removed it all or cut it
   * (no unknown name); `errors`: no answer (an error); `none`: no candidate reached the check.
   */
  filter: { keep: number; truncate: number; drop: number; none: number; empty: number; cleanup: number; errors: number; topUnknown: NameCount[] };
  /** Requests that went to the model (not cache-served, not cancelled); histogram and stages over the same. */
  latency: Percentiles & { histogram: HistogramBucket[]; stages: Record<'debounce' | 'context' | 'model' | 'filter', Percentiles> };
  /** Suggestions served from the typed-ahead cache (no request). */
  cacheLatency: Percentiles;
}

export interface DayPoint {
  day: string;
  requests: number;
  shown: number;
  accepted: number;
  acceptanceRate?: number;
  p50?: number;
  acceptedChars: number;
}

export interface EditSummary {
  /** Every edit event, cancelled ones included. */
  total: number;
  byOutcome: Record<EditEvent['outcome'], number>;
  /** accepted / edits not cancelled by the person (a cancel is a change of mind, not a rejected proposal). */
  acceptanceRate?: number;
  /** Of edits not cancelled (an instruction box closed with Esc has no request to time). */
  latency: Percentiles;
  topUnknown: NameCount[];
  byModel: Record<string, { total: number; accepted: number }>;
}

export interface QualityReport {
  generatedAt: number;
  from?: number;
  to?: number;
  events: number;
  overall: Summary;
  byLanguage: Record<string, Summary>;
  byModel: Record<string, Summary>;
  trend: DayPoint[];
  edits: EditSummary;
}

export interface AggregateOptions {
  now?: number;
  /** Minutes to add to UTC for day boundaries (the negated JS getTimezoneOffset()). */
  utcOffsetMinutes?: number;
  topNames?: number;
}

/** One suggestion and what became of it. */
interface Life {
  s: SuggestionEvent;
  accepted?: AcceptedEvent;
  dismissed?: DismissedEvent;
  retained: RetainedEvent[];
}

function percentilesOf(values: number[]): Percentiles {
  return { count: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

function topCounts(counts: Map<string, number>, n: number): NameCount[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([name, count]) => ({ name, count }));
}

/** Perceived latency of one request: the debounce wait plus the pipeline. */
export function perceivedLatency(s: SuggestionEvent): number {
  return (s.latency.debounce ?? 0) + s.latency.total;
}

export function summarize(lives: readonly Life[], topNames = 10): Summary {
  const live = lives.filter((l) => l.s.error !== 'cancelled');
  const shown = live.filter((l) => l.s.shownChars > 0);
  const accepted = lives.filter((l) => l.accepted);
  const dismissed = lives.filter((l) => l.dismissed && !l.accepted);
  const acceptedChars = accepted.reduce((n, l) => n + (l.accepted?.chars ?? 0), 0);
  const checkpoints = new Map<number, RetentionFigure>();
  for (const l of accepted) {
    for (const r of l.retained) {
      let f = checkpoints.get(r.afterMs);
      if (!f) checkpoints.set(r.afterMs, (f = { afterMs: r.afterMs, suggestions: 0, acceptedChars: 0, retainedChars: 0 }));
      f.suggestions++;
      f.acceptedChars += r.acceptedChars ?? l.accepted?.chars ?? 0;
      f.retainedChars += r.chars;
    }
  }
  const retention = [...checkpoints.values()].sort((a, b) => a.afterMs - b.afterMs).map((f) => ({ ...f, rate: ratio(f.retainedChars, f.acceptedChars) }));
  const cacheHits = live.filter((l) => l.s.source === 'cache').length;
  const networkRequests = lives.filter((l) => l.s.source !== 'cache' && l.s.latency.model > 0).length;
  const errors: Record<string, number> = {};
  for (const l of live) if (l.s.error) errors[l.s.error] = (errors[l.s.error] ?? 0) + 1;
  const filter = { keep: 0, truncate: 0, drop: 0, none: 0, empty: 0, cleanup: 0, errors: 0, topUnknown: [] as NameCount[] };
  const unknownCounts = new Map<string, number>();
  for (const l of live) {
    const v = l.s.verdict;
    const named = l.s.unknown.length > 0;
    if (l.s.error) filter.errors++;
    else if ((v === 'drop' || v === 'truncate') && named) filter[v]++;
    else if (v === 'drop' || v === 'truncate') filter.cleanup++;
    else if (l.s.shownChars === 0) filter.empty++;
    else if (v === 'keep') filter.keep++;
    if (v === 'none') filter.none++;
    if ((v === 'drop' || v === 'truncate') && named) for (const n of new Set(l.s.unknown)) unknownCounts.set(n, (unknownCounts.get(n) ?? 0) + 1);
  }
  filter.topUnknown = topCounts(unknownCounts, topNames);
  // Latency of requests that went to the model, apart from what the cache served at once.
  const requested = live.filter((l) => l.s.source !== 'cache' && (l.s.source === 'model' || l.s.latency.model > 0));
  const latencies = requested.map((l) => perceivedLatency(l.s));
  const stage = (k: 'debounce' | 'context' | 'model' | 'filter') => percentilesOf(requested.map((l) => l.s.latency[k] ?? 0));
  return {
    requests: live.length,
    cancelled: lives.length - live.length,
    shown: shown.length,
    accepted: accepted.length,
    dismissed: dismissed.length,
    acceptanceRate: ratio(accepted.length, shown.length),
    acceptedChars,
    retention,
    cacheHits,
    cacheHitRate: ratio(cacheHits, live.length),
    networkRequests,
    requestsPerShown: ratio(networkRequests, shown.length),
    timeouts: errors.timeout ?? 0,
    errors,
    filter,
    latency: {
      ...percentilesOf(latencies),
      histogram: histogram(latencies),
      stages: { debounce: stage('debounce'), context: stage('context'), model: stage('model'), filter: stage('filter') },
    },
    cacheLatency: percentilesOf(live.filter((l) => l.s.source === 'cache').map((l) => perceivedLatency(l.s))),
  };
}

function dayKey(at: number, offsetMin: number): string {
  return new Date(at + offsetMin * 60_000).toISOString().slice(0, 10);
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

function summarizeEdits(edits: readonly EditEvent[], topNames: number): EditSummary {
  const byOutcome: EditSummary['byOutcome'] = { accepted: 0, rejected: 0, refined: 0, failed: 0, cancelled: 0 };
  const unknown = new Map<string, number>();
  const byModel: EditSummary['byModel'] = {};
  for (const e of edits) {
    byOutcome[e.outcome] = (byOutcome[e.outcome] ?? 0) + 1;
    if (e.outcome === 'cancelled') continue;
    for (const n of new Set(e.unknown)) unknown.set(n, (unknown.get(n) ?? 0) + 1);
    const m = (byModel[e.model || '(none)'] ??= { total: 0, accepted: 0 });
    m.total++;
    if (e.outcome === 'accepted') m.accepted++;
  }
  return {
    total: edits.length,
    byOutcome,
    acceptanceRate: ratio(byOutcome.accepted, edits.length - byOutcome.cancelled),
    latency: percentilesOf(edits.filter((e) => e.outcome !== 'cancelled').map((e) => e.latencyMs)),
    topUnknown: topCounts(unknown, topNames),
    byModel,
  };
}

/** Every figure of the report, from events in any order. */
export function aggregate(events: readonly QualityEvent[], opts: AggregateOptions = {}): QualityReport {
  const topNames = opts.topNames ?? 10;
  const offset = opts.utcOffsetMinutes ?? 0;
  const lives = new Map<string, Life>();
  const edits: EditEvent[] = [];
  let from: number | undefined;
  let to: number | undefined;
  for (const e of events) {
    from = from === undefined ? e.at : Math.min(from, e.at);
    to = to === undefined ? e.at : Math.max(to, e.at);
    if (e.type === 'suggestion') {
      if (!lives.has(e.id)) lives.set(e.id, { s: e, retained: [] });
    } else if (e.type === 'edit') edits.push(e);
  }
  // Outcomes after every suggestion is known (events may arrive out of order across files).
  for (const e of events) {
    if (e.type === 'suggestion' || e.type === 'edit') continue;
    const l = lives.get(e.id);
    if (!l) continue;
    if (e.type === 'accepted') l.accepted ??= e;
    else if (e.type === 'dismissed') l.dismissed ??= e;
    else {
      // One figure per checkpoint and suggestion: the latest measurement wins.
      const i = l.retained.findIndex((r) => r.afterMs === e.afterMs);
      if (i < 0) l.retained.push(e);
      else if (l.retained[i].at <= e.at) l.retained[i] = e;
    }
  }
  const all = [...lives.values()];
  const byLanguage: Record<string, Summary> = {};
  for (const [k, v] of group(all, (l) => l.s.language || '(unknown)')) byLanguage[k] = summarize(v, topNames);
  const byModel: Record<string, Summary> = {};
  for (const [k, v] of group(all, (l) => l.s.model || '(none)')) byModel[k] = summarize(v, topNames);
  const trend: DayPoint[] = [];
  for (const [day, v] of [...group(all, (l) => dayKey(l.s.at, offset))].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const s = summarize(v, 0);
    trend.push({ day, requests: s.requests, shown: s.shown, accepted: s.accepted, acceptanceRate: s.acceptanceRate, p50: s.latency.p50, acceptedChars: s.acceptedChars });
  }
  return {
    generatedAt: opts.now ?? Date.now(),
    from,
    to,
    events: events.length,
    overall: summarize(all, topNames),
    byLanguage,
    byModel,
    trend,
    edits: summarizeEdits(edits, topNames),
  };
}
