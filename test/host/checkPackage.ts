/**
 * `npm run test:package`: packages the extension (`npm run package`) and checks the .vsix ships only
 * what the extension loads: under 5 MB; the bundle dist/extension.js, the tree-sitter wasm files,
 * the manifest, README and licence; media files only if package.json, the bundle or another shipped
 * media file names them. No CLI bundle, source maps, sources or tests, and no engine.
 *
 * Then, on a linux-x64 machine, the linux-x64 .vsix with the built-in engine
 * (scripts/packageTarget.mjs): the same files plus the engine's worker bundle and node-llama-cpp
 * with the linux-x64 binary only, no other platform's native code; unpacked into a temporary
 * folder, the worker forked from there as the extension forks it loads the real test model
 * (stories260K) with node-llama-cpp from the unpacked node_modules and answers one completion.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSupervisor } from '../../src/engine/supervisor';
import { testModelFile } from '../shared/testModel';
import { testHostReady } from './preflight';

const MAX_VSIX_BYTES = 5 * 1024 * 1024;
/** The engine's packages and binary make a target's .vsix larger (linux-x64: about 14 MB). */
const MAX_TARGET_VSIX_BYTES = 30 * 1024 * 1024;
const BUNDLE = 'extension/dist/extension.js';
const WORKER = 'extension/dist/worker.js';
const MANIFEST = 'extension/package.json';
const MODULES = 'extension/node_modules/';
/** Native code: a Node addon or a shared library of any platform. */
const NATIVE = /\.(node|so(\.\d+)*|dylib|dll|exe)$/;
/** The target built and loaded here. */
const HOST_TARGET = { target: 'linux-x64', binary: 'linux-x64' };

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

/**
 * What is wrong with a platform target's .vsix: the universal checks over its files outside the
 * engine, then the engine: the worker bundle, node-llama-cpp, this platform's binary package with
 * its addon, no other platform's binary package, no native code anywhere else, the manifest's
 * target platform.
 */
export function targetVsixProblems(listing: readonly string[], readText: (entry: string) => string, target: string, binary: string): string[] {
  const own = `${MODULES}@node-llama-cpp/${binary}/`;
  const problems = vsixProblems(
    listing.filter((f) => f !== WORKER && !f.startsWith(MODULES)),
    readText,
  );
  for (const must of [WORKER, `${MODULES}node-llama-cpp/package.json`, `${own}package.json`]) if (!listing.includes(must)) problems.push(`${must} is missing`);
  if (!listing.some((f) => f.startsWith(own) && f.endsWith('.node'))) problems.push(`${own}: no llama.cpp addon (.node)`);
  const others = new Set(listing.flatMap((f) => (f.startsWith(`${MODULES}@node-llama-cpp/`) && !f.startsWith(own) ? [f.split('/').slice(0, 4).join('/')] : [])));
  for (const other of others) problems.push(`${other}: another platform's engine binary`);
  for (const f of listing) if (NATIVE.test(f) && !f.startsWith(own)) problems.push(`${f}: native code outside ${own}`);
  if (!readText('extension.vsixmanifest').includes(`TargetPlatform="${target}"`)) problems.push(`extension.vsixmanifest: not marked TargetPlatform="${target}"`);
  return problems;
}

type Check = (ok: boolean, what: string) => void;

/** A .vsix's entries and a reader for its text files (unzip). */
function openVsix(vsix: string): { listing: string[]; readText: (entry: string) => string } {
  const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean);
  const readText = (entry: string): string => execFileSync('unzip', ['-p', vsix, entry], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { listing, readText };
}

function checkUniversal(root: string, check: Check): void {
  const vsix = path.join(root, 'intent-complete.vsix');
  fs.rmSync(vsix, { force: true });
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = fs.statSync(vsix).size;
  const { listing, readText } = openVsix(vsix);
  const problems = vsixProblems(listing, readText);
  check(size < MAX_VSIX_BYTES, `vsix is under ${MAX_VSIX_BYTES / 1024 / 1024} MB (${(size / 1024).toFixed(0)} KB)`);
  check(problems.length === 0, `vsix ships only what the extension loads${problems.map((p) => `\n    ${p}`).join('')}`);
}

/** The linux-x64 .vsix: built from the production bundle `npm run package` left in dist/, checked, unpacked and run. */
async function checkHostTarget(root: string, check: Check): Promise<void> {
  const { target, binary } = HOST_TARGET;
  const started = Date.now();
  execFileSync(process.execPath, ['scripts/packageTarget.mjs', target, '--skip-build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = path.join(root, `intent-complete-${target}.vsix`);
  const size = fs.statSync(vsix).size;
  const { listing, readText } = openVsix(vsix);
  const problems = targetVsixProblems(listing, readText, target, binary);
  check(
    size < MAX_TARGET_VSIX_BYTES,
    `${target} vsix is under ${MAX_TARGET_VSIX_BYTES / 1024 / 1024} MB (${(size / 1024 / 1024).toFixed(1)} MB, packaged in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  check(problems.length === 0, `${target} vsix carries the engine with only the ${binary} binary${problems.map((p) => `\n    ${p}`).join('')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intent-vsix-'));
  try {
    execFileSync('unzip', ['-q', vsix, '-d', dir]);
    const extension = path.join(dir, 'extension');
    const r = await runUnpackedEngine(extension);
    check(r.ok, `the unpacked ${target} vsix's worker loads node-llama-cpp from its own node_modules and completes with the real model${r.ok ? '' : `\n    ${r.why}`}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Forks the unpacked worker as the extension does (EngineSupervisor), asks one completion and reads
 * the child's memory map: the llama.cpp addon it loaded must be the unpacked one.
 */
async function runUnpackedEngine(extension: string): Promise<{ ok: true } | { ok: false; why: string }> {
  const sup = new EngineSupervisor({ modelFile: testModelFile(), threads: 1, contextSize: 256, entry: path.join(extension, 'dist', 'worker.js') });
  try {
    const ep = await sup.acquire();
    const res = await fetch(`${ep.url}/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ep.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: 8, temperature: 0 }),
    });
    const body = (await res.json()) as { choices?: { text?: string }[] };
    if (res.status !== 200 || !body.choices?.[0]?.text) return { ok: false, why: `completion: HTTP ${res.status} ${JSON.stringify(body)}` };
    const maps = fs.readFileSync(`/proc/${ep.ready.pid}/maps`, 'utf8');
    const addon = maps.split('\n').find((l) => l.endsWith('llama-addon.node'));
    const addonPath = addon?.slice(addon.indexOf('/')) ?? '(none)';
    if (!addonPath.startsWith(extension + path.sep)) return { ok: false, why: `the worker loaded ${addonPath}, not the unpacked addon` };
    return { ok: true };
  } catch (e) {
    return { ok: false, why: e instanceof Error ? e.message : String(e) };
  } finally {
    await sup.stop();
  }
}

async function main(): Promise<number> {
  if (!testHostReady(['package'], (msg) => console.log(msg))) return 1;
  const root = path.resolve(__dirname, '../../..');
  let passed = 0;
  let failed = 0;
  const check: Check = (ok, what) => {
    console.log(`${ok ? '✔' : '✘'} ${what}`);
    if (ok) passed++;
    else failed++;
  };
  checkUniversal(root, check);
  if (`${process.platform}-${process.arch}` === HOST_TARGET.target) await checkHostTarget(root, check);
  else console.log(`- the ${HOST_TARGET.target} vsix is built and run on ${HOST_TARGET.target} only (this is ${process.platform}-${process.arch})`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (require.main === module) void main().then((code) => process.exit(code));
