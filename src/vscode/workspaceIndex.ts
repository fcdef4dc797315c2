/**
 * The workspace symbol index in VS Code: built in the background at activation (progress in the
 * status bar through a window progress), kept current from editors (unsaved text wins over the
 * disk), a FileSystemWatcher (create/change/delete outside editors), renames, and ignore-file
 * changes. Also answers "may this file be read into context / completed in?" with the user's
 * .aiignore and .gitignore (gitignore syntax), secret-looking names and node_modules-like folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EditorState } from '../core/context/recentEdits';
import { isSecretPath, MAX_FILE_BYTES } from '../core/workspace/exclusion';
import { indexWorkspace, SOURCE_EXTENSIONS } from '../core/workspace/indexer';
import { SymbolIndex } from '../core/workspace/symbolIndex';
import { listWorkspaceFiles, readTextFile, WorkspaceIgnore } from '../core/workspace/workspaceFiles';
import { outlineFromTree, OUTLINE_LANGUAGES } from '../core/lang/outline';
import { languageForPath, TreeCache } from '../core/lang/parser';
import type { Logger } from '../core/types';

const GLOB = `**/*.{${[...SOURCE_EXTENSIONS].map((e) => e.slice(1)).join(',')}}`;
/** How long after the last change an edited (non-current) document is re-outlined. */
const EDIT_SETTLE_MS = 400;

export class WorkspaceIndex implements vscode.Disposable {
  readonly index: SymbolIndex;
  readonly trees = new TreeCache(8);
  /** Resolves when the first full build is done (or failed). */
  readonly ready: Promise<void>;
  private readonly root: string | undefined;
  private ignore: WorkspaceIgnore | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly recent: { path: string; line: number }[] = [];
  private disposed = false;

  constructor(private readonly log: Logger) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    this.root = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    this.index = new SymbolIndex({ root: this.root });
    this.ignore = this.root ? new WorkspaceIgnore(this.root) : undefined;
    this.ready = this.root && folder ? this.build(folder) : Promise.resolve();
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClose(d)),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const f of e.files) this.onRenamed(f.oldUri, f.newUri);
      }),
    );
    if (folder && this.root) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, GLOB));
      const ignoreWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/{.gitignore,.aiignore}'));
      // VS Code reports a created/deleted folder without its children: folders are handled here.
      const folderWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'), false, true, false);
      this.disposables.push(
        watcher,
        ignoreWatcher,
        folderWatcher,
        folderWatcher.onDidCreate((u) => this.fromFolder(u)),
        folderWatcher.onDidDelete((u) => {
          const rel = this.relativePath(u.fsPath);
          if (rel && !SOURCE_EXTENSIONS.has(path.extname(rel).toLowerCase())) this.removeUnder(rel);
        }),
        watcher.onDidCreate((u) => this.fromDisk(u)),
        watcher.onDidChange((u) => this.fromDisk(u)),
        watcher.onDidDelete((u) => {
          const rel = this.relativePath(u.fsPath);
          if (rel) this.index.remove(rel);
        }),
        ignoreWatcher.onDidCreate(() => this.onIgnoreFilesChanged()),
        ignoreWatcher.onDidChange(() => this.onIgnoreFilesChanged()),
        ignoreWatcher.onDidDelete(() => this.onIgnoreFilesChanged()),
      );
    }
  }

  /** Workspace-relative path with `/` separators, or undefined outside the (first) workspace folder. */
  relativePath(fsPath: string): string | undefined {
    if (!this.root) return undefined;
    const rel = path.relative(this.root, fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  /** True when a workspace-relative path must not be read into context. */
  isExcluded(relPath: string): boolean {
    return isSecretPath(relPath) || (this.ignore?.ignores(relPath) ?? false);
  }

  /** True when completions must not be requested in this document (ignored by .aiignore/.gitignore, secret-looking). */
  isIgnoredDocument(uri: vscode.Uri): boolean {
    if (uri.scheme !== 'file' && uri.scheme !== 'untitled') return false;
    const rel = uri.scheme === 'file' ? this.relativePath(uri.fsPath) : undefined;
    return rel !== undefined && this.isExcluded(rel);
  }

  /** Open editors and the last edit places, for ranking related context. */
  editorState(): EditorState {
    const open: string[] = [];
    for (const g of vscode.window.tabGroups.all) {
      for (const t of g.tabs) {
        if (t.input instanceof vscode.TabInputText) {
          const rel = t.input.uri.scheme === 'file' ? this.relativePath(t.input.uri.fsPath) : undefined;
          if (rel) open.push(rel);
        }
      }
    }
    return { openFiles: open.sort(), recentEdits: this.recent.slice() };
  }

  private async build(folder: vscode.WorkspaceFolder): Promise<void> {
    const root = folder.uri.fsPath;
    const open = new Map<string, vscode.TextDocument>();
    for (const d of vscode.workspace.textDocuments) {
      const rel = d.uri.scheme === 'file' ? this.relativePath(d.uri.fsPath) : undefined;
      if (rel) open.set(rel, d);
    }
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Intent Complete: indexing' }, async (progress) => {
        let last = 0;
        const r = await indexWorkspace(this.index, root, {
          cancelled: () => this.disposed,
          overlay: (rel) => {
            const d = open.get(rel);
            return d && !d.isClosed ? { text: d.getText(), languageId: d.languageId } : undefined;
          },
          onProgress: ({ done, total }) => {
            const pct = total ? Math.floor((done / total) * 100) : 100;
            if (pct > last) {
              progress.report({ message: `${done}/${total} files`, increment: pct - last });
              last = pct;
            }
          },
        });
        this.log.info(`workspace index: ${r.files} files in ${Math.round(r.ms)} ms`);
      });
    } catch (e) {
      this.log.warn(`workspace index failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const d = e.document;
    if (d.uri.scheme !== 'file' || e.contentChanges.length === 0) return;
    const rel = this.relativePath(d.uri.fsPath);
    if (!rel || this.isExcluded(rel)) return;
    const line = e.contentChanges[0].range.start.line;
    const last = this.recent[this.recent.length - 1];
    if (!last || last.path !== rel || Math.abs(last.line - line) > 8) {
      this.recent.push({ path: rel, line });
      if (this.recent.length > 16) this.recent.shift();
    } else last.line = line;
    // Re-outline once the edits settle (the context engine refreshes the current document itself).
    const key = d.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        if (!d.isClosed) this.fromText(key, rel, d.getText(), d.languageId);
      }, EDIT_SETTLE_MS),
    );
  }

  private fromText(key: string, rel: string, text: string, languageId: string): void {
    if (!OUTLINE_LANGUAGES.has(languageId) || text.length > MAX_FILE_BYTES) return;
    try {
      const tree = this.trees.get(key, text, languageId);
      if (tree) this.index.setOutline(rel, text, languageId, outlineFromTree(tree, text, languageId));
      else void this.index.update(rel, text, languageId);
    } catch (e) {
      this.log.debug(`index update failed for ${rel}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private onClose(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    this.trees.delete(key);
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    // Unsaved edits are gone with the editor: the disk is the truth again.
    if (d.uri.scheme === 'file') this.fromDisk(d.uri);
  }

  private fromDisk(uri: vscode.Uri): void {
    const rel = this.relativePath(uri.fsPath);
    if (!rel || this.isExcluded(rel)) return;
    // An open editor's text wins over the disk.
    if (vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === uri.toString())) return;
    const languageId = languageForPath(rel);
    if (!languageId || !OUTLINE_LANGUAGES.has(languageId)) return;
    let size = 0;
    try {
      size = fs.statSync(uri.fsPath).size;
    } catch {
      this.index.remove(rel);
      return;
    }
    if (size > MAX_FILE_BYTES) return this.index.remove(rel);
    const text = readTextFile(uri.fsPath);
    if (text === undefined) return this.index.remove(rel);
    void this.index.update(rel, text, languageId).catch(() => undefined);
  }

  /** A folder created on disk (or moved in): index the source files under it. */
  private fromFolder(uri: vscode.Uri): void {
    const rel = this.relativePath(uri.fsPath);
    if (!rel || SOURCE_EXTENSIONS.has(path.extname(rel).toLowerCase()) || this.isExcluded(rel)) return;
    let isDir = false;
    try {
      isDir = fs.statSync(uri.fsPath).isDirectory();
    } catch {
      return;
    }
    if (!isDir) return;
    for (const f of listWorkspaceFiles(uri.fsPath, { maxFiles: 5000, extensions: SOURCE_EXTENSIONS })) {
      this.fromDisk(vscode.Uri.file(f.absPath));
    }
  }

  /** Removes a file or every indexed file under a folder. */
  private removeUnder(rel: string): void {
    this.index.remove(rel);
    const prefix = `${rel}/`;
    for (const p of this.index.paths()) if (p.startsWith(prefix)) this.index.remove(p);
  }

  private onRenamed(oldUri: vscode.Uri, newUri: vscode.Uri): void {
    const from = this.relativePath(oldUri.fsPath);
    const to = this.relativePath(newUri.fsPath);
    if (from && this.index.file(from)) {
      // Keep the entry (it may hold an editor's unsaved text) unless the new place must not be read.
      if (to && !this.isExcluded(to) && languageForPath(to) === this.index.file(from)?.languageId) this.index.rename(from, to);
      else {
        this.index.remove(from);
        if (to) this.fromDisk(newUri);
      }
      return;
    }
    if (from) this.removeUnder(from);
    if (to) this.fromFolder(newUri);
  }

  private onIgnoreFilesChanged(): void {
    this.ignore?.invalidate();
    for (const p of this.index.paths()) if (this.isExcluded(p)) this.index.remove(p);
    // Files no longer ignored (a rule removed) come back.
    const root = this.root;
    if (!root) return;
    const missing = listWorkspaceFiles(root, { maxFiles: 20000, extensions: SOURCE_EXTENSIONS }).filter((f) => !this.index.file(f.path) && !this.isExcluded(f.path));
    if (missing.length === 0) return;
    void indexWorkspace(this.index, root, { files: missing, cancelled: () => this.disposed, overlay: (rel) => this.openText(rel) }).catch(() => undefined);
  }

  /** An open editor's text for a workspace-relative path. */
  private openText(rel: string): { text: string; languageId: string } | undefined {
    const d = vscode.workspace.textDocuments.find((x) => !x.isClosed && x.uri.scheme === 'file' && this.relativePath(x.uri.fsPath) === rel);
    return d ? { text: d.getText(), languageId: d.languageId } : undefined;
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    for (const d of this.disposables) d.dispose();
    this.trees.clear();
  }
}
