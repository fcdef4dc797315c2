import * as assert from 'node:assert/strict';
import { EndpointHealth, type HealthState } from '../../src/core/model/health';
import type { ModelErrorInfo } from '../../src/core/types';

const down: ModelErrorInfo = { kind: 'unreachable', message: 'ECONNREFUSED' };

describe('endpoint health: backoff, Retry-After, circuit breaker', () => {
  let now = 1_000_000;
  const make = (random = 0.5) => new EndpointHealth({ now: () => now, random: () => random, baseDelayMs: 500, maxDelayMs: 60_000, openAfter: 3 });
  beforeEach(() => (now = 1_000_000));

  it('backs off exponentially with jitter after failures', () => {
    const h = make(1);
    h.failure(down);
    const first = h.current.kind !== 'healthy' ? h.current.retryAt - now : 0;
    assert.equal(first, 500);
    assert.equal(h.allow().ok, false);
    now += 500;
    assert.equal(h.allow().ok, true);
    h.failure(down);
    const second = h.current.kind !== 'healthy' ? h.current.retryAt - now : 0;
    assert.equal(second, 1000);
    const jittered = make(0);
    jittered.failure(down);
    assert.equal(jittered.current.kind !== 'healthy' && jittered.current.retryAt - now, 250);
  });

  it('honours Retry-After beyond the backoff', () => {
    const h = make();
    h.failure({ kind: 'rate-limited', status: 429, message: '429', retryAt: now + 7000 });
    now += 6900;
    assert.equal(h.allow().ok, false);
    now += 200;
    assert.equal(h.allow().ok, true);
  });

  it('opens the circuit after repeated failures, lets one probe through, and closes on success', () => {
    const h = make();
    for (let i = 0; i < 3; i++) {
      now += 100_000;
      h.failure(down);
    }
    assert.equal(h.current.kind, 'open');
    assert.equal(h.allow().ok, false);
    now += 100_000;
    const probe = h.allow();
    assert.deepEqual(probe, { ok: true, probe: true });
    assert.equal(h.allow().ok, false, 'only one probe at a time');
    h.success();
    assert.equal(h.current.kind, 'healthy');
    assert.equal(h.allow().ok, true);
  });

  it('a failed probe re-opens with a longer wait; a cancelled probe frees the slot', () => {
    const h = make();
    for (let i = 0; i < 3; i++) h.failure(down);
    now += 100_000;
    assert.ok(h.allow().ok);
    h.abandonProbe();
    assert.ok(h.allow().ok, 'a cancelled probe must not keep the circuit stuck');
    h.failure(down);
    assert.equal(h.current.kind, 'open');
    assert.equal(h.allow().ok, false);
  });

  it('timeouts and cancellations say nothing about the endpoint', () => {
    const h = make();
    h.failure({ kind: 'timeout', message: 'slow' });
    h.failure({ kind: 'cancelled', message: 'x' });
    assert.equal(h.current.kind, 'healthy');
  });

  it('tells listeners about state changes (the status bar)', () => {
    const h = make();
    const seen: string[] = [];
    h.onChange((s) => seen.push(s.kind));
    h.failure(down);
    h.success();
    assert.deepEqual(seen, ['degraded', 'healthy']);
  });

  it('a 4xx that repeats shows with the server’s words, without holding requests back; a success clears it', () => {
    const h = make();
    const refused = { kind: 'http' as const, status: 400, message: 'HTTP 400 from the endpoint: Unsupported param: suffix' };
    h.failure(refused);
    assert.equal(h.current.kind, 'healthy', 'one 4xx is one bad request');
    h.failure(refused);
    const s = h.current as HealthState;
    assert.ok(s.kind === 'degraded' && s.error.message.includes('Unsupported param: suffix'), JSON.stringify(s));
    assert.equal(h.allow().ok, true, 'requests still go out');
    h.success();
    assert.equal(h.current.kind, 'healthy');
  });
});
