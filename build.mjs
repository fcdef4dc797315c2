// Bundles the extension, the engine's worker and the CLI with esbuild into dist/, and copies the wasm files they load.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Grammars we ship: those src/core/lang/languageIds.ts names (test/unit/languageTable.test.ts holds the two lists equal). */
export const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java'];

await import('./scripts/gen-builtins.mjs'); // builtins the consistency filter knows, from TypeScript's lib + @types/node
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/grammars', { recursive: true });
const wts = path.dirname(require.resolve('web-tree-sitter'));
copyFileSync(path.join(wts, 'tree-sitter.wasm'), 'dist/tree-sitter.wasm');
const wasms = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
for (const g of GRAMMARS) copyFileSync(path.join(wasms, `tree-sitter-${g}.wasm`), `dist/grammars/tree-sitter-${g}.wasm`);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // esbuild would pick web-tree-sitter's ESM build, which breaks inside a CJS bundle.
  alias: { 'web-tree-sitter': path.join(wts, 'tree-sitter.cjs') },
};
const contexts = await Promise.all([
  esbuild.context({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.context({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['vscode'] }),
  // The built-in engine's process (forked by src/engine/supervisor.ts, which finds it beside the extension bundle).
  esbuild.context({ ...common, entryPoints: ['src/engine/worker.ts'], outfile: 'dist/worker.js' }),
]);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
