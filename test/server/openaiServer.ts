/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI API (/v1/models, /v1/completions,
 * /v1/chat/completions, with and without SSE streaming), scriptable per test, with fault modes:
 * delay, hang, HTTP 500, 429 with Retry-After, malformed JSON, a stream cut mid-way, and
 * connection refused (down()/up()). Used by unit, integration and e2e tests and by the CLI's
 * benchmarks (src/bench/); the extension never loads it.
 *
 * With `llamacpp` set it also speaks llama.cpp server's native routes at the root: GET /props
 * (what identifies a llama.cpp server) and POST /infill (`input_prefix`/`input_suffix`/
 * `input_extra`, answers `{content, stop, stop_type}`, streamed as SSE without `[DONE]`), with the
 * same replies and fault modes; `llamacpp.fim: false` answers /infill with llama.cpp's HTTP 501
 * for a model without FIM tokens. Without it both routes are 404, as on any other server.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'rateLimit'; retryAfterSeconds: number }
  | { kind: 'malformed' }
  | { kind: 'cutStream'; afterChunks: number };

export interface Reply {
  /** The completion text; several strings give several choices (n). */
  text: string | string[];
  /** Wait before the first byte, ms. */
  delayMs?: number;
  /** Characters per SSE chunk (streaming). */
  chunkChars?: number;
  /** Wait between SSE chunks, ms. */
  chunkDelayMs?: number;
  fault?: Fault;
  finishReason?: 'stop' | 'length';
  /** Streaming: once this many characters are written, wait for `until` before writing more. */
  hold?: { afterChars: number; until: Promise<unknown> };
}

export interface RecordedRequest {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The prompt text (completions) or the last user message (chat). */
  prompt: string;
  stream: boolean;
  receivedAt: number;
  /** performance.now() when the body was read, when the first byte and the last byte were written (benchmarks). */
  receivedAtPerf: number;
  firstByteAtPerf?: number;
  lastByteAtPerf?: number;
  /** Streamed answers: when each chunk of the first candidate's text was written (performance.now()) and the characters written by then. */
  textWrites?: { atPerf: number; chars: number }[];
  /** Set when the client closed the connection before the response ended. */
  aborted: boolean;
  finished: boolean;
}

export type Responder = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface ServerOptions {
  port?: number;
  models?: string[];
  /** Default reply when no one-shot reply is queued. */
  responder?: Responder;
  /** Also answer llama.cpp's /props and /infill (fim: whether the model can fill in the middle; default true). */
  llamacpp?: boolean | { fim?: boolean };
}

export class TestOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  models: string[];
  /** llama.cpp routes (/props, /infill) on or off; settable between tests. */
  llamacpp: { fim: boolean } | undefined;
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private queue: Reply[] = [];
  private responder: Responder;
  private persistentFault: Fault | undefined;
  private _port = 0;

  private constructor(opts: ServerOptions) {
    this.models = opts.models ?? ['test-model'];
    this.responder = opts.responder ?? (() => ({ text: '' }));
    this._port = opts.port ?? 0;
    this.llamacpp = opts.llamacpp ? { fim: typeof opts.llamacpp === 'object' ? opts.llamacpp.fim !== false : true } : undefined;
  }

  static async start(opts: ServerOptions = {}): Promise<TestOpenAIServer> {
    const s = new TestOpenAIServer(opts);
    await s.up();
    return s;
  }

  get port(): number {
    return this._port;
  }

  /** Base URL as users configure it: http://127.0.0.1:PORT/v1 */
  get url(): string {
    return `http://127.0.0.1:${this._port}/v1`;
  }

  /** Every request gets this reply (or what the function returns) unless one is queued. */
  respond(r: Reply | Responder): void {
    this.responder = typeof r === 'function' ? r : () => r;
  }

  /** The next request gets this reply (FIFO), then the default again. */
  enqueue(...replies: Reply[]): void {
    this.queue.push(...replies);
  }

  /** Every request fails this way until cleared with undefined. */
  fault(f: Fault | undefined): void {
    this.persistentFault = f;
  }

  /** Requests to the generation endpoints only. */
  get completionRequests(): RecordedRequest[] {
    return this.requests.filter((r) => isGeneration(r) && !isWarmup(r));
  }

  /** Prompt-cache warm-up requests (llama.cpp `n_predict: 0`): they generate nothing. */
  get warmupRequests(): RecordedRequest[] {
    return this.requests.filter((r) => isGeneration(r) && isWarmup(r));
  }

  /** Requests still open (neither finished nor aborted). */
  get inFlight(): number {
    return this.requests.filter((r) => !r.finished && !r.aborted).length;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.persistentFault = undefined;
  }

  /** Starts listening (again, on the same port after down()). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, '127.0.0.1', () => resolve());
    });
    this._port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection: clients now get "connection refused". */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await this.down();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'invalid JSON body', type: 'invalid_request_error' } }));
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const messages = Array.isArray(body.messages) ? (body.messages as { role: string; content: string }[]) : [];
    const rec: RecordedRequest = {
      path,
      method: req.method ?? 'GET',
      headers: req.headers,
      body,
      prompt:
        path === '/infill' && typeof body.input_prefix === 'string'
          ? body.input_prefix
          : typeof body.prompt === 'string'
            ? body.prompt
            : (messages.filter((m) => m.role === 'user').pop()?.content ?? ''),
      stream: body.stream === true,
      receivedAt: Date.now(),
      receivedAtPerf: performance.now(),
      aborted: false,
      finished: false,
    };
    this.requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    res.on('finish', () => {
      rec.finished = true;
      rec.lastByteAtPerf = performance.now();
      rec.firstByteAtPerf ??= rec.lastByteAtPerf;
    });
    const write = res.write.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      const t = performance.now();
      rec.firstByteAtPerf ??= t;
      rec.lastByteAtPerf = t;
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;

    if (req.method === 'GET' && path === '/v1/models') {
      const f = this.persistentFault;
      if (f && (f.kind === 'status' || f.kind === 'rateLimit' || f.kind === 'hang')) return this.fail(res, f);
      return json(res, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) });
    }
    const llamacpp = this.llamacpp;
    if (llamacpp && req.method === 'GET' && path === '/props') {
      const f = this.persistentFault;
      if (f && (f.kind === 'status' || f.kind === 'rateLimit' || f.kind === 'hang')) return this.fail(res, f);
      return json(res, 200, {
        default_generation_settings: { n_ctx: 4096, params: { n_predict: -1 } },
        total_slots: 1,
        model_path: `/models/${this.models[0] ?? 'test-model'}.gguf`,
        build_info: 'b0000-test',
      });
    }
    const isChat = path === '/v1/chat/completions';
    const isInfill = llamacpp !== undefined && path === '/infill';
    if (req.method !== 'POST' || (path !== '/v1/completions' && !isChat && !isInfill)) {
      return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
    }
    if (isInfill && !llamacpp.fim) {
      return json(res, 501, { error: { code: 501, message: 'Infill is not supported by this model: prefix token is missing. ', type: 'not_supported_error' } });
    }
    const reply = this.queue.shift() ?? (await this.responder(rec));
    const fault = this.persistentFault ?? reply.fault;
    if (reply.delayMs) await sleep(reply.delayMs);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (res.destroyed) return;
    if (fault && fault.kind !== 'delay' && fault.kind !== 'cutStream') return this.fail(res, fault);
    if (isInfill) return this.infill(res, rec, reply, fault);

    const texts = Array.isArray(reply.text) ? reply.text : [reply.text];
    const model = typeof body.model === 'string' ? body.model : 'test-model';
    const finish = reply.finishReason ?? 'stop';
    const id = `cmpl-${this.requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    if (!rec.stream) {
      return json(res, 200, {
        id,
        object: isChat ? 'chat.completion' : 'text_completion',
        created,
        model,
        choices: texts.map((t, index) =>
          isChat ? { index, message: { role: 'assistant', content: t }, finish_reason: finish } : { index, text: t, logprobs: null, finish_reason: finish },
        ),
        usage: { prompt_tokens: Math.ceil(rec.prompt.length / 4), completion_tokens: Math.ceil(texts[0].length / 4), total_tokens: 0 },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const size = Math.max(1, reply.chunkChars ?? 4);
    let sent = 0;
    let held = false;
    for (let index = 0; index < texts.length; index++) {
      const t = texts[index];
      for (let i = 0; i < t.length || i === 0; i += size) {
        if (res.destroyed) return;
        if (fault?.kind === 'cutStream' && sent >= fault.afterChunks) {
          res.socket?.destroy();
          return;
        }
        const piece = t.slice(i, i + size);
        const choice = isChat ? { index, delta: { content: piece }, finish_reason: null } : { index, text: piece, logprobs: null, finish_reason: null };
        res.write(`data: ${JSON.stringify({ id, object: isChat ? 'chat.completion.chunk' : 'text_completion', created, model, choices: [choice] })}\n\n`);
        if (index === 0) (rec.textWrites ??= []).push({ atPerf: performance.now(), chars: i + piece.length });
        sent++;
        // Node's http corks a response's socket on write until the next tick: without a turn of the
        // event loop here the first token would leave only with the whole answer, after the server
        // has formatted every chunk (a real server sends its first token when it has it).
        if (sent === 1) await flushed();
        if (reply.hold && !held && i + piece.length >= reply.hold.afterChars) {
          held = true;
          await reply.hold.until;
        }
        if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
        if (t.length === 0) break;
      }
      const last = isChat ? { index, delta: {}, finish_reason: finish } : { index, text: '', logprobs: null, finish_reason: finish };
      if (!res.destroyed) res.write(`data: ${JSON.stringify({ id, object: isChat ? 'chat.completion.chunk' : 'text_completion', created, model, choices: [last] })}\n\n`);
    }
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  }

  /** llama.cpp /infill: one candidate, `{content, stop}` objects, no `[DONE]` at the end of a stream. */
  private async infill(res: http.ServerResponse, rec: RecordedRequest, reply: Reply, fault: Fault | undefined): Promise<void> {
    const text = Array.isArray(reply.text) ? (reply.text[0] ?? '') : reply.text;
    const nPredict = typeof rec.body.n_predict === 'number' ? rec.body.n_predict : -1;
    // n_predict 0 (a warm-up) evaluates the prompt and generates nothing.
    const t = nPredict === 0 ? '' : text;
    const stopType = nPredict === 0 || reply.finishReason === 'length' ? 'limit' : 'eos';
    const last = { content: '', stop: true, stop_type: stopType, stopped_eos: stopType === 'eos', stopped_limit: stopType === 'limit', tokens_predicted: Math.ceil(t.length / 4) };
    if (!rec.stream) return json(res, 200, { ...last, content: t });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const size = Math.max(1, reply.chunkChars ?? 4);
    let sent = 0;
    for (let i = 0; i < t.length; i += size) {
      if (res.destroyed) return;
      if (fault?.kind === 'cutStream' && sent >= fault.afterChunks) {
        res.socket?.destroy();
        return;
      }
      res.write(`data: ${JSON.stringify({ content: t.slice(i, i + size), stop: false, index: 0 })}\n\n`);
      sent++;
      if (sent === 1) await flushed();
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    if (fault?.kind === 'cutStream' && sent >= fault.afterChunks) {
      res.socket?.destroy();
      return;
    }
    if (!res.destroyed) res.end(`data: ${JSON.stringify(last)}\n\n`);
  }

  private fail(res: http.ServerResponse, f: Fault): void {
    switch (f.kind) {
      case 'hang':
        return; // never answers; the client must give up on its own
      case 'status':
        return json(res, f.status, f.body !== undefined ? f.body : { error: { message: `scripted HTTP ${f.status}`, type: 'server_error' } });
      case 'rateLimit':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(f.retryAfterSeconds) });
        res.end(JSON.stringify({ error: { message: 'rate limited', type: 'rate_limit_error' } }));
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "x", "choices": [ {"text": "oops"');
        return;
      default:
        return json(res, 500, { error: { message: 'unknown fault' } });
    }
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isGeneration(r: RecordedRequest): boolean {
  return r.path.endsWith('/completions') || r.path === '/infill';
}

function isWarmup(r: RecordedRequest): boolean {
  return r.body.n_predict === 0;
}

/** One turn of the event loop: what was written is on the wire (http uncorks on the next tick). */
const flushed = () => new Promise<void>((resolve) => setImmediate(resolve));
