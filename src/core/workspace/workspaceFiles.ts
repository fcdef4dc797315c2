/**
 * The files of a workspace on disk that may be read into context: not in node_modules-like
 * folders, not ignored by .gitignore / .aiignore (gitignore syntax, via the `ignore` package),
 * not secret-looking, not binary, not over 1 MB. Used by the CLI and the workspace index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { MAX_FILE_BYTES, isSecretPath, looksBinary } from './exclusion';

export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  'target',
  'vendor',
  'third_party',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.next',
  '.nuxt',
  'coverage',
  '.vscode-test',
  '.idea',
  'bower_components',
  '.gradle',
  '.cache',
]);

/** The user's ignore files, gitignore syntax. */
export const IGNORE_FILES = ['.gitignore', '.aiignore'];

export interface IgnoreRules {
  /** True when the path (relative to the root, / separators) is ignored. */
  ignores(relPath: string, isDir?: boolean): boolean;
}

/** Ignore rules from the ignore files of `root` and of every folder on the way to a path. */
export class WorkspaceIgnore implements IgnoreRules {
  private readonly perDir = new Map<string, Ignore | null>();

  constructor(private readonly root: string) {}

  private rulesFor(relDir: string): Ignore | null {
    let r = this.perDir.get(relDir);
    if (r !== undefined) return r;
    r = null;
    for (const name of IGNORE_FILES) {
      try {
        const text = fs.readFileSync(path.join(this.root, relDir, name), 'utf8');
        r ??= ignore();
        r.add(text);
      } catch {
        /* no such file */
      }
    }
    this.perDir.set(relDir, r);
    return r;
  }

  ignores(relPath: string, isDir = false): boolean {
    // A path outside the workspace (an editor on a file elsewhere) is not under its ignore files;
    // the `ignore` package throws on such paths.
    if (!relPath || /^(\/|\.\.(\/|$)|[A-Za-z]:[\\/])/.test(relPath)) return false;
    const parts = relPath.split('/');
    if (parts.some((p) => SKIPPED_DIRS.has(p))) return true;
    // Check against each ancestor's rules, relative to that ancestor.
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const rules = this.rulesFor(dir);
      if (!rules) continue;
      const rest = parts.slice(i).join('/') + (isDir && i === parts.length - 1 ? '/' : '');
      if (rest && rules.ignores(isDir ? rest : rest)) return true;
    }
    return false;
  }

  /** Forget cached rules (an ignore file changed). */
  invalidate(): void {
    this.perDir.clear();
  }
}

export interface WorkspaceFile {
  /** Relative to the root, / separators. */
  path: string;
  absPath: string;
  size: number;
}

/** Lists the files of a workspace that may be read, skipping what must not be. */
export function listWorkspaceFiles(root: string, opts: { maxFiles?: number; extensions?: ReadonlySet<string> } = {}): WorkspaceFile[] {
  const rules = new WorkspaceIgnore(root);
  const out: WorkspaceFile[] = [];
  const max = opts.maxFiles ?? 20000;
  const walk = (relDir: string) => {
    if (out.length >= max) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relDir), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !rules.ignores(rel, true)) walk(rel);
      } else if (e.isFile()) {
        if (opts.extensions && !opts.extensions.has(path.extname(e.name).toLowerCase())) continue;
        if (isSecretPath(rel) || rules.ignores(rel)) continue;
        const abs = path.join(root, rel);
        let size = 0;
        try {
          size = fs.statSync(abs).size;
        } catch {
          continue;
        }
        if (size > MAX_FILE_BYTES) continue;
        out.push({ path: rel, absPath: abs, size });
        if (out.length >= max) return;
      }
    }
  };
  walk('');
  return out;
}

/** Reads a text file, or undefined when it is unreadable or binary. */
export function readTextFile(abs: string): string | undefined {
  try {
    const text = fs.readFileSync(abs, 'utf8');
    return looksBinary(text) ? undefined : text;
  } catch {
    return undefined;
  }
}
