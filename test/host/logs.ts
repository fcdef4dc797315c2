/**
 * Reading what VS Code's extension host logged under a user-data dir (`<userDataDir>/logs/…`).
 * Only `fs`/`path`, so it also loads inside the extension host (integration tests get the dir from
 * the env var INTENT_TEST_USER_DATA_DIR).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const USER_DATA_DIR_ENV = 'INTENT_TEST_USER_DATA_DIR';

function walk(dir: string, out: string[]): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && e.name.endsWith('.log')) out.push(p);
  }
  return out;
}

export interface LogFile {
  /** Path relative to `<userDataDir>/logs`. */
  readonly name: string;
  readonly text: string;
}

/**
 * The extension host's log files: VS Code's own (activation, errors thrown by extensions) and the
 * output channels extensions write (e.g. our "Intent Complete" log channel), sorted by path.
 */
export function extensionHostLogFiles(userDataDir: string): LogFile[] {
  const logs = path.join(userDataDir, 'logs');
  return walk(logs, [])
    .filter((f) => /exthost/i.test(path.relative(logs, f)))
    .sort()
    .map((f) => {
      let text = '';
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch {
        /* rotated away */
      }
      return { name: path.relative(logs, f), text };
    });
}

/** All extension host log text; each file starts with a `==> name <==` line. */
export function readExtensionHostLog(userDataDir: string): string {
  return extensionHostLogFiles(userDataDir)
    .map((f) => `==> ${f.name} <==\n${f.text}`)
    .join('\n');
}

/**
 * Error-level lines that come from our extension: lines of VS Code's extension host log that name
 * the extension id (activation failures, uncaught errors), and every error line of our own output
 * channel (a file named after the channel, e.g. `…/1-Intent Complete.log`).
 */
export function extensionErrors(userDataDir: string, extensionId = 'intent-complete.intent-complete', channelName = 'Intent Complete'): string[] {
  const id = extensionId.toLowerCase();
  const out: string[] = [];
  for (const f of extensionHostLogFiles(userDataDir)) {
    const ownChannel = path.basename(f.name).includes(channelName);
    for (const line of f.text.split('\n')) {
      if (!/\[error\]/i.test(line)) continue;
      if (ownChannel || line.toLowerCase().includes(id)) out.push(`${f.name}: ${line}`);
    }
  }
  return out;
}
