/**
 * The HTTP edge every transport and the server probe share: deadlines and cancellation, the map
 * from what the `openai` package throws to errors a person can act on (ModelErrorInfo), and a
 * fetch that gives every server's error body the one shape the package reads its message from.
 */
import OpenAI from 'openai';
import type { ModelErrorInfo } from '../types';

const DEADLINE = 'deadline';

/** A deadline timer that fires more than this late was held up: the event loop was busy (ms). */
const LATE_TIMER_MS = 20;
/** How long, at most, an answer that may be waiting unread gets once such a hold-up ends (ms). */
const HELD_UP_GRACE_MS = 250;

/**
 * An AbortController that fires at the deadline or when the caller's signal aborts. The deadline
 * bounds the wait for the server, not our own work: when its timer fires late because the event
 * loop was busy (the filter analysing a huge file, a starved machine), an answer may already sit
 * unread in the socket, so it gets a short grace to be read before the request is given up.
 */
export function deadlineController(timeoutMs: number, outer?: AbortSignal): { controller: AbortController; cleanup: () => void } {
  const controller = new AbortController();
  const armedAt = performance.now();
  let extended = false;
  const fire = () => {
    const late = performance.now() - armedAt - timeoutMs;
    if (!extended && late > LATE_TIMER_MS) {
      extended = true;
      timer = setTimeout(fire, Math.min(late, HELD_UP_GRACE_MS));
      return;
    }
    controller.abort(DEADLINE);
  };
  let timer = setTimeout(fire, timeoutMs);
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
    return signal.reason === DEADLINE ? { kind: 'timeout', message: `no answer within ${timeoutMs} ms` } : { kind: 'cancelled', message: 'cancelled' };
  }
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = describeCause(e);
    return { kind: 'unreachable', message: `cannot connect to the endpoint${cause ? ` (${cause})` : ''}` };
  }
  if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
    const status = e.status;
    const detail = firstLine(e.message).replace(/^\d{3}\s+/, '');
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
      return { kind: 'http', status, detail, message: `HTTP 404 from the endpoint: check the base URL and model name (${detail})` };
    }
    return { kind: 'http', status, detail, message: `HTTP ${status} from the endpoint: ${detail}` };
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

/**
 * Servers word their errors differently: vLLM `{"object":"error","message":…}` (older) or
 * `{"error":{"message":…}}`, Ollama `{"error":"…"}`, FastAPI validation `{"detail":[{"msg":…}]}`,
 * llama.cpp `{"error":{"code","message","type"}}`. The `openai` package reads the message only from
 * `error.message`, so an error body is rewritten to that shape (status and headers kept): the
 * person and the style fallback then see the server's own words.
 */
export const normalizingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.ok) return res;
  const text = await res.text().catch(() => '');
  const message = serverMessage(text);
  const body = message !== undefined ? JSON.stringify({ error: { message } }) : text;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  if (message !== undefined) headers.set('content-type', 'application/json');
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
};

/** The human message in an error body of any of the servers above, or undefined. */
export function serverMessage(text: string): string | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    const t = text.trim();
    return t && t.length < 500 && !t.startsWith('<') ? t : undefined;
  }
  if (!j || typeof j !== 'object') return typeof j === 'string' ? j : undefined;
  const o = j as Record<string, unknown>;
  const err = o.error;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  if (typeof o.message === 'string') return o.message;
  if (typeof o.detail === 'string') return o.detail;
  if (Array.isArray(o.detail)) {
    const msgs = o.detail.map((d) => (d && typeof d === 'object' ? String((d as { msg?: unknown }).msg ?? '') : String(d))).filter(Boolean);
    if (msgs.length) return msgs.join('; ');
  }
  return undefined;
}
