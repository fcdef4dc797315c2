import * as assert from 'node:assert/strict';
import { fitPrompt, SUFFIX_SHARE, TRIM_STEP_SHARE } from '../../src/engine/fit';
import { StopText } from '../../src/engine/stopText';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const BOS = 1;
const FIM = { prefix: 900, suffix: 901, middle: 902 };

describe('engine: fitting a prompt to the context by tokens', () => {
  it('leaves a prompt that fits as it is', () => {
    const t = [BOS, ...range(10, 50)];
    assert.deepEqual(fitPrompt(t, { limit: 64, head: 1 }), { tokens: t, dropped: 0 });
  });

  it('keeps the BOS token and the end of a plain prompt (the cursor)', () => {
    const t = [BOS, ...range(10, 300)];
    const f = fitPrompt(t, { limit: 128, head: 1 });
    assert.ok(f.tokens.length <= 128);
    assert.equal(f.tokens[0], BOS);
    assert.deepEqual(f.tokens.slice(-20), t.slice(-20));
    assert.equal(f.dropped, t.length - f.tokens.length);
  });

  it('cuts in whole steps, so prompts growing at the cursor keep the same first tokens', () => {
    const limit = 128;
    const step = Math.floor(limit * TRIM_STEP_SHARE);
    const base = [BOS, ...range(10, 200)];
    // Typed one token at a time over four steps: the kept window's start moves once a step (a
    // window sliding with the cursor would move on every token and nothing could be reused).
    const starts = new Set<number>();
    for (let extra = 0; extra < 4 * step; extra++) {
      const f = fitPrompt([...base, ...range(5000, extra)], { limit, head: 1 }).tokens;
      assert.equal(f[0], BOS);
      assert.ok(f.length <= limit);
      starts.add(f[1]);
    }
    assert.ok(starts.size <= 5, `${starts.size} different starts`);
  });

  it('FIM: keeps the prefix token, the end of the prefix, the start of the suffix and the middle token', () => {
    const prefix = range(10, 400);
    const suffix = range(2000, 400);
    const t = [BOS, FIM.prefix, ...prefix, FIM.suffix, ...suffix, FIM.middle];
    const limit = 256;
    const f = fitPrompt(t, { limit, head: 1, fim: FIM }).tokens;
    assert.ok(f.length <= limit);
    assert.deepEqual(f.slice(0, 2), [BOS, FIM.prefix]);
    assert.equal(f[f.length - 1], FIM.middle);
    const s = f.indexOf(FIM.suffix);
    assert.deepEqual(f.slice(s - 10, s), prefix.slice(-10), 'the prefix ends at the cursor');
    assert.deepEqual(f.slice(s + 1, s + 11), suffix.slice(0, 10), 'the suffix starts at the cursor');
    assert.ok(f.length - s - 2 <= Math.floor(limit * SUFFIX_SHARE), 'the suffix is capped');
  });
});

describe('engine: stop strings in streamed text', () => {
  it('holds back what may start a stop string and ends before it', () => {
    const s = new StopText(['\n\n']);
    assert.deepEqual(s.push('foo'), { delta: 'foo', stop: false });
    assert.deepEqual(s.push('foo\n'), { delta: '', stop: false });
    assert.deepEqual(s.push('foo\nbar'), { delta: '\nbar', stop: false });
    assert.deepEqual(s.push('foo\nbar\n\nbaz'), { delta: '', stop: true });
    assert.equal(s.done, true);
  });

  it('gives back held text when generation ends without a stop string, never a broken character', () => {
    const s = new StopText(['END']);
    assert.equal(s.push('abcE').delta, 'abc');
    assert.equal(s.push('abcEN').delta, '');
    assert.equal(s.finish('abcEN'), 'EN');
    const t = new StopText([]);
    assert.equal(t.push('ab\uFFFD').delta, 'ab', 'a broken character is held back');
    assert.equal(t.push('ab\u00e9').delta, '\u00e9');
    assert.equal(t.finish('ab\u00e9\uFFFD'), '');
  });
});
