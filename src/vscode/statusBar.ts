/** One status bar item showing the extension's state; clicking it offers the actions. */
import * as vscode from 'vscode';
import type { EngineView } from './localEngine/manager';
import { snoozeLeft } from './snooze';

/** While snoozed, the time left is redrawn this often, ms. */
const SNOOZE_TICK_MS = 5000;

export type StatusState =
  /** `detail`: what the endpoint is and how it is asked (model/route.ts describe). */
  | { kind: 'ready'; model: string; detail?: string }
  | { kind: 'requesting'; model: string }
  /** For a moment after the filter held a suggestion back: `unknown` are the names it named that nothing declares. */
  | { kind: 'filtered'; model: string; unknown: string[] }
  | { kind: 'disabled'; reason: string }
  /** Ghost text off until `until` (ms since the epoch), by the person's choice. */
  | { kind: 'snoozed'; until: number }
  | { kind: 'not-configured' }
  | { kind: 'unreachable'; reason: string; retryAt?: number }
  | { kind: 'rate-limited'; reason: string; retryAt?: number }
  | { kind: 'error'; reason: string }
  /** The built-in engine (localEngine/manager.ts) while it is not serving: loading, downloading, failed… */
  | ({ kind: 'engine' } & EngineView);

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: StatusState = { kind: 'not-configured' };
  private readonly emitter = new vscode.EventEmitter<StatusState>();
  readonly onDidChange = this.emitter.event;
  /** Redraws the time left of a snooze while it lasts. */
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('intentComplete.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Intent Complete';
    this.item.command = 'intentComplete.statusMenu';
    this.render();
    this.item.show();
  }

  get current(): StatusState {
    return this.state;
  }

  set(state: StatusState): void {
    if (JSON.stringify(state) === JSON.stringify(this.state)) return;
    this.state = state;
    this.render();
    clearInterval(this.tick);
    this.tick = state.kind === 'snoozed' ? setInterval(() => this.render(), SNOOZE_TICK_MS) : undefined;
    this.emitter.fire(state);
  }

  private render(): void {
    const s = this.state;
    const base = 'Intent Complete';
    this.item.backgroundColor = undefined;
    switch (s.kind) {
      case 'ready':
        this.item.text = '$(sparkle) IC';
        this.item.tooltip = `${base}: ready (${s.detail ?? s.model})`;
        break;
      case 'requesting':
        this.item.text = '$(loading~spin) IC';
        this.item.tooltip = `${base}: asking ${s.model}…`;
        break;
      case 'filtered':
        this.item.text = '$(eye-closed) IC: filtered';
        this.item.tooltip = filteredTooltip(s.unknown);
        break;
      case 'disabled':
        this.item.text = '$(circle-slash) IC';
        this.item.tooltip = `${base}: disabled (${s.reason})`;
        break;
      case 'snoozed': {
        const left = snoozeLeft(s.until, Date.now());
        this.item.text = `$(clock) IC: snoozed, ${left} left`;
        this.item.tooltip = `${base}: snoozed until ${clockTime(s.until)} (${left} left); no ghost text until then. Click to resume.`;
        break;
      }
      case 'not-configured':
        this.item.text = '$(gear) IC: set up';
        this.item.tooltip = `${base}: no endpoint configured. Click to set intentComplete.endpoint and intentComplete.model (Ollama, llama.cpp server, LM Studio, vLLM or any OpenAI-compatible API).`;
        break;
      case 'unreachable':
        this.item.text = '$(debug-disconnect) IC: unreachable';
        this.item.tooltip = `${base}: endpoint unreachable: ${s.reason}${retryText(s.retryAt)}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'rate-limited':
        this.item.text = '$(watch) IC: rate limited';
        this.item.tooltip = `${base}: ${s.reason}${retryText(s.retryAt)}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'error':
        this.item.text = '$(warning) IC';
        this.item.tooltip = `${base}: ${s.reason}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'engine': {
        const look = engineLook(s);
        this.item.text = look.text;
        this.item.tooltip = `${base}: ${look.tooltip}`;
        if (look.background) this.item.backgroundColor = new vscode.ThemeColor(look.background);
        break;
      }
    }
    this.item.accessibilityInformation = { label: typeof this.item.tooltip === 'string' ? this.item.tooltip : base };
  }

  dispose(): void {
    clearInterval(this.tick);
    this.item.dispose();
    this.emitter.dispose();
  }
}

/** How the status item shows the built-in engine (text, tooltip, background colour id). */
export function engineLook(v: EngineView): { text: string; tooltip: string; background?: string } {
  const model = v.model ?? 'the model';
  const threads = v.threads ? `, ${v.threads} threads` : '';
  switch (v.phase) {
    case 'loading':
      return { text: '$(loading~spin) IC: loading', tooltip: `built-in engine loading ${model}…` };
    case 'ready':
      return { text: '$(sparkle) IC', tooltip: `ready (built-in engine: ${model}${threads})` };
    case 'idle':
      return { text: '$(sparkle) IC', tooltip: `built-in engine (${model}): not loaded now; it loads on the next completion` };
    case 'downloading':
      return { text: `$(cloud-download) IC: ${v.percent === undefined ? 'downloading' : `${v.percent}%`}`, tooltip: `downloading ${model} for the built-in engine` };
    case 'restarting':
      return { text: '$(loading~spin) IC: restarting', tooltip: `the built-in engine stopped; restarting it (${model})`, background: 'statusBarItem.warningBackground' };
    case 'needs-model':
      return {
        text: '$(cloud-download) IC: model needed',
        tooltip: `${v.reason ?? 'the model is not downloaded'}. Click to choose or download a model.`,
        background: 'statusBarItem.warningBackground',
      };
    case 'invalid':
      return { text: '$(warning) IC: model file', tooltip: v.reason ?? 'the model file cannot be used', background: 'statusBarItem.warningBackground' };
    case 'failed':
      return {
        text: '$(error) IC: engine failed',
        tooltip: `the built-in engine kept stopping (${v.reason ?? model}). Click to restart it or see the log.`,
        background: 'statusBarItem.errorBackground',
      };
    case 'off':
      return { text: '$(sparkle) IC', tooltip: 'built-in engine off' };
  }
}

/** The tooltip of the filtered sign: what was held back and why, never a popup. */
export function filteredTooltip(unknown: readonly string[]): string {
  const names =
    unknown
      .slice(0, 8)
      .map((n) => `\`${n}\``)
      .join(', ') + (unknown.length > 8 ? ` and ${unknown.length - 8} more` : '');
  return `Intent Complete: a suggestion was held back by the consistency filter — it names ${unknown.length ? names : 'something'} that nothing in this file or workspace declares. The model answered; nothing is wrong with the endpoint.`;
}

function retryText(retryAt?: number): string {
  if (!retryAt) return '';
  const secs = Math.max(0, Math.round((retryAt - Date.now()) / 1000));
  return ` — retrying in ${secs} s`;
}

/** A time of day as the person's locale writes it (hours and minutes). */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
