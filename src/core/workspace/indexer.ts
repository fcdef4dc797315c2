/**
 * Builds the symbol index of a workspace on disk in the background: lists the files that may be
 * read (workspaceFiles.ts: ignore files, secrets, binary, > 1 MB excluded), reads and outlines
 * them in small batches, yielding to the event loop between batches so typing never stalls.
 */
import { listWorkspaceFiles, readTextFile, type WorkspaceFile } from './workspaceFiles';
import { getParser } from '../lang/parser';
import { languageForPath, SOURCE_EXTENSIONS } from '../lang/languageIds';
import { OUTLINE_LANGUAGES } from '../lang/outline';
import type { SymbolIndex } from './symbolIndex';

/** The extensions the index lists (from the language table), for the editor's file watcher too. */
export { SOURCE_EXTENSIONS };

export interface IndexProgress {
  done: number;
  total: number;
}

export interface IndexBuildResult {
  files: number;
  ms: number;
}

export interface IndexBuildOptions {
  maxFiles?: number;
  /** Files per batch between yields (default 25). */
  batch?: number;
  onProgress?: (p: IndexProgress) => void;
  /** Stop early (e.g. the extension is deactivating). */
  cancelled?: () => boolean;
  /** Text to use instead of the disk for a path (open editors' unsaved text). */
  overlay?: (relPath: string) => { text: string; languageId: string } | undefined;
  /** Pre-listed files (skips listing). */
  files?: WorkspaceFile[];
}

/** Indexes every source file under `root` into `index`. */
export async function indexWorkspace(index: SymbolIndex, root: string, opts: IndexBuildOptions = {}): Promise<IndexBuildResult> {
  const t0 = performance.now();
  const files = opts.files ?? listWorkspaceFiles(root, { maxFiles: opts.maxFiles ?? 20000, extensions: SOURCE_EXTENSIONS });
  // Only the grammars these files need (each grammar is a wasm module to compile: ~0.1 s apiece);
  // others load on first use (SymbolIndex.update, OutlineCache.outline).
  const needed = new Set<string>();
  for (const f of files) {
    const l = opts.overlay?.(f.path)?.languageId ?? languageForPath(f.path);
    if (l && OUTLINE_LANGUAGES.has(l)) needed.add(l);
  }
  for (const l of needed) await getParser(l);
  // Continue from a fresh event-loop turn: the continuation of a wasm load can run inside Node's
  // DrainTasks, whose next turn blocks until every background task (V8's optimising compile of the
  // parser it is about to start) is done — about a second with the main thread idle, in the CLI.
  await new Promise<void>((r) => setImmediate(r));
  const batch = opts.batch ?? 25;
  let done = 0;
  for (let i = 0; i < files.length; i += batch) {
    if (opts.cancelled?.()) break;
    for (const f of files.slice(i, i + batch)) {
      const over = opts.overlay?.(f.path);
      const languageId = over?.languageId ?? languageForPath(f.path);
      if (!languageId || !OUTLINE_LANGUAGES.has(languageId)) continue;
      const text = over?.text ?? readTextFile(f.absPath);
      if (text === undefined) continue;
      index.updateSync(f.path, text, languageId);
      done++;
    }
    opts.onProgress?.({ done: Math.min(i + batch, files.length), total: files.length });
    await new Promise<void>((r) => setImmediate(r));
  }
  return { files: done, ms: performance.now() - t0 };
}

export interface RepoFile {
  path: string;
  absPath: string;
  text: string;
  languageId: string;
}

/** Reads the source files of a repository on disk (CLI and benchmarks). */
export function readRepository(root: string, maxFiles = 20000): RepoFile[] {
  const out: RepoFile[] = [];
  for (const f of listWorkspaceFiles(root, { maxFiles, extensions: SOURCE_EXTENSIONS })) {
    const languageId = languageForPath(f.path);
    if (!languageId) continue;
    const text = readTextFile(f.absPath);
    if (text !== undefined) out.push({ path: f.path, absPath: f.absPath, text, languageId });
  }
  return out;
}
