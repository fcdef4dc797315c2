/**
 * The composition root: what ghost text and Edit Selection share, built once. The workspace index
 * (symbols, trees, ignore rules), the context engine over it, the consistency filter with the
 * workspace's knowledge, and the endpoint (client, probe, health). Each feature receives this and
 * builds only what is its own.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ContextEngine } from '../core/context/engine';
import { ConsistencyFilter } from '../core/filter/consistency';
import { IndexKnowledge } from '../core/filter/indexKnowledge';
import { DependencyKnowledge } from '../core/filter/workspaceKnowledge';
import type { CompletionRequest, Logger } from '../core/types';
import type { Config } from './config';
import { Endpoint } from './endpoint';
import type { LocalEngine } from './localEngine/manager';
import type { ApiKeyStore } from './secrets';
import { WorkspaceIndex } from './workspaceIndex';

export class Services implements vscode.Disposable {
  /** The workspace symbol index, related-context source and ignore rules. */
  readonly workspaceIndex: WorkspaceIndex;
  /** The context engine: tree-sitter outlines and related code. */
  readonly context: ContextEngine;
  /** The consistency filter: ghost text and Edit Selection judge names alike. */
  readonly filter = new ConsistencyFilter();
  /** The model endpoint and its health. */
  readonly endpoint: Endpoint;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly config: Config,
    readonly keys: ApiKeyStore,
    readonly log: Logger,
    /** The built-in engine (localEngine.enabled: the endpoint is its). */
    readonly local?: LocalEngine,
  ) {
    const folder = () => vscode.workspace.workspaceFolders?.[0];
    const workspace = (this.workspaceIndex = new WorkspaceIndex(log));
    this.endpoint = new Endpoint(config, keys, log, local);
    this.disposables.push(workspace, this.endpoint);
    this.context = new ContextEngine({
      relativePath: (req: CompletionRequest) => (req.doc.fsPath && workspace.relativePath(req.doc.fsPath)) || path.basename(req.doc.fsPath ?? req.doc.uri),
      repoName: folder()?.name ?? 'workspace',
      index: workspace.index,
      trees: workspace.trees,
      editorState: () => workspace.editorState(),
      isExcluded: (p) => workspace.isExcluded(p),
    });
    this.giveFilterKnowledge(folder()?.uri.scheme === 'file' ? folder()?.uri.fsPath : undefined);
  }

  /**
   * The filter knows the workspace through the same symbol index (kept current by WorkspaceIndex,
   * unsaved editor text included) plus the manifests and dependencies' declarations.
   */
  private giveFilterKnowledge(root: string | undefined): void {
    if (!root) return;
    // Created before the index's first build parses anything, so it gets every tree of it.
    const k = new IndexKnowledge(this.workspaceIndex.index, root);
    this.disposables.push({ dispose: () => k.dispose() });
    void this.workspaceIndex.ready.then(
      () => {
        k.setDependencies(DependencyKnowledge.read(root));
        this.filter.setKnowledge(k);
      },
      (e: unknown) => this.log.warn(`filter: workspace knowledge failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
