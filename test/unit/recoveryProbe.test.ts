/** The background probe of an unreachable endpoint (model/health.ts RecoveryProbe). */
import * as assert from 'node:assert/strict';
import { RecoveryProbe } from '../../src/core/model/health';

/** Timers fired by hand, and probes answered by hand. */
function harness(opts: { firstDelayMs?: number; maxDelayMs?: number } = {}) {
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const probes: { signal: AbortSignal; answer: (back: boolean) => void }[] = [];
  let backs = 0;
  const probe = new RecoveryProbe(
    (signal) => new Promise<boolean>((answer) => probes.push({ signal, answer })),
    () => backs++,
    {
      firstDelayMs: opts.firstDelayMs ?? 1000,
      maxDelayMs: opts.maxDelayMs ?? 5000,
      setTimer: (fn, ms) => {
        const t = { fn, ms, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimer: (t) => ((t as { cleared: boolean }).cleared = true),
    },
  );
  const pending = () => timers.filter((t) => !t.cleared);
  /** Fires the one pending timer (there is never more than one). */
  const fire = () => {
    const live = pending();
    assert.equal(live.length, 1, `pending timers: ${live.length}`);
    live[0].cleared = true;
    live[0].fn();
  };
  const settle = () => new Promise((r) => setImmediate(r));
  return { probe, timers, probes, pending, fire, settle, backs: () => backs };
}

describe('endpoint health: background probe while unreachable', () => {
  it('probes after a wait that doubles up to the cap, and stops once the endpoint answers', async () => {
    const h = harness();
    h.probe.start();
    for (let round = 0; round < 4; round++) {
      h.fire();
      h.probes.at(-1)!.answer(false);
      await h.settle();
    }
    assert.deepEqual(
      h.timers.map((t) => t.ms),
      [1000, 2000, 4000, 5000, 5000],
    );
    h.fire();
    h.probes.at(-1)!.answer(true);
    await h.settle();
    assert.equal(h.backs(), 1);
    assert.equal(h.probe.running, false);
    assert.equal(h.pending().length, 0);
  });

  it('never has more than one probe in flight, and start() while running changes nothing', async () => {
    const h = harness();
    h.probe.start();
    h.probe.start();
    assert.equal(h.pending().length, 1);
    h.fire();
    h.probe.start();
    assert.equal(h.pending().length, 0, 'a timer was set while a probe is in flight');
    assert.equal(h.probes.length, 1);
    h.probes[0].answer(false);
    await h.settle();
    assert.equal(h.pending().length, 1);
  });

  it('stop() (endpoint changed, back through a request, disposed) aborts the probe in flight and ignores its answer', async () => {
    const h = harness();
    h.probe.start();
    h.fire();
    h.probe.stop();
    assert.equal(h.probes[0].signal.aborted, true);
    h.probes[0].answer(true);
    await h.settle();
    assert.equal(h.backs(), 0);
    assert.equal(h.pending().length, 0);
    // Started again: a fresh round from the first wait; the old answer still counts for nothing.
    h.probe.start();
    assert.equal(h.pending()[0].ms, 1000);
  });

  it('stop() before the first probe clears its timer', () => {
    const h = harness();
    h.probe.start();
    h.probe.stop();
    assert.equal(h.pending().length, 0);
    assert.equal(h.probes.length, 0);
  });
});
