/** Early stop (model/earlyStop.ts): when a streamed suggestion is decided, and what of it is. */
import * as assert from 'node:assert/strict';
import { earlyStopRule, withoutCutLine } from '../../src/core/model/earlyStop';

/** The first prefix of `text` at which the rule closes the stream, or the whole text. */
function decidedAt(stop: (t: string) => boolean, text: string): string {
  for (let n = 1; n <= text.length; n++) if (stop(text.slice(0, n))) return text.slice(0, n);
  return text;
}

const BODY = [
  'const total = items.length;',
  '    let sum = 0;',
  '    for (const item of items) sum += item.price;',
  '    return sum / total;',
  '}',
  '',
  'export function next() {',
].join('\n');

describe('model: early stop in a block the person opened', () => {
  it('after `{` + Enter on an auto-indented empty line, reads the whole block, up to the line that closes it', () => {
    const stop = earlyStopRule({ multiline: true, maxLines: 8, lineBefore: '    ' });
    const got = decidedAt(stop, BODY);
    assert.ok(got.includes('return sum / total;\n}\n'), JSON.stringify(got));
    assert.ok(!got.includes('export'), JSON.stringify(got));
  });

  it('after `{` + Enter with no indentation from the editor: the body is where the first line starts', () => {
    const stop = earlyStopRule({ multiline: true, maxLines: 8, lineBefore: '' });
    const got = decidedAt(stop, BODY.replace(/^const/, '    const'));
    assert.ok(got.includes('return sum / total;\n}\n'), JSON.stringify(got));
    assert.ok(!got.includes('export'), JSON.stringify(got));
  });

  it('Python: an indented body ends at the next line left of it, blank lines inside are part of it', () => {
    const stop = earlyStopRule({ multiline: true, maxLines: 8, lineBefore: '    ' });
    const got = decidedAt(stop, 'total = 0\n\n    for x in xs:\n        total += x\n    return total\n\ndef g():\n');
    assert.equal(got, 'total = 0\n\n    for x in xs:\n        total += x\n    return total\n\ndef g():\n');
    assert.ok(!stop('total = 0\n\n    for x in xs:\n        total += x\n'));
  });

  it('still stops at the line cap', () => {
    const stop = earlyStopRule({ multiline: true, maxLines: 3, lineBefore: '  ' });
    assert.equal(stop('a();\n  b();\n  c();\n  d();\n  e'), true);
    assert.equal(stop('a();\n  b();\n  c();'), false);
  });
});

describe('model: the decided part of a cut stream', () => {
  it('drops the line a cap or a deadline cut mid-way, so its piece of a name is never checked', () => {
    assert.equal(withoutCutLine({ text: 'a();\n    b();\n    c', finishReason: 'length' }), 'a();\n    b();');
    assert.equal(withoutCutLine({ text: 'a();\n    b();\n    c', finishReason: 'deadline' }), 'a();\n    b();');
    assert.equal(withoutCutLine({ text: 'a();\n  }\n  next', finishReason: 'early-stop' }), 'a();\n  }');
  });

  it('a single cut line keeps its text up to the word being written', () => {
    assert.equal(withoutCutLine({ text: 'return compute(a, coun', finishReason: 'length' }), 'return compute(a, ');
  });

  it('leaves a finished answer alone', () => {
    assert.equal(withoutCutLine({ text: 'a();\n  b', finishReason: 'stop' }), 'a();\n  b');
    assert.equal(withoutCutLine({ text: 'a();\n  b', finishReason: 'unknown' }), 'a();\n  b');
  });
});
