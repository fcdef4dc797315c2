/**
 * "Intent Complete: Evaluate Completion Quality on This Workspace": the replay evaluation
 * (src/core/stats/evaluate.ts) on the first workspace folder against the configured endpoint,
 * with a cancellable progress notification. The run is kept per model for the report.
 */
import * as vscode from 'vscode';
import type { Settings } from '../../core/config';
import { evaluateRepository, type EvalRun } from '../../core/stats/evaluate';
import { pct, ms } from '../../core/stats/render';
import type { Logger } from '../../core/types';

export interface EvalCommandArgs {
  holes?: number;
  seed?: number;
  /** Only files under this folder of the workspace (relative path). */
  under?: string;
  /** Do not show the result message (tests). */
  quiet?: boolean;
}

export interface EvalDeps {
  settings(): Settings;
  apiKey(): Promise<string | undefined>;
  save(run: EvalRun): Promise<void>;
  showReport(): Promise<void>;
  log: Logger;
}

export const DEFAULT_EVAL_HOLES = 100;

/** Runs the evaluation; resolves with the run, or undefined when it could not start. */
export async function evaluateWorkspace(d: EvalDeps, args: EvalCommandArgs = {}): Promise<EvalRun | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Intent Complete: open a folder on disk to evaluate completions on it.');
    return undefined;
  }
  const settings = d.settings();
  if (!settings.endpoint || !settings.model) {
    const pick = await vscode.window.showWarningMessage('Intent Complete: set an endpoint and a model first; the evaluation runs the configured model.', 'Configure Endpoint');
    if (pick) void vscode.commands.executeCommand('intentComplete.configureEndpoint');
    return undefined;
  }
  const holes = args.holes ?? DEFAULT_EVAL_HOLES;
  const seed = args.seed ?? 7;
  const apiKey = await d.apiKey();
  const run = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Intent Complete: evaluating ${settings.model}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let last = 0;
      try {
        return await evaluateRepository({
          root: folder.uri.fsPath,
          settings,
          apiKey,
          holes,
          seed,
          under: args.under,
          signal: controller.signal,
          log: d.log,
          onProgress: (done, total) => {
            const pctNow = total ? (done / total) * 100 : 100;
            progress.report({ increment: pctNow - last, message: `${done} of ${total} holes` });
            last = pctNow;
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
  d.log.info(`evaluation of ${run.summary.model} on ${run.repo}: ${JSON.stringify(run.summary)}`);
  if (run.summary.holes > 0) await d.save(run);
  if (!args.quiet) {
    const s = run.summary;
    const msg =
      s.holes === 0
        ? `Intent Complete: no holes to evaluate in ${run.repo} (no source files of a supported language?).`
        : `Intent Complete: ${s.model} on ${s.holes} holes${run.cancelled ? ' (cancelled)' : ''}: exact match ${pct(s.exactMatch)}, unknown names ${pct(s.unknownNameRateBefore)} → ${pct(s.unknownNameRateAfter)} after the filter, p50 ${ms(s.latencyMs.p50)}${run.falseDrops?.length ? `; the filter altered ${run.falseDrops.length} correct proposal${run.falseDrops.length === 1 ? '' : 's'} (listed in the report)` : ''}.`;
    void vscode.window.showInformationMessage(msg, 'Show Report').then((c) => c && void d.showReport());
  }
  return run;
}
