/**
 * The model endpoint, once for the whole extension: the client built from the settings and the
 * API key, what its probe found (model/server.ts, model/route.ts), its health with backoff, the
 * background probe while it is unreachable, and the one message per outage. Ghost text and Edit
 * Selection both ask through it, so what one learns (down, back, refused styles) the other knows.
 */
import * as vscode from 'vscode';
import { ModelClient } from '../core/model/client';
import type { Route } from '../core/model/route';
import { countsAgainstHealth, EndpointHealth, RecoveryProbe, type HealthState } from '../core/model/health';
import type { Settings } from '../core/config';
import type { Logger, ModelErrorInfo } from '../core/types';
import type { ApiKeyStore } from './secrets';
import type { Config } from './config';
import type { LocalEngine } from './localEngine/manager';
import { outageActions } from './statusMenu';

/** How long one background probe of an unreachable endpoint may take, ms. */
const RECOVERY_PROBE_TIMEOUT_MS = 2000;

export class Endpoint implements vscode.Disposable {
  readonly health = new EndpointHealth();
  /** While the endpoint is unreachable: asks in the background whether it is back (status without typing). */
  readonly recovery = new RecoveryProbe(
    (signal) => this.answers(signal),
    () => this.health.success(),
  );
  private current: ModelClient | undefined;
  private apiKey: string | undefined;
  /** The endpoint and model the client was built for: other settings changes keep what its probe found. */
  private clientKey: string | undefined;
  /** The endpoint-down message is shown once per outage, not per request. */
  private toldAboutOutage = false;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The client, what its probe found or its health changed: the status is redrawn. */
  readonly onDidChange = this.changed.event;
  private readonly rebuilt = new vscode.EventEmitter<void>();
  /** A new client (another endpoint, model or key): what was cached from the old one is stale. */
  readonly onDidRebuild = this.rebuilt.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.rebuilt];

  constructor(
    private readonly config: Config,
    private readonly keys: ApiKeyStore,
    private readonly log: Logger,
    private readonly local?: LocalEngine,
  ) {
    if (local) this.disposables.push(local.onDidChangeState(() => this.changed.fire()));
    this.disposables.push(
      config.onDidChange(() => void this.rebuild()),
      keys.onDidChange(() => void this.rebuild()),
    );
    const unsubscribe = this.health.onChange((h) => this.onHealth(h));
    this.disposables.push({ dispose: unsubscribe });
    void this.rebuild();
  }

  /** The client for the configured endpoint, or undefined when none is configured. */
  get client(): ModelClient | undefined {
    // The built-in engine starts on first need: a request that finds it not running starts it.
    if (!this.current) this.local?.wanted();
    return this.current;
  }

  /** How requests are sent, once the probe has found out; undefined before. */
  route(settings: Settings = this.config.settings): Route | undefined {
    return this.current?.known ? this.current.route(settings) : undefined;
  }

  /** Rebuilds the client after a settings or key change, and resets the health state. */
  async rebuild(): Promise<void> {
    const s = this.config.settings;
    // The built-in engine's requests carry its own token (config.ts puts its URL and model in effect).
    const apiKey = this.local?.apiKey ?? (await this.keys.get());
    const key = `${s.endpoint}\n${s.model}`;
    // A settings change that leaves the endpoint, model and key alone keeps the client and what its probe found.
    if (this.current && key === this.clientKey && apiKey === this.apiKey) return this.changed.fire();
    this.apiKey = apiKey;
    this.clientKey = key;
    // Another endpoint: whatever the old one's probe finds no longer matters.
    this.recovery.stop();
    this.current = s.endpoint ? new ModelClient({ endpoint: s.endpoint, apiKey }) : undefined;
    this.health.reset();
    this.toldAboutOutage = false;
    this.rebuilt.fire();
    this.changed.fire();
    this.probe();
  }

  /**
   * The outcome of a request someone else sent (Edit Selection): the health learns from it as from
   * ghost text's own. Only what says something about the endpoint counts.
   */
  report(error: ModelErrorInfo | undefined): void {
    if (!error) this.health.success();
    else if (countsAgainstHealth(error)) this.health.failure(error);
  }

  /** Says once per outage that the endpoint is down or refuses us, with what to do. */
  tellOutage(e: ModelErrorInfo): void {
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

  /**
   * Finds out what server the endpoint is and how to talk to it; the log and the status bar say
   * what was found. Until it answers, requests go by the model's name alone. Run again after an
   * outage (the server may have been swapped).
   */
  private probe(again = false): void {
    const client = this.current;
    const s = this.config.settings;
    if (!client || !s.model) return;
    void client.probe(s.model, again).then((info) => {
      if (client !== this.current) return;
      if (!info.reached) return this.log.info(`${s.endpoint}: nothing answered the server probe; asking again when the endpoint answers`);
      const route = client.route(this.config.settings);
      this.log.info(`endpoint: ${route.describe}${route.note ? ` (${route.note})` : ''}`);
      if (route.unusable) this.log.warn(route.unusable);
      this.changed.fire();
    });
  }

  /**
   * The background probe: does the endpoint answer at all (its model list)? Any answer but a 5xx
   * means the server is up again; what a request then gets is for the request to say.
   */
  private async answers(signal: AbortSignal): Promise<boolean> {
    const client = this.current;
    if (!client) return false;
    const r = await client.listModels(RECOVERY_PROBE_TIMEOUT_MS, signal);
    if (client !== this.current) return false;
    if (r.ok) return true;
    return r.error.kind === 'auth' || (r.error.kind === 'http' && (r.error.status ?? 500) < 500);
  }

  private onHealth(h: HealthState): void {
    // Probe in the background exactly while the endpoint is unreachable.
    if (h.kind !== 'healthy' && isOutage(h.error)) this.recovery.start();
    else this.recovery.stop();
    if (h.kind === 'healthy') {
      const wasOut = this.toldAboutOutage;
      if (wasOut) this.log.info('endpoint reachable again');
      // Back after an outage, or the first probe found nothing: find out again what answers there.
      if (wasOut || !this.current?.known) this.probe(true);
      this.toldAboutOutage = false;
    }
    this.changed.fire();
  }

  dispose(): void {
    this.recovery.stop();
    for (const d of this.disposables) d.dispose();
  }
}

/** An error that means nothing answers (or only a server error does): the status says unreachable. */
export function isOutage(e: ModelErrorInfo): boolean {
  // A 4xx but 404 is the server answering "not like this": an error to read, not an outage.
  if (e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 404) return false;
  return e.kind === 'unreachable' || e.kind === 'http' || e.kind === 'timeout';
}
