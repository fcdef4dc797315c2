/**
 * The completion pipeline, top to bottom:
 *
 *   document + cursor → context (prompt) → cache (typed-ahead) → model (endpoint) → filter → ghost text
 *
 * Each stage lives in its own folder under core/. Nothing here imports 'vscode'; the VS Code
 * adapter (src/vscode/inlineProvider.ts) and the CLI call `complete()` the same way.
 */
import type { Settings } from './config';
import type { CacheKeyParts, CompletionCache } from './cache/completionCache';
import type { ContextEngine } from './context/engine';
import { resolveApi } from './context/templates';
import { templateFor } from './context/templates';
import type { ConsistencyFilter } from './filter/consistency';
import { judgeAnswer } from './filter/answer';
import type { ModelClient } from './model/client';
import type { Route } from './model/route';
import { earlyStopRule, withoutCutLine } from './model/earlyStop';
import { FOLLOW_UP_BUDGET, followUps, generateDecided } from './model/hotStreak';
import type { EndpointHealth } from './model/health';
import type { BuiltPrompt, CompletionOutcome, CompletionRequest, Logger, ModelErrorInfo, Timings } from './types';

/** How long after a request goes out the filter starts analysing the document (the send goes first). */
const PREPARE_AFTER_MS = 15;
/**
 * Past this many characters the filter's analysis of a document can outlast the request (a
 * 270 KB Java file: 0.5–1.5 s), and holding the event loop that long while the answer streams in
 * makes it miss the deadline: such a document is analysed after the answer instead.
 */
const PREPARE_OVERLAP_MAX_CHARS = 64 * 1024;

export interface PipelineDeps {
  context: ContextEngine;
  cache: CompletionCache;
  filter: ConsistencyFilter;
  health: EndpointHealth;
  /** The client for the configured endpoint; undefined when none is configured. */
  client: () => ModelClient | undefined;
  log: Logger;
  now?: () => number;
  /** Hot streak (default on): a single line is answered at its end while the next lines stream on into the cache. Off only for ablations. */
  hotStreak?: boolean;
}

/** A warm-up per document at most this often. */
export const WARMUP_EVERY_MS = 60_000;
/** A warm-up's own deadline: loading a model can take seconds, and nobody waits on it. */
const WARMUP_TIMEOUT_MS = 30_000;

export class CompletionPipeline {
  private readonly now: () => number;
  /** When each document (uri) was last warmed up (bounded: old entries are pruned). */
  private readonly warmedAt = new Map<string, number>();

  constructor(private readonly deps: PipelineDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /**
   * The cache stage alone, for the scheduler: an answer for this position without building a
   * prompt or asking the model (exact hit or typed-ahead remainder), or undefined.
   */
  cached(req: CompletionRequest, settings: Settings): CompletionOutcome | undefined {
    const t0 = this.now();
    const hit = this.deps.cache.get(this.cacheKey(req, this.routed(settings).settings));
    if (!hit) return undefined;
    const cacheMs = this.now() - t0;
    const filtered = this.deps.filter.check({
      text: hit.completion,
      docPrefix: req.doc.text.slice(0, req.cursor.offset),
      docSuffix: req.doc.text.slice(req.cursor.offset),
      languageId: req.doc.languageId,
      stop: [],
      multiline: hit.completion.includes('\n'),
      maxLines: settings.maxLines,
      docPath: req.doc.fsPath,
    });
    const text = !settings.consistencyFilter && filtered.verdict !== 'keep' ? hit.completion : filtered.shown;
    const total = this.now() - t0;
    const timings: Timings = { context: 0, cache: cacheMs, model: 0, filter: total - cacheMs, total };
    return { text, source: 'cache', filter: filtered, additionalEdits: filtered.additionalEdits, timings, model: settings.model };
  }

  /**
   * The settings as the endpoint's route resolves them (model/route.ts): apiStyle and fimTemplate
   * become the way and template chosen for this server, so the prompt, the cache key and the
   * request agree on them.
   */
  private routed(settings: Settings): { settings: Settings; route?: Route; client?: ModelClient } {
    const client = this.deps.client();
    if (!client || !settings.endpoint) return { settings };
    const route = client.route(settings);
    return { settings: { ...settings, apiStyle: route.api, fimTemplate: route.template }, route, client };
  }

  /** What identifies an answer: model, prefix near the cursor, suffix, context identity. */
  private cacheKey(req: CompletionRequest, settings: Settings): CacheKeyParts {
    const { text } = req.doc;
    const contextId = `${templateFor(settings.model, settings.fimTemplate, resolveApi(settings)).name}/${settings.contextBudget}/${settings.multiline}/${settings.maxLines}`;
    return { model: settings.model, prefix: text.slice(0, req.cursor.offset), suffix: text.slice(req.cursor.offset), contextId };
  }

  async complete(
    req: CompletionRequest,
    given: Settings,
    signal?: AbortSignal,
    hooks: {
      onPartial?: (textSoFar: string) => void;
      /**
       * A request went out: resolves when its stream is closed. Given this hook, a single line is
       * answered at its end while the next lines are read on into the cache (hot streak).
       */
      onStream?: (closed: Promise<void>) => void;
    } = {},
  ): Promise<CompletionOutcome> {
    const t0 = this.now();
    const timings: Timings = { context: 0, cache: 0, model: 0, filter: 0, total: 0 };
    const done = (o: Omit<CompletionOutcome, 'timings' | 'model'>): CompletionOutcome => {
      timings.total = this.now() - t0;
      return { ...o, timings, model: given.model };
    };
    const { text } = req.doc;
    const docPrefix = text.slice(0, req.cursor.offset);
    const docSuffix = text.slice(req.cursor.offset);

    // 1. Context: the prompt for this position, in the template the endpoint's route chose.
    const routedNow = this.routed(given);
    let { settings, route } = routedNow;
    const { client } = routedNow;
    let prompt = this.deps.context.build(req, settings);
    timings.context = this.now() - t0;

    // 2. Cache: an earlier answer for this position, or one the person is typing through.
    const t1 = this.now();
    let keyParts = this.cacheKey(req, settings);
    const hit = this.deps.cache.get(keyParts);
    timings.cache = this.now() - t1;
    const runFilter = (raw: string, others: string[] = []) => {
      const t = this.now();
      // Several candidates (n > 1): the filter ranks them and returns the best.
      const r = judgeAnswer(this.deps.filter, [raw, ...others], {
        docPrefix,
        docSuffix,
        languageId: req.doc.languageId,
        stop: prompt.stop,
        multiline: prompt.multiline,
        maxLines: settings.maxLines,
        docPath: req.doc.fsPath,
        consistencyFilter: settings.consistencyFilter,
      });
      timings.filter += this.now() - t;
      return r;
    };
    if (hit) {
      const filtered = runFilter(hit.completion);
      return done({ text: filtered.shown, source: 'cache', filter: filtered, additionalEdits: filtered.additionalEdits });
    }

    // 3. Model: the configured endpoint, if it is healthy.
    if (!client || !route) {
      return done({ text: '', source: 'none', error: { kind: 'not-configured', message: 'no endpoint configured' } });
    }
    if (route.unusable) return done({ text: '', source: 'none', error: { kind: 'unusable-model', message: route.unusable } });
    const gate = this.deps.health.allow();
    if (!gate.ok) {
      return done({ text: '', source: 'none', error: { ...gate.error, kind: gate.error.kind === 'rate-limited' ? 'rate-limited' : 'circuit-open', retryAt: gate.retryAt } });
    }
    const t2 = this.now();
    // While the model works, the filter analyses this document version (off the keystroke path):
    // once the request is on the wire (analysing first held the send back by up to ~100 ms), and
    // not at all for a request that was cancelled meanwhile.
    const overlap = text.length <= PREPARE_OVERLAP_MAX_CHARS;
    const prepare = setTimeout(() => signal?.aborted || !overlap || this.deps.filter.prepare(text, req.doc.languageId, req.cursor.offset), PREPARE_AFTER_MS);
    let result = await this.ask(client, route, prompt, settings, req.doc.uri, docPrefix, keyParts, signal, hooks);
    if (!result.ok && result.error.styleRefused && !signal?.aborted) {
      // The server turned this style down: once, at once, the next style the route offers.
      const next = this.routed(given);
      if (next.route && (next.route.api !== route.api || next.route.template !== route.template)) {
        this.deps.log.info(`${route.describe} was turned down (${result.error.message}); now ${next.route.describe}`);
        ({ settings, route } = next);
        prompt = this.deps.context.build(req, settings);
        keyParts = this.cacheKey(req, settings);
        result = await this.ask(client, next.route, prompt, settings, req.doc.uri, docPrefix, keyParts, signal, hooks);
      }
    }
    clearTimeout(prepare);
    timings.model = this.now() - t2;
    if (result.ok) timings.decidedChars = result.candidates[0]?.text.length ?? 0;
    if (!result.ok) {
      if (result.error.kind === 'cancelled') this.deps.health.abandonProbe();
      else this.deps.health.failure(result.error);
      this.logError(result.error);
      return done({ text: '', source: 'none', error: result.error });
    }
    this.deps.health.success();

    // 4. Filter: clean up, then keep, truncate or drop by the names it uses.
    // Only decided text: a line the stream was cut in the middle of is neither shown nor checked.
    const texts = result.candidates.map(withoutCutLine);
    const best = texts[0] ?? '';
    const filtered = runFilter(best, texts.slice(1));
    // The cache keeps what the model decided (up to the early stop), not what the filter let through:
    // every cache answer is filtered again against the document as it is then, so a name the person
    // has typed since is known by then.
    this.deps.cache.set(keyParts, prompt.multiline ? best : (/^\s*\S[^\n]*/.exec(best)?.[0] ?? ''));
    return done({ text: filtered.shown, source: 'model', filter: filtered, additionalEdits: filtered.additionalEdits });
  }

  /** One request for a built prompt, read until the suggestion is decided (hot streak: on into the cache). */
  private async ask(
    client: ModelClient,
    route: Route,
    prompt: BuiltPrompt,
    settings: Settings,
    document: string,
    docPrefix: string,
    keyParts: CacheKeyParts,
    signal: AbortSignal | undefined,
    hooks: { onPartial?: (textSoFar: string) => void; onStream?: (closed: Promise<void>) => void },
  ) {
    const stream = generateDecided(client, prompt, {
      model: settings.model,
      api: route.api,
      route,
      maxTokens: prompt.multiline ? settings.maxTokens : Math.min(settings.maxTokens, 64),
      timeoutMs: settings.timeoutMs,
      signal,
      // The built-in engine keeps this document's KV state (only servers whose route says so get it).
      document,
      onPartial: hooks.onPartial,
      // Read only until the suggestion is decided: end of line, or the block closed / line cap.
      decide: earlyStopRule({ multiline: prompt.multiline, maxLines: settings.maxLines, lineBefore: docPrefix.slice(docPrefix.lastIndexOf('\n') + 1) }),
      // Hot streak: a single line is answered at once while the next lines stream on into the cache
      // (for callers that follow the stream's life, i.e. the scheduler; one-shot callers close it here).
      tail: hooks.onStream && !prompt.multiline && this.deps.cache.mode === 'typed-ahead' && this.deps.hotStreak !== false ? FOLLOW_UP_BUDGET : undefined,
    });
    const closed = stream.closed.then((c) => {
      for (const f of followUps(c.text, c.finished, prompt.multiline)) this.deps.cache.setFollowUp(keyParts, f.consumed, f.completion);
    });
    hooks.onStream?.(closed);
    return stream.decided;
  }

  /**
   * The local work of a request at this exact position, done ahead of it (the scheduler calls this
   * while its debounce waits): the context engine's parse, outline, related items and similar
   * windows, so `complete` for the same document and position finds them ready and only assembles
   * the prompt. The prompt is the one `complete` would have built anyway. Never throws.
   */
  prepare(req: CompletionRequest, settings: Settings): void {
    try {
      this.deps.context.prepare(req, this.routed(settings).settings);
    } catch (e) {
      this.deps.log.trace(`prepare failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Local priming for a document the person opened or focused, before they type: parse it and fill
   * the context engine's caches for this position, and analyse it for the filter. Nothing leaves
   * the machine; the first keystroke's request then pays only the incremental work. Never throws.
   */
  prime(req: CompletionRequest, settings: Settings): void {
    this.prepare(req, settings);
    try {
      this.deps.filter.prepare(req.doc.text, req.doc.languageId, req.cursor.offset);
    } catch (e) {
      this.deps.log.trace(`prime failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Warm-up, where the route says it helps: llama.cpp primes its prompt cache with this position's
   * prompt (`cache_prompt`, `n_predict: 0`), Ollama loads the model and keeps it loaded. Never to a
   * hosted API. Only while the endpoint is healthy; the answer is ignored and failures do not count
   * against the endpoint. At most one per document (uri) per WARMUP_EVERY_MS, however often it is
   * opened or focused. Resolves true when it went out and succeeded.
   */
  async warmup(req: CompletionRequest, given: Settings, signal?: AbortSignal): Promise<boolean> {
    const { settings, route, client } = this.routed(given);
    if (!client || !route?.warmup || route.unusable || !settings.model || this.deps.health.current.kind !== 'healthy') return false;
    const now = this.now();
    const uri = req.doc.uri;
    // Ollama loads a model, not a document: once per WARMUP_EVERY_MS for the whole endpoint.
    const key = route.warmup === 'ollama' ? 'ollama-load' : uri;
    if (now - (this.warmedAt.get(key) ?? -Infinity) < WARMUP_EVERY_MS) return false;
    this.warmedAt.set(key, now);
    if (this.warmedAt.size > 256) for (const [u, t] of this.warmedAt) if (now - t >= WARMUP_EVERY_MS) this.warmedAt.delete(u);
    const prompt = this.deps.context.build(req, settings);
    const r = await client.warmup(prompt, settings, route, WARMUP_TIMEOUT_MS, signal);
    if (!r.ok) this.deps.log.trace(`warm-up failed: ${r.error.kind}`);
    return r.ok;
  }

  /** A closed document: its next open may warm up again at once. */
  forgetWarmup(uri: string): void {
    this.warmedAt.delete(uri);
  }

  private logError(e: ModelErrorInfo): void {
    if (e.kind === 'cancelled') this.deps.log.trace('request cancelled');
    else this.deps.log.warn(`completion request failed: ${e.kind}: ${e.message}`);
  }
}
