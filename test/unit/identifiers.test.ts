import * as assert from 'node:assert/strict';
import { cursorTargets, typeOfVariable } from '../../src/core/context/cursorTargets';
import { bareTypeName } from '../../src/core/lang/outline/nodes';
import { identifierSet, identifierTokens, isIdentifier, wholeNamePattern, windowTokenSet } from '../../src/core/lang/identifiers';

describe('lang/identifiers: the one tokenizer of names', () => {
  it('reads names with $ and of other scripts, and none out of number literals', () => {
    assert.deepEqual(identifierTokens('const $el = größe + 0x1f * 1e5 + 10n + v2;'), ['const', '$el', 'größe', 'v2']);
    assert.deepEqual(identifierTokens('"2001:db8::1" at 09:52:31Z'), ['db8', 'at']);
  });

  it('collects distinct tokens into a given set', () => {
    const into = new Set(['a']);
    assert.equal(identifierSet('b a b _c', into), into);
    assert.deepEqual([...into], ['a', 'b', '_c']);
  });

  it('tells a single name from anything else', () => {
    for (const s of ['x', '$', '_a1', 'größe', 'ZodCUID2']) assert.ok(isIdentifier(s), s);
    for (const s of ['', '1x', 'a-b', 'a.b', ' a']) assert.ok(!isIdentifier(s), JSON.stringify(s));
  });

  it('matches a name only where it stands whole', () => {
    const p = wholeNamePattern('$id');
    assert.ok(p.test('use($id)'));
    assert.ok(!p.test('a$id + $idx'));
    assert.equal(wholeNamePattern('name', 'g').exec('rename(name)')?.index, 7);
    assert.ok(!wholeNamePattern('gr').test('größe'), 'a letter of another script continues a name');
  });

  it("keeps the similar-code windows' own token: ASCII names read anywhere, inside numbers too", () => {
    assert.deepEqual([...windowTokenSet('x = 1e5 + größe')], ['x', 'e5', 'gr', 'e']);
  });

  it('reads the same names in shapes of code: receivers, callees, `new` and type names', () => {
    assert.deepEqual(cursorTargets('größe.wert'), { receiver: 'größe', receiverChain: ['größe'], callee: undefined });
    assert.equal(cursorTargets('  zähler(a, ').callee, 'zähler');
    assert.equal(typeOfVariable('const w = new Wärme();', 'w'), 'Wärme');
    assert.equal(bareTypeName("&'a mut paket::Größe<T>"), 'Größe');
  });
});
