/**
 * Runs inside the VS Code extension host (code-server's, or Electron's with @vscode/test-electron):
 * mocha (bdd: describe/it) over out/test/integration/**\/*.test.js, with the real `vscode` API.
 *
 * Results go to a JSON file (IntegrationResults) that the runner outside waits for. Its path comes
 * from the env var INTENT_TEST_RESULTS (the extension host inherits code-server's environment);
 * without it, test-results/integration-results.json in the repository.
 * INTENT_TEST_GREP (optional) filters tests like mocha's --grep.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const RESULTS_ENV = 'INTENT_TEST_RESULTS';
export const GREP_ENV = 'INTENT_TEST_GREP';

export interface TestResult {
  readonly title: string;
  readonly fullTitle: string;
  readonly file?: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs?: number;
  readonly error?: { readonly message: string; readonly stack?: string };
}

export interface IntegrationResults {
  readonly done: true;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly tests: readonly TestResult[];
  /** Set when mocha could not run at all (e.g. a test file failed to load). */
  readonly fatal?: string;
  readonly vscodeVersion?: string;
}

/** out/test/integration → repository root. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function resultsPath(): string {
  return process.env[RESULTS_ENV] || path.join(REPO_ROOT, 'test-results', 'integration-results.json');
}

function writeResults(results: IntegrationResults): void {
  const file = resultsPath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so the runner never reads half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.isFile() && e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function errorOf(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

async function vscodeVersion(): Promise<string | undefined> {
  try {
    const vscode = await import('vscode');
    return vscode.version;
  } catch {
    return undefined;
  }
}

export async function run(): Promise<void> {
  const started = Date.now();
  const tests: TestResult[] = [];
  const version = await vscodeVersion();
  const grep = process.env[GREP_ENV];
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 30_000,
    reporter: 'spec',
    ...(grep ? { grep } : {}),
  });
  let failures = 0;
  try {
    for (const f of findTests(__dirname)) mocha.addFile(f);
    await mocha.loadFilesAsync();
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      const rel = (file: string | undefined): string | undefined => (file ? path.relative(REPO_ROOT, file) : undefined);
      runner.on('pass', (t) => tests.push({ title: t.title, fullTitle: t.fullTitle(), file: rel(t.file), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => tests.push({ title: t.title, fullTitle: t.fullTitle(), file: rel(t.file), state: 'pending' }));
      // Also hooks ("before all" hook: …) fail through here.
      runner.on('fail', (t, err) =>
        tests.push({
          title: t.title,
          fullTitle: t.fullTitle(),
          file: rel(t.file),
          state: 'failed',
          durationMs: t.duration,
          error: errorOf(err),
        }),
      );
    });
  } catch (err) {
    const e = errorOf(err);
    writeResults({
      done: true,
      passed: tests.filter((t) => t.state === 'passed').length,
      failed: tests.filter((t) => t.state === 'failed').length + 1,
      pending: tests.filter((t) => t.state === 'pending').length,
      durationMs: Date.now() - started,
      tests,
      fatal: e.stack ?? e.message,
      vscodeVersion: version,
    });
    throw err;
  }
  const failed = tests.filter((t) => t.state === 'failed').length;
  writeResults({
    done: true,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: Math.max(failed, failures),
    pending: tests.filter((t) => t.state === 'pending').length,
    durationMs: Date.now() - started,
    tests,
    vscodeVersion: version,
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
