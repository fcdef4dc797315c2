/** The extension's commands: API key, enable/disable (all, per language, snoozed), log, endpoint set-up, status menu. */
import * as vscode from 'vscode';
import { isHttpUrl } from '../core/config';
import { ModelClient } from '../core/model/client';
import { detectLocalServers, modelFit, pickModel } from './firstRun';
import type { GhostText } from './ghostText';
import type { Services } from './services';
import { clockTime, type StatusBar } from './statusBar';
import { COMMANDS, SNOOZE_MINUTES, statusMenuItems } from './statusMenu';
import { keepSnooze, keptSnooze, type SnoozeState } from './snooze';

export interface CommandDeps {
  services: Services;
  ghost: GhostText;
  status: StatusBar;
  /** Where a snooze's end is kept across reloads (the extension's globalState; snooze.ts says why). */
  state: SnoozeState;
  showLog(): void;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        void vscode.window.showErrorMessage(`Intent Complete: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  restoreSnooze(d);
  return [
    reg('intentComplete.setApiKey', async (value?: unknown) => {
      const key =
        typeof value === 'string'
          ? value
          : await vscode.window.showInputBox({
              title: 'Intent Complete: API key',
              prompt: 'Stored in VS Code SecretStorage only. Leave empty for local servers that need none.',
              password: true,
              ignoreFocusOut: true,
            });
      if (key === undefined) return;
      if (key.trim() === '') await d.services.keys.clear();
      else await d.services.keys.set(key.trim());
      await d.services.endpoint.rebuild();
      void vscode.window.showInformationMessage(key.trim() ? 'Intent Complete: API key saved.' : 'Intent Complete: API key cleared.');
    }),
    reg('intentComplete.clearApiKey', async () => {
      await d.services.keys.clear();
      await d.services.endpoint.rebuild();
      void vscode.window.showInformationMessage('Intent Complete: API key cleared.');
    }),
    reg('intentComplete.enable', () => d.services.config.update('enable', true)),
    reg('intentComplete.disable', () => d.services.config.update('enable', false)),
    reg('intentComplete.toggle', () => d.services.config.update('enable', !d.services.config.settings.enable)),
    reg('intentComplete.showLog', () => d.showLog()),
    reg('intentComplete.trigger', () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
    reg('intentComplete.configureEndpoint', () => configureEndpoint(d)),
    reg(COMMANDS.snooze, (minutes?: unknown) => snooze(d, minutes)),
    reg(COMMANDS.resume, async () => {
      d.ghost.resume();
      await keepSnooze(d.state, undefined);
    }),
    reg(COMMANDS.disableLanguage, (id?: unknown) => setLanguage(d, id, false)),
    reg(COMMANDS.enableLanguage, (id?: unknown) => setLanguage(d, id, true)),
    reg('intentComplete.statusMenu', () => showStatusMenu(d)),
  ];
}

/** The status bar item's menu (statusMenu.ts decides what it offers). */
async function showStatusMenu(d: CommandDeps): Promise<void> {
  const s = d.services.config.settings;
  const languageId = vscode.window.activeTextEditor?.document.languageId;
  const items = statusMenuItems(
    {
      configured: Boolean(s.endpoint && s.model),
      endpoint: s.endpoint,
      model: s.model,
      enabled: s.enable,
      status: d.status.current.kind,
      snoozedUntil: d.ghost.snoozedUntil,
      language: languageId ? { id: languageId, enabled: d.ghost.enabledFor(languageId) } : undefined,
      hasApiKey: Boolean(await d.services.keys.get()),
      localEngine: d.services.local && { enabled: d.services.local.enabled, model: d.services.local.view().model ?? '', phase: d.services.local.view().phase },
    },
    clockTime,
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'Intent Complete' });
  if (picked) await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
}

/** Snoozes for `minutes`, or for a length the person picks (from the Command Palette); the end is kept. */
async function snooze(d: CommandDeps, minutes: unknown): Promise<void> {
  let m = typeof minutes === 'number' && minutes > 0 ? minutes : undefined;
  if (m === undefined) {
    const items = SNOOZE_MINUTES.map((n) => ({ label: `${n} minutes`, minutes: n }));
    m = (await vscode.window.showQuickPick(items, { title: 'Intent Complete: snooze ghost text for' }))?.minutes;
  }
  if (m === undefined) return;
  d.ghost.snoozeFor(m);
  await keepSnooze(d.state, d.ghost.snoozedUntil);
}

/** A snooze kept from before the window reloaded goes on until its end. */
function restoreSnooze(d: CommandDeps): void {
  const until = keptSnooze(d.state, Date.now());
  if (until !== undefined) d.ghost.snoozeFor((until - Date.now()) / 60_000);
}

/** Ghost text on or off for one language (default: the active editor's), in intentComplete.languages. */
async function setLanguage(d: CommandDeps, id: unknown, on: boolean): Promise<void> {
  const languageId = typeof id === 'string' ? id : vscode.window.activeTextEditor?.document.languageId;
  if (!languageId) return;
  await d.services.config.update('languages', { ...d.services.config.settings.languages, [languageId]: on });
}

async function configureEndpoint(d: CommandDeps): Promise<void> {
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Intent Complete: looking for local model servers' }, () =>
    detectLocalServers(),
  );
  const items: (vscode.QuickPickItem & { endpoint?: string; models?: string[] })[] = [
    ...found.map((f) => ({ label: `$(server) ${f.name}`, description: f.endpoint, detail: `${f.models.length} model(s)`, endpoint: f.endpoint, models: f.models })),
    { label: '$(edit) Enter a URL…', description: 'any OpenAI-compatible API (vLLM, LM Studio, a hosted service)' },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Intent Complete: endpoint',
    placeHolder: found.length ? 'Local servers found' : 'No local server found on the default ports',
  });
  if (!pick) return;
  let endpoint = pick.endpoint;
  if (!endpoint) {
    endpoint = await vscode.window.showInputBox({
      title: 'Intent Complete: endpoint base URL',
      value: d.services.config.written.endpoint || 'http://127.0.0.1:11434/v1',
      validateInput: (v) => (isHttpUrl(v.trim()) ? undefined : 'An http:// or https:// URL'),
      ignoreFocusOut: true,
    });
    if (!endpoint) return;
  }
  let models = pick.models;
  if (!models) {
    const r = await new ModelClient({ endpoint, apiKey: await d.services.keys.get() }).listModels(3000);
    models = r.ok ? r.models : [];
    if (!r.ok) void vscode.window.showWarningMessage(`Intent Complete: could not list models at ${endpoint}: ${r.error.message}`);
  }
  let model: string | undefined;
  if (models.length > 0) {
    const best = pickModel(models);
    const usable = models.filter((m) => modelFit(m).score >= 0).sort((a, b) => (a === best ? -1 : b === best ? 1 : modelFit(b).score - modelFit(a).score || a.localeCompare(b)));
    const items = usable.map((m) => ({ label: m, description: modelFit(m).why }));
    model = (await vscode.window.showQuickPick(items, { title: 'Intent Complete: model', placeHolder: 'Base code models that fill in the middle come first' }))?.label;
  } else {
    model = await vscode.window.showInputBox({ title: 'Intent Complete: model name', value: d.services.config.written.model, ignoreFocusOut: true });
  }
  if (!model) return;
  await d.services.config.update('endpoint', endpoint.trim());
  await d.services.config.update('model', model.trim());
  // One's own server instead of the built-in engine.
  if (d.services.config.settings['localEngine.enabled']) await d.services.config.update('localEngine.enabled', false);
  void vscode.window.showInformationMessage(`Intent Complete: using ${model} at ${endpoint}.`);
}
