/**
 * The model stage's HTTP side: one endpoint, whatever server runs behind it. It probes the server
 * once (model/server.ts), chooses how to talk to it (model/route.ts) and sends each request through
 * that route's transport (model/transports/), streaming, with a hard deadline, cancellation and an
 * early stop decided by the caller. Errors come back as values (ModelErrorInfo), never as
 * exceptions; a style the server turns down is remembered and the next one is chosen.
 */
import OpenAI from 'openai';
import type { Settings } from '../config';
import { normalizeBaseUrl } from '../config';
import type { BuiltPrompt, Candidate, ModelErrorInfo } from '../types';
import { restoreControlTokens } from './families';
import { documentId, ENGINE_DOCUMENT_HEADER } from './documentId';
import { deadlineController, normalizingFetch, toModelError } from './http';
import { chooseRoute, styleKey, type Route } from './route';
import { probeServer, serverRoot, type ServerInfo } from './server';
import { llamacppInfill } from './transports/llamacpp';
import { mistralFim } from './transports/mistral';
import { ollamaGenerate, ollamaLoad } from './transports/ollama';
import { chat, completions } from './transports/openai';
import { Collector, type Transport } from './transports/types';

export { parseRetryAfter, toModelError } from './http';

export interface ModelClientOptions {
  endpoint: string;
  apiKey?: string;
  /** Extra headers (tests). */
  headers?: Record<string, string>;
  /**
   * Share this client's HTTP client (its connections) and send only `headers` of one's own: many
   * sessions over one client, as the extension has one per endpoint (benchmarks).
   */
  shareWith?: ModelClient;
}

export interface GenerateOptions {
  model: string;
  /** The way to send it; `route` (when given) says the rest: path, stop cap, thinking. */
  api: Route['api'];
  route?: Route;
  maxTokens: number;
  /** Hard deadline for the whole request, in ms. */
  timeoutMs: number;
  temperature?: number;
  /** Number of candidates (n). */
  n?: number;
  signal?: AbortSignal;
  /**
   * Called with the text received so far; returning true closes the stream (early stop).
   * The text passed on is what the caller decided to keep.
   */
  shouldStop?: (textSoFar: string) => boolean;
  /**
   * Asked after each chunk the stream goes on past: true makes the reader let the event loop run
   * everything already queued (one macrotask) before it reads on — so an answer decided from this
   * stream is shown before the rest of the stream is processed.
   */
  yieldNow?: () => boolean;
  /** Called with partial text as it streams (for first-line-early display). */
  onPartial?: (textSoFar: string) => void;
  /** Stream (SSE) or not. */
  stream?: boolean;
  /** Extra body fields (llama.cpp cache_prompt, n_predict, …). */
  extraBody?: Record<string, unknown>;
  /**
   * The URI of the document the prompt is of. Sent on (as an opaque id) only where the route says
   * the server keeps per-document state (`perDocument`: the built-in engine); never elsewhere.
   */
  document?: string;
}

export type GenerateResult = { ok: true; candidates: Candidate[]; ms: number; firstTokenMs?: number } | { ok: false; error: ModelErrorInfo; ms: number; partial?: string };

const TRANSPORTS: Record<Route['api'], Transport> = {
  completions,
  chat,
  'llamacpp-infill': llamacppInfill,
  ollama: ollamaGenerate,
  'mistral-fim': mistralFim,
};

/** The `openai` package's own timeout is ours doubled plus this (ms): it must never fire first. */
const PACKAGE_TIMEOUT_SLACK_MS = 1000;

/** How long one probe request may take, ms. */
const PROBE_TIMEOUT_MS = 2000;

export class ModelClient {
  private readonly client: OpenAI;
  private readonly headers: Record<string, string> | undefined;
  private readonly owner: ModelClient;
  readonly baseURL: string;
  /** What the probe found for `probedModel`; undefined until a probe got an answer. */
  server: ServerInfo | undefined;
  private probedModel: string | undefined;
  private probing: { model: string; done: Promise<ServerInfo> } | undefined;
  /** Styles (api/template) this endpoint turned down, for its life. */
  private readonly refused = new Set<string>();

  constructor(opts: ModelClientOptions) {
    this.baseURL = normalizeBaseUrl(opts.endpoint);
    this.headers = opts.shareWith ? opts.headers : undefined;
    // Sessions sharing a client share what is known of the server too.
    this.owner = opts.shareWith?.owner ?? this;
    this.client =
      opts.shareWith?.client ??
      new OpenAI({
        baseURL: this.baseURL,
        // Local servers need no key; the package insists on a string.
        apiKey: opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : 'no-key',
        maxRetries: 0,
        timeout: 60_000,
        defaultHeaders: opts.headers,
        fetch: normalizingFetch,
      });
  }

  /** Lists model ids (GET /v1/models); used by the first-run check and `Test connection`. */
  async listModels(timeoutMs: number, signal?: AbortSignal): Promise<{ ok: true; models: string[] } | { ok: false; error: ModelErrorInfo }> {
    const started = Date.now();
    const { controller, cleanup } = deadlineController(timeoutMs, signal);
    try {
      const page = await this.client.models.list({ signal: controller.signal, timeout: timeoutMs });
      return { ok: true, models: page.data.map((m) => m.id) };
    } catch (e) {
      return { ok: false, error: toModelError(e, controller.signal, Date.now() - started, timeoutMs) };
    } finally {
      cleanup();
    }
  }

  /** The server's root: native routes (/infill, /props, /api/generate) are not under /v1. */
  get serverRoot(): string {
    return serverRoot(this.baseURL);
  }

  /** What is known of the server (shared between sessions of one client). */
  get known(): ServerInfo | undefined {
    return this.owner.server;
  }

  /**
   * Finds out what server this is and what it knows of the model; cached per model, run again
   * with `again` (after a failure). A probe that reached nothing leaves `server` unset. Never throws.
   */
  probe(model: string, again = false, signal?: AbortSignal): Promise<ServerInfo> {
    const o = this.owner;
    if (o.probing?.model === model && !again) return o.probing.done;
    const done = probeServer(o.client, { baseURL: o.baseURL, model, timeoutMs: PROBE_TIMEOUT_MS, signal }).then((info) => {
      if (o.probing?.done !== done) return info;
      if (info.reached) {
        // What the server turned down was learnt of the server as it was; a new probe starts over.
        if (again) o.refused.clear();
        o.server = info;
        o.probedModel = model;
      } else {
        o.probing = undefined;
      }
      return info;
    });
    o.probing = { model, done };
    return done;
  }

  /** How requests for these settings go out now (before a probe: by the model's name alone). */
  route(settings: Settings): Route {
    const o = this.owner;
    return chooseRoute(settings, o.probedModel === settings.model ? o.server : undefined, o.refused);
  }

  /** Primes the server ahead of typing, where that helps (model/route.ts `warmup`). */
  async warmup(prompt: BuiltPrompt, settings: Settings, route: Route, timeoutMs: number, signal?: AbortSignal): Promise<GenerateResult> {
    if (route.warmup === 'ollama') return this.send(ollamaLoad, prompt, { model: settings.model, api: 'ollama', route, maxTokens: 0, timeoutMs, signal, stream: false });
    return this.generate(prompt, { model: settings.model, api: route.api, route, maxTokens: 1, timeoutMs, signal, stream: false, extraBody: { n_predict: 0, cache_prompt: true } });
  }

  async generate(prompt: BuiltPrompt, opts: GenerateOptions): Promise<GenerateResult> {
    return this.send(TRANSPORTS[opts.api], prompt, opts);
  }

  /** This session's headers, and the document's id where the route keeps per-document state. */
  private requestHeaders(route: Route, document: string | undefined): Record<string, string> | undefined {
    if (!route.perDocument || document === undefined) return this.headers;
    return { [ENGINE_DOCUMENT_HEADER]: documentId(document), ...this.headers };
  }

  private async send(transport: Transport, prompt: BuiltPrompt, opts: GenerateOptions): Promise<GenerateResult> {
    const started = Date.now();
    const { controller, cleanup } = deadlineController(opts.timeoutMs, opts.signal);
    const route: Route = opts.route ?? { api: opts.api, template: 'plain', describe: '' };
    // /infill and Ollama have no `n`: one candidate.
    const n = opts.api === 'llamacpp-infill' || opts.api === 'ollama' ? 1 : Math.max(1, opts.n ?? 1);
    const stream = opts.stream !== false;
    const out: Collector = new Collector(n, {
      progress: (): boolean => {
        opts.onPartial?.(out.texts[0]);
        return opts.shouldStop?.(applyStops(out.texts[0], prompt.stop)) ?? false;
      },
      yieldNow: opts.yieldNow,
    });
    const stop = route.stopCap !== undefined ? prompt.stop.slice(0, route.stopCap) : prompt.stop;
    try {
      await transport({
        http: this.client,
        baseURL: this.baseURL,
        root: this.serverRoot,
        prompt,
        route,
        stop: stop.length > 0 ? stop : undefined,
        opts: { model: opts.model, maxTokens: opts.maxTokens, temperature: opts.temperature ?? 0.1, n, stream, extraBody: opts.extraBody },
        // Our deadline (http.ts deadlineController) decides; the package's own timer only backs it up.
        reqOpts: { signal: controller.signal, timeout: 2 * opts.timeoutMs + PACKAGE_TIMEOUT_SLACK_MS, maxRetries: 0, headers: this.requestHeaders(route, opts.document) },
        out,
      });
      const firstTokenMs = out.firstTokenAt !== undefined ? out.firstTokenAt - started : undefined;
      // A stream that ends with neither a finish reason nor our early stop was cut: nothing in it is decided.
      if (stream && !out.stopped && out.finish[0] === 'unknown') {
        const ms = Date.now() - started;
        // Aborted (cancel or deadline) streams may end quietly rather than throw.
        const error: ModelErrorInfo = controller.signal.aborted
          ? toModelError(new Error('aborted'), controller.signal, ms, opts.timeoutMs, opts.signal)
          : { kind: 'bad-response', message: 'the answer stream ended before it was complete' };
        return { ok: false, error, ms, partial: out.texts[0] };
      }
      const candidates = out.texts.map((t, i) => ({
        // Control-token text the prompt carried broken (families.ts neutralize) is whole again.
        text: restoreControlTokens(applyStops(t, prompt.stop)),
        finishReason: out.stopped && i === 0 ? ('early-stop' as const) : out.finish[i],
      }));
      return { ok: true, candidates, ms: Date.now() - started, firstTokenMs };
    } catch (e) {
      const error = toModelError(e, controller.signal, Date.now() - started, opts.timeoutMs, opts.signal);
      if (refusesStyle(error)) {
        // The server does not take this way of asking (a route it lacks, a field it refuses):
        // from now on the next style is chosen, and the caller may ask again at once.
        this.owner.refused.add(styleKey(route.api, route.template));
        error.styleRefused = true;
      }
      return { ok: false, error, ms: Date.now() - started, partial: out.texts[0] };
    } finally {
      cleanup();
    }
  }
}

/**
 * An answer that says this style of request is not supported here: a route the server lacks
 * (404/405/501: an /infill on a model without FIM tokens, /v1/fim on a server that is not
 * Mistral's), or a 400/422 whose message names an unsupported field or feature ("suffix is not
 * currently supported", "does not support insert", "does not support thinking"), or llama.cpp's
 * 500 "Unsupported param".
 */
export function refusesStyle(e: ModelErrorInfo): boolean {
  if (e.kind !== 'http' || e.status === undefined) return false;
  const said = e.detail ?? e.message;
  // A 404 naming the model is a wrong model name, not a missing route.
  if (e.status === 404) return !/model/i.test(said);
  if (e.status === 405 || e.status === 501) return true;
  if (e.status === 400 || e.status === 422)
    return /not (currently )?supported|unsupported|does not support|not allowed|unrecognized|unknown (field|parameter|argument)|extra (fields|inputs)|not permitted/i.test(said);
  // llama.cpp throws "Unsupported param: suffix" outside its handler's try: a 500.
  if (e.status === 500) return /unsupported param/i.test(said);
  return false;
}

/** Cuts text at the first stop word. */
export function applyStops(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const s of stops) {
    if (!s) continue;
    const i = text.indexOf(s);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}
