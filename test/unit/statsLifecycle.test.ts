/** The life of a shown suggestion and the tracking of accepted text through later edits. */
import * as assert from 'node:assert/strict';
import { retainedChars, shiftRange, SuggestionLifecycle } from '../../src/core/stats/lifecycle';

/** Applies a change to text, as the editor would. */
function apply(text: string, c: { offset: number; removed: number; inserted: string }): string {
  return text.slice(0, c.offset) + c.inserted + text.slice(c.offset + c.removed);
}

describe('stats/lifecycle: tracked range', () => {
  const base = 'const x = compute(a, b);\n';
  // Accepted text "compute(a, b)" at [10, 23).
  const r = { start: 10, end: 23 };

  it('shifts with edits before it, ignores edits after it and insertions at its edges', () => {
    assert.deepEqual(shiftRange(r, { offset: 0, removed: 0, inserted: 'export ' }), { start: 17, end: 30 });
    assert.deepEqual(shiftRange(r, { offset: 0, removed: 6, inserted: 'let' }), { start: 7, end: 20 });
    assert.deepEqual(shiftRange(r, { offset: 23, removed: 0, inserted: ' + 1' }), r);
    assert.deepEqual(shiftRange(r, { offset: 10, removed: 0, inserted: 'await ' }), { start: 16, end: 29 });
  });

  it('covers replacements inside or across it, and what is left of it is measured', () => {
    // Rename an argument inside: "compute(a, b)" → "compute(alpha, b)".
    const c1 = { offset: 18, removed: 1, inserted: 'alpha' };
    const r1 = shiftRange(r, c1);
    assert.deepEqual(r1, { start: 10, end: 27 });
    const t1 = apply(base, c1);
    assert.equal(t1.slice(r1.start, r1.end), 'compute(alpha, b)');
    assert.equal(retainedChars('compute(a, b)', t1.slice(r1.start, r1.end)), 13);
    // Delete "compute(" and the text before it: 8 accepted characters are gone.
    const c2 = { offset: 6, removed: 12, inserted: '' };
    const r2 = shiftRange(r, c2);
    const t2 = apply(base, c2);
    assert.equal(t2.slice(r2.start, r2.end), 'a, b)');
    assert.equal(retainedChars('compute(a, b)', t2.slice(r2.start, r2.end)), 5);
  });

  it('retained characters of a rewritten suggestion are the common subsequence', () => {
    assert.equal(retainedChars('sendMsg(text)', 'sendMessage(text)'), 13);
    assert.equal(retainedChars('abc', ''), 0);
  });
});

describe('stats/lifecycle: suggestion on screen', () => {
  const shown = { id: 'a', uri: 'file:///x.ts', offset: 5, text: 'foo(bar);' };

  it('typing the suggestion keeps it alive; typing it all through ends it without a dismissal', () => {
    const l = new SuggestionLifecycle();
    assert.equal(l.shown(shown), undefined);
    assert.equal(l.changed(shown.uri, [{ offset: 5, removed: 0, inserted: 'fo' }]), undefined);
    assert.equal(l.cursor(shown.uri, 7), undefined);
    assert.equal(l.current?.typed, 2);
    assert.deepEqual(l.changed(shown.uri, [{ offset: 7, removed: 0, inserted: 'o(bar);' }]), { kind: 'typed-through', id: 'a' });
    assert.equal(l.current, undefined);
  });

  it('typing something else dismisses it (typed-over)', () => {
    const l = new SuggestionLifecycle();
    l.shown(shown);
    assert.deepEqual(l.changed(shown.uri, [{ offset: 5, removed: 0, inserted: 'x' }]), { kind: 'dismissed', id: 'a', reason: 'typed-over' });
    // Changes in other documents do not touch it.
    l.shown(shown);
    assert.equal(l.changed('file:///other.ts', [{ offset: 0, removed: 0, inserted: 'x' }]), undefined);
  });

  it('moving the cursor away or switching editors dismisses it', () => {
    const l = new SuggestionLifecycle();
    l.shown(shown);
    assert.deepEqual(l.cursor(shown.uri, 0), { kind: 'dismissed', id: 'a', reason: 'cursor-moved' });
    l.shown(shown);
    assert.deepEqual(l.editorChanged('file:///other.ts'), { kind: 'dismissed', id: 'a', reason: 'editor-changed' });
  });

  it('a new suggestion replaces it unless it is the rest of it', () => {
    const l = new SuggestionLifecycle();
    l.shown(shown);
    l.changed(shown.uri, [{ offset: 5, removed: 0, inserted: 'foo' }]);
    // The cache serves the rest after typing "foo": a continuation, not a dismissal.
    assert.equal(l.shown({ id: 'b', uri: shown.uri, offset: 8, text: '(bar);' }), undefined);
    assert.deepEqual(l.shown({ id: 'c', uri: shown.uri, offset: 20, text: 'zap();' }), { kind: 'dismissed', id: 'b', reason: 'replaced' });
  });

  it('accepting ends it', () => {
    const l = new SuggestionLifecycle();
    l.shown(shown);
    l.accepted('a');
    assert.equal(l.current, undefined);
    assert.equal(l.cursor(shown.uri, 0), undefined);
  });
});
