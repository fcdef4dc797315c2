/**
 * Packages the extension (`npm run package`) and checks the .vsix: under 5 MB, and it ships only
 * what runs (the bundle, the wasm grammars, media, package.json, README, LICENSE).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const vsix = path.join(root, 'intent-complete.vsix');
fs.rmSync(vsix, { force: true });
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const size = fs.statSync(vsix).size;
const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
const allowed = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|readme\.md|LICENSE\.txt|changelog\.md|dist\/[^/]+\.(js|wasm)|dist\/grammars\/tree-sitter-[a-z_]+\.wasm|media\/.+))$/;
const unexpected = listing.filter((f) => !allowed.test(f));
let failed = 0;
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? '✔' : '✘'} ${what}`);
  if (!ok) failed++;
};
check(size < 5 * 1024 * 1024, `vsix is under 5 MB (${(size / 1024).toFixed(0)} KB)`);
check(unexpected.length === 0, `vsix ships only what runs${unexpected.length ? `; unexpected: ${unexpected.join(', ')}` : ''}`);
check(listing.includes('extension/dist/extension.js'), 'vsix contains the bundle');
console.log(`${2 + 1 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
