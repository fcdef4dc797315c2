/**
 * First run: with no endpoint configured (and the built-in engine off), offer a local server if one
 * answers on its default port, and always a model on this machine next to one's own server.
 * Once per machine (globalState, not synced): the offer is made once, taken or not.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/types';
import type { Config } from './config';
import { detectLocalServers, FIRST_RUN_ACTIONS, FIRST_RUN_TIMEOUT_MS, firstRunOffer, pickModel } from './firstRun';
import { COMMANDS } from './statusMenu';

const ASKED = 'intentComplete.offeredLocalServer';

/** Nothing to offer: an endpoint or the built-in engine is set up, or ghost text is turned off. */
function setUp(config: Config): boolean {
  const s = config.settings;
  return Boolean(s.endpoint) || s['localEngine.enabled'] || !s.enable;
}

export async function offerLocalServer(config: Config, context: vscode.ExtensionContext, log: Logger): Promise<void> {
  try {
    if (setUp(config)) return;
    if (context.globalState.get<boolean>(ASKED)) return;
    const started = Date.now();
    const found = (await detectLocalServers(FIRST_RUN_TIMEOUT_MS)).filter((f) => pickModel(f.models) !== undefined);
    log.info(`first run: ${found.length ? found.map((f) => f.endpoint).join(', ') : 'no local server'} answered (${Date.now() - started} ms)`);
    // Set up meanwhile (Configure Endpoint, settings sync): nothing to offer.
    if (setUp(config)) return;
    const server = found[0];
    const model = server ? pickModel(server.models) : undefined;
    await context.globalState.update(ASKED, true);
    const offer = firstRunOffer(server && model ? { server, model } : undefined);
    const choice = await vscode.window.showInformationMessage(offer.text, ...offer.actions);
    if (choice === FIRST_RUN_ACTIONS.useFound && server && model) {
      await config.update('endpoint', server.endpoint);
      await config.update('model', model);
    } else if (choice === FIRST_RUN_ACTIONS.chooseServer || choice === FIRST_RUN_ACTIONS.useServer) {
      await vscode.commands.executeCommand(COMMANDS.configure);
    } else if (choice === FIRST_RUN_ACTIONS.runLocal) {
      await vscode.commands.executeCommand(COMMANDS.runLocal);
    }
  } catch (e) {
    log.warn(`first-run offer failed: ${String(e)}`);
  }
}
