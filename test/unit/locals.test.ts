/**
 * Local declarations in scope (lang/locals.ts) and their place in the current file's outline
 * (engine.ts ownOutline), on real tree-sitter parses of each language.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ownOutline } from '../../src/core/context/ownOutline';
import { localsInScope, oneLine } from '../../src/core/lang/locals';
import { outlineFromTree } from '../../src/core/lang/outline';
import { parse, preloadAll } from '../../src/core/lang/parser';

/** The locals in scope at the line holding `marker` (its first non-blank character). */
async function localsAt(text: string, languageId: string, marker: string): Promise<string[]> {
  const tree = (await parse(text, languageId))!;
  try {
    const lines = text.split('\n');
    const row = lines.findIndex((l) => l.includes(marker));
    assert.ok(row >= 0, marker);
    return localsInScope(tree.rootNode, languageId, row, lines[row].search(/\S/)).map((l) => l.text);
  } finally {
    tree.delete();
  }
}

describe('lang/locals', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  it('TypeScript: the enclosing blocks’ declarations above the cursor, callback headers; not sibling blocks, not top level', async () => {
    const text = `const topLevel = 1;
export class Streamer {
  run(items: string[]): void {
    const ongoing: Record<number, { toolName: string; hasDiff: boolean }> = {};
    let count = 0;
    if (items.length > 3) {
      const hidden = items[0];
    }
    items.forEach((item, index) => {
      const upper = item.toUpperCase();
      MARK();
      const later = 2;
    });
    const afterwards = 3;
  }
}
`;
    assert.deepEqual(await localsAt(text, 'typescript', 'MARK'), [
      'const ongoing: Record<number, { toolName: string; hasDiff: boolean }> = {};',
      'let count = 0;',
      'items.forEach((item, index) => {',
      'const upper = item.toUpperCase();',
    ]);
    // Top-level code and class bodies are the outline's: nothing there.
    assert.deepEqual(await localsAt(text, 'typescript', 'export class'), []);
  });

  it('a test callback at the top level gets its header; a declared function does not', async () => {
    const text = `describe('x', () => {\n  const server = start();\n  MARK();\n});\nfunction f(a: number) {\n  const b = a;\n  MARK2();\n}\n`;
    assert.deepEqual(await localsAt(text, 'typescript', 'MARK()'), ["describe('x', () => {", 'const server = start();']);
    assert.deepEqual(await localsAt(text, 'typescript', 'MARK2'), ['const b = a;']);
  });

  it('Python, Go (real file), Rust and Java', async () => {
    const py = `import os\nX = 1\ndef handler(request):\n    path = request.path\n    if path:\n        skipped = 1\n    for item in request.items:\n        size = len(item)\n        MARK(size)\n`;
    assert.deepEqual(await localsAt(py, 'python', 'MARK'), ['path = request.path', 'size = len(item)']);

    // Go's context.go (test/fixtures/outline/real): WithDeadlineCause declares `c` before its `propagateCancel`.
    const go = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'outline', 'real', 'context.go'), 'utf8');
    const goLocals = await localsAt(go, 'go', 'dur := time.Until(d)');
    assert.ok(
      goLocals.some((l) => l.startsWith('c := &timerCtx{')),
      goLocals.join('\n'),
    );

    const rs = `fn main() {\n    let config = load();\n    let items: Vec<u32> = Vec::new();\n    items.iter().for_each(|x| {\n        let doubled = x * 2;\n        mark(doubled);\n    });\n}\n`;
    assert.deepEqual(await localsAt(rs, 'rust', 'mark('), ['let config = load();', 'let items: Vec<u32> = Vec::new();', 'items.iter().for_each(|x| {', 'let doubled = x * 2;']);

    const java = `class A {\n  int field = 1;\n  void run() {\n    List<String> names = new ArrayList<>();\n    int total = 0;\n    mark(total);\n  }\n}\n`;
    assert.deepEqual(await localsAt(java, 'java', 'mark('), ['List<String> names = new ArrayList<>();', 'int total = 0;']);
  });

  it('puts a statement on one line; a long one keeps its name and type, not its initializer', () => {
    assert.equal(oneLine('const x = foo({\n  a: 1,\n  b: 2,\n});'), 'const x = foo({ a: 1, b: 2, });');
    const long = `const table: Map<string, number> = new Map([${Array.from({ length: 40 }, (_, i) => `['k${i}', ${i}]`).join(', ')}]);`;
    assert.equal(oneLine(long), 'const table: Map<string, number> = …');
    // A huge initializer is read only as far as its start.
    const huge = `const routes: Record<string, string> = {\n${Array.from({ length: 20000 }, (_, i) => `  r${i}: '/p/${i}',`).join('\n')}\n};`;
    assert.equal(oneLine(huge), 'const routes: Record<string, string> = …');
    const noInit = `let ${'veryLongName'.repeat(500)};`;
    assert.ok(oneLine(noInit).endsWith('…') && oneLine(noInit).length <= 320);
  });

  it('the current file’s outline shows the locals above the window in scope, at their place', async () => {
    const filler = Array.from({ length: 60 }, (_, i) => `    total += ${i};`).join('\n');
    const text = `export function process(input: string[]): number {\n  const registry: Map<string, { seenCount: number }> = new Map();\n  let total = 0;\n${filler}\n  for (const item of input) {\n    total += registry.size;\n  }\n  return total;\n}\n`;
    const tree = (await parse(text, 'typescript'))!;
    const outline = outlineFromTree(tree, text, 'typescript');
    const lines = text.split('\n');
    const row = lines.findIndex((l) => l.includes('total += registry.size'));
    const locals = localsInScope(tree.rootNode, 'typescript', row, 4);
    tree.delete();
    const windowStart = text.indexOf('    total += 50;');
    const belowStart = text.indexOf('  return total;');
    const own = ownOutline(outline, text, windowStart, belowStart, text.slice(windowStart, belowStart), 'typescript', 600, 0, locals)!;
    // The function's signature, then its locals indented as in the file.
    assert.match(own, /function process\(input: string\[\]\): number;\n {2}const registry: Map<string, \{ seenCount: number \}> = new Map\(\);\n {2}let total = 0;/);
    // Without them (as before), the registry's type is not shown.
    assert.ok(!ownOutline(outline, text, windowStart, belowStart, text.slice(windowStart, belowStart), 'typescript', 600, 0)!.includes('seenCount'));
  });
});
