/**
 * `intent-complete filter --as-is`: a case is judged on the file as it is on disk (the rest of the
 * cursor's line kept), with VS Code's language id, the extension's single/multi-line choice and
 * its replace range. Real files in a temporary repository, real parsers, the CLI's own entry.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFilter } from '../../src/cli/filter';
import { vscodeLanguageId } from '../../src/core/lang/languageIds';

const FILES: Record<string, string> = {
  'src/pair.ts': ['export function swap(pair: [number, number]): [number, number] {', '  const [first, second] = pair;', '  return [second, first];', '}', ''].join('\n'),
  'src/log.ts': [
    'export function report(values: number[]): void {',
    '  const total = values.reduce((a, b) => a + b, 0);',
    '  const count = ',
    '  console.log()',
    '  console.log(Math.max())',
    '}',
    '',
    'export function scale(values: number[], by: number): number[] {',
    '',
    '}',
    '',
  ].join('\n'),
  'src/view.tsx': ['export function Title(props: { text: string }) {', '  return <h1>{props.text}</h1>;', '}', ''].join('\n'),
};

interface Out {
  verdict: string;
  shown: string;
  insert?: string;
  range?: string;
  multiline?: boolean;
  languageId?: string;
}

describe('cli: filter --as-is', function () {
  this.timeout(60_000);
  let repo: string;

  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-asis-'));
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(repo, rel), text);
    }
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  /** Runs the CLI on one case; `asIs` false runs the default (hole) judgement. */
  async function judge(file: string, line: number, character: number, completion: string, asIs = true): Promise<Out> {
    const cases = path.join(repo, 'cases.jsonl');
    fs.writeFileSync(cases, JSON.stringify({ file, line, character, completion }) + '\n');
    let out = '';
    let err = '';
    const code = await runFilter(['--repo', repo, '--cases', cases, ...(asIs ? ['--as-is'] : [])], { out: (s) => (out += s), err: (s) => (err += s) });
    assert.equal(code, 0, err);
    return JSON.parse(out.trim()) as Out;
  }

  it('keeps the rest of the line: a completion that repeats it adds nothing (the hole document has no rest)', async () => {
    const col = '  const [first, '.length;
    const asIs = await judge('src/pair.ts', 1, col, 'second] = pair;');
    assert.equal(asIs.shown, '', JSON.stringify(asIs));
    const hole = await judge('src/pair.ts', 1, col, 'second] = pair;', false);
    assert.equal(hole.shown, 'second] = pair;');
  });

  it('replaces the auto-closed bracket the suggestion also ends with (range)', async () => {
    // The model closed the call and ended the statement: `total);` replaces the editor's `)`.
    const r = await judge('src/log.ts', 3, '  console.log('.length, 'total);');
    assert.equal(r.verdict, 'keep', JSON.stringify(r));
    assert.equal(r.insert, 'total);');
    assert.equal(r.range, ')');
    const nested = await judge('src/log.ts', 4, '  console.log(Math.max('.length, '...values));');
    assert.equal(nested.insert, '...values));', JSON.stringify(nested));
    assert.equal(nested.range, '))');
  });

  it('inserts before the rest when the suggestion leaves the closing to the editor, or closes only what the rest closes (no range)', async () => {
    const r = await judge('src/log.ts', 3, '  console.log('.length, 'total');
    assert.equal(r.insert, 'total', JSON.stringify(r));
    assert.equal(r.range, '');
    // The bare `)` the rest has is cleaned off the suggestion first: nothing to replace.
    const same = await judge('src/log.ts', 3, '  console.log('.length, 'total)');
    assert.equal(same.insert, 'total', JSON.stringify(same));
    assert.equal(same.range, '');
  });

  it("chooses single or multi-line as the extension does, whatever the completion's shape", async () => {
    // Inside an empty body opened on the line above: a block is wanted.
    const block = await judge('src/log.ts', 8, 0, '  return values.map((v) => v * by);\n');
    assert.equal(block.multiline, true, JSON.stringify(block));
    assert.equal(block.shown, '  return values.map((v) => v * by);');
    const body = '  const out = values.map((v) => v * by);\n  return out;\n}\n\nexport const unrelated = 1;\n';
    const cut = await judge('src/log.ts', 8, 0, body);
    assert.equal(cut.shown, '  const out = values.map((v) => v * by);\n  return out;', JSON.stringify(cut));
    // In the middle of a statement: one line only, although the model sent more.
    const mid = await judge('src/log.ts', 2, '  const count = '.length, 'values.length;\n  const mean = total / count;');
    assert.equal(mid.multiline, false);
    assert.equal(mid.shown, 'values.length;', JSON.stringify(mid));
  });

  it("judges a file with VS Code's language id for its name", async () => {
    const r = await judge('src/view.tsx', 1, '  return <h1>{props.'.length, 'text}</h1>;');
    assert.equal(r.languageId, 'typescriptreact');
    const ids: Record<string, string> = {
      'a.ts': 'typescript',
      'a.tsx': 'typescriptreact',
      'a.jsx': 'javascriptreact',
      'a.mjs': 'javascript',
      'a.cs': 'csharp',
      'a.cpp': 'cpp',
      'a.h': 'cpp',
      'a.c': 'c',
      'run.sh': 'shellscript',
      '.bashrc': 'shellscript',
      'a.yml': 'yaml',
      'a.scss': 'scss',
      'a.kt': 'kotlin',
      'a.swift': 'swift',
      'a.rb': 'ruby',
      'a.php': 'php',
      'a.md': 'markdown',
      'a.sql': 'sql',
      Dockerfile: 'dockerfile',
      Makefile: 'makefile',
      'a.unknownext': 'plaintext',
    };
    for (const [file, id] of Object.entries(ids)) assert.equal(vscodeLanguageId(path.join('dir', file)), id, file);
  });

  it('reports a bad case line and still judges the others (exit code 1)', async () => {
    const cases = path.join(repo, 'bad.jsonl');
    const good = JSON.stringify({ file: 'src/log.ts', line: 3, character: 14, completion: 'total);' });
    fs.writeFileSync(
      cases,
      [
        'not json',
        JSON.stringify({ file: 'src/missing.ts', line: 0, character: 0, completion: 'x' }),
        JSON.stringify({ file: 'src/log.ts', line: 99, character: 0, completion: 'x' }),
        good,
      ].join('\n') + '\n',
    );
    let out = '';
    let err = '';
    const code = await runFilter(['--repo', repo, '--cases', cases, '--as-is'], { out: (s) => (out += s), err: (s) => (err += s) });
    assert.equal(code, 1);
    assert.equal(err.trim().split('\n').length, 3, err);
    assert.match(err, /bad\.jsonl:1:/);
    assert.equal((JSON.parse(out.trim()) as Out).range, ')');
  });

  it('rejects an unknown --multiline mode', async () => {
    let err = '';
    const code = await runFilter(['--repo', repo, '--cases', 'x', '--multiline', 'sometimes'], { out: () => undefined, err: (s) => (err += s) });
    assert.equal(code, 2);
    assert.match(err, /usage/);
  });
});
