// `npm run package:target -- <target>... [--skip-build]` (or `--all`): one .vsix per VS Code platform
// target (`vsce package --target`), carrying the built-in engine: the engine's worker bundle
// (dist/worker.js), node-llama-cpp with the packages it imports, and only that platform's prebuilt
// llama.cpp binary (@node-llama-cpp/<platform>, CPU build; Metal on Apple silicon). The universal
// .vsix (`npm run package`) stays without the engine.
//
// Each target is staged in out/vsix-stage/<target>/ (removed once packaged): the extension's files, a package.json whose
// only dependency is node-llama-cpp (so vsce's `npm list` walks just that tree), and node_modules
// copied from this checkout without other platforms' binaries, type declarations, source maps or
// llama.cpp's source bundle (the engine never builds: `build: 'never'`). A platform's binary
// package missing here is fetched once with `npm pack` into out/engine-binaries/.
// Writes intent-complete-<target>.vsix in the repository root.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENGINE_PACKAGE = 'node-llama-cpp';
const BINARY_SCOPE = '@node-llama-cpp';

/** VS Code's platform targets and node-llama-cpp's prebuilt binary package for each. */
export const TARGET_BINARIES = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'linux-armhf': 'linux-armv7l',
  'darwin-arm64': 'mac-arm64-metal',
  'darwin-x64': 'mac-x64',
  'win32-x64': 'win-x64',
  'win32-arm64': 'win-arm64',
};

/** Files of the engine's packages the .vsix leaves out: nothing loads them at run time. */
const LEFT_OUT = [/\.d\.[cm]?ts$/, /\.map$/, /^node-llama-cpp\/llama\/gitRelease\.bundle$/];

/** The .vsix of a target, in the repository root. */
export const vsixFor = (target) => path.join(ROOT, `intent-complete-${target}.vsix`);

function packageJson(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

/** Where Node would find `name` from `fromDir`, not looking above the repository. */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || dir === path.dirname(dir)) return undefined;
  }
}

/** A package built for some platforms only (its package.json names them). */
const platformSpecific = (dir) => ['os', 'cpu', 'libc'].some((k) => k in packageJson(dir));

/**
 * node-llama-cpp and everything it depends on, with the optional dependencies installed here that
 * are plain JavaScript: not its binary packages, nor any other platform-specific one (ipull's
 * @reflink binaries, which it imports only when present).
 */
export function engineClosure() {
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pj = packageJson(dir);
    for (const name of Object.keys(pj.dependencies ?? {})) {
      const found = resolvePackage(name, dir);
      if (!found) throw new Error(`${name} (needed by ${pj.name}) is not installed: run npm install`);
      visit(found);
    }
    for (const name of Object.keys(pj.optionalDependencies ?? {})) {
      const found = name.startsWith(`${BINARY_SCOPE}/`) ? undefined : resolvePackage(name, dir);
      if (found && !platformSpecific(found)) visit(found);
    }
  };
  const engine = resolvePackage(ENGINE_PACKAGE, ROOT);
  if (!engine) throw new Error(`${ENGINE_PACKAGE} is not installed: run npm install`);
  visit(engine);
  return [...seen];
}

/** Copies one installed package into the stage at the same place under node_modules, without its own node_modules. */
function copyPackage(dir, stage) {
  const rel = path.relative(ROOT, dir);
  fs.cpSync(dir, path.join(stage, rel), {
    recursive: true,
    dereference: true,
    filter: (src) => {
      const inside = path.relative(dir, src).split(path.sep).join('/');
      if (inside.split('/')[0] === 'node_modules') return false;
      const fromModules = path.relative(path.join(ROOT, 'node_modules'), src).split(path.sep).join('/');
      return !LEFT_OUT.some((re) => re.test(fromModules));
    },
  });
}

/** The platform's binary package: installed here, else fetched once with `npm pack`. */
function binaryPackage(platform, version) {
  const name = `${BINARY_SCOPE}/${platform}`;
  const installed = path.join(ROOT, 'node_modules', name);
  if (fs.existsSync(path.join(installed, 'package.json')) && packageJson(installed).version === version) return installed;
  const cache = path.join(ROOT, 'out', 'engine-binaries', `${platform}-${version}`);
  if (!fs.existsSync(path.join(cache, 'package', 'package.json'))) {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    console.log(`fetching ${name}@${version} (npm pack)`);
    const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], { encoding: 'utf8', shell: process.platform === 'win32' });
    const tgz = path.join(cache, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tgz, '-C', cache]);
    fs.rmSync(tgz);
  }
  return path.join(cache, 'package');
}

/** The staged .vscodeignore: the universal one, plus the worker and node_modules. */
function stagedIgnore() {
  const universal = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
  return `${universal.trimEnd()}\n# The built-in engine (scripts/packageTarget.mjs): its worker and its packages.\n!dist/worker.js\n!node_modules/**\n`;
}

/** Stages a target's files and runs `vsce package --target` there. */
export function packageTarget(target) {
  const platform = TARGET_BINARIES[target];
  if (!platform) throw new Error(`unknown target ${target}: one of ${Object.keys(TARGET_BINARIES).join(', ')}`);
  const started = Date.now();
  const stage = path.join(ROOT, 'out', 'vsix-stage', target);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const f of ['dist', 'media', 'README.md', 'LICENSE']) fs.cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true });
  if (!fs.existsSync(path.join(stage, 'dist', 'worker.js'))) throw new Error('dist/worker.js is missing: run node build.mjs --production first');
  fs.writeFileSync(path.join(stage, '.vscodeignore'), stagedIgnore());

  const version = packageJson(path.join(ROOT, 'node_modules', ENGINE_PACKAGE)).version;
  const manifest = packageJson(ROOT);
  // vsce lists the production dependencies with `npm list`: here node-llama-cpp's tree alone (the
  // extension's other dependencies are inside dist/extension.js).
  manifest.dependencies = { [ENGINE_PACKAGE]: version };
  for (const key of ['devDependencies', 'overrides', 'scripts', 'config']) delete manifest[key];
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  for (const dir of engineClosure()) copyPackage(dir, stage);
  fs.cpSync(binaryPackage(platform, version), path.join(stage, 'node_modules', BINARY_SCOPE, platform), { recursive: true, dereference: true });

  const out = vsixFor(target);
  fs.rmSync(out, { force: true });
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  try {
    execFileSync(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--out', out], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    // The stage holds a copy of node-llama-cpp's tree (about 50 MB): not kept once packaged.
    fs.rmSync(stage, { recursive: true, force: true });
  }
  const mb = (fs.statSync(out).size / 1024 / 1024).toFixed(1);
  console.log(`${path.basename(out)}: ${mb} MB (${platform} binary), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

function main(argv) {
  const targets = argv.includes('--all') ? Object.keys(TARGET_BINARIES) : argv.filter((a) => !a.startsWith('--'));
  if (targets.length === 0) {
    console.error(`usage: npm run package:target -- <target>... | --all [--skip-build]\ntargets: ${Object.keys(TARGET_BINARIES).join(', ')}`);
    return 2;
  }
  if (!argv.includes('--skip-build')) execFileSync(process.execPath, ['build.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
  let failed = 0;
  for (const target of targets) {
    try {
      packageTarget(target);
    } catch (e) {
      failed++;
      console.error(`${target}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
