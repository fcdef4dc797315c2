/** activate(): wire the parts, own every Disposable, and show activation errors. */
import * as vscode from 'vscode';
import { QualityLog } from './core/stats/events';
import { registerCommands } from './vscode/commands';
import { Config } from './vscode/config';
import { offerLocalServer } from './vscode/onboarding';
import { GhostText } from './vscode/ghostText';
import { EditFeature } from './vscode/edit/editFeature';
import { createLog } from './vscode/log';
import { ReportFeature } from './vscode/report';
import { ApiKeyStore } from './vscode/secrets';
import { StatusBar } from './vscode/statusBar';

/** What activate() returns: used by the integration tests. */
export interface IntentCompleteApi {
  ghost: GhostText;
  status: StatusBar;
  quality: QualityLog;
  /** The quality report: persisted events, tracker, panel, evaluation. */
  report: ReportFeature;
  /** Edit Selection (Ctrl+I): the pending proposal, for tests. */
  edit: EditFeature;
}

export function activate(context: vscode.ExtensionContext): IntentCompleteApi | undefined {
  const log = createLog();
  context.subscriptions.push(log);
  try {
    const config = new Config(log);
    const keys = new ApiKeyStore(context.secrets);
    const status = new StatusBar();
    const quality = new QualityLog();
    const ghost = new GhostText(config, keys, status, quality, log);
    context.subscriptions.push(config, keys, status, ghost, ...registerCommands({ config, keys, ghost, status, state: context.globalState, showLog: () => log.show() }));
    const edit = new EditFeature({ config, keys, quality, log, state: context.globalState, filter: ghost.filter, context: ghost.context });
    context.subscriptions.push(edit);
    const report = new ReportFeature({ context, quality, onShown: ghost.onShown, settings: () => config.settings, apiKey: () => keys.get(), log });
    context.subscriptions.push(report);
    void offerLocalServer(config, context, log);
    log.info('Intent Complete activated');
    return { ghost, status, quality, edit, report };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log.error(`activation failed: ${e instanceof Error ? e.stack : msg}`);
    void vscode.window.showErrorMessage(`Intent Complete failed to start: ${msg}`, 'Show Log').then((c) => c && log.show());
    return undefined;
  }
}

export function deactivate(): void {
  /* everything is disposed through context.subscriptions */
}
