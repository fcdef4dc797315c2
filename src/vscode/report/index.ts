/**
 * The quality report feature: persists quality events to the extension's global storage,
 * follows shown suggestions (dismissals, retained characters), and owns the report panel, the
 * export, reset and workspace-evaluation commands.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from '../../core/config';
import { aggregate, type QualityReport } from '../../core/stats/aggregate';
import type { QualityLog } from '../../core/stats/events';
import type { EvalRun } from '../../core/stats/evaluate';
import type { FalseDrop } from '../../core/stats/falseDrops';
import type { ShownSuggestion } from '../../core/stats/lifecycle';
import { reportMarkdown } from '../../core/stats/render';
import { EvaluationStore, EventStore, latestPerModel } from '../../core/stats/store';
import type { Logger } from '../../core/types';
import { evaluateWorkspace, type EvalCommandArgs } from './evalCommand';
import { ReportPanel, type ReportData } from './panel';
import { QualityTracker } from './tracker';

export interface ReportDeps {
  context: vscode.ExtensionContext;
  quality: QualityLog;
  /** Fired by ghost text for every suggestion it shows. */
  onShown: vscode.Event<ShownSuggestion>;
  settings(): Settings;
  apiKey(): Promise<string | undefined>;
  log: Logger;
}

export const REPORT_COMMANDS = {
  show: 'intentComplete.showReport',
  reset: 'intentComplete.resetStats',
  evaluate: 'intentComplete.evaluateWorkspace',
  export: 'intentComplete.exportReport',
} as const;

export class ReportFeature implements vscode.Disposable {
  readonly store: EventStore;
  readonly evaluations: EvaluationStore;
  readonly tracker: QualityTracker;
  readonly panel: ReportPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private toldWriteError = false;
  /**
   * False drops of this session's runs with their code text, by run (model and time): the stored
   * copy has it only with intentComplete.recordCode, and the report shows it while VS Code runs.
   */
  private readonly sessionDrops = new Map<string, FalseDrop[]>();

  constructor(private readonly deps: ReportDeps) {
    const dir = path.join(deps.context.globalStorageUri.fsPath, 'quality');
    this.store = new EventStore({
      dir,
      recordCode: () => deps.settings().recordCode,
      onError: (e) => {
        if (this.toldWriteError) return;
        this.toldWriteError = true;
        deps.log.warn(`quality log: cannot write to ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      },
    });
    this.evaluations = new EvaluationStore(dir, undefined, () => deps.settings().recordCode);
    const off = deps.quality.onRecord((e) => this.store.append(e));
    this.tracker = new QualityTracker(deps.quality, deps.onShown);
    this.panel = new ReportPanel(
      deps.context.extensionUri,
      {
        load: () => this.data(),
        exportReport: (f) => this.exportReport(f).then(() => undefined),
        evaluate: () => this.evaluate().then(() => undefined),
        reset: () => this.reset().then(() => undefined),
      },
      (e) => this.fail(e),
    );
    const reg = (id: string, fn: (...a: unknown[]) => unknown) =>
      vscode.commands.registerCommand(id, async (...a: unknown[]) => {
        try {
          return await fn(...a);
        } catch (e) {
          this.fail(e);
          return undefined;
        }
      });
    this.disposables.push(
      { dispose: off },
      this.tracker,
      this.panel,
      reg(REPORT_COMMANDS.show, () => this.panel.show()),
      reg(REPORT_COMMANDS.reset, (confirm?: unknown) => this.reset(confirm === false ? false : true)),
      reg(REPORT_COMMANDS.evaluate, (args?: unknown) => this.evaluate(isEvalArgs(args) ? args : {})),
      reg(REPORT_COMMANDS.export, (format?: unknown, target?: unknown) => this.exportReport(format === 'json' ? 'json' : 'md', target instanceof vscode.Uri ? target : undefined)),
    );
  }

  /** Every figure, from the persisted log. */
  async report(): Promise<QualityReport> {
    const events = await this.store.readAll();
    return aggregate(events, { utcOffsetMinutes: -new Date().getTimezoneOffset() });
  }

  /** The latest stored run per model, with this session's false-drop text where it has it. */
  private async latestRuns(): Promise<EvalRun[]> {
    return latestPerModel(await this.evaluations.all()).map((r) => {
      const drops = this.sessionDrops.get(runKey(r));
      return drops ? { ...r, falseDrops: drops } : r;
    });
  }

  async data(): Promise<ReportData> {
    const evals = (await this.latestRuns()).map(({ holes: _holes, ...rest }) => rest);
    return { report: await this.report(), evals, recordCode: this.deps.settings().recordCode };
  }

  /** Writes the report as Markdown or JSON to `target`, or where the person picks. */
  async exportReport(format: 'md' | 'json', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `completion-quality-${new Date().toISOString().slice(0, 10)}.${format}`;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: 'Export completion quality report',
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: format === 'md' ? { Markdown: ['md'] } : { JSON: ['json'] },
      }));
    if (!uri) return undefined;
    const data = await this.data();
    const text = format === 'md' ? reportMarkdown(data.report, await this.latestRuns()) : JSON.stringify({ report: data.report, evaluations: data.evals }, null, 2);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    if (!target) void vscode.window.showInformationMessage(`Intent Complete: report exported to ${uri.fsPath}.`);
    return uri;
  }

  /** Deletes every recorded figure and evaluation result (after asking, unless told not to). */
  async reset(confirm = true): Promise<boolean> {
    if (confirm) {
      const ok = await vscode.window.showWarningMessage('Delete every recorded completion figure and evaluation result on this machine?', { modal: true }, 'Delete');
      if (ok !== 'Delete') return false;
    }
    await this.store.clear();
    await this.evaluations.clear();
    this.sessionDrops.clear();
    this.deps.quality.clear();
    await this.panel.refresh();
    return true;
  }

  async evaluate(args: EvalCommandArgs = {}): Promise<EvalRun | undefined> {
    const run = await evaluateWorkspace(
      {
        settings: () => this.deps.settings(),
        apiKey: () => this.deps.apiKey(),
        save: async (r) => {
          if (r.falseDrops) this.sessionDrops.set(runKey(r), r.falseDrops);
          await this.evaluations.add(r);
        },
        showReport: () => this.panel.show(),
        log: this.deps.log,
      },
      args,
    );
    await this.panel.refresh();
    return run;
  }

  private fail(e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    this.deps.log.error(`quality report: ${e instanceof Error ? (e.stack ?? msg) : msg}`);
    void vscode.window.showErrorMessage(`Intent Complete: ${msg}`, 'Show Log').then((c) => c && void vscode.commands.executeCommand('intentComplete.showLog'));
  }

  dispose(): void {
    void this.store.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

const runKey = (r: EvalRun) => `${r.summary.model}@${r.at}`;

function isEvalArgs(a: unknown): a is EvalCommandArgs {
  return typeof a === 'object' && a !== null;
}
