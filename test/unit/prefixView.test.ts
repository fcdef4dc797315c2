import * as assert from 'node:assert/strict';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { lineClassifier, prefixView, suffixView, verbatimStart, VERBATIM_MIN, VERBATIM_STEP, SUFFIX_VERBATIM_LINES } from '../../src/core/context/prefixView';
import type { CompletionRequest } from '../../src/core/types';

const settings: Settings = { ...DEFAULTS, model: 'qwen2.5-coder-1.5b' };

function request(text: string, offset: number, languageId = 'typescript'): CompletionRequest {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return {
    doc: { uri: '/w/big.ts', fsPath: '/w/big.ts', languageId, text, version: 1 },
    cursor: { line, character: offset - before.lastIndexOf('\n') - 1, offset },
    explicit: false,
  };
}

/** A heavily documented file: `n` functions, each under a five-line JSDoc block. */
function documented(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++)
    s += `/**\n * Doc line one for f${i}.\n * Doc line two.\n * Doc line three.\n */\nexport function f${i}(a: number): number {\n  return a + ${i};\n}\n\n`;
  return s;
}

describe('context/prefixView: comment-only lines far above the cursor', () => {
  it('classifies lines as code, blank or comment, a block comment begun above the range included', () => {
    const ts = lineClassifier('typescript');
    assert.deepEqual(['/**', ' * doc', ' */', 'const a = 1 // trailing', '', '/* one */', '/* x */ b()', '// line', '/*', 'inside', '*/ c()'].map(ts), [
      'comment',
      'comment',
      'comment',
      'code',
      'blank',
      'comment',
      'code',
      'comment',
      'comment',
      'comment',
      'code',
    ]);
    // Classified from the middle of a JSDoc block; a generator method is code.
    const mid = lineClassifier('typescript');
    assert.deepEqual(['   * @param x the thing', '   */', '  *gen() {', '  x * y'].map(mid), ['comment', 'comment', 'code', 'code']);
    const py = lineClassifier('python');
    assert.deepEqual(['# note', 'x = 1  # why', '', '// not a comment'].map(py), ['comment', 'code', 'blank', 'code']);
  });

  it('leaves out only comment-only lines above keepFrom, and maps offsets both ways', () => {
    const text = documented(6) + '// what comes next\nconst x = ';
    const keepFrom = text.indexOf('/**\n * Doc line one for f4.');
    const { view } = prefixView(text, text.length, keepFrom, 'typescript');
    const above = text.slice(0, keepFrom).split('\n');
    const expected = above.filter((l) => !/^\s*(\/\*\*|\*)/.test(l)).join('\n');
    assert.equal(view.text.slice(0, view.text.length - (text.length - keepFrom)), expected);
    assert.equal(view.text.slice(view.offset - (text.length - keepFrom)), text.slice(keepFrom), 'verbatim from keepFrom on');
    assert.equal(view.offset, view.text.length);
    // Every kept line maps to itself and back; an offset in a left-out line maps to the next kept line.
    for (let v = 0; v < view.text.length; v++) {
      const r = view.toReal(v);
      assert.equal(text[r], view.text[v], `offset ${v}`);
      assert.equal(view.toView(r), v);
    }
    const inDoc = text.indexOf(' * Doc line two.');
    assert.equal(view.text.slice(view.toView(inDoc)).split('\n')[0], 'export function f0(a: number): number {');
  });

  it('reuses the part above keepFrom while it is the same text, and rebuilds it when it changed', () => {
    const text = documented(4) + 'x';
    const keepFrom = text.indexOf('/**\n * Doc line one for f3.');
    const first = prefixView(text, text.length, keepFrom, 'typescript');
    assert.equal(prefixView(text + 'y', text.length + 1, keepFrom, 'typescript', first.head).head, first.head);
    const edited = text.replace('return a + 0', 'return a - 0');
    const again = prefixView(edited, edited.length, keepFrom, 'typescript', first.head);
    assert.notEqual(again.head, first.head);
    assert.ok(again.view.text.includes('return a - 0'));
  });

  it('keeps the verbatim part still while typing, and moves it once per VERBATIM_STEP', () => {
    const text = documented(200);
    const lineStarts = [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
    let prev: number | undefined;
    let moves = 0;
    for (const ls of lineStarts.filter((p) => p > 8000 && p < 16000)) {
      const k = verbatimStart(text, ls, prev);
      assert.ok(k === 0 || text[k - 1] === '\n', 'a line start');
      assert.ok(ls - k >= VERBATIM_MIN && ls - k <= VERBATIM_MIN + VERBATIM_STEP + 200, `${ls - k}`);
      if (prev !== undefined && k !== prev) moves++;
      prev = k;
    }
    assert.ok(moves >= 3 && moves <= Math.ceil(8000 / (VERBATIM_STEP - 200)), `moves ${moves}`);
    assert.equal(verbatimStart(text, 100), 0, 'near the top: all verbatim');
  });

  it('shows the suffix without comment-only lines past its first lines; `end` is where it stops in the document', () => {
    const text = 'const a = \n  b()\n}\n/**\n * doc\n */\nfunction g() {}\n// tail\nconst z = 1\n';
    const s = suffixView(text, text.indexOf('\n'), 1000, 'typescript');
    assert.equal(s.text, '\n  b()\n}\nfunction g() {}\nconst z = 1\n');
    assert.equal(s.end, text.length);
    const cut = suffixView(text, text.indexOf('\n'), 20, 'typescript');
    assert.equal(cut.text, '\n  b()\n}\n');
    assert.equal(text.slice(cut.end).startsWith('/**') || text.slice(cut.end).startsWith('function g'), true);
    // The first SUFFIX_VERBATIM_LINES lines after the cursor's line stay as they are.
    const near = 'x\n// one\n// two\n// three\ny\n';
    assert.equal(
      suffixView(near, 1, 1000, 'typescript').text,
      '\n' +
        near
          .split('\n')
          .slice(1, 1 + SUFFIX_VERBATIM_LINES)
          .join('\n') +
        '\ny\n',
    );
    // A language without known comment syntax: verbatim.
    assert.equal(suffixView('a\n// b\nc\n', 1, 1000, 'markdown').text, '\n// b\nc\n');
  });

  it('fits about twice as many functions of a documented file into the prompt, and keeps the comment above the cursor', () => {
    const text = documented(300) + '// next: one more, like f299\n';
    const engine = new ContextEngine({ relativePath: () => 'big.ts', repoName: 'w' });
    const p = engine.build(request(text, text.length), settings).prompt;
    assert.ok(p.length <= settings.contextBudget * 4);
    assert.ok(p.includes('// next: one more, like f299\n'));
    const shown = [...p.matchAll(/export function f(\d+)\(/g)].map((m) => Number(m[1]));
    // Verbatim, the same room holds the last budget / block-size functions.
    const block = documented(1).length;
    const verbatimFit = Math.floor((settings.contextBudget * 4) / block);
    assert.ok(shown.length > 1.6 * verbatimFit, `${shown.length} functions shown; verbatim ${verbatimFit}`);
    assert.ok(!p.includes(`Doc line one for f${shown[0] + 5}.`), 'far JSDoc left out');
    assert.ok(p.includes('Doc line one for f299.'), 'the JSDoc just above the cursor kept');
  });

  it('consecutive keystrokes in a documented file still share a long common prefix', () => {
    const base = documented(300);
    const typed = 'export function f300(a: number): number {\n  return a + 300;\n}\n';
    const engine = new ContextEngine({ relativePath: () => 'big.ts', repoName: 'w' });
    let last: string | undefined;
    const shares: number[] = [];
    for (let i = 0; i <= typed.length; i++) {
      const text = base + typed.slice(0, i);
      const p = engine.build(request(text, text.length), settings).prompt;
      if (last !== undefined) {
        let k = 0;
        while (k < p.length && k < last.length && p[k] === last[k]) k++;
        shares.push(k / p.length);
      }
      last = p;
    }
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    assert.ok(mean >= 0.9, `mean shared prefix ${mean}`);
  });
});
