/** Clean-up rules: the failures users report most, each on a concrete case. */
import * as assert from 'node:assert/strict';
import { cleanup, type CleanupInput } from '../../src/core/filter/cleanup';

/** `|` marks the cursor. */
function run(doc: string, text: string, extra: Partial<CleanupInput> = {}) {
  const at = doc.indexOf('|');
  return cleanup({ text, prefix: doc.slice(0, at), suffix: doc.slice(at + 1), stop: [], multiline: false, maxLines: 8, ...extra });
}

describe('filter clean-up', () => {
  it('removes text that duplicates what follows the cursor', () => {
    const r = run('const x = foo(|);\n', 'a, b);');
    assert.equal(r.text, 'a, b');
    assert.ok(r.applied.includes('suffix-closers'));
    const r2 = run('if (|) {\n', 'ready) {');
    assert.equal(r2.text, 'ready');
  });

  it('does not close brackets the suffix already closes, but keeps balanced ones', () => {
    assert.equal(run('call(|)\n', 'a, fn(b))').text, 'a, fn(b)');
    assert.equal(run('call(|)\n', 'a, fn(b)').text, 'a, fn(b)');
  });

  it('drops a suggestion that repeats the line below or the line above', () => {
    assert.equal(run('function f() {\n  |\n  return total;\n}\n', 'return total;').text, '');
    assert.equal(run('  items.push(a);\n  |\n}\n', 'items.push(a);').text, '');
    assert.equal(run('  items.push(a);\n  |\n}\n', 'items.push(b);').text, 'items.push(b);');
  });

  it('stops repetition loops', () => {
    const doc = 'function f() {\n  |\n}\n';
    const r = run(doc, 'log(1);\n  log(1);\n  log(1);\n  log(1);', { multiline: true });
    assert.equal(r.text, 'log(1);');
    assert.ok(r.applied.includes('repetition'));
    assert.equal(run('const s = |\n', '"ab" + "ab" + "ab" + "ab" + "ab" + "ab"').text.length < 20, true);
  });

  it('deep indentation (12 spaces and more) is layout, not a repetition loop', () => {
    const doc = 'function f() {\n  if (a) {\n    if (b) {\n      if (c) {\n        for (const x of xs) {\n          |\n        }\n      }\n    }\n  }\n}\n';
    const block = 'if (x.ok) {\n            total += x.value;\n          }';
    const r = run(doc, block, { multiline: true });
    assert.equal(r.text, block);
    assert.ok(!r.applied.includes('repetition'));
    // Tabs, rulers and a real loop at the same depth.
    assert.equal(run('\t\t\t|\n', 'x();\n\t\t\t\t\t\ty();', { multiline: true }).text.includes('y();'), true);
    assert.equal(run('// |\n', '----------------------').text, '----------------------');
    assert.equal(run(doc, 'sum(1, 2), sum(1, 2), sum(1, 2), sum(1, 2), sum(1, 2)').text, 'sum(1, 2),');
  });

  it('strips leaked FIM sentinels, stop words, markdown fences and <think> blocks', () => {
    assert.equal(run('x = |\n', '42<|fim_suffix|>junk').text, '42');
    assert.equal(run('x = |\n', '42<｜fim▁hole｜>junk').text, '42');
    assert.equal(run('x = |\n', '42<EOT>').text, '42');
    assert.equal(run('x = |\n', '42 END more', { stop: [' END'] }).text, '42');
    assert.equal(run('x = |\n', '```ts\n42;\n```').text, '42;');
    assert.equal(run('x = |\n', '<think>the user wants a number</think>42;').text, '42;');
    assert.equal(run('x = |\n', '<think>still thinking').text, '');
  });

  it('fixes doubled indentation and the document indentation style', () => {
    assert.equal(run('function f() {\n    |\n}\n', '    return 1;').text, 'return 1;');
    const r = run('function f() {\n  const a = 1;\n  |\n}\n', 'if (b) {\n\t\tgo();\n\t}', { multiline: true });
    assert.equal(r.text, 'if (b) {\n    go();\n  }');
  });

  it('one line in the middle of a line; multi-line only where a block starts, with a line cap', () => {
    assert.equal(run('const a = |b;\n', 'x +\n  y').text, 'x +');
    assert.equal(run('const a = |\n', 'x;\nfoo();').text, 'x;', 'not starting a block: one line');
    const body = Array.from({ length: 12 }, (_, i) => `  step${i}();`).join('\n');
    const r = run('function f() {|\n', `\n${body}\n}`, { multiline: true, maxLines: 5 });
    assert.equal(r.text.split('\n').length, 5);
    assert.ok(r.applied.includes('line-cap'));
  });

  it('ends a multi-line block where its indentation ends, keeping the closing line', () => {
    const r = run('function f() {|\n', '\n  a();\n  b();\n}\n\nfunction g() {\n  c();\n}', { multiline: true, maxLines: 20 });
    assert.equal(r.text, '\n  a();\n  b();\n}');
    const py = run('def f():|\n', '\n    a()\n    return 1\n\ndef g():\n    pass', { multiline: true, maxLines: 20 });
    assert.equal(py.text, '\n    a()\n    return 1');
  });
});
