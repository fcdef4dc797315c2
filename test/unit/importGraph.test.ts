/**
 * The import graph of src/ is a DAG: no module reaches itself through its imports, type-only
 * imports included (a type cycle is two modules that cannot be understood apart). The layer rules
 * (which folder may import which) are lint rules (eslint.config.mjs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importCycles, importGraph } from '../shared/importGraph';

const SRC = path.join(__dirname, '..', '..', '..', 'src');

describe('import graph', () => {
  it('finds a cycle when there is one (a, b import each other; type imports count)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-graph-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "export type { A } from './a';\nexport type B = string;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "import { x } from './d';\nexport const y = x;\n");
    fs.mkdirSync(path.join(dir, 'd'));
    fs.writeFileSync(path.join(dir, 'd', 'index.ts'), 'export const x = 1;\n');
    try {
      const g = importGraph(dir);
      assert.deepEqual(g.get('c.ts'), ['d/index.ts']);
      assert.deepEqual(importCycles(g), [['a.ts', 'b.ts', 'a.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('src/ has no import cycle', () => {
    const cycles = importCycles(importGraph(SRC));
    assert.deepEqual(
      cycles.map((c) => c.join(' -> ')),
      [],
    );
  });
});
