/**
 * Cross-file recall causes fixed in the context engine (issue 7, round 3), on real tree-sitter
 * parses of small workspaces written to a temp folder: union type aliases keep their values, the
 * parameter type of a call opened above the cursor, private members left out of other files'
 * classes, import/export lists offered the module's next declarations, similar-code windows shown
 * with their continuation.
 */
import * as assert from 'node:assert/strict';
import { requestAt } from './support';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULTS } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { continuationOf, windowText } from '../../src/core/context/similar';
import { indexWorkspace } from '../../src/core/workspace/indexer';
import { enclosingCall } from '../../src/core/context/cursorTargets';
import { enclosingList } from '../../src/core/context/importLists';
import { clipLines, relatedItems, withoutPrivateMembers } from '../../src/core/context/related';
import { SymbolIndex } from '../../src/core/workspace/symbolIndex';
import { makeHoleDocument } from '../../src/core/eval/holes';
import { outlineFromTree, renderSymbol } from '../../src/core/lang/outline';
import { preloadAll, TreeCache } from '../../src/core/lang/parser';

const FORMATS = [
  'email',
  'url',
  'emoji',
  'uuid',
  'guid',
  'nanoid',
  'cuid',
  'cuid2',
  'ulid',
  'xid',
  'ksuid',
  'datetime',
  'date',
  'time',
  'duration',
  'ipv4',
  'ipv6',
  'cidrv4',
  'cidrv6',
  'base64',
  'base64url',
  'json_string',
  'e164',
  'jwt',
];

const FILES: Record<string, string> = {
  'core/checks.ts': `export type StringFormats =\n${FORMATS.map((f) => `  | "${f}"`).join('\n')};\n`,
  'core/indexer.ts': `export interface Index { size: number }
export interface IndexBuildOptions {
  cancelled?: () => boolean;
  onProgress?: (p: { done: number; total: number }) => void;
  maxFiles?: number;
}
export async function indexWorkspace(index: Index, root: string, opts: IndexBuildOptions = {}): Promise<number> {
  return opts.maxFiles ?? index.size + root.length;
}
`,
  'core/engine.ts': `export class Engine {
  private readonly cache = new Map<string, string>();
  #secret = 1;
  private rebuild(): void {}
  build(text: string): string { return text; }
  forget(uri: string): void { this.cache.delete(uri); }
}
`,
  'core/api.ts': `export function alpha(): number { return 1; }
export function beta(): number { return 2; }
export function gamma(): number { return 3; }
export function delta(): number { return 4; }
export function epsilon(): number { return 5; }
`,
  'core/index.ts': 'export * from "./api.js";\n',
};

const WORKER = `import { indexWorkspace, type Index } from "./core/indexer.js";

export async function start(index: Index, root: string): Promise<void> {
  let last = 0;
  const n = await indexWorkspace(index, root, {
    cancelled: () => false,
    onProgress: ({ done, total }) => {
      last = done / total;
    },
  });
  console.log(n, last);
}
`;

const BARREL = `export {
  alpha,
  beta,
  delta,
} from "./core/index.js";
`;

describe('context/related: recall causes (real parses)', () => {
  let root: string;
  let index: SymbolIndex;
  const trees = new TreeCache(4);
  before(async function () {
    this.timeout(60000);
    await preloadAll();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-recall-'));
    fs.mkdirSync(path.join(root, 'core'));
    for (const [p, t] of Object.entries(FILES)) fs.writeFileSync(path.join(root, p), t);
    fs.writeFileSync(path.join(root, 'worker.ts'), WORKER);
    fs.writeFileSync(path.join(root, 'barrel.ts'), BARREL);
    index = new SymbolIndex({ root });
    await indexWorkspace(index, root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  function hole(file: string, text: string, lineText: string, character: number) {
    const line = text.split('\n').findIndex((l) => l.includes(lineText));
    const h = makeHoleDocument(text, line, character);
    const outline = outlineFromTree(trees.get(file, h.text, 'typescript')!, h.text, 'typescript');
    index.setOutline(file, h.text, 'typescript', outline);
    return { h, line, outline, linePrefix: h.text.slice(h.text.lastIndexOf('\n', h.offset - 1) + 1, h.offset) };
  }

  it('keeps every value of a long union type alias in its outline signature (was cut at 240 characters)', () => {
    const d = index.declarations('StringFormats')[0];
    assert.ok(d, 'declared');
    assert.ok(d.symbol.signature.length > 240, d.symbol.signature);
    for (const f of ['json_string', 'e164', 'jwt']) assert.ok(d.symbol.signature.includes(`"${f}"`), f);
    // A rendering cap still cuts such a one-line signature, at a character, not to nothing.
    const clipped = clipLines(renderSymbol(d.symbol, 'typescript'), 120);
    assert.ok(clipped.startsWith('type StringFormats = | "email"') && clipped.length <= 120, clipped);
  });

  it('finds the call the cursor is an argument of across lines, and ranks that parameter’s type first', () => {
    const { h, line, outline, linePrefix } = hole('worker.ts', WORKER, 'onProgress: ({ done', 4);
    assert.deepEqual(enclosingCall(h.text, line, linePrefix), { callee: 'indexWorkspace', argIndex: 2 });
    // Inside a block (a function body), not an argument: no call.
    const inBody = WORKER.split('\n').findIndex((l) => l.includes('last = done / total'));
    assert.equal(enclosingCall(WORKER, inBody, '      '), undefined);
    // A call opened on the cursor line is left to cursorTargets (it changes as the line is typed).
    assert.equal(enclosingCall(h.text, line, '    onProgress: wrap('), undefined);
    const items = relatedItems({ index, currentPath: 'worker.ts', languageId: 'typescript', text: h.text, cursorLine: line, linePrefix, outline });
    const opts = items.findIndex((i) => i.key.split('#')[1] === 'IndexBuildOptions');
    assert.ok(opts >= 0 && opts < 3, items.map((i) => `${i.key} ${i.score.toFixed(2)}`).join(', '));
    assert.match(items[opts].text, /onProgress\?: \(p: \{ done: number; total: number \}\) => void;/);
    assert.match(items[opts].text, /maxFiles\?: number;/);
  });

  it('renders another file’s class without its private members', () => {
    const d = index.declarations('Engine').find((x) => !x.container)!;
    const text = renderSymbol(withoutPrivateMembers(d.symbol, 'typescript'), 'typescript');
    assert.match(text, /build\(text: string\): string;/);
    assert.match(text, /forget\(uri: string\): void;/);
    assert.ok(!/cache|#secret|rebuild/.test(text), text);
    // Python keeps `_x` members (a convention, not an access rule).
    assert.equal(withoutPrivateMembers(d.symbol, 'python'), d.symbol);
  });

  it('offers, inside an export list, the module’s next declaration the list does not name yet', () => {
    const { h, line, outline, linePrefix } = hole('barrel.ts', BARREL, '  delta,', 0);
    // The hole removed `delta,`: the list now names alpha, beta before the cursor and nothing after.
    const list = enclosingList(h.text, line, linePrefix);
    assert.deepEqual(list, { module: './core/index.js', before: ['alpha', 'beta'], after: [] });
    const items = relatedItems({ index, currentPath: 'barrel.ts', languageId: 'typescript', text: h.text, cursorLine: line, linePrefix, outline });
    const offered = items.filter((i) => i.reason === 'module exports').map((i) => i.key.split('#')[1]);
    // Right after `beta` in the module's declaration order: gamma, then delta; alpha/beta are listed already.
    assert.deepEqual(offered.slice(0, 2), ['gamma', 'delta'], offered.join(','));
    assert.ok(!offered.includes('alpha') && !offered.includes('beta'));
    // Not in a list: nothing offered.
    assert.equal(enclosingList(WORKER, 4, '  '), undefined);
  });

  /** Related items at the `epsilon,` line of an import list from `module`, in a file that uses alpha and epsilon and declares beta. */
  const importListItems = (file: string, module: string) => {
    const user = `import {\n  alpha,\n  epsilon,\n} from "${module}";\n\nexport const sum = alpha() + epsilon();\nconst beta = 2;\nexport const twice = beta * 2;\n`;
    fs.writeFileSync(path.join(root, file), user);
    const { h, line, outline, linePrefix } = hole(file, user, '  epsilon,', 0);
    return relatedItems({ index, currentPath: file, languageId: 'typescript', text: h.text, cursorLine: line, linePrefix, outline });
  };

  it('offers first, inside an import list, what the module exports and the file uses without importing it', () => {
    const items = importListItems('user.ts', './core/index.js');
    const offered = items.map((i) => i.key.split('#')[1]);
    // epsilon is used below and bound by nothing: first, ahead of alpha (imported by name, used as
    // often) and of what the list's order alone offers (beta, gamma after alpha).
    assert.equal(offered[0], 'epsilon', offered.join(','));
  });

  it('offers, inside an import list from a module the index cannot resolve, the workspace’s exports the file uses unbound', () => {
    // A package importing itself by name (no tsconfig paths here): `my-pkg/core` maps to no file.
    const items = importListItems('pkgUser.ts', 'my-pkg/core');
    const offered = items.map((i) => i.key.split('#')[1]);
    // epsilon: used, bound by nothing, exported by a workspace file, first; beta is the file's own, alpha is imported.
    assert.equal(offered[0], 'epsilon', items.map((i) => `${i.key} ${i.score.toFixed(2)}`).join(', '));
    const score = (n: string) => items.find((i) => i.key.split('#')[1] === n)!.score;
    assert.ok(score('epsilon') > 2 * score('alpha'), items.map((i) => `${i.key} ${i.score.toFixed(2)}`).join(', '));
  });
});

describe('context/engine: similar-code windows with their continuation', () => {
  it('moves a matched window down by the given lines, clamped to the file, keeping its length', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i}`);
    assert.deepEqual(continuationOf(lines, 5, 25, 10), { text: lines.slice(10, 30).join('\n'), startLine: 10, endLine: 30 });
    assert.deepEqual(continuationOf(lines, 0, 20, 10), { text: lines.slice(10, 30).join('\n'), startLine: 10, endLine: 30 });
    assert.deepEqual(continuationOf(lines.slice(0, 12), 0, 12, 10), { text: lines.slice(0, 12).join('\n'), startLine: 0, endLine: 12 });
  });

  it('shows a window without blank and comment lines and without the indentation all its lines share', () => {
    const lines = ['class A {', '  run() {', '    // step one', '    if (ok) {', '', '      go();', '    }', '  }', '}'];
    assert.equal(windowText(lines, 3, 7, 'typescript'), 'if (ok) {\n  go();\n}');
    // A line at the left edge: nothing to take off.
    assert.equal(windowText(lines, 6, 9, 'typescript'), '    }\n  }\n}');
    // Python keeps its relative indentation.
    assert.equal(windowText(['    def f(self):', '        return 1'], 0, 2, 'python'), 'def f(self):\n    return 1');
  });

  it('shows the lines that follow code like the code above the cursor in a sibling file', async function () {
    this.timeout(60000);
    await preloadAll();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-recall-win-'));
    try {
      // Two locale-like files with the same shape; the sibling's next line uses a name the current file never mentions.
      const body = (words: string[], last: string) =>
        `export function messages(issue: { code: string; expected: string }): string {\n  switch (issue.code) {\n${words
          .map((w) => `    case "${w}":\n      return "${w} ${w}";`)
          .join('\n')}\n    case "invalid_format": {\n      const _issue = issue as unknown as FormatIssue;\n      return ${last};\n    }\n  }\n  return "";\n}\n`;
      const words = ['too_big', 'too_small', 'not_multiple', 'unrecognized', 'invalid_key', 'invalid_union', 'invalid_element', 'invalid_value'];
      fs.writeFileSync(path.join(root, 'types.ts'), 'export interface FormatIssue { format: string }\n');
      fs.writeFileSync(path.join(root, 'de.ts'), 'import type { FormatIssue } from "./types.js";\n' + body(words, '_issue.format'));
      const current = 'import type { FormatIssue } from "./types.js";\n' + body(words, '"x"');
      fs.writeFileSync(path.join(root, 'fr.ts'), current);
      const index = new SymbolIndex({ root });
      await indexWorkspace(index, root);
      const line = current.split('\n').findIndex((l) => l.includes('const _issue'));
      const h = makeHoleDocument(current, line, 6);
      assert.ok(!h.text.includes('_issue'));
      const abs = path.join(root, 'fr.ts');
      const engine = new ContextEngine({ relativePath: () => 'fr.ts', repoName: 'ws', index });
      const p = engine.build(requestAt(h.text, h.offset, { uri: abs, fsPath: abs }), { ...DEFAULTS, model: '', contextBudget: 2048 });
      const win = p.snippets.find((s) => s.path === 'de.ts');
      assert.ok(win, p.snippets.map((s) => `${s.path} ${s.reason}`).join(','));
      assert.match(win!.text, /const _issue = issue as unknown as FormatIssue;/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
