/**
 * What the inline item puts where (src/vscode/inlineItem.ts): the line after accepting, for rests
 * of the line the editor closed, and the document as if the selected IntelliSense item were in.
 */
import * as assert from 'node:assert/strict';
import { closingRange, withSelectedItem } from '../../src/vscode/inlineItem';

/** The line after accepting `suggestion` at the cursor (`▮`) of `line`, as VS Code applies the item. */
function accept(line: string, suggestion: string): string {
  const at = line.indexOf('▮');
  const before = line.slice(0, at);
  const rest = line.slice(at + 1);
  const r = closingRange(before, suggestion, rest);
  return r ? before + r.text + rest.slice(r.replace) : before + suggestion + rest;
}

describe('inline item: brackets the editor already closed', () => {
  const cases: [string, string, string][] = [
    ['const m = Math.max(0, Math.min(value, ▮))', 'max));', 'const m = Math.max(0, Math.min(value, max));'],
    ['console.log(Math.min(a, ▮))', 'min);', 'console.log(Math.min(a, min));'],
    ['print("▮")', 'hello")', 'print("hello")'],
    ['const xs = [▮]', '1, 2, 3];', 'const xs = [1, 2, 3];'],
    ['const o = {▮}', ' a: 1 };', 'const o = { a: 1 };'],
    ['foo(baz(▮))', 'bar)', 'foo(baz(bar))'],
    ['foo(▮)', 'bar(x))', 'foo(bar(x))'],
    ['log(`${▮}`)', 'n}`);', 'log(`${n}`);'],
  ];
  for (const [line, suggestion, want] of cases) {
    it(`${line.replace('▮', '|')} + ${JSON.stringify(suggestion)} → ${want}`, () => assert.equal(accept(line, suggestion), want));
  }

  it('inserts when the suggestion leaves the closing to the editor', () => {
    assert.equal(accept('foo(▮)', 'bar()'), 'foo(bar())');
    assert.equal(accept('foo(▮)', 'a, b'), 'foo(a, b)');
    assert.equal(closingRange('foo(', 'a, b', ')'), undefined);
  });

  it('a closer of a bracket opened on an earlier line stays', () => {
    assert.equal(accept('  a, b▮)', ', c'), '  a, b, c)');
  });

  it('rest of the line that is not closing text is left alone', () => {
    assert.equal(closingRange('foo(', 'a)', 'x)'), undefined);
    assert.equal(closingRange('let a = ', 'b;', ';'), undefined);
  });

  it('multi-line suggestion over the closing parenthesis', () => {
    assert.equal(accept('call(▮)', '\n  a,\n  b\n);'), 'call(\n  a,\n  b\n);');
  });
});

describe('inline item: the selected IntelliSense item', () => {
  it('the document as if the item replaced its range, cursor after it', () => {
    const text = 'const totalPrice = 1;\nconst x = tot + 2;';
    const start = text.indexOf('tot +');
    const v = withSelectedItem(text, start + 3, { start, end: start + 3, text: 'totalPrice' });
    assert.deepEqual(v, { text: 'const totalPrice = 1;\nconst x = totalPrice + 2;', offset: start + 'totalPrice'.length });
  });

  it('no virtual document for an item over lines or a range away from the cursor', () => {
    assert.equal(withSelectedItem('abc', 3, { start: 0, end: 3, text: 'a\nb' }), undefined);
    assert.equal(withSelectedItem('abc def', 7, { start: 0, end: 3, text: 'abcd' }), undefined);
  });
});
