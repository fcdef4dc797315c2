/**
 * The CLI's entry: `npx intent-complete --help` runs the bin script through a link named
 * `intent-complete` (node_modules/.bin), and the bundle must run whatever the link is called.
 * The bundle is built here from the sources (esbuild), next to a copy of the bin script.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

describe('cli: entry', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-cli-entry-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, '.bin'));
    fs.copyFileSync(path.join(REPO_ROOT, 'bin', 'intent-complete.js'), path.join(dir, 'bin', 'intent-complete.js'));
    await esbuild.build({
      entryPoints: [path.join(REPO_ROOT, 'src', 'cli', 'main.ts')],
      outfile: path.join(dir, 'dist', 'cli.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode', 'web-tree-sitter'],
      logLevel: 'silent',
    });
    // What npx runs: a link in a .bin folder, named after the package's bin.
    fs.symlinkSync(path.join(dir, 'bin', 'intent-complete.js'), path.join(dir, '.bin', 'intent-complete'));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const help = (script: string): string => execFileSync(process.execPath, [script, '--help'], { encoding: 'utf8', timeout: 20_000 });

  it('prints the usage when started through a link named intent-complete (npx)', () => {
    assert.match(help(path.join(dir, '.bin', 'intent-complete')), /^Usage: intent-complete <command>/m);
  });

  it('prints the usage once when the bin script or the bundle is run directly', () => {
    for (const script of [path.join(dir, 'bin', 'intent-complete.js'), path.join(dir, 'dist', 'cli.js')]) {
      const out = help(script);
      assert.equal(out.match(/^Usage:/gm)?.length, 1, `${script}: ${out}`);
    }
  });
});
