/**
 * `npm run test:package`: packages the extension (`npm run package`) and checks the .vsix ships only
 * what the extension loads: under 5 MB; the bundle dist/extension.js, the tree-sitter wasm files,
 * the manifest, README and licence; media files only if package.json, the bundle or another shipped
 * media file names them. No CLI bundle, source maps, sources or tests.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testHostReady } from './preflight';

const MAX_VSIX_BYTES = 5 * 1024 * 1024;
const BUNDLE = 'extension/dist/extension.js';
const MANIFEST = 'extension/package.json';

/** Files a .vsix has besides media/; anything else is a mistake of .vscodeignore. */
const EXPECTED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/(package\.json|readme\.md|LICENSE\.txt|changelog\.md)$/,
  /^extension\/dist\/(extension\.js|tree-sitter\.wasm|grammars\/tree-sitter-[a-z_]+\.wasm)$/,
];
/** Named so the failure says what it is; all of these also fail EXPECTED. */
const KNOWN_MISTAKES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^extension\/dist\/cli\.js$/, 'the CLI bundle'],
  [/\.map$/, 'a source map'],
  [/(^|\/)(test|out|src|scripts|node_modules|\.vscode-test|test-results)\//, 'sources, tests or build output'],
  [/\.ts$/, 'TypeScript source'],
];
const MEDIA = /^extension\/media\/(.+)$/;

/** What is wrong with a .vsix, given its file list and a reader for its text files. */
export function vsixProblems(listing: readonly string[], readText: (entry: string) => string): string[] {
  const problems: string[] = [];
  const media = listing.filter((f) => MEDIA.test(f));
  for (const f of listing) {
    if (MEDIA.test(f) || EXPECTED.some((re) => re.test(f))) continue;
    const mistake = KNOWN_MISTAKES.find(([re]) => re.test(f));
    problems.push(`${f}: ${mistake ? mistake[1] : 'not something the extension loads'}`);
  }
  for (const must of [BUNDLE, MANIFEST]) if (!listing.includes(must)) problems.push(`${must} is missing`);
  // A media file counts as used when its name appears in the manifest, the bundle or other media.
  const referrers = [MANIFEST, BUNDLE, ...media].filter((f) => listing.includes(f));
  const texts = new Map(referrers.map((f) => [f, readText(f)]));
  for (const f of media) {
    const name = MEDIA.exec(f)![1];
    const used = referrers.some((r) => r !== f && mentions(texts.get(r) ?? '', name));
    if (!used) problems.push(`${f}: not referenced by package.json nor loaded by the code`);
  }
  return problems;
}

/** `media/name` anywhere, or `name` as a whole quoted string (Uri.joinPath(media, 'name')). */
function mentions(text: string, name: string): boolean {
  return text.includes(`media/${name}`) || [`'${name}'`, `"${name}"`, '`' + name + '`'].some((q) => text.includes(q));
}

function main(): number {
  if (!testHostReady(['package'], (msg) => console.log(msg))) return 1;
  const root = path.resolve(__dirname, '../../..');
  const vsix = path.join(root, 'intent-complete.vsix');
  fs.rmSync(vsix, { force: true });
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = fs.statSync(vsix).size;
  const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const readText = (entry: string): string => execFileSync('unzip', ['-p', vsix, entry], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const problems = vsixProblems(listing, readText);
  let failed = 0;
  const check = (ok: boolean, what: string): void => {
    console.log(`${ok ? '✔' : '✘'} ${what}`);
    if (!ok) failed++;
  };
  check(size < MAX_VSIX_BYTES, `vsix is under ${MAX_VSIX_BYTES / 1024 / 1024} MB (${(size / 1024).toFixed(0)} KB)`);
  check(problems.length === 0, `vsix ships only what the extension loads${problems.map((p) => `\n    ${p}`).join('')}`);
  console.log(`${2 - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (require.main === module) process.exit(main());
