/**
 * The engine's OpenAI-compatible HTTP API, on 127.0.0.1 only, every request with
 * `Authorization: Bearer <token>` (401 otherwise, compared in constant time):
 *   GET  /health               {"status":"ok", model, …}
 *   GET  /v1/models            the one model, owned_by "intent-complete" (what the pipeline's probe knows this engine by),
 *                              with its context size and whether it has FIM tokens and a chat template
 *   POST /v1/completions       prompt, suffix (FIM models), max_tokens, temperature, top_p, stop, seed, stream (SSE)
 *   POST /v1/chat/completions  messages, rendered by the model's chat template (400, code `no_chat_template`, when it has none)
 *   GET  /intent/stats         every request's figures, and how many are being answered (benchmarks)
 * The document a request is of (its KV sequence) is the body's `intent_document`, else the
 * `x-intent-document` header, else the body's `user`; none: one shared sequence. Each answer's
 * `usage` carries the OpenAI counts and `intent` the engine's figures (tokens evaluated, times).
 * Closing the request stops its generation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENGINE_DOCUMENT_HEADER, ENGINE_OWNER } from '../core/model/documentId';
import type { CompletionInput, Engine, RequestFigures } from './engine';

export const DOCUMENT_HEADER = ENGINE_DOCUMENT_HEADER;
export const LOOPBACK = '127.0.0.1';
/** Request bodies larger than this are refused (a prompt is a few hundred KB at most). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_TOKENS = 128;

export interface EngineServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A fresh random bearer token. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of the presented Authorization header with the expected token. */
export function authorized(header: string | undefined, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const m = /^Bearer (.+)$/.exec(header ?? '');
  return timingSafeEqual(digest(m ? m[1] : ''), digest(token)) && m !== null;
}

export async function startServer(engine: Engine, token: string, port = 0): Promise<EngineServer> {
  const server = http.createServer((req, res) => {
    void handle(engine, token, req, res).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: e instanceof Error ? e.message : String(e), type: 'server_error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${actual}/v1`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(engine: Engine, token: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (!authorized(req.headers.authorization, token)) {
    return sendJson(res, 401, { error: { message: 'missing or wrong bearer token', type: 'authentication_error' } });
  }
  const url = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
  if (req.method === 'GET' && url === '/health') return sendJson(res, 200, { status: 'ok', model: engine.info.id });
  if (req.method === 'GET' && url === '/v1/models') return sendJson(res, 200, modelList(engine));
  if (req.method === 'GET' && url === '/intent/stats') return sendJson(res, 200, { info: engine.info, active: engine.active, requests: engine.records });
  if (req.method === 'POST' && (url === '/v1/completions' || url === '/v1/chat/completions')) {
    const body = await readJson(req);
    if (!body.ok) return sendJson(res, body.status, { error: { message: body.message, type: 'invalid_request_error' } });
    return generate(engine, url.endsWith('/chat/completions'), body.json, req, res);
  }
  return sendJson(res, 404, { error: { message: `no route ${req.method} ${url}`, type: 'not_found' } });
}

function modelList(engine: Engine) {
  const i = engine.info;
  return {
    object: 'list',
    data: [
      {
        id: i.id,
        object: 'model',
        created: 0,
        owned_by: ENGINE_OWNER,
        meta: { context_size: i.contextSize, train_context_size: i.trainContextSize, fim: i.fim, chat: i.chat },
      },
    ],
  };
}

type Json = Record<string, unknown>;

/** The error code of a chat request to a model without a chat template. */
const NO_CHAT_TEMPLATE = 'no_chat_template';

async function generate(engine: Engine, chat: boolean, body: Json, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const input = await toInput(engine, chat, body, req);
  if (input === NO_CHAT_TEMPLATE) {
    // The route exists (not 404: that would read as a wrong base URL); this model cannot take it.
    const message = `the model ${engine.info.id} has no chat template, so it does not support chat: use a model that can chat, or /v1/completions`;
    return sendJson(res, 400, { error: { message, type: 'invalid_request_error', code: NO_CHAT_TEMPLATE } });
  }
  if (typeof input === 'string') return sendJson(res, 400, { error: { message: input, type: 'invalid_request_error' } });
  const abort = new AbortController();
  // The client closing the connection (or aborting the request) stops generation.
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const id = `cmpl-${randomBytes(9).toString('base64url')}`;
  const created = Math.floor(Date.now() / 1000);
  const model = engine.info.id;
  const choice = (text: string, finish: string | null) =>
    chat ? { index: 0, delta: text ? { content: text } : {}, finish_reason: finish } : { index: 0, text, logprobs: null, finish_reason: finish };
  const object = chat ? 'chat.completion.chunk' : 'text_completion';
  const stream = body.stream === true;
  if (stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
  }
  const event = (x: unknown) => res.write(`data: ${JSON.stringify(x)}\n\n`);
  const result = await engine.complete(
    input,
    (delta) => {
      if (stream && !res.destroyed) event({ id, object, created, model, choices: [choice(delta, null)] });
    },
    abort.signal,
  );
  if (res.destroyed) return;
  const f = result.figures;
  const finish = f.finishReason === 'aborted' ? 'stop' : f.finishReason;
  const usage = { prompt_tokens: f.promptTokens, completion_tokens: f.generatedTokens, total_tokens: f.promptTokens + f.generatedTokens };
  const intent = figuresView(f);
  if (stream) {
    event({ id, object, created, model, choices: [choice('', finish)], usage, intent });
    res.end('data: [DONE]\n\n');
    return;
  }
  const choices = chat
    ? [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: finish }]
    : [{ index: 0, text: result.text, logprobs: null, finish_reason: finish }];
  sendJson(res, 200, { id, object: chat ? 'chat.completion' : 'text_completion', created, model, choices, usage, intent });
}

/** The engine's figures of one request, as answers carry them. */
function figuresView(f: RequestFigures) {
  const ms = (x: number | undefined) => (x === undefined ? null : Math.round(x * 100) / 100);
  return {
    document: f.document,
    prompt_tokens: f.promptTokens,
    evaluated_tokens: f.evaluatedTokens,
    reused_tokens: f.reusedTokens,
    dropped_tokens: f.droppedTokens,
    promptEvalMs: ms(f.promptEvalMs),
    firstTokenMs: ms(f.firstTokenMs),
    generationMs: ms(f.generationMs),
  };
}

/** The request as the engine takes it, or what is wrong with it. */
async function toInput(engine: Engine, chat: boolean, b: Json, req: http.IncomingMessage): Promise<CompletionInput | string> {
  const header = req.headers[DOCUMENT_HEADER];
  const document = str(b.intent_document) ?? (Array.isArray(header) ? header[0] : header) ?? str(b.user);
  const maxTokens = num(b.max_tokens) ?? num(b.max_completion_tokens) ?? DEFAULT_MAX_TOKENS;
  const temperature = num(b.temperature) ?? 0;
  const stop = typeof b.stop === 'string' ? [b.stop] : Array.isArray(b.stop) ? b.stop.filter((s): s is string => typeof s === 'string' && s.length > 0) : [];
  const common = { document, maxTokens, temperature, topP: num(b.top_p), seed: num(b.seed) };
  if (chat) {
    if (!Array.isArray(b.messages)) return '`messages` must be an array';
    const messages = b.messages.flatMap((m) => {
      const o = m && typeof m === 'object' ? (m as Json) : undefined;
      return o && typeof o.role === 'string' && typeof o.content === 'string' ? [{ role: o.role, content: o.content }] : [];
    });
    const rendered = await engine.renderChat(messages);
    if (!rendered) return NO_CHAT_TEMPLATE;
    return { ...common, prompt: rendered.prompt, chat: true, stop: [...stop, ...rendered.stop] };
  }
  const prompt = Array.isArray(b.prompt) && typeof b.prompt[0] === 'string' ? (b.prompt[0] as string) : b.prompt;
  if (typeof prompt !== 'string') return '`prompt` must be a string';
  return { ...common, prompt, suffix: typeof b.suffix === 'string' ? b.suffix : undefined, stop };
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x.length > 0 ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

function readJson(req: http.IncomingMessage): Promise<{ ok: true; json: Json } | { ok: false; status: number; message: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve({ ok: false, status: 413, message: 'request body too large' });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => resolve({ ok: false, status: 400, message: 'request body could not be read' }));
    req.on('end', () => {
      try {
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (!json || typeof json !== 'object' || Array.isArray(json)) return resolve({ ok: false, status: 400, message: 'body must be a JSON object' });
        resolve({ ok: true, json: json as Json });
      } catch {
        resolve({ ok: false, status: 400, message: 'body is not JSON' });
      }
    });
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}
