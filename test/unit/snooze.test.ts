/**
 * A snooze across a window reload, with the extension's state at the edge (a Map standing in for
 * globalState, which keeps values the same way: by key, until updated to undefined).
 */
import * as assert from 'node:assert/strict';
import { MAX_SNOOZE_MS, SNOOZE_STATE_KEY, keepSnooze, keptSnooze, snoozeLeft, type SnoozeState } from '../../src/vscode/snooze';

/** A Memento as VS Code keeps one: values by key; updating to undefined removes the key. */
class MapState implements SnoozeState {
  readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

const MIN = 60_000;

describe('snooze kept across a reload', () => {
  it('a snooze kept before the reload is found after it, until its end', async () => {
    const state = new MapState();
    const now = Date.UTC(2026, 0, 1, 10, 0);
    await keepSnooze(state, now + 15 * MIN);
    // The window reloads: a new read of the same state.
    assert.equal(keptSnooze(state, now + 5 * MIN), now + 15 * MIN);
    assert.equal(keptSnooze(state, now + 15 * MIN), undefined, 'over at its end');
    assert.equal(keptSnooze(state, now + 60 * MIN), undefined);
  });

  it('resuming forgets it', async () => {
    const state = new MapState();
    await keepSnooze(state, Date.now() + 60 * MIN);
    await keepSnooze(state, undefined);
    assert.equal(state.values.has(SNOOZE_STATE_KEY), false);
    assert.equal(keptSnooze(state, Date.now()), undefined);
  });

  it('what is not a time ahead, or is further ahead than any snooze, is no snooze', async () => {
    const now = Date.now();
    for (const bad of ['10:45', null, Number.NaN, Number.POSITIVE_INFINITY, now - 1, now + MAX_SNOOZE_MS + 1, { until: now + MIN }]) {
      const state = new MapState();
      state.values.set(SNOOZE_STATE_KEY, bad);
      assert.equal(keptSnooze(state, now), undefined, String(bad));
    }
  });

  it('the time left reads in seconds, minutes (rounded up), then hours', () => {
    const now = 1_000_000;
    assert.equal(snoozeLeft(now + 45_000, now), '45 s');
    assert.equal(snoozeLeft(now + 15 * MIN, now), '15 min');
    assert.equal(snoozeLeft(now + 14 * MIN + 1, now), '15 min');
    assert.equal(snoozeLeft(now + 60 * MIN, now), '1 h');
    assert.equal(snoozeLeft(now + 65 * MIN, now), '1 h 5 min');
    assert.equal(snoozeLeft(now - 5, now), '0 s');
  });
});
