import * as assert from 'node:assert/strict';
import { computeEdit, getParser, hasGrammar, parse, preloadAll, TreeCache } from '../../src/core/lang/parser';

describe('lang/parser (real grammars)', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  for (const [lang, code, kind] of [
    ['typescript', 'class A { m(x: number): string { return "" } }', 'class_declaration'],
    ['typescriptreact', 'const a = <div>{x}</div>;', 'lexical_declaration'],
    ['javascript', 'function f(a) { return a + 1 }', 'function_declaration'],
    ['python', 'def f(a):\n    return a\n', 'function_definition'],
    ['go', 'package p\nfunc F() int { return 1 }\n', 'package_clause'],
    ['rust', 'fn f() -> i32 { 1 }', 'function_item'],
    ['java', 'class A { int m() { return 1; } }', 'class_declaration'],
  ] as const) {
    it(`parses ${lang}`, async () => {
      const tree = await parse(code, lang);
      assert.ok(tree, `no tree for ${lang}`);
      assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
      assert.equal(tree.rootNode.child(0)?.type, kind);
      tree.delete();
    });
  }

  it('has no grammar for plaintext and returns no parser', async () => {
    assert.equal(hasGrammar('plaintext'), false);
    assert.equal(await getParser('plaintext'), undefined);
  });
});

describe('lang/parser: live trees (incremental re-parse, bounded LRU)', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  it('computes the single edit between two texts', () => {
    const e = computeEdit('let a = 1;\nlet b = 2;\n', 'let a = 1;\nlet bc = 2;\n')!;
    assert.equal(e.startIndex, 16);
    assert.equal(e.oldEndIndex, 16);
    assert.equal(e.newEndIndex, 17);
    assert.deepEqual(e.startPosition, { row: 1, column: 5 });
    assert.equal(computeEdit('same', 'same'), undefined);
  });

  it('re-parses incrementally and gets the same tree as a full parse', async () => {
    const cache = new TreeCache(4);
    let text = 'class A {\n  m(x: number): string { return "" }\n}\n';
    cache.get('a', text, 'typescript');
    for (const piece of ['\nfunction f', '(a: A)', ' { return a.m(1) }\n']) {
      text += piece;
      const t = cache.get('a', text, 'typescript')!;
      const full = await parse(text, 'typescript');
      assert.equal(t.rootNode.toString(), full!.rootNode.toString());
      full!.delete();
    }
    assert.equal(cache.stats.full, 1);
    assert.equal(cache.stats.incremental, 3);
    assert.equal(cache.get('a', text, 'typescript')!.rootNode.text, text);
    assert.equal(cache.stats.hits, 1);
    cache.clear();
  });

  it('keeps at most max live trees, deleting the least recently used', () => {
    const cache = new TreeCache(2);
    cache.get('a', 'const a = 1;', 'typescript');
    cache.get('b', 'const b = 1;', 'typescript');
    cache.get('a', 'const a = 1;', 'typescript'); // a is now most recent
    cache.get('c', 'const c = 1;', 'typescript');
    assert.equal(cache.size, 2);
    assert.equal(cache.stats.evicted, 1);
    assert.equal(cache.has('b'), false);
    assert.ok(cache.has('a') && cache.has('c'));
    cache.delete('a');
    assert.equal(cache.size, 1);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  it('returns no tree for languages without a grammar (plain text context)', () => {
    assert.equal(new TreeCache().get('x', 'hello', 'plaintext'), undefined);
  });
});
