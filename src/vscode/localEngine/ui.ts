/**
 * The built-in engine in VS Code: "Run a model on this machine" (the catalogue or a GGUF file on
 * disk; a download only on that click, in a cancellable notification), the restart and stop
 * commands, the engine's notices (a crash that keeps coming back, a model to download, a file that
 * cannot be used), and the engine following the settings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from '../../core/config';
import type { Logger } from '../../core/types';
import { CATALOGUE, formatBytes, type CatalogueEntry } from '../../engine/catalogue';
import { catalogueTarget, downloadModel, downloadState, type DownloadResult } from '../../engine/download';
import { checkLocalModelFile } from '../../engine/ggufFile';
import { COMMANDS } from '../statusMenu';
import { LocalEngine, type EngineNotice } from './manager';
import { downloadNotice, modelPickItems, progressLine, type DownloadNotice, type ModelPickItem } from './picker';

export interface LocalEngineConfig {
  readonly settings: Settings;
  readonly onDidChange: vscode.Event<Settings>;
  update<K extends keyof Settings>(key: K, value: Settings[K] | undefined): Promise<void>;
  /** The engine's endpoint in effect (config.ts). */
  useEngine(ep: { endpoint: string; model: string } | undefined): void;
}

export interface LocalEngineFeatureDeps {
  context: vscode.ExtensionContext;
  config: LocalEngineConfig;
  log: Logger;
  showLog(): void;
}

export class LocalEngineFeature implements vscode.Disposable {
  readonly engine: LocalEngine;
  /** Where catalogue models are downloaded. */
  readonly modelsDir: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly d: LocalEngineFeatureDeps) {
    this.modelsDir = vscode.Uri.joinPath(d.context.globalStorageUri, 'models').fsPath;
    // The worker bundle beside the extension's (build.mjs); absent from the universal package.
    const workerEntry = path.join(d.context.extensionPath, 'dist', 'worker.js');
    this.engine = new LocalEngine({ settings: () => d.config.settings, modelsDir: this.modelsDir, log: d.log, workerEntry });
    this.disposables.push(
      d.config.onDidChange(() => void this.engine.settingsChanged()),
      this.engine.onNotice((n) => void this.tell(n)),
      // Ready: its URL and model are the endpoint in effect; stopped or restarting: none (requests start it).
      this.engine.onDidChangeState(() => d.config.useEngine(this.engine.current)),
      vscode.commands.registerCommand(COMMANDS.runLocal, () => guard(d.log, () => this.chooseModel())),
      vscode.commands.registerCommand(COMMANDS.restartEngine, () => guard(d.log, () => this.restart())),
      vscode.commands.registerCommand(COMMANDS.stopLocal, () => guard(d.log, () => this.stopUsing())),
    );
  }

  /** "Run a model on this machine": the catalogue and "Use a GGUF file on disk…"; true when a model was set. */
  async chooseModel(): Promise<boolean> {
    const s = this.d.config.settings;
    const downloaded = new Set(CATALOGUE.filter((e) => fs.existsSync(this.fileOf(e))).map((e) => e.id));
    const current = s['localEngine.enabled'] && !s['localEngine.modelFile'] ? s['localEngine.model'] : undefined;
    const pick = await vscode.window.showQuickPick<ModelPickItem & vscode.QuickPickItem>(modelPickItems({ downloaded, current }), {
      title: 'Intent Complete: run a model on this machine',
      placeHolder: 'Choose a model (it is downloaded into the extension’s storage only when you choose it), or a GGUF file you have',
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!pick) return false;
    if (pick.choice.kind === 'file') return this.useFileOnDisk();
    const entry = pick.choice.entry;
    if (!downloaded.has(entry.id) && !(await this.download(entry))) return false;
    await this.useCatalogue(entry);
    return true;
  }

  private async useCatalogue(entry: CatalogueEntry): Promise<void> {
    await this.d.config.update('localEngine.modelFile', undefined);
    await this.d.config.update('localEngine.model', entry.id);
    await this.use(entry.label);
  }

  /**
   * Downloads a catalogue model with progress in a cancellable notification; true when it is in
   * place. A failure is told (with Retry where trying again can help) without waiting for the answer.
   */
  async download(entry: CatalogueEntry): Promise<boolean> {
    const target = catalogueTarget(entry);
    const before = await downloadState(target, this.modelsDir);
    const resuming = before.partBytes > 0 ? ` (resuming from ${formatBytes(before.partBytes)})` : '';
    this.d.log.info(`downloading ${entry.url} into ${this.modelsDir}${resuming}`);
    let result: DownloadResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Intent Complete: downloading ${entry.label}${resuming}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let shown = 0;
          return downloadModel(target, this.modelsDir, {
            signal: abort.signal,
            onProgress: (p) => {
              const line = progressLine(p);
              const increment = line.percent !== undefined ? Math.max(0, line.percent - shown) : undefined;
              if (line.percent !== undefined) shown = line.percent;
              progress.report({ message: line.message, increment });
              this.engine.downloading(line.percent);
            },
          });
        },
      );
    } finally {
      this.engine.downloading(undefined, true);
    }
    if (result.ok) {
      const check = result.verifiedChecksum ? 'sha256 verified' : 'size and GGUF header checked (no published sha256 to check against)';
      this.d.log.info(`downloaded ${result.file} (${formatBytes(result.bytes)}, ${check}, sha256 ${result.sha256})`);
      return true;
    }
    const n = downloadNotice(entry.label, result.error);
    this.d.log.warn(`download of ${entry.id}: ${result.error.kind}: ${result.error.message}`);
    void this.explain(n, entry);
    return false;
  }

  /** A download's end told; Retry downloads again and, when it succeeds, uses the model. */
  private async explain(n: DownloadNotice, entry: CatalogueEntry): Promise<void> {
    const actions = n.retry ? ['Retry', 'Show Log'] : [];
    const choice =
      n.severity === 'info'
        ? await vscode.window.showInformationMessage(n.text, ...actions)
        : n.severity === 'warning'
          ? await vscode.window.showWarningMessage(n.text, ...actions)
          : await vscode.window.showErrorMessage(n.text, ...actions);
    if (choice === 'Show Log') this.d.showLog();
    else if (choice === 'Retry' && (await this.download(entry))) await this.useCatalogue(entry);
  }

  /** "Use a GGUF file on disk…": an open dialog; the file's GGUF header is checked before it is used. */
  async useFileOnDisk(): Promise<boolean> {
    const uris = await vscode.window.showOpenDialog({
      title: 'Intent Complete: a GGUF model for the built-in engine',
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      filters: { 'GGUF models': ['gguf'], 'All files': ['*'] },
      openLabel: 'Use This Model',
    });
    const uri = uris?.[0];
    if (!uri) return false;
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Intent Complete: the built-in engine needs a file on this machine’s disk.');
      return false;
    }
    const check = await checkLocalModelFile(uri.fsPath);
    if (!check.ok) {
      void vscode.window.showWarningMessage(`Intent Complete: this file cannot be used: ${check.reason}.`);
      return false;
    }
    if (!/\.gguf$/i.test(check.file)) {
      void vscode.window.showWarningMessage('Intent Complete: the file is a GGUF model but its name does not end in .gguf; rename it to use it.');
      return false;
    }
    await this.d.config.update('localEngine.modelFile', check.file);
    await this.use(`${check.file} (${formatBytes(check.bytes)})`);
    return true;
  }

  private async use(what: string): Promise<void> {
    await this.d.config.update('localEngine.enabled', true);
    await this.engine.settingsChanged();
    void vscode.window.showInformationMessage(`Intent Complete: ghost text now runs ${what} on this machine. It loads with the first completion.`);
  }

  private async restart(): Promise<void> {
    if (!this.d.config.settings['localEngine.enabled']) return void (await this.chooseModel());
    const ep = await this.engine.restart();
    if (ep) void vscode.window.showInformationMessage(`Intent Complete: the built-in engine runs ${ep.model} again.`);
  }

  private async stopUsing(): Promise<void> {
    await this.d.config.update('localEngine.enabled', false);
    await this.engine.settingsChanged();
    if (!this.d.config.settings.endpoint) await vscode.commands.executeCommand(COMMANDS.configure);
  }

  private fileOf(e: CatalogueEntry): string {
    return vscode.Uri.joinPath(vscode.Uri.file(this.modelsDir), e.fileName).fsPath;
  }

  /** A notice of the engine, shown once (the manager says each once). */
  private async tell(n: EngineNotice): Promise<void> {
    switch (n.kind) {
      case 'failed': {
        const c = await vscode.window.showErrorMessage(`Intent Complete: the built-in engine keeps stopping (${n.message}).`, 'Show Log', 'Restart');
        if (c === 'Show Log') this.d.showLog();
        else if (c === 'Restart') await this.restart();
        return;
      }
      case 'needs-download': {
        const e = n.entry;
        const c = await vscode.window.showInformationMessage(
          `Intent Complete: the built-in engine's model ${e.label} is not downloaded yet (${formatBytes(e.approxBytes)}, ${e.licence.name}).`,
          'Download',
          'Choose Another…',
        );
        if (c === 'Download' && (await this.download(e))) await this.useCatalogue(e);
        else if (c === 'Choose Another…') await this.chooseModel();
        return;
      }
      case 'invalid': {
        const c = await vscode.window.showWarningMessage(`Intent Complete: ${n.message}.`, 'Choose a Model…', 'Show Log');
        if (c === 'Choose a Model…') await this.chooseModel();
        else if (c === 'Show Log') this.d.showLog();
        return;
      }
      case 'settings':
        this.d.log.warn(n.message);
        void vscode.window.showWarningMessage(`Intent Complete: ${n.message}`);
        return;
    }
  }

  dispose(): void {
    for (const x of this.disposables) x.dispose();
    void this.engine.dispose();
  }
}

/** A command's failure is a message, never an exception into VS Code. */
async function guard(log: Logger, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log.error(`built-in engine: ${msg}`);
    void vscode.window.showErrorMessage(`Intent Complete: ${msg}`);
  }
}
