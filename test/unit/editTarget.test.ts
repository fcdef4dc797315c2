import * as assert from 'node:assert/strict';
import { paragraphAt, selectionTarget, targetAt, wholeLines } from '../../src/core/edit/target';
import { preloadAll } from '../../src/core/lang/parser';

const at = (text: string, marker: string) => text.indexOf(marker);
const region = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('edit/target', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  it('widens a selection to whole lines, without the line after a selection that ends at column 0', () => {
    const text = 'one\ntwo three\nfour\n';
    assert.equal(region(text, wholeLines(text, 5, 7)), 'two three');
    assert.equal(region(text, selectionTarget(text, 4, 14)), 'two three');
    assert.equal(region(text, wholeLines(text, 0, 15)), 'one\ntwo three\nfour');
    const crlf = 'a\r\nbb\r\nc';
    assert.equal(region(crlf, wholeLines(crlf, 3, 4)), 'bb');
  });

  it('TypeScript: the statement under the cursor, else the enclosing function', async () => {
    const text = 'export function add(a: number, b: number): number {\n  const s = a + b;\n\n  return s;\n}\n\nconst k = 1;\n';
    const t1 = await targetAt(text, at(text, 'a + b'), 'typescript');
    assert.equal(region(text, t1), '  const s = a + b;');
    assert.equal(t1.kind, 'statement');
    // A blank line inside the body: the function, with its export.
    const blank = at(text, '\n\n  return') + 1;
    const t2 = await targetAt(text, blank, 'typescript');
    assert.equal(region(text, t2), text.slice(0, text.indexOf('}\n') + 1));
    assert.equal(t2.kind, 'function');
    // Cursor in the indentation of a line still means that line's statement.
    const t3 = await targetAt(text, at(text, '  return') + 1, 'typescript');
    assert.equal(region(text, t3), '  return s;');
  });

  it('Python: a decorated function as a whole', async () => {
    const text = 'import os\n\n@cache\ndef f(x):\n    pass\n\nprint(1)\n';
    const t = await targetAt(text, at(text, 'def f') + 2, 'python');
    assert.equal(region(text, t), '@cache\ndef f(x):\n    pass');
  });

  it('Go and Rust and Java: the enclosing statement', async () => {
    const go = 'package p\n\nfunc F() int {\n\tx := 1\n\treturn x\n}\n';
    assert.equal(region(go, await targetAt(go, at(go, 'x := 1'), 'go')), '\tx := 1');
    const rs = 'fn f() -> i32 {\n    let y = 2;\n    y\n}\n';
    assert.equal(region(rs, await targetAt(rs, at(rs, 'let y'), 'rust')), '    let y = 2;');
    const java = 'class A {\n  int m() {\n    int z = 3;\n    return z;\n  }\n}\n';
    assert.equal(region(java, await targetAt(java, at(java, 'return z'), 'java')), '    return z;');
  });

  it('languages without a grammar: the paragraph, or the blank line itself', async () => {
    const text = '# Title\n\nfirst line\nsecond line\n\nlast\n';
    const t = await targetAt(text, at(text, 'second'), 'markdown');
    assert.equal(region(text, t), 'first line\nsecond line');
    assert.equal(t.kind, 'paragraph');
    const b = paragraphAt(text, at(text, '\n\nlast') + 1);
    assert.equal(b.kind, 'line');
    assert.equal(region(text, b), '');
  });

  it('a top-level comment in code falls back to the paragraph', async () => {
    const text = 'const a = 1;\n\n// note one\n// note two\n\nconst b = 2;\n';
    const t = await targetAt(text, at(text, 'note two'), 'typescript');
    assert.equal(region(text, t), '// note one\n// note two');
  });
});
