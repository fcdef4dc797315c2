import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidateLines, isSampleableSource, makeHoleDocument, sampleHoles } from '../../src/core/eval/holes';
import { declaredInRange } from '../../src/core/eval/declared';
import { codeMask, declaredNames, identifiersOf, targetIdentifiers } from '../../src/core/lang/identifiers';
import { getParser } from '../../src/core/lang/parser';
import { listWorkspaceFiles } from '../../src/core/workspace/workspaceFiles';

describe('lang/identifiers', () => {
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

describe('eval/declared (real parses)', () => {
  /** Names declared in the range from `from` to the end of its line. */
  const declared = async (languageId: string, code: string, from: string) => {
    const tree = (await getParser(languageId))!.parse(code)!;
    try {
      const start = code.indexOf(from);
      const end = code.indexOf('\n', start) < 0 ? code.length : code.indexOf('\n', start);
      return [...declaredInRange(tree.rootNode, start, end)].sort();
    } finally {
      tree.delete();
    }
  };
  it('TypeScript: parameters, fields, methods, interface members, type parameters, catch bindings', async () => {
    const code = [
      'interface Row { picture?: string; load(id: number): void }',
      'class Box<A extends Base> { private ahead: Ahead | undefined; get size(): number { return 1 } #raw = 2 }',
      'const f = async ({ a, b: [d] }: Opts, ...rest: R[]) => a + d + other;',
      'items.map((w) => w.name); list.forEach(x => x)',
      'try { run() } catch (err) { log(err) }',
      'const o = { password: true, fetch(x) { return x }, known };',
      'enum E { A = 1, B }',
      'import { imported } from "./m";',
      'import def, { e as f } from "./y"; import * as ns from "./z"; export { a as b } from "./m";',
      'type El<T> = T extends Array<infer E> ? E : never; interface Dict { [key: string]: number }',
      'export type Matcher<M> = (value: any) => value is M',
    ].join('\n');
    assert.deepEqual(await declared('typescript', code, 'interface'), ['Row', 'id', 'load', 'picture']);
    assert.deepEqual(await declared('typescript', code, 'class'), ['A', 'Box', 'ahead', 'raw', 'size']);
    // `b` is the key of the pattern (a property of Opts), not a binding; `other` is used.
    assert.deepEqual(await declared('typescript', code, 'const f'), ['a', 'd', 'f', 'rest']);
    assert.deepEqual(await declared('typescript', code, 'items'), ['w', 'x']);
    assert.deepEqual(await declared('typescript', code, 'try'), ['err']);
    // Object keys, an object literal's method and shorthand properties name what exists elsewhere.
    assert.deepEqual(await declared('typescript', code, 'const o'), ['o', 'x']);
    assert.deepEqual(await declared('typescript', code, 'enum'), ['A', 'B', 'E']);
    assert.deepEqual(await declared('typescript', code, 'import'), []);
    assert.deepEqual(await declared('typescript', code, 'import def'), ['b', 'def', 'f', 'ns']);
    assert.deepEqual(await declared('typescript', code, 'type El'), ['Dict', 'E', 'El', 'T', 'key']);
    assert.deepEqual(await declared('typescript', code, 'export type'), ['M', 'Matcher', 'value']);
    // Only what starts inside the range: the rest of a line after the cursor.
    const at = code.indexOf('picture');
    const tree = (await getParser('typescript'))!.parse(code)!;
    assert.deepEqual([...declaredInRange(tree.rootNode, at, code.indexOf('\n'))].sort(), ['id', 'load', 'picture']);
    tree.delete();
  });
  it('Python, Go, Rust and Java', async () => {
    assert.deepEqual(await declared('python', 'def f(a, b=1, *args, c: int = 2, **kw):\n    x, y = g(a)\n    self.z = 1\n', 'def'), ['a', 'args', 'b', 'c', 'f', 'kw']);
    assert.deepEqual(await declared('python', 'def f(a, b=1, *args, c: int = 2, **kw):\n    x, y = g(a)\n    self.z = 1\n', 'x, y'), ['x', 'y']);
    assert.deepEqual(await declared('python', 'def f(a):\n    self.z = a\n', 'self'), []);
    assert.deepEqual(await declared('python', 'import os.path as osp\nfrom a import b as c, d\n', 'import'), ['osp']);
    assert.deepEqual(await declared('python', 'import os.path as osp\nfrom a import b as c, d\n', 'from'), ['c']);
    assert.deepEqual(await declared('go', 'package p\nfunc (r *R) M(a, b int) (e error) { x, y := 1, 2; for k, v := range s {} }\n', 'func'), [
      'M',
      'a',
      'b',
      'e',
      'k',
      'r',
      'v',
      'x',
      'y',
    ]);
    assert.deepEqual(await declared('go', 'package p\ntype S struct { F int; G, H string }\n', 'type'), ['F', 'G', 'H', 'S']);
    assert.deepEqual(await declared('rust', 'fn f<T>(a: i32, (b, c): (i32, i32)) -> i32 { let mut x = 1; let g = |z| z + x; a }\n', 'fn'), [
      'T',
      'a',
      'b',
      'c',
      'f',
      'g',
      'x',
      'z',
    ]);
    assert.deepEqual(await declared('java', 'class C<T> { int f; void m(int a, String... b) { int x = 1; try {} catch (E e) {} Runnable r = (q) -> q; } }\n', 'class'), [
      'C',
      'T',
      'a',
      'b',
      'e',
      'f',
      'm',
      'q',
      'r',
      'x',
    ]);
  });
});

describe('lang/identifiers codeMask', () => {
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
    assert.deepEqual(ids('if (/[\'"]/.test(s)) run(s, `x`)\n', 'if'), ['test', 's', 'run']);
    // JSX closing tags are not regular expressions.
    assert.deepEqual(ids('<b>{name}</b>\n', '<b>', 'typescriptreact'), ['b', 'name']);
  });
  it("leaves other languages' slashes alone", () => {
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

describe('workspace/workspaceFiles', () => {
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
    const got = listWorkspaceFiles(root)
      .map((f) => f.path)
      .sort();
    assert.deepEqual(got, ['.aiignore', '.gitignore', 'src/a.ts']);
  });
});
