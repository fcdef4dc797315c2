/**
 * Shared HTTP plumbing for the emulators: a real node:http server on 127.0.0.1 (random port),
 * request recording, JSON / SSE / NDJSON replies, and the handle every start…Emulator returns.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Generated } from './model';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  readonly body: unknown;
  readonly rawBody: string;
}

/** One prompt the model read as corrupted (a sentinel twice or out of order). */
export interface CorruptedPrompt {
  readonly path: string;
  readonly reason: string;
  readonly prompt: string;
}

/** What every emulator returns. */
export interface EmulatorHandle {
  /** The base URL as users configure it (e.g. http://127.0.0.1:PORT/v1, or the server root for Ollama). */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** How many prompts the model read as corrupted so far. */
  readonly corrupted: number;
  readonly corruptedPrompts: readonly CorruptedPrompt[];
  /** Every prompt the model saw, in order (final text after templating). */
  readonly prompts: readonly string[];
  stop(): Promise<void>;
}

/** Mutable per-server record the routes write into. */
export class EmulatorState {
  readonly requests: RecordedRequest[] = [];
  readonly corruptedPrompts: CorruptedPrompt[] = [];
  readonly prompts: string[] = [];

  /** Remembers what the model saw and counts a corrupted reading. */
  noteRun(path: string, prompt: string, g: Generated): void {
    this.prompts.push(prompt);
    if (g.corrupted !== undefined) this.corruptedPrompts.push({ path, reason: g.corrupted, prompt });
  }
}

export interface Incoming {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly rawBody: string;
  /** True when the raw body was non-empty but not valid JSON. */
  readonly badJson: boolean;
}

/** Response helpers bound to one request. */
export class Reply {
  private ended = false;
  constructor(private readonly res: http.ServerResponse) {}

  get done(): boolean {
    return this.ended;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (this.ended) return;
    this.ended = true;
    this.res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    this.res.end(JSON.stringify(body));
  }

  text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
    if (this.ended) return;
    this.ended = true;
    this.res.writeHead(status, { 'Content-Type': contentType });
    this.res.end(body);
  }

  /** Server-sent events: each payload as `data: <json>\n\n`, then the optional terminator line. */
  sse(payloads: readonly unknown[], done?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    for (const p of payloads) this.res.write(`data: ${JSON.stringify(p)}\n\n`);
    if (done !== undefined) this.res.write(done);
    this.res.end();
  }

  /** Newline-delimited JSON (Ollama's native streaming). */
  ndjson(lines: readonly unknown[]): void {
    if (this.ended) return;
    this.ended = true;
    this.res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const l of lines) this.res.write(`${JSON.stringify(l)}\n`);
    this.res.end();
  }
}

export type Handler = (req: Incoming, reply: Reply) => void | Promise<void>;

/** Starts `handler` on 127.0.0.1 at a random port, recording every request into `state`. */
export async function startHttp(state: EmulatorState, handler: Handler, urlSuffix: string): Promise<EmulatorHandle> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      let badJson = false;
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody) as unknown;
        } catch {
          badJson = true;
        }
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers, body, rawBody });
      const reply = new Reply(res);
      const incoming: Incoming = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody, badJson };
      Promise.resolve(handler(incoming, reply)).catch((e: unknown) => {
        reply.json(500, { error: String(e instanceof Error ? e.message : e) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${urlSuffix}`,
    port,
    requests: state.requests,
    get corrupted() {
      return state.corruptedPrompts.length;
    },
    corruptedPrompts: state.corruptedPrompts,
    prompts: state.prompts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a field of a JSON object body without trusting its type. */
export function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** OpenAI-style `stop`: a string or a list of strings (non-strings dropped). */
export function stopList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The bearer token of a request, if any. */
export function bearer(req: Incoming): string | undefined {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice('Bearer '.length).trim() : undefined;
}

/** A short random id like the servers' own (cmpl-…, chatcmpl-…). */
export function randomId(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 14)}`;
}
