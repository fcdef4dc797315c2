/**
 * The model stage's HTTP side: one OpenAI-compatible endpoint reached through the `openai`
 * package, streaming, with a hard deadline, cancellation and an early stop decided by the caller.
 * Also llama.cpp server's native `POST /infill` (apiStyle `llamacpp-infill`), through the same
 * package's low-level request method. Errors come back as values (ModelErrorInfo), never as
 * exceptions.
 */
import OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type { BuiltPrompt, Candidate, ModelErrorInfo } from '../types';
import { normalizeBaseUrl, type ResolvedApi } from '../config';
import { infillBody } from '../context/templates';

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
  api: ResolvedApi;
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
}

export type GenerateResult =
  | { ok: true; candidates: Candidate[]; ms: number; firstTokenMs?: number }
  | { ok: false; error: ModelErrorInfo; ms: number; partial?: string };

/** One object of llama.cpp's /infill answer (the whole answer, or one SSE event of a stream). */
interface InfillChunk {
  content?: unknown;
  stop?: unknown;
  /** Newer servers: 'eos' | 'word' | 'limit' | 'none'. */
  stop_type?: unknown;
  /** Older servers. */
  stopped_limit?: unknown;
}

export class ModelClient {
  private readonly client: OpenAI;
  private readonly headers: Record<string, string> | undefined;
  readonly baseURL: string;
  /**
   * What detectInfill() found: true when the endpoint is a llama.cpp server whose model fills in
   * the middle; undefined until it has run (and after a probe that got no answer). resolveApi reads it.
   */
  infill: boolean | undefined;

  constructor(opts: ModelClientOptions) {
    this.baseURL = normalizeBaseUrl(opts.endpoint);
    this.headers = opts.shareWith ? opts.headers : undefined;
    this.client = opts.shareWith?.client ?? new OpenAI({
      baseURL: this.baseURL,
      // Local servers need no key; the package insists on a string.
      apiKey: opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : 'no-key',
      maxRetries: 0,
      timeout: 60_000,
      defaultHeaders: opts.headers,
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

  /** The server's root: llama.cpp's native routes (/infill, /props) are not under /v1. */
  get serverRoot(): string {
    return this.baseURL.replace(/\/v1$/, '');
  }

  /**
   * Whether /infill is safe to use on this endpoint: GET /props answers with llama.cpp's
   * `default_generation_settings` (other servers: 404), and a `n_predict: 0` /infill is accepted
   * (llama.cpp answers 501 for a model without FIM tokens). Sets `infill`; never throws. An
   * unreachable endpoint leaves `infill` undefined, so a later probe can decide.
   */
  async detectInfill(model: string, timeoutMs = 2000, signal?: AbortSignal): Promise<boolean> {
    const { controller, cleanup } = deadlineController(timeoutMs, signal);
    const reqOpts = { signal: controller.signal, timeout: timeoutMs, maxRetries: 0, headers: this.headers };
    try {
      const props = await this.client.get<unknown>(`${this.serverRoot}/props`, reqOpts);
      if (!props || typeof props !== 'object' || !('default_generation_settings' in props)) return (this.infill = false);
      const body = { ...infillBody({ prefix: '', suffixText: '', snippets: [] }, { nPredict: 0, cachePrompt: false }), model, stream: false };
      await this.client.post<unknown>(`${this.serverRoot}/infill`, { body, ...reqOpts });
      return (this.infill = true);
    } catch (e) {
      const err = toModelError(e, controller.signal, 0, timeoutMs, signal);
      // A definite "no" (404 from a non-llama.cpp server, 501 for a model without FIM tokens, a
      // non-JSON answer) is remembered; a failure to get any answer is not.
      if (err.kind === 'http' || err.kind === 'bad-response') this.infill = false;
      return false;
    } finally {
      cleanup();
    }
  }

  async generate(prompt: BuiltPrompt, opts: GenerateOptions): Promise<GenerateResult> {
    const started = Date.now();
    const { controller, cleanup } = deadlineController(opts.timeoutMs, opts.signal);
    let partial = '';
    let firstTokenMs: number | undefined;
    const stream = opts.stream !== false;
    // /infill has no `n`: one candidate.
    const n = opts.api === 'llamacpp-infill' ? 1 : Math.max(1, opts.n ?? 1);
    try {
      const reqOpts = { signal: controller.signal, timeout: opts.timeoutMs, maxRetries: 0, headers: this.headers };
      const common = {
        model: opts.model,
        max_tokens: opts.maxTokens,
        temperature: opts.temperature ?? 0.1,
        stop: prompt.stop.slice(0, 4).length > 0 ? prompt.stop.slice(0, 4) : undefined,
        n: n > 1 ? n : undefined,
        ...(opts.extraBody ?? {}),
      };
      // Servers differ in how many stop words they accept (OpenAI: 4); the rest are applied here.
      const texts: string[] = Array.from({ length: n }, () => '');
      const finish: Candidate['finishReason'][] = Array.from({ length: n }, () => 'unknown');
      let stopped = false;
      // One streamed chunk's choices (completions or chat deltas) appended to their candidates.
      const addChoices = <C extends { index?: number; finish_reason?: string | null }>(choices: C[] | undefined, piece: (c: C) => string | null | undefined) => {
        for (const choice of choices ?? []) {
          const i = choice.index ?? 0;
          if (i >= n) continue;
          texts[i] += piece(choice) ?? '';
          if (choice.finish_reason) finish[i] = mapFinish(choice.finish_reason);
        }
      };
      // Reads a stream until it ends, the caller has decided (early stop: the stream is closed), or
      // `isLast` says the chunk was the final one.
      const read = async <T>(s: Stream<T>, take: (chunk: T) => void, isLast?: (chunk: T) => boolean) => {
        for await (const chunk of s) {
          take(chunk);
          firstTokenMs ??= Date.now() - started;
          partial = texts[0];
          opts.onPartial?.(texts[0]);
          if (opts.shouldStop?.(applyStops(texts[0], prompt.stop))) {
            stopped = true;
            s.controller.abort();
            return;
          }
          if (isLast?.(chunk)) return;
          if (opts.yieldNow?.()) await new Promise<void>((r) => setImmediate(r));
        }
      };
      if (opts.api === 'chat') {
        const messages = prompt.messages ?? [{ role: 'user' as const, content: prompt.prompt }];
        if (stream) {
          const s = await this.client.chat.completions.create({ ...common, messages, stream: true }, reqOpts);
          await read(s, (chunk) => addChoices(chunk.choices, (c) => c.delta?.content));
        } else {
          const r = await this.client.chat.completions.create({ ...common, messages, stream: false }, reqOpts);
          for (const choice of r.choices ?? []) {
            const i = choice.index ?? 0;
            if (i < n) {
              texts[i] = choice.message?.content ?? '';
              finish[i] = mapFinish(choice.finish_reason);
            }
          }
        }
      } else if (opts.api === 'llamacpp-infill') {
        // The openai package has no /infill resource, but its low-level post() takes an absolute
        // URL and gives this request the same deadline and abort handling, the same error classes
        // (status, Retry-After, connection errors: toModelError) and the same SSE parser as the
        // other styles, so it is used rather than a second HTTP path built on fetch.
        const body = {
          ...infillBody(prompt, { cachePrompt: true, nPredict: opts.maxTokens }),
          model: opts.model,
          temperature: common.temperature,
          // llama.cpp takes any number of stop words.
          stop: prompt.stop.length > 0 ? prompt.stop : undefined,
          ...(opts.extraBody ?? {}),
          stream,
        };
        const url = `${this.serverRoot}/infill`;
        if (stream) {
          const s = await this.client.post<Stream<InfillChunk>>(url, { body, stream: true, ...reqOpts });
          await read(
            s,
            (chunk) => {
              if (typeof chunk.content === 'string') texts[0] += chunk.content;
              if (chunk.stop === true) finish[0] = infillFinish(chunk);
            },
            // llama.cpp sends no [DONE]: the stop object is the end.
            (chunk) => chunk.stop === true,
          );
        } else {
          const r = await this.client.post<InfillChunk>(url, { body, ...reqOpts });
          if (!r || typeof r !== 'object' || typeof r.content !== 'string') throw new Error('no `content` in the /infill answer');
          texts[0] = r.content;
          finish[0] = infillFinish(r);
        }
      } else {
        const body = { ...common, prompt: prompt.prompt, suffix: prompt.suffix };
        if (stream) {
          const s = await this.client.completions.create({ ...body, stream: true }, reqOpts);
          await read(s, (chunk) => addChoices(chunk.choices, (c) => c.text));
        } else {
          const r = await this.client.completions.create({ ...body, stream: false }, reqOpts);
          for (const choice of r.choices ?? []) {
            const i = choice.index ?? 0;
            if (i < n) {
              texts[i] = choice.text ?? '';
              finish[i] = mapFinish(choice.finish_reason);
            }
          }
        }
      }
      // A stream that ends with neither a finish reason nor our early stop was cut: nothing in it is decided.
      if (stream && !stopped && finish[0] === 'unknown') {
        const ms = Date.now() - started;
        // Aborted (cancel or deadline) streams may end quietly rather than throw.
        const error: ModelErrorInfo = controller.signal.aborted
          ? toModelError(new Error('aborted'), controller.signal, ms, opts.timeoutMs, opts.signal)
          : { kind: 'bad-response', message: 'the answer stream ended before it was complete' };
        return { ok: false, error, ms, partial };
      }
      const candidates = texts.map((t, i) => ({
        text: applyStops(t, prompt.stop),
        finishReason: stopped && i === 0 ? ('early-stop' as const) : finish[i],
      }));
      return { ok: true, candidates, ms: Date.now() - started, firstTokenMs };
    } catch (e) {
      const error = toModelError(e, controller.signal, Date.now() - started, opts.timeoutMs, opts.signal);
      // The server behind the endpoint no longer offers /infill (swapped for another, or a model
      // without FIM tokens loaded): apiStyle auto goes back to /v1/completions from the next request.
      if (opts.api === 'llamacpp-infill' && error.kind === 'http' && (error.status === 404 || error.status === 501)) this.infill = false;
      return { ok: false, error, ms: Date.now() - started, partial };
    } finally {
      cleanup();
    }
  }
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

function infillFinish(c: InfillChunk): Candidate['finishReason'] {
  if (c.stop !== true) return 'unknown';
  return c.stop_type === 'limit' || c.stopped_limit === true ? 'length' : 'stop';
}

function mapFinish(r: string | null | undefined): Candidate['finishReason'] {
  if (r === 'stop') return 'stop';
  if (r === 'length') return 'length';
  return 'unknown';
}

const DEADLINE = 'deadline';

/** An AbortController that fires at the deadline or when the caller's signal aborts. */
function deadlineController(timeoutMs: number, outer?: AbortSignal): { controller: AbortController; cleanup: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(DEADLINE), timeoutMs);
  const onAbort = () => controller.abort(outer?.reason ?? 'cancelled');
  if (outer) {
    if (outer.aborted) onAbort();
    else outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    controller,
    cleanup: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Maps anything the openai package throws to a ModelErrorInfo with a message a person can act on. */
export function toModelError(e: unknown, signal: AbortSignal, elapsedMs: number, timeoutMs: number, outer?: AbortSignal): ModelErrorInfo {
  if (outer?.aborted) return { kind: 'cancelled', message: 'cancelled' };
  if (signal.aborted && signal.reason === DEADLINE) {
    return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  }
  if (e instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  }
  if (e instanceof OpenAI.APIUserAbortError) {
    return signal.reason === DEADLINE
      ? { kind: 'timeout', message: `no answer within ${timeoutMs} ms` }
      : { kind: 'cancelled', message: 'cancelled' };
  }
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = describeCause(e);
    return { kind: 'unreachable', message: `cannot connect to the endpoint${cause ? ` (${cause})` : ''}` };
  }
  if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
    const status = e.status;
    const detail = firstLine(e.message);
    if (status === 429) {
      const retryMs = parseRetryAfter(e.headers);
      return {
        kind: 'rate-limited',
        status,
        message: `rate limited by the endpoint (HTTP 429)${retryMs !== undefined ? `; retry after ${Math.ceil(retryMs / 1000)} s` : ''}`,
        retryAt: retryMs !== undefined ? Date.now() + retryMs : undefined,
      };
    }
    if (status === 401 || status === 403) {
      return { kind: 'auth', status, message: `the endpoint refused the API key (HTTP ${status})` };
    }
    if (status === 404) {
      return { kind: 'http', status, message: `HTTP 404 from the endpoint: check the base URL and model name (${detail})` };
    }
    return { kind: 'http', status, message: `HTTP ${status} from the endpoint: ${detail}` };
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (elapsedMs >= timeoutMs) return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  return { kind: 'bad-response', message: `unexpected answer from the endpoint: ${firstLine(msg)}` };
}

function describeCause(e: Error): string {
  let c: unknown = (e as { cause?: unknown }).cause;
  for (let depth = 0; c && depth < 4; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    c = (c as { cause?: unknown }).cause;
  }
  return '';
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Retry-After in ms: seconds or an HTTP date; also the non-standard retry-after-ms. */
export function parseRetryAfter(headers: unknown): number | undefined {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  };
  const ms = get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = get('retry-after');
  if (!ra) return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}
