/**
 * What every transport shares: one call's request (the prompt, the route, the deadline's signal)
 * and the collector its answer streams into. A transport sends one request its way and feeds the
 * collector; deadline, abort, early stop and errors-as-values are handled around it (client.ts).
 */
import type OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type { BuiltPrompt, Candidate } from '../../types';
import type { Route } from '../route';

export interface CallOptions {
  model: string;
  maxTokens: number;
  temperature: number;
  n: number;
  stream: boolean;
  /** Extra body fields (warm-ups: llama.cpp `n_predict: 0`). */
  extraBody?: Record<string, unknown>;
}

export interface Call {
  http: OpenAI;
  /** Base URL as configured (…/v1) and the server root (native routes). */
  baseURL: string;
  root: string;
  prompt: BuiltPrompt;
  route: Route;
  /** Stop words to send (capped where the server limits them; all are applied here anyway). */
  stop: string[] | undefined;
  opts: CallOptions;
  /** Per-request options for the `openai` package: signal, timeout, no retries, headers. */
  reqOpts: { signal: AbortSignal; timeout: number; maxRetries: number; headers?: Record<string, string> };
  out: Collector;
}

export type Transport = (call: Call) => Promise<void>;

/**
 * The candidates' text as it arrives, and whether the caller stopped the stream early. `read`
 * drives a stream: after each piece it reports progress and asks the caller whether to stop.
 */
export class Collector {
  readonly texts: string[];
  readonly finish: Candidate['finishReason'][];
  stopped = false;
  firstTokenAt: number | undefined;

  constructor(
    readonly n: number,
    private readonly hooks: {
      /** Called after each piece; true closes the stream (early stop). */
      progress: () => boolean;
      /** True makes the reader let queued work run before reading on. */
      yieldNow?: () => boolean;
    },
  ) {
    this.texts = Array.from({ length: n }, () => '');
    this.finish = Array.from({ length: n }, () => 'unknown');
  }

  add(index: number, piece: string | null | undefined, finish?: string | null): void {
    if (index >= this.n) return;
    this.texts[index] += piece ?? '';
    if (finish) this.finish[index] = mapFinish(finish);
  }

  /** Reads an SSE stream of the `openai` package until it ends, the caller stops it, or `isLast`. */
  async read<T>(s: Stream<T>, take: (chunk: T) => void, isLast?: (chunk: T) => boolean): Promise<void> {
    for await (const chunk of s) {
      take(chunk);
      if (this.afterPiece()) {
        s.controller.abort();
        return;
      }
      if (isLast?.(chunk)) return;
      if (this.hooks.yieldNow?.()) await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Reads a newline-delimited JSON body (Ollama) the same way; `take` returns true on the last object. */
  async readLines(body: ReadableStream<Uint8Array>, take: (obj: unknown) => boolean): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const last = take(JSON.parse(line));
          if (this.afterPiece()) return;
          if (last) return;
          if (this.hooks.yieldNow?.()) await new Promise<void>((r) => setImmediate(r));
        }
      }
      if (buf.trim()) take(JSON.parse(buf));
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }

  /** True when the caller decided to stop (the stream is then closed by the reader). */
  private afterPiece(): boolean {
    this.firstTokenAt ??= Date.now();
    if (this.hooks.progress()) {
      this.stopped = true;
      return true;
    }
    return false;
  }
}

export function mapFinish(r: string | null | undefined): Candidate['finishReason'] {
  if (r === 'stop' || r === 'eos' || r === 'word') return 'stop';
  if (r === 'length' || r === 'limit') return 'length';
  return 'unknown';
}
