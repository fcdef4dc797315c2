/** Every aggregate of the quality report against a hand-computed event log. */
import * as assert from 'node:assert/strict';
import { aggregate } from '../../src/core/stats/aggregate';
import type { QualityEvent, SuggestionEvent } from '../../src/core/stats/events';
import { reportMarkdown } from '../../src/core/stats/render';

const D1 = Date.parse('2024-05-01T10:00:00Z');
const D1_LATE = Date.parse('2024-05-01T23:30:00Z');
const D2 = Date.parse('2024-05-02T10:00:00Z');

function s(id: string, at: number, over: Partial<SuggestionEvent>): SuggestionEvent {
  return {
    type: 'suggestion',
    at,
    id,
    language: 'typescript',
    model: 'M',
    source: 'model',
    verdict: 'keep',
    unknown: [],
    shownChars: 0,
    latency: { debounce: 0, context: 0, model: 0, filter: 0, total: 0 },
    ...over,
  };
}

const EVENTS: QualityEvent[] = [
  s('s1', D1, { shownChars: 10, latency: { debounce: 50, context: 5, model: 90, filter: 1, total: 100 } }),
  s('s2', D1 + 1000, { source: 'cache', shownChars: 5, latency: { debounce: 0, context: 0, model: 0, filter: 1, total: 2 } }),
  s('s3', D1_LATE, { language: 'python', verdict: 'drop', unknown: ['sendMsg'], latency: { debounce: 100, context: 10, model: 280, filter: 2, total: 300 } }),
  s('s4', D2, {
    language: 'python',
    model: 'N',
    verdict: 'truncate',
    unknown: ['sendMsg', 'foo'],
    shownChars: 7,
    latency: { debounce: 0, context: 5, model: 390, filter: 3, total: 400 },
  }),
  s('s5', D2 + 1000, { source: 'none', verdict: 'none', error: 'timeout', latency: { debounce: 50, context: 0, model: 1500, filter: 0, total: 1500 } }),
  s('s6', D2 + 2000, { source: 'none', verdict: 'none', error: 'cancelled', latency: { debounce: 0, context: 0, model: 30, filter: 0, total: 30 } }),
  // Outcomes, one of them recorded before its suggestion (files read out of order).
  { type: 'retained', at: D1 + 30_000, id: 's1', afterMs: 30_000, chars: 8, acceptedChars: 10 },
  { type: 'accepted', at: D1 + 500, id: 's1', chars: 10 },
  { type: 'retained', at: D1 + 120_000, id: 's1', afterMs: 120_000, chars: 6, acceptedChars: 10 },
  { type: 'dismissed', at: D1 + 2000, id: 's2', reason: 'typed-over' },
  { type: 'accepted', at: D1, id: 'no-such-suggestion', chars: 99 },
  { type: 'edit', at: D2, outcome: 'accepted', latencyMs: 1000, unknown: [], model: 'M', language: 'typescript' },
  { type: 'edit', at: D2, outcome: 'failed', latencyMs: 3000, unknown: ['ghost'], model: 'M', language: 'typescript' },
];

describe('stats/aggregate', () => {
  const r = aggregate(EVENTS, { now: D2 + 5000 });
  const o = r.overall;

  it('counts requests, cancellations, shown, accepted, dismissed and the acceptance rate', () => {
    assert.equal(r.events, EVENTS.length);
    assert.equal(o.requests, 5);
    assert.equal(o.cancelled, 1);
    assert.equal(o.shown, 3);
    assert.equal(o.accepted, 1);
    assert.equal(o.dismissed, 1);
    assert.equal(o.acceptanceRate, 1 / 3);
    assert.equal(o.acceptedChars, 10);
  });

  it('accepted-and-retained characters per checkpoint', () => {
    assert.deepEqual(o.retention, [
      { afterMs: 30_000, suggestions: 1, acceptedChars: 10, retainedChars: 8, rate: 0.8 },
      { afterMs: 120_000, suggestions: 1, acceptedChars: 10, retainedChars: 6, rate: 0.6 },
    ]);
  });

  it('cache hit rate, requests per shown suggestion, timeouts and errors', () => {
    assert.equal(o.cacheHits, 1);
    assert.equal(o.cacheHitRate, 0.2);
    // s1, s3, s4, s5 and the cancelled s6 reached the endpoint; 3 were shown.
    assert.equal(o.networkRequests, 5);
    assert.equal(o.requestsPerShown, 5 / 3);
    assert.equal(o.timeouts, 1);
    assert.deepEqual(o.errors, { timeout: 1 });
  });

  it('filter verdicts count only what the check changed; empty answers, clean-up and errors are rows of their own', () => {
    const { topUnknown: _, ...rows } = o.filter;
    // s1, s2 shown as checked; s4 truncated and s3 dropped for unknown names; s5 an error.
    assert.deepEqual(rows, { keep: 2, truncate: 1, drop: 1, none: 1, empty: 0, cleanup: 0, errors: 1 });
    const more = aggregate([
      s('e1', D1, { verdict: 'keep', shownChars: 0 }),
      s('c1', D1, { verdict: 'drop', unknown: [], shownChars: 0 }),
      s('c2', D1, { verdict: 'truncate', unknown: [], shownChars: 4 }),
      s('x1', D1, { verdict: 'none', source: 'none', error: 'unreachable' }),
    ]).overall.filter;
    assert.deepEqual({ ...more, topUnknown: [] }, { keep: 0, truncate: 0, drop: 0, none: 1, empty: 1, cleanup: 2, errors: 1, topUnknown: [] });
    assert.deepEqual(o.filter.topUnknown, [
      { name: 'sendMsg', count: 2 },
      { name: 'foo', count: 1 },
    ]);
  });

  it('latency: requests to the model apart from cache-served ones; histogram and stages over the same requests', () => {
    // Requests to the model, perceived (debounce + pipeline): 150, 400, 400, 1550.
    assert.equal(o.latency.count, 4);
    assert.equal(o.latency.p50, 400);
    assert.equal(o.latency.p95, 1550);
    assert.equal(o.latency.p99, 1550);
    const counts = Object.fromEntries(o.latency.histogram.filter((b) => b.count > 0).map((b) => [`${b.from}-${b.to}`, b.count]));
    assert.deepEqual(counts, { '100-200': 1, '300-500': 2, '1500-2000': 1 });
    // Model stage: 90, 280, 390, 1500 → p50 280 (the cache hit's 0 is not a request's stage).
    assert.equal(o.latency.stages.model.p50, 280);
    assert.equal(o.latency.stages.model.count, 4);
    assert.equal(o.latency.stages.debounce.p95, 100);
    // Cache-served: s2, 2 ms.
    assert.deepEqual(o.cacheLatency, { count: 1, p50: 2, p95: 2, p99: 2 });
  });

  it('per language and per model', () => {
    assert.deepEqual(Object.keys(r.byLanguage).sort(), ['python', 'typescript']);
    assert.equal(r.byLanguage.typescript.requests, 3);
    assert.equal(r.byLanguage.typescript.shown, 2);
    assert.equal(r.byLanguage.typescript.acceptanceRate, 0.5);
    assert.equal(r.byLanguage.python.shown, 1);
    assert.equal(r.byLanguage.python.acceptanceRate, 0);
    assert.equal(r.byModel.N.requests, 1);
    assert.equal(r.byModel.N.filter.truncate, 1);
    assert.equal(r.byModel.M.requests, 4);
  });

  it('trend over days, with the local day boundary', () => {
    assert.deepEqual(
      r.trend.map((d) => [d.day, d.requests, d.shown, d.accepted, d.acceptanceRate]),
      [
        ['2024-05-01', 3, 2, 1, 0.5],
        ['2024-05-02', 2, 1, 0, 0],
      ],
    );
    // One hour east of UTC, 23:30 UTC is already the next day.
    const east = aggregate(EVENTS, { utcOffsetMinutes: 60 });
    assert.deepEqual(
      east.trend.map((d) => [d.day, d.requests]),
      [
        ['2024-05-01', 2],
        ['2024-05-02', 3],
      ],
    );
  });

  it('Ctrl+I edits', () => {
    assert.equal(r.edits.total, 2);
    assert.deepEqual(r.edits.byOutcome, { accepted: 1, rejected: 0, refined: 0, failed: 1, cancelled: 0 });
    assert.equal(r.edits.acceptanceRate, 0.5);
    assert.equal(r.edits.latency.p50, 1000);
    assert.equal(r.edits.latency.p95, 3000);
    assert.deepEqual(r.edits.topUnknown, [{ name: 'ghost', count: 1 }]);
  });

  it('Ctrl+I edits the person cancelled count apart: not failed, not in the acceptance rate or the latency', () => {
    const withCancels = aggregate([
      ...EVENTS,
      { type: 'edit', at: D2, outcome: 'cancelled', latencyMs: 0, unknown: [], model: 'M', language: 'typescript' },
      { type: 'edit', at: D2, outcome: 'cancelled', latencyMs: 250, unknown: ['x'], model: 'M', language: 'typescript' },
    ]);
    assert.equal(withCancels.edits.total, 4);
    assert.deepEqual(withCancels.edits.byOutcome, { accepted: 1, rejected: 0, refined: 0, failed: 1, cancelled: 2 });
    assert.equal(withCancels.edits.acceptanceRate, 0.5);
    assert.equal(withCancels.edits.latency.p50, 1000);
    assert.deepEqual(withCancels.edits.byModel.M, { total: 2, accepted: 1 });
    assert.deepEqual(withCancels.edits.topUnknown, [{ name: 'ghost', count: 1 }]);
    const md = reportMarkdown(withCancels);
    assert.match(md, /\| Accepted \/ rejected \/ refined \/ failed \| 1 \/ 0 \/ 0 \/ 1 \|/);
    assert.match(md, /\| Cancelled \(before a proposal; not in the rate or latency\) \| 2 \|/);
  });

  it('nothing recorded: rates are undefined, not 0', () => {
    const empty = aggregate([]);
    assert.equal(empty.overall.requests, 0);
    assert.equal(empty.overall.acceptanceRate, undefined);
    assert.equal(empty.overall.latency.p50, undefined);
    assert.deepEqual(empty.trend, []);
  });

  it('renders the figures as Markdown', () => {
    const md = reportMarkdown(r);
    assert.match(md, /\| Acceptance rate \| 33\.3% \|/);
    assert.match(md, /\| Accepted and retained after 30 s \| 8 of 10 chars \(80\.0%\) \|/);
    assert.match(md, /\| Latency p50 \/ p95 \/ p99 \(4 requests to the model; debounce \+ pipeline\) \| 400 ms \/ 1550 ms \/ 1550 ms \|/);
    assert.match(md, /\| Cache-served latency p50 \/ p95 \(1 suggestion\) \| 2 ms \/ 2 ms \|/);
    assert.match(md, /\| Filter: truncated \/ dropped \(unknown names\) \| 1 \/ 1 \|/);
    assert.match(md, /\| Model errors \(no answer\) \| 1 \|/);
    assert.match(md, /\| sendMsg \| 2 \|/);
    assert.match(md, /\| 2024-05-01 \| 3 \| 2 \| 1 \| 50\.0% \|/);
  });
});
