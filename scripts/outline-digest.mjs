// Outlines every source file under the given folders and writes one JSON line per file
// (`{"path", "outline"}`), sorted by path, so two builds' outlines can be compared with `cmp`/`diff`.
// Uses the compiled sources (run `npx tsc -p tsconfig.json` first).
// Run: `node scripts/outline-digest.mjs OUT.jsonl DIR...`
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { OutlineCache } = require(path.join(here, '..', 'out', 'src', 'core', 'syntax', 'outline.js'));
const { readRepository } = require(path.join(here, '..', 'out', 'src', 'core', 'context', 'indexer.js'));

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) {
  console.error('usage: node scripts/outline-digest.mjs OUT.jsonl DIR...');
  process.exit(2);
}
const cache = new OutlineCache(1);
const lines = [];
let ms = 0;
for (const dir of dirs) {
  for (const f of readRepository(path.resolve(dir))) {
    const t0 = performance.now();
    const o = await cache.outline(f.text, f.languageId);
    ms += performance.now() - t0;
    lines.push(JSON.stringify({ path: path.join(dir, f.path), outline: o }));
  }
}
lines.sort();
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(`${lines.length} files outlined in ${Math.round(ms)} ms → ${out}`);
