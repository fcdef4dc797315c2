import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidateLines, isSampleableSource, makeHoleDocument, sampleHoles } from '../../src/core/eval/holes';
import { codeMask, declaredNames, identifiersOf, targetIdentifiers } from '../../src/core/eval/identifiers';
import { listWorkspaceFiles } from '../../src/core/context/workspaceFiles';

describe('eval/identifiers', () => {
  it('drops strings, comments and keywords', () => {
    assert.deepEqual(identifiersOf('const user = await fetchUser("id x") // load it', 'typescript'), ['user', 'fetchUser']);
    assert.deepEqual(identifiersOf("return self.cache.get(key, 'default')  # hit", 'python'), ['cache', 'get', 'key']);
  });
  it('does not read the letters of number literals as names', () => {
    assert.deepEqual(identifiersOf('mask = 0x1f + 1e5 + 10n + x2', 'typescript'), ['mask', 'x2']);
    assert.deepEqual(identifiersOf('t1, b := bits.Sub64(s[1], 0xbce6faada7179e84, b)', 'go'), ['t1', 'b', 'bits', 'Sub64', 's', 'b']);
  });
  it('target identifiers exclude what the ground truth declares', () => {
    assert.deepEqual(targetIdentifiers('const total = items.reduce(sum, 0);', 'typescript'), ['items', 'reduce', 'sum']);
    assert.deepEqual([...declaredNames('a, b := parse(x)', 'go')].sort(), ['a', 'b']);
  });
});

describe('eval/identifiers codeMask', () => {
  const ids = (code: string, from: string, languageId = 'typescript') => {
    const start = code.indexOf(from);
    const end = code.indexOf('\n', start) < 0 ? code.length : code.indexOf('\n', start);
    return targetIdentifiers(codeMask(code, languageId).slice(start, end), languageId);
  };
  it('keeps offsets and line breaks', () => {
    const code = 'const a = "x y"; // z\n/* q\n r */ b(`t\n u`);\n';
    const m = codeMask(code, 'typescript');
    assert.equal(m.length, code.length);
    assert.equal(m.split('\n').length, code.split('\n').length);
    assert.deepEqual(identifiersOf(m, 'typescript'), ['a', 'b']);
  });
  it('reads a line that continues a template literal as the string it is', () => {
    const code = 'throw new Error(`Failed to handle ${x}:\n  Consider naming this operation`, cause)\n';
    assert.deepEqual(ids(code, 'Consider'), ['cause']);
    // Read alone, the same line looked like code.
    assert.ok(targetIdentifiers('Consider naming this operation`, cause)', 'typescript').includes('naming'));
  });
  it('blanks regular expression literals, not divisions', () => {
    assert.deepEqual(ids('return /\\.(s?css|less)$/i.test(url.pathname)\n', 'return'), ['test', 'url', 'pathname']);
    assert.deepEqual(ids('x = a.replace(/\\r\\n$/, "")\n', 'x ='), ['x', 'a', 'replace']);
    assert.deepEqual(ids('const r = total / count / scale\n', 'const'), ['total', 'count', 'scale']);
    assert.deepEqual(ids('const ok = [/[/]x/g, y]\n', 'const'), ['y']);
    // A quote inside a regular expression does not open a string.
    assert.deepEqual(ids("if (/['\"]/.test(s)) run(s, `x`)\n", 'if'), ['test', 's', 'run']);
    // JSX closing tags are not regular expressions.
    assert.deepEqual(ids('<b>{name}</b>\n', '<b>', 'typescriptreact'), ['b', 'name']);
  });
  it('leaves other languages\' slashes alone', () => {
    assert.deepEqual(ids('ratio = (a / b) / c  # note\n', 'ratio', 'python'), ['a', 'b', 'c']);
  });
});

describe('eval/holes', () => {
  it('removes the rest of the line and keeps the line break', () => {
    const h = makeHoleDocument('a\n  foo(bar);\nb\n', 1, 2);
    assert.equal(h.text, 'a\n  \nb\n');
    assert.equal(h.groundTruth, 'foo(bar);');
    assert.equal(h.offset, 4);
  });
  it('skips blank, comment and import lines', () => {
    const lines = candidateLines('import x from "y";\n\n// note\n/* a\n b */\n  const z = x + 1;\n', 'typescript');
    assert.deepEqual(lines, [{ line: 5, character: 2 }]);
  });
  it('samples repeatably and only from source files', () => {
    const files = [
      { path: 'src/a.ts', text: 'const a = 1;\nlet b = a;\nfoo(b);\n', languageId: 'typescript' },
      { path: 'src/a.test.ts', text: 'it(x);\n', languageId: 'typescript' },
      { path: 'src/a.d.ts', text: 'declare const q: number;\n', languageId: 'typescript' },
    ];
    const s1 = sampleHoles(files, 2, 7);
    assert.deepEqual(s1, sampleHoles(files, 2, 7));
    assert.equal(s1.length, 2);
    assert.ok(s1.every((h) => h.file === 'src/a.ts'));
    assert.equal(isSampleableSource('vendor/x.ts'), false);
  });
});

describe('context/workspaceFiles', () => {
  it('skips ignored, secret and node_modules files', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-ws-'));
    const put = (p: string, t = 'x') => {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), t);
    };
    put('.gitignore', 'gen/\n*.log\n');
    put('.aiignore', 'private.ts\n');
    put('src/a.ts');
    put('src/private.ts');
    put('gen/b.ts');
    put('x.log');
    put('.env');
    put('keys/server.pem');
    put('node_modules/m/index.js');
    const got = listWorkspaceFiles(root).map((f) => f.path).sort();
    assert.deepEqual(got, ['.aiignore', '.gitignore', 'src/a.ts']);
  });
});
