/**
 * The engine's worker is found in a bundle: the extension's bundle (which requires `vscode` and
 * cannot run alone) forks dist/worker.js beside it; a bundle with no worker.js beside it (the CLI
 * as an npm package) forks itself. Built with esbuild as build.mjs does.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

describe('engine worker entry in a bundle', function () {
  this.timeout(60_000);

  it('build.mjs bundles the worker into dist/worker.js', () => {
    assert.match(fs.readFileSync(path.join(REPO, 'build.mjs'), 'utf8'), /entryPoints: \['src\/engine\/worker\.ts'\], outfile: 'dist\/worker\.js'/);
  });

  it('the bundle forks worker.js beside it, else itself', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-bundle-'));
    try {
      const stub = path.join(dir, 'entry.ts');
      fs.writeFileSync(stub, `export { defaultWorkerEntry } from ${JSON.stringify(path.join(REPO, 'src/engine/supervisor'))};\n`);
      const bundle = path.join(dir, 'extension.js');
      await esbuild.build({ entryPoints: [stub], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent', external: ['node-llama-cpp'] });
      // Run in a node process of its own, as the editor runs the bundle.
      const entry = () => execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(bundle)}).defaultWorkerEntry())`], { encoding: 'utf8' });
      assert.equal(entry(), bundle);
      fs.writeFileSync(path.join(dir, 'worker.js'), '');
      assert.equal(entry(), path.join(dir, 'worker.js'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
