/**
 * What the status bar item's menu offers, by the extension's state (no `vscode` here: the menu is
 * data, commands.ts shows it). Not configured: setting up comes first. Configured: pausing ghost
 * text for a while or for this language, the report, the log, then the set-up entries.
 */

/** Snooze lengths the menu offers, in minutes. */
export const SNOOZE_MINUTES = [15, 60] as const;

export const COMMANDS = {
  configure: 'intentComplete.configureEndpoint',
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
}

export interface MenuItem {
  label: string;
  description?: string;
  command: string;
  args?: unknown[];
}

export function statusMenuItems(s: MenuState, formatTime: (ms: number) => string): MenuItem[] {
  const configure: MenuItem = { label: '$(plug) Configure endpoint…', description: s.configured ? `${s.endpoint} · ${s.model}` : 'not configured', command: COMMANDS.configure };
  const tail: MenuItem[] = [
    ...keyItems(s),
    { label: '$(output) Show log', command: COMMANDS.log },
    { label: '$(gear) Open settings', command: COMMANDS.settings, args: ['intentComplete'] },
  ];
  if (!s.configured) return [configure, ...tail];
  return [...pauseItems(s, formatTime), { label: '$(graph) Open quality report', command: COMMANDS.report }, configure, ...tail];
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
