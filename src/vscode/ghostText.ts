/**
 * Wires the core pipeline to VS Code: builds the stages from settings, registers the inline
 * completion provider, keeps the status bar true, and tells the person once (not per keystroke)
 * when the endpoint is down.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CompletionCache } from '../core/cache/completionCache';
import { isEnabledFor, type Settings } from '../core/config';
import { ContextEngine } from '../core/context/engine';
import { exclusionReason } from '../core/workspace/exclusion';
import { ConsistencyFilter } from '../core/filter/consistency';
import { IndexKnowledge } from '../core/filter/indexKnowledge';
import { DependencyKnowledge } from '../core/filter/workspaceKnowledge';
import { ModelClient } from '../core/model/client';
import { EndpointHealth, RecoveryProbe, type HealthState } from '../core/model/health';
import { CompletionPipeline } from '../core/pipeline';
import type { QualityLog } from '../core/stats/events';
import type { ShownSuggestion } from '../core/stats/lifecycle';
import type { CompletionOutcome, CompletionRequest, Logger, ModelErrorInfo } from '../core/types';
import type { ApiKeyStore } from './secrets';
import type { Config } from './config';
import { ACCEPT_COMMAND, InlineProvider } from './inlineProvider';
import type { StatusBar } from './statusBar';
import { outageActions } from './statusMenu';
import { WorkspaceIndex } from './workspaceIndex';

/** How long the status shows that the filter held a suggestion back, ms. */
export const FILTERED_SIGN_MS = 4000;

/** How long one background probe of an unreachable endpoint may take, ms. */
const RECOVERY_PROBE_TIMEOUT_MS = 2000;

export class GhostText implements vscode.Disposable {
  readonly cache = new CompletionCache();
  readonly health = new EndpointHealth();
  /** While the endpoint is unreachable: asks in the background whether it is back (status without typing). */
  readonly recovery = new RecoveryProbe(
    (signal) => this.endpointAnswers(signal),
    () => this.health.success(),
  );
  /** The consistency filter, shared with Edit Selection. */
  readonly filter: ConsistencyFilter;
  /** The context engine (outlines, related code), shared with Edit Selection. */
  readonly context: ContextEngine;
  readonly pipeline: CompletionPipeline;
  /** The inline completion provider (integration tests call it directly). */
  readonly provider: InlineProvider;
  /** The workspace symbol index, related-context source and ignore rules. */
  readonly workspaceIndex: WorkspaceIndex;
  private client: ModelClient | undefined;
  private apiKey: string | undefined;
  /** The endpoint and model the client was built for: other settings changes keep what its probe found. */
  private clientKey: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The endpoint-down message is shown once per outage, not per keystroke. */
  private toldAboutOutage = false;
  private pending = 0;
  private seq = 0;
  private lastShown: { id: string; uri: string; text: string } | undefined;
  /** Ghost text is snoozed until this time (ms since the epoch); the timer ends the snooze. */
  private snooze: { until: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** The filter just held a suggestion back: the status says so for a moment (FILTERED_SIGN_MS). */
  private filtered: { unknown: string[]; timer: ReturnType<typeof setTimeout> } | undefined;
  private readonly shown = new vscode.EventEmitter<ShownSuggestion>();
  /** Every suggestion handed to VS Code as ghost text (the quality tracker follows it). */
  readonly onShown = this.shown.event;

  constructor(
    private readonly config: Config,
    private readonly keys: ApiKeyStore,
    private readonly status: StatusBar,
    private readonly quality: QualityLog,
    private readonly log: Logger,
  ) {
    const folder = () => vscode.workspace.workspaceFolders?.[0];
    const workspace = (this.workspaceIndex = new WorkspaceIndex(log));
    this.disposables.push(workspace);
    const context = (this.context = new ContextEngine({
      relativePath: (req: CompletionRequest) => (req.doc.fsPath && workspace.relativePath(req.doc.fsPath)) || path.basename(req.doc.fsPath ?? req.doc.uri),
      repoName: folder()?.name ?? 'workspace',
      index: workspace.index,
      trees: workspace.trees,
      editorState: () => workspace.editorState(),
      isExcluded: (p) => workspace.isExcluded(p),
    }));
    // The consistency filter knows the workspace through the same symbol index (kept current by
    // WorkspaceIndex, unsaved editor text included) plus the manifests and dependencies' declarations.
    const filter = (this.filter = new ConsistencyFilter());
    const root = folder()?.uri.scheme === 'file' ? folder()?.uri.fsPath : undefined;
    if (root) {
      // Created before the index's first build parses anything, so it gets every tree of it.
      const k = new IndexKnowledge(workspace.index, root);
      this.disposables.push({ dispose: () => k.dispose() });
      void workspace.ready.then(
        () => {
          k.setDependencies(DependencyKnowledge.read(root));
          filter.setKnowledge(k);
        },
        (e: unknown) => log.warn(`filter: workspace knowledge failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    this.pipeline = new CompletionPipeline({
      context,
      cache: this.cache,
      filter,
      health: this.health,
      client: () => this.client,
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
      config.onDidChange(() => this.rebuildClient()),
      keys.onDidChange(() => this.rebuildClient()),
    );
    const unsubscribe = this.health.onChange((h) => this.onHealth(h));
    this.disposables.push({ dispose: unsubscribe });
    void this.rebuildClient();
  }

  /** Rebuilds the endpoint client after a settings or key change, and resets the health state. */
  async rebuildClient(): Promise<void> {
    const s = this.config.settings;
    const apiKey = await this.keys.get();
    const key = `${s.endpoint}\n${s.model}`;
    // A settings change that leaves the endpoint, model and key alone keeps the client and what its probe found.
    if (this.client && key === this.clientKey && apiKey === this.apiKey) {
      this.cache.clear();
      this.refreshStatus();
      return;
    }
    this.apiKey = apiKey;
    this.clientKey = key;
    // Another endpoint: whatever the old one's probe finds no longer matters.
    this.recovery.stop();
    this.client = s.endpoint ? new ModelClient({ endpoint: s.endpoint, apiKey }) : undefined;
    this.cache.clear();
    this.health.reset();
    this.toldAboutOutage = false;
    this.refreshStatus();
    this.probeServer();
  }

  /**
   * Finds out what server the endpoint is and how to talk to it (model/server.ts, model/route.ts);
   * the log and the status bar say what was found. Until it answers, requests go by the model's
   * name alone. Run again after an outage (the server may have been swapped).
   */
  private probeServer(again = false): void {
    const client = this.client;
    const s = this.config.settings;
    if (!client || !s.model) return;
    void client.probe(s.model, again).then((info) => {
      if (client !== this.client) return;
      if (!info.reached) return this.log.info(`${s.endpoint}: nothing answered the server probe; asking again when the endpoint answers`);
      const route = client.route(this.config.settings);
      this.log.info(`endpoint: ${route.describe}${route.note ? ` (${route.note})` : ''}`);
      if (route.unusable) this.log.warn(route.unusable);
      this.refreshStatus();
    });
  }

  /** What the status bar says of the endpoint: the route's one line once known. */
  private describeEndpoint(): string | undefined {
    const s = this.config.settings;
    return this.client?.known ? this.client.route(s).describe : undefined;
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
    if (!s.endpoint || !s.model) return this.status.set({ kind: 'not-configured' });
    if (this.snooze) return this.status.set({ kind: 'snoozed', until: this.snooze.until });
    const h = this.health.current;
    const route = this.client?.known ? this.client.route(s) : undefined;
    if (route?.unusable) return this.status.set({ kind: 'error', reason: route.unusable });
    if (h.kind === 'healthy') {
      if (this.pending > 0) return this.status.set({ kind: 'requesting', model: s.model });
      if (this.filtered) return this.status.set({ kind: 'filtered', model: s.model, unknown: this.filtered.unknown });
      return this.status.set({ kind: 'ready', model: s.model, detail: this.describeEndpoint() });
    }
    this.status.set(errorStatus(h.error, h.retryAt));
  }

  private allowed(doc: vscode.TextDocument): boolean {
    if (this.snooze) return false;
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-scm' || doc.uri.scheme === 'comment') return false;
    const p = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path;
    if (doc.getText().length > 1024 * 1024) return false;
    if (this.workspaceIndex.isIgnoredDocument(doc.uri)) return false;
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
    if (o.error && o.error.kind !== 'cancelled') this.maybeTellOutage(o.error);
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

  /**
   * The background probe: does the endpoint answer at all (its model list)? Any answer but a 5xx
   * means the server is up again; what a request then gets is for the request to say.
   */
  private async endpointAnswers(signal: AbortSignal): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    const r = await client.listModels(RECOVERY_PROBE_TIMEOUT_MS, signal);
    if (client !== this.client) return false;
    if (r.ok) return true;
    return r.error.kind === 'auth' || (r.error.kind === 'http' && (r.error.status ?? 500) < 500);
  }

  private onHealth(h: HealthState): void {
    // Probe in the background exactly while the status says unreachable.
    if (h.kind !== 'healthy' && errorStatus(h.error, h.retryAt).kind === 'unreachable') this.recovery.start();
    else this.recovery.stop();
    if (h.kind === 'healthy') {
      const wasOut = this.toldAboutOutage;
      if (wasOut) this.log.info('endpoint reachable again');
      // Back after an outage, or the first probe found nothing: find out again what answers there.
      if (wasOut || !this.client?.known) this.probeServer(true);
      this.toldAboutOutage = false;
    }
    this.refreshStatus();
  }

  private maybeTellOutage(e: ModelErrorInfo): void {
    if (this.toldAboutOutage) return;
    if (e.kind !== 'unreachable' && e.kind !== 'auth' && !(e.kind === 'http' && (e.status === 404 || (e.status ?? 0) >= 500))) return;
    this.toldAboutOutage = true;
    const s = this.config.settings;
    const fix =
      e.kind === 'auth'
        ? 'Set the API key with "Intent Complete: Set API Key".'
        : e.kind === 'unreachable'
          ? `Start your model server or change intentComplete.endpoint (now ${s.endpoint}).`
          : 'Check intentComplete.endpoint and intentComplete.model.';
    void vscode.window.showWarningMessage(`Intent Complete: ${e.message}. ${fix}`, ...outageActions(e.kind)).then((choice) => {
      if (choice === 'Configure Endpoint') void vscode.commands.executeCommand('intentComplete.configureEndpoint');
      else if (choice === 'Set API Key') void vscode.commands.executeCommand('intentComplete.setApiKey');
      else if (choice === 'Show Log') void vscode.commands.executeCommand('intentComplete.showLog');
    });
  }

  /** Settings as seen by this service (tests). */
  get settings(): Settings {
    return this.config.settings;
  }

  enabledFor(languageId: string): boolean {
    return isEnabledFor(this.config.settings, languageId);
  }

  dispose(): void {
    this.recovery.stop();
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
  // A 4xx is the server answering "not like this": an error to read, not an outage.
  if (e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 404) return { kind: 'error', reason: e.message };
  if (e.kind === 'unreachable' || e.kind === 'http' || e.kind === 'timeout') return { kind: 'unreachable', reason: e.message, retryAt };
  return { kind: 'error', reason: e.message };
}
