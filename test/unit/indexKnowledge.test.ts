/**
 * The filter's workspace knowledge over the shared symbol index (real tree-sitter parses, a small
 * workspace on disk): one parse per file (types come from the index's own trees), unsaved text
 * given to the index is what the filter knows, a hole document replaces the file's text entirely,
 * and package manifests still count.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Parser } from 'web-tree-sitter';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import type { FilterInput } from '../../src/core/filter/types';
import { IndexKnowledge } from '../../src/core/filter/indexKnowledge';
import { preloadAll } from '../../src/core/lang/parser';

function input(doc: string, text: string, docPath: string): FilterInput {
  const at = doc.indexOf('|');
  return { text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId: 'typescript', stop: [], multiline: false, maxLines: 8, docPath };
}

describe('filter knowledge over the shared symbol index', () => {
  let dir: string;
  let k: IndexKnowledge;
  let parses = 0;
  let parsesAtBuild = 0;
  const orig = Parser.prototype.parse;

  before(async function () {
    this.timeout(60000);
    await preloadAll();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-idxk-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'demo', dependencies: { 'left-pad': '1.0.0' } }));
    fs.writeFileSync(
      path.join(dir, 'src', 'store.ts'),
      'export class BaseStore {\n  clear(): void {}\n}\nexport class MemoryStore extends BaseStore {\n  put(key: string) {}\n}\n',
    );
    fs.writeFileSync(path.join(dir, 'src', 'app.ts'), 'export function onDiskOnlyName() {}\n');
    Parser.prototype.parse = function (this: Parser, ...a: Parameters<Parser['parse']>) {
      parses++;
      return orig.apply(this, a);
    } as Parser['parse'];
    k = await IndexKnowledge.build(dir, { dependencies: false });
    parsesAtBuild = parses;
  });

  after(() => {
    Parser.prototype.parse = orig;
    k.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('parses each workspace file once: type shapes come from the index trees', () => {
    assert.equal(parsesAtBuild, 2, 'store.ts and app.ts, once each');
    const shapes = k.typesNamed('MemoryStore', {});
    assert.equal(shapes.length, 1);
    assert.ok(shapes[0].members.has('put'));
    assert.deepEqual(shapes[0].bases, ['BaseStore']);
    assert.equal(parses, parsesAtBuild, 'no parse of its own for a question');
    assert.equal(k.ownParses, 0);
    assert.deepEqual(
      k.exportersOf('MemoryStore').map((p) => path.basename(p)),
      ['store.ts'],
    );
  });

  it('knows what the index is given (unsaved editor text), not the disk', async () => {
    assert.equal(k.hasDeclaration('addedInEditor'), false);
    await k.index.update('src/store.ts', fs.readFileSync(path.join(dir, 'src', 'store.ts'), 'utf8') + 'export function addedInEditor() {}\n', 'typescript');
    assert.equal(k.hasDeclaration('addedInEditor'), true);
    assert.deepEqual(
      k.exportersOf('addedInEditor').map((p) => path.basename(p)),
      ['store.ts'],
    );
    await k.index.update('src/store.ts', 'export class MemoryStore {\n  put(key: string) {}\n}\n', 'typescript');
    assert.equal(k.hasDeclaration('addedInEditor'), false, 'nothing of the older version survives');
    assert.equal(k.hasName('BaseStore'), false);
  });

  it('a hole document in the index hides the file text on disk from the filter', async () => {
    const abs = path.join(dir, 'src', 'app.ts');
    const doc = 'import { MemoryStore } from "./store";\nconst s = new MemoryStore();\n|\n';
    const f = new ConsistencyFilter(k);
    assert.equal(k.hasName('onDiskOnlyName', undefined), true);
    await k.index.update('src/app.ts', doc.replace('|', ''), 'typescript');
    assert.equal(k.hasName('onDiskOnlyName'), false);
    const r = f.check(input(doc, 'onDiskOnlyName();', abs));
    assert.equal(r.verdict, 'drop');
    assert.deepEqual(r.unknown, ['onDiskOnlyName']);
    assert.equal(f.check(input(doc, 's.put("a");', abs)).verdict, 'keep');
    assert.equal(f.check(input(doc, 's.putAll("a");', abs)).verdict, 'drop');
  });

  it("a module's exports and a specifier's file follow edits and new files (their caches are checked)", async () => {
    const from = path.join(dir, 'src', 'app.ts');
    await k.index.update('src/names.ts', "export const alpha = 1;\nexport * from './more';\n", 'typescript');
    await k.index.update('src/more.ts', 'export const beta = 2;\n', 'typescript');
    assert.deepEqual([...(k.moduleExports('./names', from) ?? [])].sort(), ['alpha', 'beta']);
    await k.index.update('src/more.ts', 'export const gamma = 3;\n', 'typescript');
    assert.deepEqual([...(k.moduleExports('./names', from) ?? [])].sort(), ['alpha', 'gamma'], 'an edit of a re-exported file is seen');
    assert.equal(k.resolveFile('./pick', from), undefined);
    await k.index.update('src/pick.ts', 'export const delta = 4;\n', 'typescript');
    assert.equal(k.resolveFile('./pick', from), path.join(dir, 'src', 'pick.ts'), 'a new file is found');
    k.index.remove('src/pick.ts');
    assert.equal(k.resolveFile('./pick', from), undefined, 'a removed file is gone');
  });

  it('still knows the manifests (declared dependencies resolve)', () => {
    assert.equal(k.resolvesModule('left-pad', path.join(dir, 'src', 'app.ts'), 'typescript'), true);
    assert.equal(k.resolvesModule('not-a-dependency', path.join(dir, 'src', 'app.ts'), 'typescript'), false);
    assert.equal(k.resolvesModule('./store', path.join(dir, 'src', 'app.ts'), 'typescript'), true);
  });
});
