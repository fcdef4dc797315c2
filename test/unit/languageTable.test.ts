import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSIONS, GRAMMAR_FOR_LANGUAGE, LANGUAGE_FOR_EXTENSION, languageForPath, SOURCE_EXTENSIONS, vscodeLanguageId } from '../../src/core/lang/languageIds';
import { OUTLINE_LANGUAGES } from '../../src/core/lang/outline';

describe('lang/languageIds: one table of extensions', () => {
  it('has one row per extension, lower case with its dot', () => {
    const seen = new Set<string>();
    for (const r of EXTENSIONS) {
      assert.match(r.extension, /^\.[a-z0-9_+#.-]+$/, r.extension);
      assert.ok(!seen.has(r.extension), `${r.extension} twice`);
      seen.add(r.extension);
    }
  });

  it('gives each language one grammar, and every grammar has its wasm file', () => {
    for (const r of EXTENSIONS) if (r.grammar) assert.equal(GRAMMAR_FOR_LANGUAGE[r.languageId], r.grammar, r.extension);
    const wasms = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
    for (const g of new Set(Object.values(GRAMMAR_FOR_LANGUAGE))) assert.ok(fs.existsSync(path.join(wasms, `tree-sitter-${g}.wasm`)), g);
    for (const l of OUTLINE_LANGUAGES) assert.ok(GRAMMAR_FOR_LANGUAGE[l], `${l} has an outline but no grammar`);
  });

  it('the build ships exactly the grammars the table names (build.mjs copies their wasm files)', () => {
    const build = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'build.mjs'), 'utf8');
    const list = /export const GRAMMARS = \[([^\]]*)\]/.exec(build);
    assert.ok(list, 'build.mjs lists GRAMMARS');
    const shipped = [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(shipped, [...new Set(Object.values(GRAMMAR_FOR_LANGUAGE))].sort());
  });

  it('reads from disk only the rows marked so: the index takes parsed source, not every extension VS Code names', () => {
    assert.deepEqual([...SOURCE_EXTENSIONS].sort(), ['.cjs', '.cts', '.go', '.java', '.js', '.jsx', '.mjs', '.mts', '.py', '.pyi', '.rs', '.ts', '.tsx']);
    assert.equal(languageForPath('src/a.MTS'), 'typescript');
    assert.equal(languageForPath('notes/readme.md'), 'markdown');
    // VS Code calls these Python and JavaScript; the index leaves them (build data, Ren'Py, proxy scripts).
    for (const f of ['binding.gyp', 'game/script.rpy', 'proxy.pac']) {
      assert.equal(languageForPath(f), undefined, f);
      assert.notEqual(vscodeLanguageId(f), 'plaintext', f);
    }
    for (const [ext, id] of Object.entries(LANGUAGE_FOR_EXTENSION)) assert.equal(vscodeLanguageId(`x${ext}`), id, ext);
  });
});
