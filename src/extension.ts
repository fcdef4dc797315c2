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
import { LocalEngineFeature } from './vscode/localEngine/ui';
import { Services } from './vscode/services';
import { StatusBar } from './vscode/statusBar';

/** What activate() returns: used by the integration tests. */
export interface IntentCompleteApi {
  /** What ghost text and Edit Selection share: index, context, filter, endpoint. */
  services: Services;
  ghost: GhostText;
  status: StatusBar;
  quality: QualityLog;
  /** The quality report: persisted events, tracker, panel, evaluation. */
  report: ReportFeature;
  /** Edit Selection (Ctrl+I): the pending proposal, for tests. */
  edit: EditFeature;
  /** The built-in engine: its manager, model choice and downloads. */
  localEngine: LocalEngineFeature;
}

export function activate(context: vscode.ExtensionContext): IntentCompleteApi | undefined {
  const log = createLog();
  context.subscriptions.push(log);
  try {
    const config = new Config(log);
    const keys = new ApiKeyStore(context.secrets);
    const status = new StatusBar();
    const quality = new QualityLog();
    const localEngine = new LocalEngineFeature({ context, config, log, showLog: () => log.show() });
    context.subscriptions.push(localEngine);
    const services = new Services(config, keys, log, localEngine.engine);
    const ghost = new GhostText(services, status, quality);
    context.subscriptions.push(config, keys, status, services, ghost, ...registerCommands({ services, ghost, status, state: context.globalState, showLog: () => log.show() }));
    const edit = new EditFeature({ services, quality, state: context.globalState });
    context.subscriptions.push(edit);
    const report = new ReportFeature({ context, quality, onShown: ghost.onShown, settings: () => config.settings, apiKey: () => keys.get(), log });
    context.subscriptions.push(report);
    void offerLocalServer(config, context, log);
    log.info('Intent Complete activated');
    return { services, ghost, status, quality, edit, report, localEngine };
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
