/**
 * What the test host needs from the machine, checked before any slow step: the Debian/Ubuntu
 * packages for installing code-server (VS Code's native modules are built with node-gyp), the
 * headless browser that drives it, and `unzip` for the package check.
 *
 * Missing packages are installed when that needs no one (root, or passwordless sudo); otherwise the
 * run stops at once with one command that installs every missing package.
 *
 * `npm test` runs this file first (`npm run test:preflight`, through esbuild, before anything is
 * compiled); runIntegration, runE2E and the code-server install call ensureTestHost() too, for
 * when they are run alone. It imports only Node's own modules, so it runs without a build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** What a package is needed for; each runner asks only for what it uses. */
export type Need = 'code-server' | 'browser' | 'package';
export const ALL_NEEDS: readonly Need[] = ['code-server', 'browser', 'package'];

export interface Requirement {
  readonly pkg: string;
  readonly need: Need;
  readonly why: string;
}

/** The single list of system packages the tests need (Debian names). */
export const REQUIREMENTS: readonly Requirement[] = [
  { pkg: 'build-essential', need: 'code-server', why: 'compiler for the native modules code-server builds' },
  { pkg: 'python3', need: 'code-server', why: 'node-gyp runs on it' },
  { pkg: 'pkg-config', need: 'code-server', why: 'node-gyp finds the libraries below with it' },
  { pkg: 'libkrb5-dev', need: 'code-server', why: 'headers for the kerberos module' },
  { pkg: 'libsecret-1-dev', need: 'code-server', why: 'headers for the keytar module' },
  { pkg: 'libxkbfile-dev', need: 'code-server', why: 'headers for native-keymap' },
  { pkg: 'libx11-dev', need: 'code-server', why: 'headers for native-keymap' },
  { pkg: 'ripgrep', need: 'code-server', why: 'seeds @vscode/ripgrep, whose own download needs GitHub' },
  { pkg: 'ca-certificates', need: 'code-server', why: 'TLS for the downloads of the install' },
  { pkg: 'chromium', need: 'browser', why: 'the headless window that drives VS Code' },
  { pkg: 'unzip', need: 'package', why: 'lists the files of the packaged .vsix' },
];

/** Where a browser is looked for when INTENT_TEST_CHROMIUM is not set (Debian's first). */
export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const MIN_NODE_MAJOR = 20;
/** Wait before the second try of an apt-get step. */
const APT_RETRY_PAUSE_MS = 10_000;

/** The machine, as far as the preflight looks at it; tests replace these. */
export interface Edges {
  /** Effective user id (0: root). */
  readonly uid: number;
  /** `dpkg-query -W -f='${Package} ${Status}\n' <pkgs>` stdout; undefined where there is no dpkg. */
  dpkgQuery(pkgs: readonly string[]): string | undefined;
  /** Whether `sudo -n true` succeeds (sudo without a password). */
  canSudo(): boolean;
  /** Runs a command with output shown; true on exit code 0. */
  run(cmd: readonly string[]): boolean;
  /** `ID` of /etc/os-release (debian, ubuntu, …); package names differ a little. */
  readonly osId: string;
  /** Whether a file exists (for a browser given by path instead of by package). */
  exists(file: string): boolean;
  /** Waits (between tries of apt-get). */
  pause(ms: number): void;
  /** Progress lines. */
  log(msg: string): void;
}

export type Outcome = { readonly ok: true; readonly installed: readonly string[]; readonly note?: string } | { readonly ok: false; readonly message: string };

export class PreflightError extends Error {}

/** Ubuntu ships Chromium as `chromium-browser` (a snap behind a deb). */
const UBUNTU_NAMES: Readonly<Record<string, string>> = { chromium: 'chromium-browser' };

/** The packages the given needs call for, by the names of this distribution. */
export function requiredPackages(needs: readonly Need[], osId = 'debian'): Requirement[] {
  return REQUIREMENTS.filter((r) => needs.includes(r.need)).map((r) => (osId === 'ubuntu' && UBUNTU_NAMES[r.pkg] ? { ...r, pkg: UBUNTU_NAMES[r.pkg] } : r));
}

/** Names dpkg reports as fully installed ("install ok installed"; not removed-with-config-left). */
export function parseInstalled(dpkgOutput: string): Set<string> {
  const installed = new Set<string>();
  for (const line of dpkgOutput.split('\n')) {
    const m = /^(\S+?)(?::\S+)? install ok installed\s*$/.exec(line.trim());
    if (m) installed.add(m[1]);
  }
  return installed;
}

/** A browser at an explicit or usual path makes the chromium package unnecessary. */
function browserPresent(edges: Edges, env: NodeJS.ProcessEnv): boolean {
  const explicit = env.INTENT_TEST_CHROMIUM;
  if (explicit) return edges.exists(explicit);
  return CHROMIUM_CANDIDATES.some((p) => edges.exists(p));
}

export function missingRequirements(needs: readonly Need[], edges: Edges, env: NodeJS.ProcessEnv = process.env): Requirement[] | undefined {
  const wanted = requiredPackages(needs, edges.osId).filter((r) => !(r.need === 'browser' && browserPresent(edges, env)));
  if (wanted.length === 0) return [];
  const out = edges.dpkgQuery(wanted.map((r) => r.pkg));
  if (out === undefined) return undefined;
  const installed = parseInstalled(out);
  return wanted.filter((r) => !installed.has(r.pkg));
}

/** The one command that installs every missing package, as the person would type it. */
export function installCommand(pkgs: readonly string[], uid: number): string {
  const sudo = uid === 0 ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${pkgs.join(' ')}`;
}

export function missingMessage(missing: readonly Requirement[], uid: number, why: string): string {
  const width = Math.max(...missing.map((r) => r.pkg.length));
  return [
    `The tests need ${missing.length === 1 ? 'a Debian package that is' : `${missing.length} Debian packages that are`} not installed:`,
    ...missing.map((r) => `  ${r.pkg.padEnd(width)}  ${r.why}`),
    `${why} Install ${missing.length === 1 ? 'it' : 'them'} with:`,
    '',
    `  ${installCommand(
      missing.map((r) => r.pkg),
      uid,
    )}`,
    '',
    'then run the tests again.',
  ].join('\n');
}

function aptInstall(pkgs: readonly string[], sudo: readonly string[], edges: Edges): boolean {
  const update = [...sudo, 'apt-get', 'update', '-qq'];
  const install = [...sudo, 'apt-get', 'install', '-y', '-qq', ...pkgs];
  // The mirror can drop a connection now and then: one more try of each step.
  const twice = (cmd: readonly string[]): boolean => edges.run(cmd) || (edges.pause(APT_RETRY_PAUSE_MS), edges.run(cmd));
  return twice(update) && twice(install);
}

/**
 * Checks the packages for `needs`; installs the missing ones when root or passwordless sudo allows,
 * else returns the message that lists them all.
 */
export function preflight(needs: readonly Need[], edges: Edges, env: NodeJS.ProcessEnv = process.env): Outcome {
  const missing = missingRequirements(needs, edges, env);
  if (missing === undefined) {
    const pkgs = requiredPackages(needs, edges.osId)
      .map((r) => r.pkg)
      .join(' ');
    return { ok: true, installed: [], note: `no dpkg here: cannot check for the packages the tests need (Debian names: ${pkgs})` };
  }
  if (missing.length === 0) return { ok: true, installed: [] };
  const pkgs = missing.map((r) => r.pkg);
  const sudo = edges.uid === 0 ? [] : edges.canSudo() ? ['sudo', '-n'] : undefined;
  if (!sudo)
    return { ok: false, message: missingMessage(missing, edges.uid, 'Not running as root, and sudo is missing or asks for a password, so they were not installed for you.') };
  edges.log(`installing ${pkgs.join(' ')} (${sudo.length ? 'sudo ' : ''}apt-get)`);
  if (!aptInstall(pkgs, sudo, edges)) {
    return { ok: false, message: missingMessage(missing, edges.uid, 'Installing them failed (see apt-get above).') };
  }
  const still = missingRequirements(needs, edges, env) ?? [];
  if (still.length > 0) {
    return { ok: false, message: missingMessage(still, edges.uid, 'apt-get finished but did not install these.') };
  }
  return { ok: true, installed: pkgs };
}

export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number.parseInt(version, 10);
  return major >= MIN_NODE_MAJOR ? undefined : `The tests need Node ${MIN_NODE_MAJOR} or newer; this is Node ${version}.`;
}

function osReleaseId(): string {
  try {
    const m = /^ID="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : '';
  } catch {
    return '';
  }
}

/** This machine. */
export function realEdges(): Edges {
  return {
    uid: process.getuid?.() ?? -1,
    dpkgQuery(pkgs) {
      const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...pkgs], { encoding: 'utf8' });
      // Exit 1 only means some name is unknown to dpkg (not installed); stdout has the rest.
      return r.error ? undefined : r.stdout;
    },
    canSudo() {
      const r = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
      return !r.error && r.status === 0;
    },
    run(cmd) {
      const r = spawnSync(cmd[0], cmd.slice(1), {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      return !r.error && r.status === 0;
    },
    osId: osReleaseId(),
    exists: (file) => fs.existsSync(file),
    pause: (ms) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
    log: (msg) => process.stderr.write(`[preflight] ${msg}\n`),
  };
}

/** Makes sure the machine has what `needs` call for, or throws a PreflightError saying what to run. */
export function ensureTestHost(needs: readonly Need[] = ALL_NEEDS, edges: Edges = realEdges()): void {
  const node = nodeVersionProblem();
  if (node) throw new PreflightError(node);
  const outcome = preflight(needs, edges);
  if (!outcome.ok) throw new PreflightError(outcome.message);
  if (outcome.note) edges.log(outcome.note);
  if (outcome.installed.length) edges.log(`installed ${outcome.installed.join(' ')}`);
}

/** ensureTestHost for a runner's main(): false (the message printed) when the machine is not ready. */
export function testHostReady(needs: readonly Need[], print: (msg: string) => void): boolean {
  try {
    ensureTestHost(needs);
    return true;
  } catch (err) {
    if (!(err instanceof PreflightError)) throw err;
    print(`\n${err.message}\n`);
    return false;
  }
}

if (require.main === module && !testHostReady(ALL_NEEDS, (msg) => process.stderr.write(`${msg}\n`))) process.exit(1);
