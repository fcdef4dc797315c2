/**
 * `npm run test:integration`: runs the mocha suites of out/test/integration inside a real VS Code
 * extension host with this extension under development (main: dist/extension.js).
 *
 * Host (env INTENT_TEST_HOST):
 *   - default, and CI: code-server 4.100.3 (VS Code 1.100.3) from npm + headless Chromium; the tests
 *     are started through the web workbench's `payload` URL parameter.
 *   - `electron`: @vscode/test-electron (downloads VS Code; for desktop machines with internet). If
 *     the download fails, falls back to code-server.
 * Other env: INTENT_TEST_GREP (mocha grep; or `-- --grep <text>`), INTENT_TEST_TIMEOUT_MS (default 600000),
 * INTENT_TEST_WORKSPACE (folder to open; default a temp copy of test/fixtures/workspace, if any).
 *
 * Prints each test, the failures, and a last line `N passed, N failed`; exit code 1 on failures.
 * Artifacts (results JSON, extension host log, browser console) go to test-results/integration/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, launchBrowser, makeTempDir, startCodeServer, type CodeServer } from './codeServer';
import type { IntegrationResults } from '../integration';
import { testHostReady } from './preflight';

const RESULTS_ENV = 'INTENT_TEST_RESULTS';
const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'integration');
const TESTS_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index');
const TIMEOUT_MS = Number(process.env.INTENT_TEST_TIMEOUT_MS) || 10 * 60_000;

function say(msg: string): void {
  process.stdout.write(msg + '\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkBuilt(): void {
  const missing = [path.join(REPO_ROOT, 'dist', 'extension.js'), `${TESTS_ENTRY}.js`].filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.join(', ')} (run: npm run build && npm run compile-tests)`);
  }
}

/** The folder the host opens: a temp copy of test/fixtures/workspace, or a small made-up one. */
export function makeWorkspace(label: string): string {
  if (process.env.INTENT_TEST_WORKSPACE) return path.resolve(process.env.INTENT_TEST_WORKSPACE);
  const dir = makeTempDir(`${label}-workspace`);
  const fixture = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
  if (fs.existsSync(fixture)) {
    fs.cpSync(fixture, dir, { recursive: true });
  } else {
    fs.writeFileSync(path.join(dir, 'README.md'), '# Integration workspace\n');
    fs.writeFileSync(path.join(dir, 'math.ts'), 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
  }
  return dir;
}

function readResults(file: string): IntegrationResults | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as IntegrationResults;
    return r.done ? r : undefined;
  } catch {
    return undefined;
  }
}

function report(results: IntegrationResults): void {
  if (results.vscodeVersion) say(`VS Code ${results.vscodeVersion} extension host`);
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    const ms = t.durationMs !== undefined ? ` (${t.durationMs} ms)` : '';
    say(`  ${mark} ${t.fullTitle}${ms}`);
  }
  const failures = results.tests.filter((t) => t.state === 'failed');
  if (failures.length > 0 || results.fatal) say('\nFailures:');
  failures.forEach((t, i) => {
    say(`\n  ${i + 1}) ${t.fullTitle}${t.file ? `  [${t.file}]` : ''}`);
    say(indent(t.error?.stack ?? t.error?.message ?? '(no error message)', '     '));
  });
  if (results.fatal) say(`\n  mocha could not run:\n${indent(results.fatal, '     ')}`);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

async function runInCodeServer(resultsFile: string): Promise<IntegrationResults> {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const consoleLines: string[] = [];
  try {
    const workspaceDir = makeWorkspace('integration');
    server = await startCodeServer({
      label: 'integration',
      workspaceDir,
      removeOnStop: process.env.INTENT_TEST_WORKSPACE ? [] : [workspaceDir],
      env: { [RESULTS_ENV]: resultsFile, ...(process.env.INTENT_TEST_GREP ? { INTENT_TEST_GREP: process.env.INTENT_TEST_GREP } : {}) },
    });
    say(`code-server at ${server.origin} (user data: ${server.userDataDir})`);
    browser = await launchBrowser();
    const page = await browser.newPage();
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    const url = server.urlWithPayload([
      ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
      ['extensionTestsPath', server.remoteUri(TESTS_ENTRY)],
    ]);
    await page.goto(url, { waitUntil: 'domcontentloaded' });

    const deadline = Date.now() + TIMEOUT_MS;
    let exitCode: number | null | undefined;
    void server.exited.then((c) => (exitCode = c));
    for (;;) {
      const r = readResults(resultsFile);
      if (r) return r;
      if (exitCode !== undefined) throw new Error(`code-server exited (code ${exitCode}) before the tests finished`);
      if (Date.now() > deadline) throw new Error(`time limit: no results after ${Math.round(TIMEOUT_MS / 1000)} s`);
      await sleep(500);
    }
  } finally {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'browser-console.log'), consoleLines.join('\n') + '\n');
    if (server) {
      fs.writeFileSync(path.join(ARTIFACTS, 'exthost.log'), server.extensionHostLog());
      try {
        fs.copyFileSync(server.processLogFile, path.join(ARTIFACTS, 'code-server.log'));
      } catch {
        /* none */
      }
    }
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
}

/** @vscode/test-electron, if VS Code can be downloaded; undefined means "use code-server". */
async function runInElectron(resultsFile: string): Promise<IntegrationResults | undefined> {
  const testElectron = await import('@vscode/test-electron');
  let executable: string;
  try {
    executable = await testElectron.downloadAndUnzipVSCode(process.env.INTENT_TEST_VSCODE_VERSION ?? 'stable');
  } catch (err) {
    say(`VS Code download failed (${err instanceof Error ? err.message : String(err)}); using code-server`);
    return undefined;
  }
  const userDataDir = makeTempDir('electron-userdata');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), '{ "workbench.startupEditor": "none" }\n');
  try {
    await testElectron.runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: TESTS_ENTRY,
      extensionTestsEnv: { [RESULTS_ENV]: resultsFile },
      launchArgs: [makeWorkspace('integration'), '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir],
    });
  } catch (err) {
    // runTests rejects when tests fail; the results file says which.
    const r = readResults(resultsFile);
    if (r) return r;
    throw err;
  }
  const r = readResults(resultsFile);
  if (!r) throw new Error(`VS Code exited without writing ${resultsFile}`);
  return r;
}

async function main(): Promise<number> {
  // `npm run test:integration -- --grep <text>` is the same as INTENT_TEST_GREP=<text>.
  const g = process.argv.indexOf('--grep');
  if (g > 0 && process.argv[g + 1]) process.env.INTENT_TEST_GREP = process.argv[g + 1];
  checkBuilt();
  if (!testHostReady(['code-server', 'browser'], say)) {
    say('0 passed, 1 failed');
    return 1;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // A file of this run's own: other runs in the same checkout may be going at the same time.
  const resultsDir = makeTempDir('integration-results');
  const resultsFile = path.join(resultsDir, 'results.json');
  const started = Date.now();
  let results: IntegrationResults | undefined;
  try {
    if (process.env.INTENT_TEST_HOST === 'electron') results = await runInElectron(resultsFile);
    results ??= await runInCodeServer(resultsFile);
  } catch (err) {
    fs.rmSync(resultsDir, { recursive: true, force: true });
    say(`integration run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    say(`artifacts: ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}`);
    say('0 passed, 1 failed');
    return 1;
  }
  fs.copyFileSync(resultsFile, path.join(ARTIFACTS, 'results.json'));
  fs.rmSync(resultsDir, { recursive: true, force: true });
  report(results);
  say(`\n(${Math.round((Date.now() - started) / 1000)} s; artifacts in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS})`);
  if (results.passed + results.failed === 0) say('no tests ran (INTENT_TEST_GREP matched nothing?)');
  say(`${results.passed} passed, ${results.failed} failed`);
  return results.failed > 0 || results.passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`integration runner crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    say('0 passed, 1 failed');
    process.exit(1);
  },
);
