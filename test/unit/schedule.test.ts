import * as assert from 'node:assert/strict';
import { debounceDelay, debouncePosition, MAX_DEBOUNCE_MS } from '../../src/core/schedule/debounce';
import { TypingSpeed } from '../../src/core/schedule/typingSpeed';
import { consistent } from '../../src/core/schedule/scheduler';
import { earlyStopRule } from '../../src/core/model/earlyStop';

const d = (lineBefore: string, lineAfter = '', typingIntervalMs?: number, explicit = false) => debounceDelay({ explicit, lineBefore, lineAfter, typingIntervalMs });

describe('schedule: adaptive debounce', () => {
  it('is zero for an explicit request (Alt+\\)', () => {
    assert.equal(d('foo.ba', 'r()', 80, true), 0);
  });

  it('fires sooner after ( or . and on an empty line than in the middle of a word', () => {
    assert.equal(debouncePosition({ explicit: false, lineBefore: '  foo(', lineAfter: ')' }), 'trigger');
    assert.equal(debouncePosition({ explicit: false, lineBefore: '    ', lineAfter: '' }), 'empty-line');
    assert.equal(debouncePosition({ explicit: false, lineBefore: '  conso', lineAfter: 'le' }), 'mid-word');
    assert.ok(d('  foo(', ')') < d('  conso', 'le'));
    assert.ok(d('obj.') < d('  value', ''));
    assert.ok(d('    ') < d('  conso', 'le'));
    assert.ok(d('  value', '') < d('  conso', 'le'));
  });

  it('waits a little longer than the person usually takes between keys, within bounds', () => {
    const slow = d('  conso', 'le', 300);
    const fast = d('  conso', 'le', 60);
    assert.ok(slow > 300, `slow typist: ${slow}`);
    assert.ok(fast >= 60 * 1.4);
    assert.ok(d('  conso', 'le', 5000) <= MAX_DEBOUNCE_MS);
    // Trigger characters do not wait for slow typists.
    assert.equal(d('foo(', '', 300), d('foo(', ''));
  });

  it('typing speed ignores pauses', () => {
    const s = new TypingSpeed(1500);
    assert.equal(s.intervalMs, undefined);
    let t = 0;
    for (let i = 0; i < 20; i++) s.note((t += 100));
    s.note((t += 5000));
    assert.ok(Math.abs((s.intervalMs ?? 0) - 100) < 1);
  });
});

describe('schedule: in-flight coverage', () => {
  const f = { uri: 'u', prefix: 'let x = ', suffix: '\n', partial: 'compute(', settled: false };
  it('covers what was typed when it agrees with the stream so far, or runs past it while streaming', () => {
    assert.ok(consistent(f, { uri: 'u', prefix: 'let x = comp', suffix: '\n' }));
    assert.ok(consistent(f, { uri: 'u', prefix: 'let x = compute(a', suffix: '\n' }));
    assert.ok(!consistent({ ...f, settled: true }, { uri: 'u', prefix: 'let x = compute(a', suffix: '\n' }));
  });
  it('does not cover a departure, another document, another suffix or a step back', () => {
    assert.ok(!consistent(f, { uri: 'u', prefix: 'let x = cop', suffix: '\n' }));
    assert.ok(!consistent(f, { uri: 'v', prefix: 'let x = c', suffix: '\n' }));
    assert.ok(!consistent(f, { uri: 'u', prefix: 'let x = c', suffix: '\n;' }));
    assert.ok(!consistent(f, { uri: 'u', prefix: 'let x =', suffix: ' \n' }));
  });
});

describe('model: early stop', () => {
  it('single-line: stops once the first line is complete', () => {
    const stop = earlyStopRule({ multiline: false, maxLines: 8, lineBefore: '  x = ' });
    assert.equal(stop('foo('), false);
    assert.equal(stop('\n'), false);
    assert.equal(stop('foo(1);\n  next'), true);
  });
  it('multi-line: stops when the block closes or past the line cap', () => {
    const stop = earlyStopRule({ multiline: true, maxLines: 3, lineBefore: '  if (x) {' });
    assert.equal(stop('\n    a();\n    b();'), false);
    assert.equal(stop('\n    a();\n  }\n'), true);
    assert.equal(stop('\n    a();\n\n    b();\n    c();\n    d();'), true);
  });
});
