/**
 * What the status bar item's menu offers, by the extension's state (no `vscode` here: the menu is
 * data, commands.ts shows it). Not configured: setting up comes first (a model on this machine, or
 * one's own server). Configured: pausing ghost text for a while or for this language, the report,
 * what runs the model (endpoint or built-in engine), the log, then the settings.
 */

/** Snooze lengths the menu offers, in minutes. */
export const SNOOZE_MINUTES = [15, 60] as const;

export const COMMANDS = {
  configure: 'intentComplete.configureEndpoint',
  runLocal: 'intentComplete.runLocalModel',
  restartEngine: 'intentComplete.restartLocalEngine',
  stopLocal: 'intentComplete.stopLocalEngine',
  snooze: 'intentComplete.snooze',
  resume: 'intentComplete.resume',
  enable: 'intentComplete.enable',
  disable: 'intentComplete.disable',
  enableLanguage: 'intentComplete.enableLanguage',
  disableLanguage: 'intentComplete.disableLanguage',
  report: 'intentComplete.showReport',
  log: 'intentComplete.showLog',
  setKey: 'intentComplete.setApiKey',
  clearKey: 'intentComplete.clearApiKey',
  settings: 'workbench.action.openSettings',
} as const;

export interface MenuState {
  /** An endpoint and a model are set. */
  configured: boolean;
  endpoint: string;
  model: string;
  /** intentComplete.enable */
  enabled: boolean;
  /** What the status bar shows now (statusBar.ts StatusState kind). */
  status: string;
  /** Ghost text is snoozed until this time (ms since the epoch). */
  snoozedUntil?: number;
  /** The active editor's language, and whether ghost text is on for it. */
  language?: { id: string; enabled: boolean };
  hasApiKey: boolean;
  /** The built-in engine: on (intentComplete.localEngine.enabled), its model and phase (localEngine/manager.ts). */
  localEngine?: { enabled: boolean; model: string; phase: string };
}

export interface MenuItem {
  label: string;
  description?: string;
  command: string;
  args?: unknown[];
}

export function statusMenuItems(s: MenuState, formatTime: (ms: number) => string): MenuItem[] {
  const local = s.localEngine?.enabled ? s.localEngine : undefined;
  const configured = s.configured || local !== undefined;
  const tail: MenuItem[] = [
    ...(local ? [] : keyItems(s)),
    { label: '$(output) Show log', command: COMMANDS.log },
    { label: '$(gear) Open settings', command: COMMANDS.settings, args: ['intentComplete'] },
  ];
  if (!configured) return [...setUpItems(), ...tail];
  return [...pauseItems(s, formatTime), { label: '$(graph) Open quality report', command: COMMANDS.report }, ...modelItems(s), ...tail];
}

/** Nothing set up: the two ways to get ghost text, a model on this machine first. */
function setUpItems(): MenuItem[] {
  return [
    { label: '$(vm) Run a model on this machine', description: 'built-in engine; you choose and download a model', command: COMMANDS.runLocal },
    { label: '$(plug) Use my server…', description: 'Ollama, llama.cpp, LM Studio, vLLM or any OpenAI-compatible API', command: COMMANDS.configure },
  ];
}

/** Set up: what runs the model now, and the way to change it. */
function modelItems(s: MenuState): MenuItem[] {
  const local = s.localEngine;
  if (!local?.enabled) {
    return [
      { label: '$(plug) Configure endpoint…', description: `${s.endpoint} · ${s.model}`, command: COMMANDS.configure },
      { label: '$(vm) Run a model on this machine instead', command: COMMANDS.runLocal },
    ];
  }
  return [
    { label: '$(vm) Built-in engine: choose the model…', description: `${local.model} · ${local.phase}`, command: COMMANDS.runLocal },
    { label: '$(debug-restart) Restart the built-in engine', command: COMMANDS.restartEngine },
    { label: '$(plug) Use my server instead…', description: 'stops the built-in engine', command: COMMANDS.stopLocal },
  ];
}

/** Snooze or resume, on or off, and on or off for the active editor's language. */
function pauseItems(s: MenuState, formatTime: (ms: number) => string): MenuItem[] {
  const items: MenuItem[] = [];
  if (s.snoozedUntil !== undefined) items.push({ label: '$(play) Resume ghost text', description: `snoozed until ${formatTime(s.snoozedUntil)}`, command: COMMANDS.resume });
  else if (s.enabled) {
    for (const m of SNOOZE_MINUTES) items.push({ label: `$(clock) Snooze for ${m} minutes`, description: 'ghost text off until then', command: COMMANDS.snooze, args: [m] });
  }
  items.push(s.enabled ? { label: '$(circle-slash) Disable ghost text', command: COMMANDS.disable } : { label: '$(check) Enable ghost text', command: COMMANDS.enable });
  if (s.enabled && s.language) {
    const { id, enabled } = s.language;
    items.push(
      enabled
        ? { label: `$(circle-slash) Disable for ${id}`, command: COMMANDS.disableLanguage, args: [id] }
        : { label: `$(check) Enable for ${id}`, command: COMMANDS.enableLanguage, args: [id] },
    );
  }
  return items;
}

/** A key is for an endpoint that answers and asks for one: not for a refused connection. */
function keyItems(s: MenuState): MenuItem[] {
  const items: MenuItem[] = [];
  if (s.configured && s.status !== 'unreachable') items.push({ label: '$(key) Set API key…', command: COMMANDS.setKey });
  if (s.hasApiKey) items.push({ label: '$(trash) Clear API key', command: COMMANDS.clearKey });
  return items;
}

/** The buttons of the one notice of an outage: a key only where the endpoint asked for one. */
export function outageActions(errorKind: string): string[] {
  return errorKind === 'auth' ? ['Set API Key', 'Configure Endpoint', 'Show Log'] : ['Configure Endpoint', 'Show Log'];
}
