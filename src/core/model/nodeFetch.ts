/**
 * A `fetch` for the `openai` package over node:http / node:https with a keep-alive agent, instead
 * of Node's built-in fetch (undici). Measured per completion request against the test server in
 * another process (docs/benchmarks.md, "Client overhead: HTTP"): the built-in fetch's request and
 * response machinery cost several ms of CPU per request on this 2-core machine, node:http about a
 * third of that. The `openai` package still builds the request, parses the SSE stream, maps
 * errors and handles the deadline and cancellation; only the transport changes.
 *
 * Bodies: strings and byte arrays (what the completion, chat, models and /infill calls send).
 * Anything else (multipart uploads, streams) goes to the built-in fetch.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';

export type FetchLike = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface NodeFetch extends FetchLike {
  /** Closes idle keep-alive connections. */
  destroy(): void;
}

/** A fetch with its own keep-alive agents (one per client: its connections are reused). */
export function createNodeFetch(): NodeFetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 8 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 8 }),
  };
  const f = ((input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;
    if (typeof input !== 'string' && !(input instanceof URL)) return fetch(input, init);
    const url = typeof input === 'string' ? new URL(input) : input;
    if (!simpleBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const payload = body === undefined || body === null ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body as ArrayBuffer);
      if (payload) headers['content-length'] = String(payload.length);
      const mod = url.protocol === 'https:' ? https : http;
      let settled = false;
      const req = mod.request(
        url,
        { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] },
        (res) => {
          settled = true;
          const status = res.statusCode ?? 0;
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) for (const x of v) out.append(k, x);
            else if (v !== undefined) out.set(k, v);
          }
          const nullBody = status === 204 || status === 205 || status === 304 || init.method === 'HEAD';
          if (nullBody) res.resume();
          // A Response's status must be 200-599 (and 101, 103); anything else is a broken answer.
          const safeStatus = status >= 200 && status <= 599 ? status : 502;
          resolve(new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: safeStatus, statusText: res.statusMessage ?? '', headers: out }));
        },
      );
      const onAbort = () => req.destroy(abortError(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e) => {
        if (settled) return;
        settled = true;
        if (signal?.aborted) return reject(abortError(signal));
        // As the built-in fetch: a TypeError whose cause is the socket error (ECONNREFUSED, …).
        reject(Object.assign(new TypeError('fetch failed'), { cause: e }));
      });
      req.end(payload);
    });
  }) as NodeFetch;
  f.destroy = () => {
    agents['http:'].destroy();
    agents['https:'].destroy();
  };
  return f;
}

function abortError(signal: AbortSignal): Error {
  const e = new Error(typeof signal.reason === 'string' ? signal.reason : 'This operation was aborted');
  e.name = 'AbortError';
  return e;
}
