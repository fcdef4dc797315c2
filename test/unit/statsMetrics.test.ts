/** Evaluation metrics against hand-computed cases (CrossCodeEval definitions). */
import * as assert from 'node:assert/strict';
import { editSimilarity, exactMatch, histogram, idExactMatch, idF1, idMatch, lcsLength, percentile, ratio, unknownNames } from '../../src/core/stats/metrics';

describe('stats/metrics', () => {
  it('LCS length', () => {
    assert.equal(lcsLength('', 'abc'), 0);
    assert.equal(lcsLength('abc', 'abc'), 3);
    // ABCBDAB / BDCABA: a classic LCS of length 4 (BCBA).
    assert.equal(lcsLength('ABCBDAB', 'BDCABA'), 4);
  });

  it('edit similarity is fuzz.ratio / 100: 2·LCS / (|a|+|b|) of the stripped texts', () => {
    assert.equal(editSimilarity('  foo(bar);  ', 'foo(bar);'), 1);
    // "abcd" vs "abed": LCS 3 → 6/8.
    assert.equal(editSimilarity('abcd', 'abed'), 0.75);
    // "kitten" vs "sitting": LCS "ittn" = 4 → 8/13.
    assert.equal(editSimilarity('kitten', 'sitting'), 8 / 13);
    assert.equal(editSimilarity('', 'x'), 0);
    assert.equal(editSimilarity('   ', 'x'), 0);
  });

  it('exact match compares non-blank lines, stripped, without comments', () => {
    assert.equal(exactMatch('return a + b;  ', 'return a + b;', 'typescript'), true);
    assert.equal(exactMatch('return a + b; // sum', 'return a + b;', 'typescript'), true);
    assert.equal(exactMatch('x = 1  # set', 'x = 1', 'python'), true);
    assert.equal(exactMatch("s = '#'", "s = '#'", 'python'), true);
    assert.equal(exactMatch("s = '#'", "s = '", 'python'), false);
    assert.equal(exactMatch('return a - b;', 'return a + b;', 'typescript'), false);
    assert.equal(exactMatch('', 'return a;', 'typescript'), false);
    assert.equal(exactMatch('a();\n\nb();', 'a();\nb();', 'typescript'), true);
  });

  it('identifier exact match compares ordered lists, keywords and strings removed', () => {
    assert.equal(idExactMatch('const x = f(y, "z")', "let x = f(y, 'q')", 'typescript'), true);
    assert.equal(idExactMatch('f(y, x)', 'f(x, y)', 'typescript'), false);
    assert.equal(idExactMatch('f(x, x)', 'f(x)', 'typescript'), false);
  });

  it('identifier F1 over sets: 2tp / (2tp + fp + fn)', () => {
    // pred {send, msg, user}, truth {sendMessage, msg, user}: tp 2, fp 1, fn 1 → 4/6.
    const m = idMatch('send(msg, user)', 'sendMessage(msg, user)', 'typescript');
    assert.deepEqual({ tp: m.tp, fp: m.fp, fn: m.fn }, { tp: 2, fp: 1, fn: 1 });
    assert.equal(m.f1, 4 / 6);
    assert.equal(m.precision, 2 / 3);
    assert.equal(m.recall, 2 / 3);
    // Repeats do not count twice: pred {a}, truth {a, b} → 2/3.
    assert.equal(idF1('a + a + a', 'a + b', 'typescript'), 2 / 3);
    assert.equal(idF1('', 'a', 'typescript'), 0);
    assert.equal(idF1('1 + 2', '3', 'typescript'), 0);
  });

  it('unknown names: identifiers neither known nor declared by the suggestion', () => {
    const known = new Set(['client', 'sendMessage', 'text']);
    assert.deepEqual(unknownNames('client.sendMsg(text)', 'typescript', known), ['sendMsg']);
    assert.deepEqual(unknownNames('client.sendMessage(text) // sendMsg', 'typescript', known), []);
    assert.deepEqual(unknownNames('const reply = client.sendMessage(text)', 'typescript', known, new Set(['reply'])), []);
  });

  it('nearest-rank percentiles', () => {
    const v = [15, 20, 35, 40, 50];
    assert.equal(percentile(v, 50), 35); // ceil(2.5) = 3rd
    assert.equal(percentile(v, 95), 50); // ceil(4.75) = 5th
    assert.equal(percentile(v, 30), 20); // ceil(1.5) = 2nd
    assert.equal(
      percentile(
        [...Array(100).keys()].map((i) => i + 1),
        99,
      ),
      99,
    );
    assert.equal(percentile([7], 1), 7);
    assert.equal(percentile([], 50), undefined);
  });

  it('histogram buckets are [from, to) with an open last bucket', () => {
    const h = histogram([0, 49, 50, 99, 100, 5000], [50, 100]);
    assert.deepEqual(
      h.map((b) => [b.from, b.to, b.count]),
      [
        [0, 50, 2],
        [50, 100, 2],
        [100, Infinity, 2],
      ],
    );
  });

  it('a ratio of nothing is undefined, not 0', () => {
    assert.equal(ratio(0, 0), undefined);
    assert.equal(ratio(1, 4), 0.25);
  });
});
