/**
 * First run: with no endpoint configured, offer a local server if one answers on its default port.
 * Once per machine (globalState, not synced): the offer is made once, taken or not.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/types';
import type { Config } from './config';
import { detectLocalServers, FIRST_RUN_TIMEOUT_MS, modelFit, pickModel } from './firstRun';

const ASKED = 'intentComplete.offeredLocalServer';

export async function offerLocalServer(config: Config, context: vscode.ExtensionContext, log: Logger): Promise<void> {
  try {
    if (config.settings.endpoint) return;
    if (context.globalState.get<boolean>(ASKED)) return;
    const started = Date.now();
    const found = (await detectLocalServers(FIRST_RUN_TIMEOUT_MS)).filter((f) => pickModel(f.models) !== undefined);
    log.info(`first run: ${found.length ? found.map((f) => f.endpoint).join(', ') : 'no local server'} answered (${Date.now() - started} ms)`);
    // Set up meanwhile (Configure Endpoint, settings sync): nothing to offer.
    if (found.length === 0 || config.settings.endpoint) return;
    const f = found[0];
    const model = pickModel(f.models)!;
    await context.globalState.update(ASKED, true);
    const choice = await vscode.window.showInformationMessage(
      `Intent Complete: found ${f.name} at ${f.endpoint}. Use it with model ${model}? It ${modelFit(model).why}.`,
      'Use It',
      'Choose…',
    );
    if (choice === 'Use It') {
      await config.update('endpoint', f.endpoint);
      await config.update('model', model);
    } else if (choice === 'Choose…') {
      await vscode.commands.executeCommand('intentComplete.configureEndpoint');
    }
  } catch (e) {
    log.warn(`local server detection failed: ${String(e)}`);
  }
}
