import * as assert from 'node:assert/strict';
import { vsixProblems } from '../host/checkPackage';

/** A .vsix listing as `unzip -Z1` prints it, with the text of its files. */
function vsix(files: Record<string, string>): [string[], (entry: string) => string] {
  return [Object.keys(files), (entry) => files[entry] ?? ''];
}

const GOOD: Record<string, string> = {
  '[Content_Types].xml': '',
  'extension.vsixmanifest': '',
  'extension/package.json': '{"main": "./dist/extension.js"}',
  'extension/readme.md': '',
  'extension/LICENSE.txt': '',
  'extension/dist/extension.js': 'const m = joinPath(media, "report.js"); joinPath(media, "icon.svg");',
  'extension/dist/tree-sitter.wasm': '',
  'extension/dist/grammars/tree-sitter-go.wasm': '',
  'extension/media/report.js': '',
  'extension/media/icon.svg': '',
};

describe('package check (what the .vsix may hold)', () => {
  it('passes a vsix with the bundle, wasm files and media the code loads', () => {
    assert.deepEqual(vsixProblems(...vsix(GOOD)), []);
  });

  it('fails on the CLI bundle, a source map and test code, naming each', () => {
    const problems = vsixProblems(...vsix({ ...GOOD, 'extension/dist/cli.js': '', 'extension/dist/extension.js.map': '', 'extension/out/test/unit/a.test.js': '' }));
    assert.deepEqual(problems, [
      'extension/dist/cli.js: the CLI bundle',
      'extension/dist/extension.js.map: a source map',
      'extension/out/test/unit/a.test.js: sources, tests or build output',
    ]);
  });

  it('fails on a media file nothing refers to; one another media file loads is fine', () => {
    const files: Record<string, string> = { ...GOOD, 'extension/media/unused.png': '', 'extension/media/font.woff2': '', 'extension/media/report.css': '' };
    files['extension/media/report.css'] = "@font-face { src: url('font.woff2'); }";
    files['extension/dist/extension.js'] += ' joinPath(media, "report.css");';
    assert.deepEqual(vsixProblems(...vsix(files)), ['extension/media/unused.png: not referenced by package.json nor loaded by the code']);
  });

  it('a media file named in package.json (an icon) counts as used', () => {
    const files: Record<string, string> = { ...GOOD, 'extension/media/logo.png': '' };
    assert.equal(vsixProblems(...vsix(files)).length, 1);
    files['extension/package.json'] = '{"icon": "media/logo.png"}';
    assert.deepEqual(vsixProblems(...vsix(files)), []);
  });

  it('fails when the bundle is missing', () => {
    const { 'extension/dist/extension.js': _bundle, ...rest } = GOOD;
    assert.ok(vsixProblems(...vsix(rest)).includes('extension/dist/extension.js is missing'));
  });
});
