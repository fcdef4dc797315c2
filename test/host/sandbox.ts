/**
 * `npm run sandbox -- [--model-file FILE] [--workspace DIR] [--port N] [--fresh] [--set key=json]…`
 *
 * Starts code-server (VS Code 1.100.3 in the browser) on 127.0.0.1 with the built extension
 * installed, prints the URL, and runs until Ctrl+C (or SIGTERM), then stops it.
 * - Without --workspace: a scratch folder .vscode-test/sandbox/workspace (made with a sample file).
 * - User data (settings you make in the UI, e.g. intentComplete.endpoint) is kept in
 *   .vscode-test/sandbox/user-data between runs; --fresh starts from nothing.
 * - --set intentComplete.endpoint='"http://127.0.0.1:11434/v1"' writes a user setting (the value
 *   is JSON; a bare word is taken as a string).
 * - --model-file FILE runs ghost text on the built-in engine with that GGUF model (no server, no
 *   download): it writes the user settings intentComplete.localEngine.enabled (true) and
 *   intentComplete.localEngine.modelFile (the file's absolute path).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkLocalModelFile } from '../../src/engine/ggufFile';
import { REPO_ROOT, VSCODE_TEST_DIR, startCodeServer, type SettingValue, type UserSettings } from './codeServer';

interface Args {
  workspace?: string;
  port?: number;
  fresh: boolean;
  settings: UserSettings;
  /** A GGUF model for the built-in engine (absolute). */
  modelFile?: string;
}

/** The user settings that turn the built-in engine on with a model file (src/vscode/localEngine reads them). */
export const LOCAL_ENGINE_ENABLED = 'intentComplete.localEngine.enabled';
export const LOCAL_ENGINE_MODEL_FILE = 'intentComplete.localEngine.modelFile';

function usage(): never {
  process.stderr.write('usage: npm run sandbox -- [--model-file FILE] [--workspace DIR] [--port N] [--fresh] [--set key=json]...\n');
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  // npm runs scripts in the package root; relative paths are meant from where the person typed.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const args: Args = { fresh: false, settings: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage();
      return v;
    };
    if (a === '--workspace' || a.startsWith('--workspace=')) args.workspace = path.resolve(cwd, value());
    else if (a === '--port' || a.startsWith('--port=')) args.port = Number(value());
    else if (a === '--model-file' || a.startsWith('--model-file=')) args.modelFile = path.resolve(cwd, value());
    else if (a === '--fresh') args.fresh = true;
    else if (a === '--set') {
      const kv = argv[++i] ?? usage();
      const eq = kv.indexOf('=');
      if (eq <= 0) usage();
      const raw = kv.slice(eq + 1);
      let v: SettingValue;
      try {
        v = JSON.parse(raw) as SettingValue;
      } catch {
        v = raw;
      }
      args.settings[kv.slice(0, eq)] = v;
    } else if (a === '--help' || a === '-h') usage();
    else {
      process.stderr.write(`unknown argument: ${a}\n`);
      usage();
    }
  }
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0 && args.port < 65536)) usage();
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('not built: run npm run build');
  if (args.modelFile) {
    const check = await checkLocalModelFile(args.modelFile);
    if (!check.ok) throw new Error(`--model-file ${args.modelFile}: ${check.reason}`);
    args.settings[LOCAL_ENGINE_ENABLED] = true;
    args.settings[LOCAL_ENGINE_MODEL_FILE] = args.modelFile;
  }
  const home = path.join(VSCODE_TEST_DIR, 'sandbox');
  const userDataDir = path.join(home, 'user-data');
  if (args.fresh) fs.rmSync(userDataDir, { recursive: true, force: true });
  let workspaceDir = args.workspace;
  if (!workspaceDir) {
    workspaceDir = path.join(home, 'workspace');
    if (!fs.existsSync(workspaceDir)) {
      fs.mkdirSync(workspaceDir, { recursive: true });
      fs.writeFileSync(
        path.join(workspaceDir, 'example.ts'),
        'interface Point {\n  x: number;\n  y: number;\n}\n\nexport function distance(a: Point, b: Point): number {\n  \n}\n',
      );
    }
  }
  if (!fs.existsSync(workspaceDir)) throw new Error(`no such folder: ${workspaceDir}`);

  const server = await startCodeServer({
    label: 'sandbox',
    workspaceDir,
    userDataDir,
    extensionsDir: path.join(home, 'extensions'),
    extensions: [{ path: REPO_ROOT }],
    userSettings: args.settings,
    port: args.port,
  });
  process.stdout.write(
    `\nIntent Complete sandbox (VS Code in the browser, code-server) is running:\n\n  ${server.url}\n\n` +
      (args.modelFile ? `model:      ${args.modelFile} (built-in engine)\n` : '') +
      `workspace:  ${workspaceDir}\nuser data:  ${userDataDir} (settings kept between runs; --fresh to reset)\n` +
      `logs:       ${server.logDir}\nPress Ctrl+C to stop.\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping code-server…\n');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  const code = await server.exited;
  if (!stopping) {
    process.stderr.write(`code-server exited on its own (code ${code}); see ${server.processLogFile}\n`);
    await server.stop();
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
