/**
 * Ghost text: the completion pipeline over the shared services (services.ts), the inline
 * completion provider, snooze, and a status bar that says what the endpoint and the filter do.
 */
import * as vscode from 'vscode';
import { CompletionCache } from '../core/cache/completionCache';
import { isEnabledFor, type Settings } from '../core/config';
import { exclusionReason } from '../core/workspace/exclusion';
import { CompletionPipeline } from '../core/pipeline';
import type { QualityLog } from '../core/stats/events';
import type { ShownSuggestion } from '../core/stats/lifecycle';
import type { CompletionOutcome, CompletionRequest, Logger, ModelErrorInfo } from '../core/types';
import type { Config } from './config';
import { isOutage } from './endpoint';
import { ACCEPT_COMMAND, InlineProvider } from './inlineProvider';
import type { Services } from './services';
import type { StatusBar } from './statusBar';

/** How long the status shows that the filter held a suggestion back, ms. */
export const FILTERED_SIGN_MS = 4000;

export class GhostText implements vscode.Disposable {
  readonly cache = new CompletionCache();
  readonly pipeline: CompletionPipeline;
  /** The inline completion provider (integration tests call it directly). */
  readonly provider: InlineProvider;
  private readonly config: Config;
  private readonly log: Logger;
  private readonly disposables: vscode.Disposable[] = [];
  private pending = 0;
  private seq = 0;
  private lastShown: { id: string; uri: string; text: string } | undefined;
  /** Ghost text is snoozed until this time (ms since the epoch); the timer ends the snooze. */
  private snooze: { until: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** A request found the built-in engine not running yet (it starts on that request): ask again once it serves. */
  private awaitingEngine: string | undefined;
  /** The filter just held a suggestion back: the status says so for a moment (FILTERED_SIGN_MS). */
  private filtered: { unknown: string[]; timer: ReturnType<typeof setTimeout> } | undefined;
  private readonly shown = new vscode.EventEmitter<ShownSuggestion>();
  /** Every suggestion handed to VS Code as ghost text (the quality tracker follows it). */
  readonly onShown = this.shown.event;

  constructor(
    private readonly services: Services,
    private readonly status: StatusBar,
    private readonly quality: QualityLog,
  ) {
    const { config, endpoint, log } = services;
    this.config = config;
    this.log = log;
    this.pipeline = new CompletionPipeline({
      context: services.context,
      cache: this.cache,
      filter: services.filter,
      health: endpoint.health,
      client: () => endpoint.client,
      log,
    });
    const provider = (this.provider = new InlineProvider(
      this.pipeline,
      {
        settings: () => this.config.settings,
        allowed: (doc) => this.allowed(doc),
        onRequestStart: () => this.onRequestStart(),
        onRequestEnd: () => this.onRequestEnd(),
        onOutcome: (o, req, doc, debounceMs, shown) => this.onOutcome(o, req, doc, debounceMs, shown),
      },
      log,
    ));
    this.disposables.push(
      vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
      provider,
      vscode.commands.registerCommand(ACCEPT_COMMAND, (arg: AcceptedArg) => this.onAccepted(arg)),
      // Any settings change may change what a suggestion would be; another client makes them stale.
      config.onDidChange(() => this.cache.clear()),
      endpoint.onDidRebuild(() => this.onRebuild()),
      endpoint.onDidChange(() => this.refreshStatus()),
    );
    this.refreshStatus();
  }

  /**
   * A new client: what was cached from the old one is stale. When it is the built-in engine that a
   * request just started, that request got nothing: ghost text asks again at the cursor, so the
   * first suggestion does not wait for another keystroke.
   */
  private onRebuild(): void {
    this.cache.clear();
    const uri = this.awaitingEngine;
    if (!uri || !this.services.local?.current || !this.services.endpoint.client) return;
    this.awaitingEngine = undefined;
    // Only where that request was made, and only if ghost text may still be shown there.
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.uri.toString() !== uri || this.snooze || !this.config.settings.enable) return;
    void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }

  /** When a snooze ends (ms since the epoch), or undefined when ghost text is not snoozed. */
  get snoozedUntil(): number | undefined {
    return this.snooze?.until;
  }

  /** No ghost text for `minutes` from now (replacing an earlier snooze); the status says until when. */
  snoozeFor(minutes: number): void {
    this.resume();
    const until = Date.now() + minutes * 60_000;
    this.snooze = { until, timer: setTimeout(() => this.resume(), until - Date.now()) };
    this.log.info(`ghost text snoozed for ${minutes} minutes`);
    this.refreshStatus();
  }

  /** Ends a snooze now. */
  resume(): void {
    if (!this.snooze) return;
    clearTimeout(this.snooze.timer);
    this.snooze = undefined;
    this.refreshStatus();
  }

  refreshStatus(): void {
    const s = this.config.settings;
    if (!s.enable) return this.status.set({ kind: 'disabled', reason: 'turned off in settings' });
    const engine = this.services.local?.status();
    if (engine) return this.status.set(this.snooze ? { kind: 'snoozed', until: this.snooze.until } : engine);
    if (!s.endpoint || !s.model) return this.status.set({ kind: 'not-configured' });
    if (this.snooze) return this.status.set({ kind: 'snoozed', until: this.snooze.until });
    const h = this.services.endpoint.health.current;
    const route = this.services.endpoint.route(s);
    if (route?.unusable) return this.status.set({ kind: 'error', reason: route.unusable });
    if (h.kind === 'healthy') {
      if (this.pending > 0) return this.status.set({ kind: 'requesting', model: s.model });
      if (this.filtered) return this.status.set({ kind: 'filtered', model: s.model, unknown: this.filtered.unknown });
      return this.status.set({ kind: 'ready', model: s.model, detail: route?.describe });
    }
    this.status.set(errorStatus(h.error, h.retryAt));
  }

  private allowed(doc: vscode.TextDocument): boolean {
    if (this.snooze) return false;
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-scm' || doc.uri.scheme === 'comment') return false;
    const p = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path;
    if (doc.getText().length > 1024 * 1024) return false;
    if (this.services.workspaceIndex.isIgnoredDocument(doc.uri)) return false;
    return exclusionReason(p, doc.lineCount > 200 ? doc.getText(new vscode.Range(0, 0, 200, 0)) : doc.getText()) === undefined;
  }

  private onRequestStart(): void {
    this.pending++;
    this.refreshStatus();
  }

  private onRequestEnd(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.refreshStatus();
  }

  private onOutcome(o: CompletionOutcome, req: CompletionRequest, doc: vscode.TextDocument, debounceMs = 0, shownAs?: { offset: number; text: string }): void {
    const id = `${Date.now().toString(36)}-${(this.seq++).toString(36)}`;
    // Cancelled requests count only when they reached the endpoint (they cost the server too).
    if (o.error?.kind !== 'not-configured' && !(o.error?.kind === 'cancelled' && o.timings.model === 0)) {
      this.quality.record({
        type: 'suggestion',
        at: Date.now(),
        id,
        language: doc.languageId,
        model: o.model,
        source: o.source,
        verdict: o.filter?.verdict ?? 'none',
        unknown: o.filter?.unknown ?? [],
        shownChars: o.text.length,
        latency: { debounce: Math.round(debounceMs), ...o.timings },
        error: o.error?.kind,
        text: this.config.settings.recordCode ? o.text : undefined,
      });
    }
    if (o.filter && o.filter.verdict !== 'keep') {
      this.log.info(`filter ${o.filter.verdict}: unknown ${o.filter.unknown.join(', ')}`);
    }
    // Held back by the filter is not "no answer": a quiet sign for a moment, the names in its tooltip.
    if (!o.text && o.filter?.verdict === 'drop' && o.filter.unknown.length > 0) this.showFiltered(o.filter.unknown);
    else if (o.text || o.source === 'model') this.clearFiltered();
    if (o.text) {
      const at = shownAs ?? { offset: req.cursor.offset, text: o.text };
      this.lastShown = { id, uri: req.doc.uri, text: at.text };
      this.shown.fire({ id, uri: req.doc.uri, offset: at.offset, text: at.text });
    }
    if (o.error?.kind === 'not-configured' && this.services.local?.enabled) this.awaitingEngine = req.doc.uri;
    if (o.error && o.error.kind !== 'cancelled') this.services.endpoint.tellOutage(o.error);
    this.refreshStatus();
  }

  private showFiltered(unknown: string[]): void {
    if (this.filtered) clearTimeout(this.filtered.timer);
    this.filtered = {
      unknown: [...new Set(unknown)],
      timer: setTimeout(() => {
        this.filtered = undefined;
        this.refreshStatus();
      }, FILTERED_SIGN_MS),
    };
  }

  private clearFiltered(): void {
    if (!this.filtered) return;
    clearTimeout(this.filtered.timer);
    this.filtered = undefined;
  }

  private onAccepted(arg: AcceptedArg | undefined): void {
    const shown = this.lastShown;
    this.quality.record({ type: 'accepted', at: Date.now(), id: shown?.id ?? 'unknown', chars: arg?.text?.length ?? 0 });
    // Grounded auto-import: the suggestion used a workspace export; add its import.
    const doc = arg?.additionalEdits?.length ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg.uri) : undefined;
    if (doc && arg?.additionalEdits) {
      const edit = new vscode.WorkspaceEdit();
      for (const e of arg.additionalEdits) edit.insert(doc.uri, doc.positionAt(e.offset), e.text);
      void vscode.workspace.applyEdit(edit).then(undefined, (e: unknown) => this.log.warn(`auto-import failed: ${String(e)}`));
    }
  }

  /** Settings as seen by this service (tests). */
  get settings(): Settings {
    return this.config.settings;
  }

  enabledFor(languageId: string): boolean {
    return isEnabledFor(this.config.settings, languageId);
  }

  dispose(): void {
    if (this.snooze) clearTimeout(this.snooze.timer);
    this.clearFiltered();
    for (const d of this.disposables) d.dispose();
    this.shown.dispose();
  }
}

/** What the accept command receives (inlineProvider.ts). */
interface AcceptedArg {
  text: string;
  uri?: string;
  additionalEdits?: { offset: number; text: string }[];
}

function errorStatus(e: ModelErrorInfo, retryAt: number): import('./statusBar').StatusState {
  if (e.kind === 'rate-limited') return { kind: 'rate-limited', reason: e.message, retryAt };
  // A 4xx is the server answering "not like this": an error to read, not an outage (isOutage).
  if (isOutage(e)) return { kind: 'unreachable', reason: e.message, retryAt };
  return { kind: 'error', reason: e.message };
}
