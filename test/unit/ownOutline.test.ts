/**
 * The current file's own outline (engine.ts ownOutline, ownImports.ts), on real tree-sitter parses.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULTS } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { ownOutline } from '../../src/core/context/ownOutline';
import { importStatementAt, importWithout } from '../../src/core/context/ownImports';
import { SymbolIndex } from '../../src/core/workspace/symbolIndex';
import { outlineFromTree } from '../../src/core/lang/outline';
import { parse, preloadAll } from '../../src/core/lang/parser';
import { requestAt } from './support';

describe('context/ownImports', () => {
  it('puts a multi-line import on one line, comments dropped', () => {
    const lines = ['import {', '  type IssueData, // the issue', '  ZodError,', '  /* legacy */ ZodIssueCode,', '} from "./ZodError.js";', 'import { a } from "./a";'];
    assert.deepEqual(importStatementAt(lines, 0, 10, 'typescript'), { text: 'import { type IssueData, ZodError, ZodIssueCode } from "./ZodError.js";', end: 4 });
    assert.deepEqual(importStatementAt(lines, 5, 10, 'typescript'), { text: 'import { a } from "./a";', end: 5 });
    // `import {` alone is not a whole statement (it was rendered as a bare `import {` before).
    assert.equal(importStatementAt(['import {', '  x,', '} from "y";'], 0, 0, 'typescript').text, 'import {');
    assert.equal(
      importStatementAt(['from .events import (', '    AbstractEventLoop,  # base', '    Handle,', ')'], 0, 9, 'python').text,
      'from .events import ( AbstractEventLoop, Handle )',
    );
    assert.equal(importStatementAt(['import (', '\t"fmt"', '\tio "io/fs"', ')'], 0, 9, 'go').text, 'import ( "fmt"; io "io/fs" )');
    assert.equal(importStatementAt(['use std::{', '    io,', '    sync::Arc,', '};'], 0, 9, 'rust').text, 'use std::{ io, sync::Arc };');
  });

  it('leaves out names the window shows, clips with …, drops a statement with nothing left', () => {
    const stmt = 'import { type IssueData, ZodError, ZodIssueCode as Code, makeIssue } from "./ZodError.js";';
    assert.equal(importWithout(stmt, new Set(['ZodError']), 200, 'typescript'), 'import { type IssueData, ZodIssueCode as Code, makeIssue, … } from "./ZodError.js";');
    assert.equal(importWithout(stmt, new Set(), 60, 'typescript'), 'import { type IssueData, ZodError, … } from "./ZodError.js";');
    assert.equal(importWithout(stmt, new Set(['IssueData', 'ZodError', 'Code', 'makeIssue']), 200, 'typescript'), undefined);
    assert.equal(importWithout('import * as core from "./core";', new Set(['core']), 200, 'typescript'), 'import * as core from "./core";');
    assert.equal(importWithout('from .events import AbstractEventLoop, Handle', new Set(['Handle']), 200, 'python'), 'from .events import AbstractEventLoop, …');
  });
});

describe('context/engine: the current file’s own outline', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  const header = `import {
  alphaHelper,
  betaHelper,
  gammaHelper,
  deltaHelper,
} from "./helpers";
import { single } from "./single";

export function first(x: number): number {
  return alphaHelper(x);
}
`;
  const body = Array.from({ length: 120 }, (_, i) => `export function filler${i}(x: number): number {\n  return x + ${i};\n}\n`).join('');
  const tail = `
export function middle(x: number): number {
  const y = betaHelper(x);
  return y;
}
${Array.from({ length: 30 }, (_, i) => `export function after${i}(x: number): number {\n  return x * ${i};\n}\n`).join('')}
export function tailHelper(value: number, label: string): string {
  return label + value;
}
`;
  const text = header + body + tail;

  it('shows multi-line imports on one line with the names the window does not show, and declarations below the suffix', async () => {
    const tree = (await parse(text, 'typescript'))!;
    const outline = outlineFromTree(tree, text, 'typescript');
    const at = text.indexOf('  return y;');
    const windowStart = text.lastIndexOf('export function filler100');
    const belowStart = text.indexOf('export function after3(');
    const shown = text.slice(windowStart, belowStart);
    const own = ownOutline(outline, text, windowStart, belowStart, shown, 'typescript', 1200)!;
    const lines = own.split('\n');
    // betaHelper is in the window: left out; the others are named.
    assert.equal(lines[0], 'import { alphaHelper, gammaHelper, deltaHelper, … } from "./helpers";');
    assert.equal(lines[1], 'import { single } from "./single";');
    assert.ok(!lines.includes('import {'), own);
    assert.ok(at > windowStart);
    // Declarations on both sides of the window, in file order: the nearest above, then below the suffix.
    assert.match(own, /function filler99\(x: number\): number;\n(.|\n)*function after3\(x: number\): number;/);
    assert.ok(own.indexOf('filler99') < own.indexOf('after3'));
    assert.ok(own.length <= 1200);
  });

  it('with little room, keeps imported names the file uses nowhere else: in clipped lists, and whole statements first', async () => {
    const imports =
      'import { usedOne, usedTwo, usedThree, usedFour, freshName, usedFive } from "./a-module-with-a-long-path";\n' +
      'import { usedSix, usedSeven } from "./b";\n' +
      'import { loneFresh } from "./c-another-module-with-a-long-path";\n';
    const uses = 'export function top(): number {\n  return usedOne + usedTwo + usedThree + usedFour + usedFive + usedSix + usedSeven;\n}\n';
    const src = imports + uses + body + tail;
    const tree = (await parse(src, 'typescript'))!;
    const outline = outlineFromTree(tree, src, 'typescript');
    const windowStart = src.lastIndexOf('export function filler100');
    const belowStart = src.indexOf('export function after3(');
    const own = ownOutline(outline, src, windowStart, belowStart, src.slice(windowStart, belowStart), 'typescript', 260)!;
    const lines = own.split('\n');
    // Half of 260 for imports: not every statement fits; the ones naming unused imports do, and
    // the clipped list keeps `freshName` (file order all the same).
    assert.ok(lines.includes('import { loneFresh } from "./c-another-module-with-a-long-path";'), own);
    const a = lines.find((l) => l.includes('./a-module-with-a-long-path'));
    assert.ok(a && a.includes('freshName') && a.includes('…'), own);
    assert.ok(a!.indexOf('freshName') > a!.indexOf('{ ') && !lines.some((l) => l.includes('"./b"')), own);
    // The same file with every import used: file order decides what a clipped list keeps.
    const usedAll = imports + uses.replace('usedSeven;', 'usedSeven + freshName + loneFresh;') + body + tail;
    const tree2 = (await parse(usedAll, 'typescript'))!;
    const ws2 = usedAll.lastIndexOf('export function filler100');
    const bs2 = usedAll.indexOf('export function after3(');
    const own2 = ownOutline(outlineFromTree(tree2, usedAll, 'typescript'), usedAll, ws2, bs2, usedAll.slice(ws2, bs2), 'typescript', 260)!;
    assert.ok(!own2.includes('freshName'), own2);
  });

  it('with little room, shows first a declaration of its own nothing else in the file refers to (a helper about to be called)', async () => {
    const build = async (src: string) => {
      const tree = (await parse(src, 'typescript'))!;
      const ws = src.lastIndexOf('export function filler100');
      const bs = src.indexOf('export function after3(');
      return ownOutline(outlineFromTree(tree, src, 'typescript'), src, ws, bs, src.slice(ws, bs), 'typescript', 300)!;
    };
    const helper = 'function normalizeLabel(label: string): string {\n  return label.trim();\n}\n';
    const own = await build(helper + body + tail);
    assert.ok(own.includes('function normalizeLabel(label: string): string'), own);
    assert.ok(own.includes('filler99'), 'the nearest declarations still get the rest of the room');
    // Called somewhere in the file already: distance decides, and it is too far.
    const called = await build(helper + body.replace('return x + 5;', 'return x + normalizeLabel("5").length;') + tail);
    assert.ok(!called.includes('normalizeLabel(label'), called);
    // Exported (others may call it): distance decides too.
    assert.ok(!(await build('export ' + helper + body + tail)).includes('normalizeLabel(label'));
  });

  it('shows the code right after the suffix verbatim, in file order, then declarations further below', async () => {
    const tree = (await parse(text, 'typescript'))!;
    const outline = outlineFromTree(tree, text, 'typescript');
    const windowStart = text.lastIndexOf('export function filler100');
    const belowStart = text.indexOf('export function after3(');
    const own = ownOutline(outline, text, windowStart, belowStart, text.slice(windowStart, belowStart), 'typescript', 4000, 200)!;
    // Whole lines from the suffix's end, bodies included, within 200 characters.
    const code = text.slice(belowStart, text.indexOf('export function after5('));
    assert.ok(own.includes(code), own);
    assert.ok(code.length <= 200 && code.includes('return x * 4;'));
    // The declarations above the window come before it, in file order.
    assert.ok(own.indexOf('filler99') >= 0 && own.indexOf('filler99') < own.indexOf('export function after3('));
    assert.ok(!/function after3\(x: number\): number;/.test(own), 'after3 shown twice');
    assert.ok(own.length <= 4000);
  });

  it('a prompt whose prefix reaches the top of the file shows the code below the suffix in the room the related part leaves', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-own-'));
    try {
      const short =
        'export function first(a: number): number {\n  \n}\n' +
        Array.from({ length: 40 }, (_, i) => `export function below${i}(x: number): number {\n  return peculiarName${i}(x);\n}\n`).join('');
      fs.writeFileSync(path.join(root, 'main.ts'), short);
      const index = new SymbolIndex({ root });
      const abs = path.join(root, 'main.ts');
      const engine = new ContextEngine({ relativePath: () => 'main.ts', repoName: 'ws', index });
      const offset = short.indexOf('  \n}') + 2;
      const p = engine.build(requestAt(short, offset, { uri: abs, fsPath: abs }), { ...DEFAULTS, model: '', contextBudget: 2048 });
      assert.equal(p.prefix, short.slice(0, offset));
      // The 5 % suffix ends within the first functions; the lines after it are in the outline snippet, verbatim.
      const after = short.slice(offset + p.suffixText.length);
      assert.ok(after.length > 1000 && p.suffixText.length < 500);
      const own = p.snippets.find((s) => s.reason === 'current file outline');
      assert.ok(own, p.snippets.map((s) => s.reason).join(','));
      const firstLines = after.split('\n').slice(0, 6).join('\n');
      assert.ok(own.text.startsWith(firstLines), own.text);
      assert.ok(p.prompt.length + (p.suffix?.length ?? 0) <= 2048 * 4);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('the code below stays the same while the person types (the room it gets moves in buckets)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-own-'));
    try {
      // A prefix that nearly fills the budget: what the related part leaves shrinks with every character typed.
      const head = 'export function first(a: number): number {\n' + Array.from({ length: 110 }, (_, i) => `  const value${i} = a * ${i} + ${i};\n`).join('');
      const rest = '  return a;\n}\n' + Array.from({ length: 40 }, (_, i) => `export function below${i}(x: number): number {\n  return peculiarName${i}(x);\n}\n`).join('');
      const abs = path.join(root, 'main.ts');
      fs.writeFileSync(abs, head + rest);
      const index = new SymbolIndex({ root });
      const engine = new ContextEngine({ relativePath: () => 'main.ts', repoName: 'ws', index });
      const typed = '  const total = value1 + value2 + value3 + value4 + value5 + value6 + value7 + value8;';
      const before: string[] = [];
      for (let k = 0; k <= typed.length; k++) {
        const text = head + typed.slice(0, k) + '\n' + rest;
        const p = engine.build(requestAt(text, head.length + k, { uri: abs, fsPath: abs }), { ...DEFAULTS, model: '', contextBudget: 1024 });
        assert.ok(p.prompt.includes(p.prefix));
        before.push(p.prompt.slice(0, p.prompt.indexOf(p.prefix)));
      }
      assert.ok(head.length > 2800 && head.length < 3584, String(head.length));
      assert.equal(new Set(before).size, 1, 'the part before the prefix changed while typing');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('puts it into the prompt when the window does not reach the top of the file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-own-'));
    try {
      fs.writeFileSync(path.join(root, 'main.ts'), text);
      fs.writeFileSync(path.join(root, 'helpers.ts'), 'export function alphaHelper(x: number): number { return x; }\n');
      const index = new SymbolIndex({ root });
      const abs = path.join(root, 'main.ts');
      const engine = new ContextEngine({ relativePath: () => 'main.ts', repoName: 'ws', index });
      const offset = text.indexOf('  return y;');
      const p = engine.build(requestAt(text, offset, { uri: abs, fsPath: abs }), { ...DEFAULTS, model: '', contextBudget: 512 });
      const own = p.snippets.find((s) => s.reason === 'current file outline');
      assert.ok(own, p.snippets.map((s) => s.reason).join(','));
      assert.match(own!.text, /^import \{ alphaHelper, gammaHelper, deltaHelper, … \} from "\.\/helpers";$/m);
      assert.ok(!/^import \{$/m.test(own!.text), own!.text);
      assert.match(p.prompt, /gammaHelper/);
      assert.ok(!p.prefix.includes('gammaHelper'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
