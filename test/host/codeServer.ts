/**
 * A real VS Code for tests on machines that cannot download VS Code: code-server (VS Code 1.100.3
 * server + web workbench, installed from npm) with headless Chromium from Debian as the window.
 * See /work/shared/docs/vscode-host.md for why and how.
 *
 * - ensureCodeServer(): installs code-server into .vscode-test/code-server/ once (cached).
 * - startCodeServer(): one server on a free 127.0.0.1 port, fresh user data, own process group.
 * - launchBrowser(): headless Chromium through playwright-core.
 * - readExtensionHostLog(): the extension host's log text, to assert "no error from our extension".
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { readExtensionHostLog, USER_DATA_DIR_ENV } from './logs';
import { CHROMIUM_CANDIDATES, ensureTestHost } from './preflight';

export { readExtensionHostLog, extensionErrors } from './logs';

export const CODE_SERVER_VERSION = '4.100.3';
/** @vscode/ripgrep version code-server 4.100.3 depends on, and the rg archive its postinstall wants. */
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Repository root (this file runs from out/test/host/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const VSCODE_TEST_DIR = path.join(REPO_ROOT, '.vscode-test');
export const CODE_SERVER_DIR = path.join(VSCODE_TEST_DIR, 'code-server');
const CODE_SERVER_BIN = path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
const INSTALLED_MARKER = path.join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`);

export const CHROMIUM_PATH = process.env.INTENT_TEST_CHROMIUM ?? CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? CHROMIUM_CANDIDATES[0];
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Settings values as they appear in settings.json. */
export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };
export type UserSettings = Record<string, SettingValue>;

export interface ExtensionToInstall {
  /** Folder to link, e.g. the repository root (must contain package.json). */
  readonly path: string;
}

export interface CodeServerOptions {
  /** Folder opened as the workspace. */
  readonly workspaceDir: string;
  /** User settings merged over `{"workbench.startupEditor": "none"}`. */
  readonly userSettings?: UserSettings;
  /** User data dir; default a fresh temp dir. An existing settings.json there is kept and merged. */
  readonly userDataDir?: string;
  /** Extensions dir; default a fresh temp dir. */
  readonly extensionsDir?: string;
  /** Extensions linked into the extensions dir as `publisher.name-version`. */
  readonly extensions?: readonly ExtensionToInstall[];
  /** Extra environment for code-server, inherited by its extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** Fixed port; default a free one. */
  readonly port?: number;
  /** Used to name the temp dirs. */
  readonly label?: string;
  /** How long to wait for the server to answer (ms). */
  readonly startTimeoutMs?: number;
  /**
   * More dirs (e.g. a temp workspace) that stop() deletes along with the temp dirs it made itself.
   * Set INTENT_TEST_KEEP_TMP=1 to keep them all for debugging.
   */
  readonly removeOnStop?: readonly string[];
}

export interface CodeServer {
  /** `http://127.0.0.1:PORT/?folder=/abs/workspace` */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  readonly workspaceDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's own logs (VS Code's logs are under it, in `<userDataDir>/logs`). */
  readonly logDir: string;
  /** stdout+stderr of the code-server process. */
  readonly processLogFile: string;
  /** A `vscode-remote://` URI for a path on this machine (for the `payload` URL parameter). */
  remoteUri(absPath: string): string;
  /** The workbench URL with a `payload` parameter (pairs as VS Code's web workbench expects). */
  urlWithPayload(payload: ReadonlyArray<readonly [string, string]>): string;
  /** Everything the extension host logged so far (see readExtensionHostLog). */
  extensionHostLog(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

function log(msg: string): void {
  process.stderr.write(`[code-server] ${msg}\n`);
}

/** A fresh temp dir. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `intent-complete-${prefix}-`));
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

interface ExtensionManifest {
  readonly name: string;
  readonly publisher: string;
  readonly version: string;
}

export function extensionId(extensionPath: string): { id: string; folderName: string } {
  const m = readJson<ExtensionManifest>(path.join(extensionPath, 'package.json'));
  const id = `${m.publisher}.${m.name}`;
  return { id, folderName: `${id}-${m.version}` };
}

// ---------------------------------------------------------------------------------------------
// Install

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seed @vscode/ripgrep's download cache with Debian's rg, so its postinstall needs no GitHub. */
function seedRipgrepCache(): void {
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const archive = path.join(cacheDir, RIPGREP_ARCHIVE);
  if (fs.existsSync(archive)) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
  if (!rg) throw new Error('ripgrep is missing: apt-get install -y ripgrep (code-server install needs /usr/bin/rg)');
  fs.mkdirSync(cacheDir, { recursive: true });
  const stage = makeTempDir('rg');
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  const tmp = `${archive}.${process.pid}.tmp`;
  const r = spawnSync('tar', ['czf', tmp, '-C', stage, 'rg'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tar failed creating ${archive}`);
  fs.renameSync(tmp, archive);
  fs.rmSync(stage, { recursive: true, force: true });
}

/** node-gyp (node-pty's postinstall) downloads Node headers unless told where local ones are. */
function nodeHeadersDir(): string | undefined {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

async function withInstallLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(VSCODE_TEST_DIR, { recursive: true });
  const lock = path.join(VSCODE_TEST_DIR, 'code-server.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // Someone else installs; take over a lock whose owner is gone.
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      if (Number.isFinite(owner) && owner > 0 && !processAlive(owner)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Installs code-server into .vscode-test/code-server/ unless it is there; returns the binary. */
export async function ensureCodeServer(): Promise<string> {
  if (fs.existsSync(INSTALLED_MARKER) && fs.existsSync(CODE_SERVER_BIN)) return CODE_SERVER_BIN;
  return withInstallLock(async () => {
    if (fs.existsSync(INSTALLED_MARKER) && fs.existsSync(CODE_SERVER_BIN)) return CODE_SERVER_BIN;
    ensureTestHost(['code-server']);
    log(`installing code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (a few minutes, once)`);
    const started = Date.now();
    seedRipgrepCache();
    fs.mkdirSync(CODE_SERVER_DIR, { recursive: true });
    const pkg = path.join(CODE_SERVER_DIR, 'package.json');
    if (!fs.existsSync(pkg)) {
      fs.writeFileSync(pkg, JSON.stringify({ name: 'intent-complete-code-server', private: true }, null, 2) + '\n');
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      // npm >= 11.x blocks dependency install scripts unless approved (allowScripts); code-server's
      // postinstall (and the nested npm installs it runs for VS Code's native modules) must run.
      npm_config_dangerously_allow_all_scripts: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    // Not the repo's npm scripts context: drop npm_* lifecycle variables that would leak in.
    delete env.npm_config_global;
    delete env.npm_config_prefix;
    const headers = nodeHeadersDir();
    if (!env.npm_config_nodedir && headers) env.npm_config_nodedir = headers;
    const installLog = path.join(VSCODE_TEST_DIR, 'code-server-install.log');
    // The registry connection can drop mid-install (EIDLETIMEOUT seen here): up to three attempts.
    let code: number | null = null;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const out = fs.openSync(installLog, 'w');
      code = await new Promise<number | null>((resolve, reject) => {
        const p = spawn('npm', ['install', '--unsafe-perm', `code-server@${CODE_SERVER_VERSION}`], {
          cwd: CODE_SERVER_DIR,
          env,
          stdio: ['ignore', out, out],
        });
        p.on('error', reject);
        p.on('exit', resolve);
      });
      fs.closeSync(out);
      if (code === 0 && fs.existsSync(CODE_SERVER_BIN)) break;
      if (attempt < 3) {
        log(`code-server install attempt ${attempt} failed (exit ${code}); retrying`);
        await new Promise((r) => setTimeout(r, attempt * 10_000));
      }
    }
    if (code !== 0 || !fs.existsSync(CODE_SERVER_BIN)) {
      const tail = fs.readFileSync(installLog, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`code-server install failed (exit ${code}); last lines of ${installLog}:\n${tail}`);
    }
    fs.writeFileSync(INSTALLED_MARKER, new Date().toISOString() + '\n');
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return CODE_SERVER_BIN;
  });
}

// ---------------------------------------------------------------------------------------------
// Start / stop

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function writeUserSettings(userDataDir: string, settings: UserSettings): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  let existing: UserSettings = {};
  if (fs.existsSync(file)) {
    try {
      existing = readJson<UserSettings>(file);
    } catch {
      existing = {};
    }
  }
  const merged: UserSettings = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.tips.enabled': false,
    'chat.commandCenter.enabled': false,
    'workbench.enableExperiments': false,
    ...existing,
    ...settings,
  };
  fs.writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
}

/** Link (or refresh the link of) an extension folder into an extensions dir. */
export function linkExtension(extensionsDir: string, extensionPath: string): string {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const { folderName } = extensionId(extensionPath);
  const target = path.join(extensionsDir, folderName);
  fs.rmSync(target, { recursive: true, force: true });
  fs.symlinkSync(path.resolve(extensionPath), target, 'dir');
  return target;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const bin = await ensureCodeServer();
  const label = opts.label ?? 'run';
  const owned: string[] = [...(opts.removeOnStop ?? [])];
  const own = (dir: string): string => (owned.push(dir), dir);
  const userDataDir = opts.userDataDir ?? own(makeTempDir(`${label}-userdata`));
  const extensionsDir = opts.extensionsDir ?? own(makeTempDir(`${label}-extensions`));
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, opts.userSettings ?? {});
  for (const ext of opts.extensions ?? []) linkExtension(extensionsDir, ext.path);
  const workspaceDir = path.resolve(opts.workspaceDir);
  const port = opts.port ?? (await freePort());
  const logDir = path.join(userDataDir, 'logs');
  const processLogFile = path.join(userDataDir, 'code-server.log');
  const out = fs.openSync(processLogFile, 'a');

  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    workspaceDir,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, [USER_DATA_DIR_ENV]: userDataDir };
  // Its own config file, so nothing from ~/.config/code-server leaks in (password, cert, ...).
  env.CODE_SERVER_CONFIG = path.join(userDataDir, 'code-server-config.yaml');
  fs.writeFileSync(env.CODE_SERVER_CONFIG, 'auth: none\ncert: false\n');
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;
  // detached: its own process group, so stop() ends the extension host and helpers too.
  const child: ChildProcess = spawn(bin, args, { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(-1));
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const origin = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const pid = child.pid;
    if (pid === undefined) return;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        /* already gone */
      }
    };
    killGroup('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    // The group may hold more than the main process (extension host, file watcher, pty host).
    await sleep(timedOut ? 0 : 300);
    killGroup('SIGKILL');
    if (process.env.INTENT_TEST_KEEP_TMP !== '1') {
      for (const dir of owned) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  };

  const server: CodeServer = {
    url: `${origin}/?folder=${encodeURIComponent(workspaceDir)}`,
    origin,
    port,
    workspaceDir,
    userDataDir,
    extensionsDir,
    logDir,
    processLogFile,
    remoteUri: (absPath: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(absPath)}`,
    urlWithPayload(payload) {
      const json = JSON.stringify(payload.map(([k, v]) => [k, v]));
      return `${origin}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(json)}`;
    },
    extensionHostLog: () => readExtensionHostLog(userDataDir),
    exited,
    stop,
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) {
      throw new Error(`code-server exited while starting; see ${processLogFile}:\n${tailFile(processLogFile, 30)}`);
    }
    const status = await httpStatus(`${origin}/healthz`);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${origin} in time; see ${processLogFile}:\n${tailFile(processLogFile, 30)}`);
    }
    await sleep(250);
  }
  return server;
}

export function tailFile(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// Browser

/**
 * Headless Chromium. Playwright gives every launch its own new, empty profile (user data dir) and
 * every `browser.newContext()` its own storage, so VS Code's browser-side state never carries over.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (or set INTENT_TEST_CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
