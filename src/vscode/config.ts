/** Reads `intentComplete.*` into one typed Settings object and reports malformed values once. */
import * as vscode from 'vscode';
import { DEFAULTS, LOCAL_ENGINE_KEYS, MACHINE_ONLY_KEYS, normalizeSettings, type Settings } from '../core/config';
import type { Logger } from '../core/types';

export const SECTION = 'intentComplete';

export class Config implements vscode.Disposable {
  private current: Settings;
  private raw: Settings;
  private readonly emitter = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private lastProblems = '';
  /** The built-in engine's endpoint while it runs (localEngine.enabled): what `endpoint` and `model` are in effect. */
  private engine: { endpoint: string; model: string } | undefined;

  constructor(private readonly log: Logger) {
    this.raw = this.read();
    this.current = this.withEngine(this.raw);
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.raw = this.read();
      this.current = this.withEngine(this.raw);
      this.emitter.fire(this.current);
    });
  }

  get settings(): Settings {
    return this.current;
  }

  /**
   * The built-in engine is running at `ep` (undefined: not running). While localEngine.enabled, the
   * settings in effect have its URL and served model as `endpoint` and `model` (empty while it is
   * not running: ghost text never falls back to intentComplete.endpoint), and no separate edit model.
   */
  useEngine(ep: { endpoint: string; model: string } | undefined): void {
    if (ep?.endpoint === this.engine?.endpoint && ep?.model === this.engine?.model) return;
    this.engine = ep && { endpoint: ep.endpoint, model: ep.model };
    const next = this.withEngine(this.raw);
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.emitter.fire(this.current);
  }

  /** The settings as written (without the engine's endpoint in effect). */
  get written(): Settings {
    return this.raw;
  }

  private withEngine(s: Settings): Settings {
    if (!s['localEngine.enabled']) return s;
    return { ...s, endpoint: this.engine?.endpoint ?? '', model: this.engine?.model ?? '', editModel: '' };
  }

  /** Writes a user (global) setting. */
  async update<K extends keyof Settings>(key: K, value: Settings[K] | undefined): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
  }

  private read(): Settings {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const raw: Record<string, unknown> = {};
    for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
      if (MACHINE_ONLY_KEYS.includes(key) || LOCAL_ENGINE_KEYS.includes(key)) {
        // Only the user's own settings decide where code is sent and what runs on this machine; a workspace value is ignored.
        const i = cfg.inspect(key);
        raw[key] = i?.globalValue;
      } else {
        raw[key] = cfg.get(key);
      }
    }
    const { settings, problems } = normalizeSettings(raw);
    const p = problems.join('\n');
    if (p && p !== this.lastProblems) {
      this.log.warn(`ignored malformed settings:\n${p}`);
      void vscode.window.showWarningMessage(`Intent Complete: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more; see the log)` : ''}`);
    }
    this.lastProblems = p;
    return settings;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
