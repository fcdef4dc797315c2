/**
 * A type a workspace module re-exports by name from a package: when the package is not installed,
 * that name alone is an open world (its members cannot be listed nor found anywhere), while the
 * module's own declarations, and the same name once the package is installed, stay checked.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { IndexKnowledge } from '../../src/core/filter/indexKnowledge';
import { preloadAll } from '../../src/core/lang/parser';

const PARSER_TS = `import { Parser, type Tree } from 'tree-kit';
export type { Node as SyntaxNode, Point } from 'tree-kit';
export type { Tree };
export { Parser };
export interface Outline {
  names: string[];
  depth: number;
}
`;

const WALK_TS = `import type { Outline, SyntaxNode, Tree } from './parser';

export function walk(n: SyntaxNode, t: Tree, o: Outline): void {
  for (let i = 0; i < n.childCount; i++) {
    |
  }
}
`;

/** A workspace with lib/parser.ts and lib/walk.ts; `installed`: tree-kit's declarations in node_modules. */
async function workspace(installed: boolean): Promise<{ dir: string; ws: IndexKnowledge }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-reexports-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'walker', dependencies: { 'tree-kit': '^1.0.0' } }));
  fs.writeFileSync(path.join(dir, 'lib', 'parser.ts'), PARSER_TS);
  fs.writeFileSync(path.join(dir, 'lib', 'walk.ts'), WALK_TS.replace('|', ''));
  if (installed) {
    const pkg = path.join(dir, 'node_modules', 'tree-kit');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'tree-kit', version: '1.0.0', types: 'index.d.ts' }));
    fs.writeFileSync(
      path.join(pkg, 'index.d.ts'),
      'export declare class Node {\n  childCount: number;\n  child(i: number): Node | null;\n  fieldNameForChild(i: number): string | null;\n}\nexport declare class Tree {\n  rootNode: Node;\n  walk(): unknown;\n}\nexport declare class Parser {\n  parse(text: string): Tree;\n}\nexport interface Point { row: number; column: number }\n',
    );
  }
  return { dir, ws: await IndexKnowledge.build(dir, { dependencies: true }) };
}

function verdictOf(dir: string, ws: IndexKnowledge, text: string): { verdict: string; unknown: string[] } {
  const at = WALK_TS.indexOf('|');
  const r = new ConsistencyFilter(ws).check({
    text,
    docPrefix: WALK_TS.slice(0, at),
    docSuffix: WALK_TS.slice(at + 1),
    languageId: 'typescript',
    stop: [],
    multiline: false,
    maxLines: 1,
    docPath: path.join(dir, 'lib', 'walk.ts'),
  });
  return { verdict: r.verdict, unknown: r.unknown };
}

describe('filter: names re-exported from a package', () => {
  const made: string[] = [];
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('not installed: a member of the re-exported type is kept (an open world)', async () => {
    const { dir, ws } = await workspace(false);
    made.push(dir);
    assert.deepEqual(verdictOf(dir, ws, 'const f = n.fieldNameForChild(i);'), { verdict: 'keep', unknown: [] });
    assert.deepEqual(verdictOf(dir, ws, 'const w = t.walk();'), { verdict: 'keep', unknown: [] });
  });

  it('not installed: an invented member of the module’s own interface is still caught', async () => {
    const { dir, ws } = await workspace(false);
    made.push(dir);
    assert.deepEqual(verdictOf(dir, ws, 'const d = o.depthOf(i);'), { verdict: 'drop', unknown: ['depthOf'] });
    assert.deepEqual(verdictOf(dir, ws, 'const d = o.depth + i;'), { verdict: 'keep', unknown: [] });
  });

  it('installed: the re-exported type is checked against the package’s declarations', async () => {
    const { dir, ws } = await workspace(true);
    made.push(dir);
    assert.deepEqual(verdictOf(dir, ws, 'const f = n.fieldNameForChild(i);'), { verdict: 'keep', unknown: [] });
    assert.deepEqual(verdictOf(dir, ws, 'const f = n.fieldNameForKid(i);'), { verdict: 'drop', unknown: ['fieldNameForKid'] });
  });
});
