import * as assert from 'node:assert/strict';
import { checkBudget, editBudget } from '../../src/core/edit/budget';
import { applyOps, diffLines, splitLines, toHunks } from '../../src/core/edit/diff';
import { extractProposal } from '../../src/core/edit/extract';
import { unknownNames } from '../../src/core/edit/names';
import { buildEditPrompt } from '../../src/core/edit/prompt';
import { rebaseOver, rebaseRange } from '../../src/core/edit/rebase';
import { ConsistencyFilter } from '../../src/core/filter/consistency';

describe('edit/diff', () => {
  it('finds the changed lines and reproduces the proposal', () => {
    const a = splitLines('a\nb\nc\nd\ne');
    const b = splitLines('a\nB\nc\nd\nx\ne');
    const ops = diffLines(a, b);
    assert.deepEqual(applyOps(ops), b);
    const hunks = toHunks(ops);
    assert.deepEqual(hunks, [
      { aStart: 1, removed: ['b'], bStart: 1, inserted: ['B'] },
      { aStart: 4, removed: [], bStart: 4, inserted: ['x'] },
    ]);
  });

  it('handles empty sides and identical input', () => {
    assert.deepEqual(toHunks(diffLines(['a', 'b'], ['a', 'b'])), []);
    assert.deepEqual(toHunks(diffLines([], ['x'])), [{ aStart: 0, removed: [], bStart: 0, inserted: ['x'] }]);
    assert.deepEqual(toHunks(diffLines(['x', 'y'], [])), [{ aStart: 0, removed: ['x', 'y'], bStart: 0, inserted: [] }]);
  });

  it('is a correct diff on random inputs', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 5).toString();
    for (let k = 0; k < 200; k++) {
      const a = Array.from({ length: 1 + (k % 13) }, rnd);
      const b = Array.from({ length: 1 + ((k * 7) % 11) }, rnd);
      const ops = diffLines(a, b);
      assert.deepEqual(applyOps(ops), b);
      assert.deepEqual(
        ops.filter((o) => o.kind !== 'insert').flatMap((o) => o.lines),
        a,
      );
    }
  });
});

describe('edit/rebase', () => {
  const r = { start: 10, end: 20 };
  it('shifts the range for a change before it and ignores one after it', () => {
    assert.deepEqual(rebaseRange(r, [{ offset: 2, length: 3, text: 'abcdef' }]), { ok: true, range: { start: 13, end: 23 } });
    assert.deepEqual(rebaseRange(r, [{ offset: 25, length: 0, text: 'zz' }]), { ok: true, range: r });
    assert.deepEqual(rebaseOver(r, [[{ offset: 0, length: 0, text: 'x' }], [{ offset: 0, length: 2, text: '' }]]), { ok: true, range: { start: 9, end: 19 } });
  });
  it('refuses a change inside or touching the range', () => {
    assert.equal(rebaseRange(r, [{ offset: 12, length: 1, text: 'q' }]).ok, false);
    assert.equal(rebaseRange(r, [{ offset: 20, length: 0, text: 'q' }]).ok, false);
    assert.equal(rebaseRange(r, [{ offset: 8, length: 2, text: '' }]).ok, false);
    assert.equal(rebaseRange(r, [{ offset: 0, length: 30, text: '' }]).ok, false);
  });
});

describe('edit/extract', () => {
  const original = '  return a + b;';
  it('strips fences and the explanation around them', () => {
    const answer = "Sure! Here's the updated code:\n\n```ts\n  return a - b;\n```\n\nThis subtracts b from a.";
    const e = extractProposal(answer, original);
    assert.equal(e.text, '  return a - b;');
    assert.ok(e.stripped.includes('fence'));
  });
  it('strips prose without fences, and think blocks', () => {
    const e = extractProposal('<think>hmm</think>Here is the updated function:\n  return a - b;\n\nThe change fixes the sign.', original);
    assert.equal(e.text, '  return a - b;');
    assert.deepEqual(e.stripped.sort(), ['prose-after', 'prose-before', 'think']);
  });
  it('keeps code lines that start like prose', () => {
    const py = 'note = compute(x)\nthis_value = note';
    assert.equal(extractProposal(py, 'note = 1').text, py);
  });
  it('puts back the base indentation a model dropped, and the line endings', () => {
    const orig = '    if (x) {\r\n      y();\r\n    }';
    const e = extractProposal('```\nif (x) {\n  z();\n}\n```', orig);
    assert.equal(e.text, '    if (x) {\r\n      z();\r\n    }');
  });
  it('takes an unclosed fence to the end (a cut stream)', () => {
    assert.equal(extractProposal('```python\ndef f():\n    return 1', 'def f():\n    pass').text, 'def f():\n    return 1');
  });
  it('keeps the final newline as the original has it', () => {
    assert.equal(extractProposal('x = 2\n\n', 'x = 1').text, 'x = 2');
    assert.equal(extractProposal('x = 2', 'x = 1\n').text, 'x = 2\n');
  });
});

describe('edit/budget and prompt', () => {
  it('refuses a region over half the edit budget with a clear message', () => {
    const b = editBudget(2048, 100);
    assert.equal(b.totalChars, 2048 * 4 * 4);
    assert.equal(checkBudget(2048, b.regionChars).ok, true);
    const c = checkBudget(2048, b.regionChars + 1);
    assert.equal(c.ok, false);
    if (!c.ok) assert.match(c.message, /too large.*16,385 characters.*Nothing was sent/);
  });

  it('sends the region, the code around it, the outline and the instruction as chat messages', () => {
    const text = 'import { z } from "./z";\n\nfunction add(a: number, b: number) {\n  return a + b;\n}\n\nexport const k = add(1, 2);\n';
    const start = text.indexOf('  return');
    const range = { start, end: text.indexOf('\n', start) };
    const p = buildEditPrompt({
      languageId: 'typescript',
      path: 'src/a.ts',
      text,
      range,
      instruction: 'subtract instead',
      outline: 'function add\nconst k',
      budget: editBudget(2048, range.end - range.start),
    });
    assert.equal(p.messages?.length, 2);
    const user = p.messages![1].content;
    assert.match(user, /File: src\/a\.ts \(typescript\)/);
    assert.match(user, /Outline of the file:\nfunction add\nconst k/);
    assert.match(user, /Region to rewrite:\n```typescript\n  return a \+ b;\n```/);
    assert.match(user, /Code before the region:\n```typescript\nimport \{ z \}[\s\S]*function add\(a: number, b: number\) \{\n```/);
    assert.match(user, /Code after the region:\n```typescript\n\}\n\nexport const k/);
    assert.match(user, /Instruction: subtract instead$/);
  });

  it("includes the context engine's related code under its paths, within the budget", () => {
    const text = 'const v = pick(items);\n';
    const range = { start: 0, end: text.length - 1 };
    const related = [
      { path: 'src/pick.ts', text: 'export function pick<T>(xs: T[]): T;', reason: 'definition' },
      { path: 'src/huge.ts', text: 'x'.repeat(50_000), reason: 'same folder' },
    ];
    const p = buildEditPrompt({ languageId: 'typescript', path: 'src/a.ts', text, range, instruction: 'use the first item', related, budget: editBudget(2048, range.end) });
    const user = p.messages![1].content;
    assert.match(user, /Related code from other files:\nsrc\/pick\.ts:\n```typescript\nexport function pick<T>\(xs: T\[\]\): T;\n```/);
    assert.ok(!user.includes('src/huge.ts'), 'a snippet over the budget was sent');
    assert.ok(p.prompt.length <= 2048 * 4, `prompt ${p.prompt.length} chars`);
  });

  it('keeps the prompt within the budget for a large file, nearest code first', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `const v${i} = ${i};`);
    const text = lines.join('\n');
    const start = text.indexOf('const v2500 ');
    const range = { start, end: text.indexOf('\n', start) };
    const p = buildEditPrompt({ languageId: 'typescript', path: 'a.ts', text, range, instruction: 'x', budget: editBudget(512, 20) });
    const total = p.messages!.reduce((n, m) => n + m.content.length, 0);
    assert.ok(total <= 512 * 16, `prompt ${total} chars`);
    assert.match(p.messages![1].content, /const v2499 = 2499;\n```\n\nRegion/);
    assert.match(p.messages![1].content, /after the region \(nearest part\):\n```typescript\nconst v2501 = 2501;/);
  });

  it('puts earlier rounds in the conversation for Refine', () => {
    const text = 'x = 1\n';
    const p = buildEditPrompt({
      languageId: 'python',
      path: 'a.py',
      text,
      range: { start: 0, end: 5 },
      instruction: 'and add a comment',
      history: [{ instruction: 'make it 2', proposal: 'x = 2' }],
      budget: editBudget(2048, 5),
    });
    const roles = p.messages!.map((m) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'user']);
    assert.match(p.messages![1].content, /Instruction: make it 2/);
    assert.match(p.messages![2].content, /x = 2/);
    assert.match(p.messages![3].content, /and add a comment/);
  });
});

describe('edit/names (real consistency filter)', () => {
  const filter = new ConsistencyFilter();
  const before = 'import { parseConfig } from "./config";\n\nfunction load(path: string) {\n';
  const original = '  return parseConfig(path);';
  const after = '\n}\n';
  const ctx = { before, original, after, languageId: 'typescript' };

  it('reports nothing when every name is known or declared by the proposal', () => {
    const proposal = '  const cfg = parseConfig(path);\n  return cfg;';
    assert.deepEqual(unknownNames(filter, proposal, ctx), []);
  });

  it('lists every invented name with its line and column, and does not change the proposal', () => {
    const proposal = '  const cfg = parseConfig(path);\n  validateSchema(cfg);\n  return normalizeKeys(cfg);';
    const names = unknownNames(filter, proposal, ctx);
    assert.deepEqual(names, [
      { name: 'validateSchema', line: 1, character: 2 },
      { name: 'normalizeKeys', line: 2, character: 9 },
    ]);
  });

  it('does not flag a helper the proposal defines below its first use', () => {
    const proposal = '  return helper(path);\n  function helper(p: string) { return parseConfig(p); }';
    assert.deepEqual(unknownNames(filter, proposal, ctx), []);
  });
});
