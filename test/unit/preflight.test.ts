import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ALL_NEEDS, PreflightError, REQUIREMENTS, ensureTestHost, nodeVersionProblem, parseInstalled, preflight, realEdges, type Edges } from '../host/preflight';

/** dpkg-query's output for `pkgs` on a machine where `installed` are installed (the format asked for). */
function dpkgOutput(pkgs: readonly string[], installed: ReadonlySet<string>, removed: ReadonlySet<string> = new Set()): string {
  return pkgs
    .filter((p) => installed.has(p) || removed.has(p))
    .map((p) => `${p} ${installed.has(p) ? 'install ok installed' : 'deinstall ok config-files'}\n`)
    .join('');
}

interface Fake extends Edges {
  readonly commands: string[][];
  readonly logs: string[];
}

/** A machine with `installed` packages; apt-get installs what it is asked for when `aptWorks`. */
function fakeMachine(opts: { uid: number; installed: string[]; sudo?: boolean; aptWorks?: boolean; files?: string[]; removed?: string[] }): Fake {
  const installed = new Set(opts.installed);
  const commands: string[][] = [];
  const logs: string[] = [];
  return {
    uid: opts.uid,
    osId: 'debian',
    commands,
    logs,
    dpkgQuery: (pkgs) => dpkgOutput(pkgs, installed, new Set(opts.removed)),
    canSudo: () => opts.sudo ?? false,
    run(cmd) {
      commands.push([...cmd]);
      if (!(opts.aptWorks ?? true)) return false;
      const i = cmd.indexOf('install');
      if (i >= 0) for (const p of cmd.slice(i + 1).filter((a) => !a.startsWith('-'))) installed.add(p);
      return true;
    },
    exists: (file) => (opts.files ?? []).includes(file),
    pause: (ms) => void commands.push(['pause', String(ms)]),
    log: (msg) => void logs.push(msg),
  };
}

const ALL = REQUIREMENTS.map((r) => r.pkg);
const except = (...gone: string[]): string[] => ALL.filter((p) => !gone.includes(p));

describe('test host preflight', () => {
  it('not root, no sudo: stops without running anything, naming every missing package in one command', () => {
    const m = fakeMachine({ uid: 1000, installed: except('chromium', 'libkrb5-dev', 'ripgrep') });
    const r = preflight(ALL_NEEDS, m, {});
    assert.equal(r.ok, false);
    assert.deepEqual(m.commands, []);
    const message = r.ok ? '' : r.message;
    assert.match(message, /3 Debian packages/);
    const command = message.split('\n').find((l) => l.includes('apt-get install'));
    assert.equal(command?.trim(), 'sudo apt-get update && sudo apt-get install -y libkrb5-dev ripgrep chromium');
    for (const p of ['chromium', 'libkrb5-dev', 'ripgrep']) assert.match(message, new RegExp(`^  ${p} +\\S`, 'm'), `${p} is explained`);
    assert.doesNotMatch(message, /build-essential|libsecret/, 'installed packages are not listed');
    assert.match(message, /Not running as root, and sudo is missing or asks for a password/);
  });

  it('ensureTestHost throws that message as a PreflightError', () => {
    const m = fakeMachine({ uid: 1000, installed: except('unzip') });
    assert.throws(
      () => ensureTestHost(['package'], m),
      (e: unknown) => e instanceof PreflightError && /apt-get install -y unzip$/m.test(e.message),
    );
  });

  it('a package removed with its config left behind counts as missing', () => {
    const m = fakeMachine({ uid: 1000, installed: except('pkg-config'), removed: ['pkg-config'] });
    const r = preflight(ALL_NEEDS, m, {});
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /install -y pkg-config$/m);
  });

  it('root: installs exactly the missing packages with apt-get, then passes', () => {
    const m = fakeMachine({ uid: 0, installed: except('python3', 'unzip') });
    const r = preflight(ALL_NEEDS, m, {});
    assert.deepEqual(r, { ok: true, installed: ['python3', 'unzip'] });
    assert.deepEqual(m.commands, [
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', 'python3', 'unzip'],
    ]);
  });

  it('passwordless sudo: installs through sudo -n', () => {
    const m = fakeMachine({ uid: 1000, sudo: true, installed: except('chromium') });
    assert.equal(preflight(ALL_NEEDS, m, {}).ok, true);
    assert.deepEqual(m.commands.at(-1), ['sudo', '-n', 'apt-get', 'install', '-y', '-qq', 'chromium']);
  });

  it('root but apt-get fails: stops with the command for root (no sudo)', () => {
    const m = fakeMachine({ uid: 0, aptWorks: false, installed: except('libx11-dev') });
    const r = preflight(ALL_NEEDS, m, {});
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^ {2}apt-get update && apt-get install -y libx11-dev$/m);
    assert.deepEqual(
      m.commands,
      [
        ['apt-get', 'update', '-qq'],
        ['pause', '10000'],
        ['apt-get', 'update', '-qq'],
      ],
      'tried twice, then gave up',
    );
  });

  it('everything installed: runs nothing', () => {
    const m = fakeMachine({ uid: 1000, installed: ALL });
    assert.deepEqual(preflight(ALL_NEEDS, m, {}), { ok: true, installed: [] });
    assert.deepEqual(m.commands, []);
  });

  it('asks only for what the runner needs; a browser given by path stands in for the package', () => {
    const m = fakeMachine({ uid: 1000, installed: except('chromium', 'unzip'), files: ['/opt/chrome/chrome'] });
    assert.equal(preflight(['code-server'], m, {}).ok, true);
    assert.equal(preflight(['browser'], m, { INTENT_TEST_CHROMIUM: '/opt/chrome/chrome' }).ok, true);
    assert.equal(preflight(['browser'], m, {}).ok, false);
  });

  it('Ubuntu: asks for chromium-browser', () => {
    const m = { ...fakeMachine({ uid: 1000, installed: [] }), osId: 'ubuntu' };
    const r = preflight(['browser'], m, {});
    assert.match(r.ok ? '' : r.message, /apt-get install -y chromium-browser$/m);
  });

  it('no dpkg: passes with a note naming the packages', () => {
    const m = { ...fakeMachine({ uid: 1000, installed: [] }), dpkgQuery: () => undefined };
    const r = preflight(['package'], m, {});
    assert.equal(r.ok, true);
    assert.match(r.ok ? (r.note ?? '') : '', /no dpkg.*unzip/);
  });

  it('parses dpkg-query output, with and without an architecture suffix', () => {
    const out = 'libx11-dev install ok installed\nlibfoo:amd64 install ok installed\nbar deinstall ok config-files\n';
    assert.deepEqual([...parseInstalled(out)].sort(), ['libfoo', 'libx11-dev']);
  });

  it('the real dpkg-query reports a package that does not exist as missing', function () {
    if (spawnSync('dpkg-query', ['--version']).error) this.skip();
    const edges = realEdges();
    const out = edges.dpkgQuery(['intent-complete-no-such-package', 'dpkg']);
    assert.deepEqual([...parseInstalled(out ?? '')], ['dpkg']);
  });

  it('Node older than 20 is named', () => {
    assert.match(nodeVersionProblem('18.19.0') ?? '', /Node 20 or newer; this is Node 18\.19\.0/);
    assert.equal(nodeVersionProblem('20.11.1'), undefined);
  });
});
