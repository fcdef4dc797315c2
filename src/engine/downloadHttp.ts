/**
 * The HTTP side of a model download: one GET with a Range, the headers it reads (Content-Range,
 * Content-Length, ETag) and a sentence for each error status. Plain node:http/https rather than
 * fetch: the editor's proxy support hooks these modules, and the response stream gives
 * backpressure into the file and a clear error when the connection is cut.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { DownloadError } from './downloadTypes';

const USER_AGENT = 'intent-complete (model download)';

/**
 * One GET, with a Range from `offset` when there is something to resume. No If-Range: a CDN's ETag
 * can differ between signed addresses of the same file, so the version is compared here instead.
 */
export function request(url: string, offset: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const get = u.protocol === 'https:' ? https.get : u.protocol === 'http:' ? http.get : undefined;
    if (!get) return reject(new Error(`the address ${url} is not http or https`));
    const headers: http.OutgoingHttpHeaders = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    const req = get(u, { headers, signal }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer for ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}

export function httpError(status: number, statusMessage: string | undefined, url: string, part: string, bytes: number): DownloadError {
  const host = new URL(url).host;
  const why =
    status === 401 || status === 403
      ? 'it refused access (the model may require accepting its licence on its page, or the address is wrong)'
      : status === 404
        ? 'it has no such file (the model may have been moved or renamed)'
        : status === 429
          ? 'it asked us to slow down; try again in a few minutes'
          : status >= 500
            ? 'it had a problem; try again later'
            : 'the request failed';
  return { kind: 'http', status, message: `${host} answered ${status}${statusMessage ? ` ${statusMessage}` : ''}: ${why}.`, partFile: bytes > 0 ? part : undefined };
}

export function parseContentRange(v: string | undefined): { start?: number; end?: number; total?: number } | undefined {
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(v?.trim() ?? '');
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined || s === '*' ? undefined : Number(s));
  return { start: num(m[1]), end: num(m[2]), total: num(m[3]) };
}

export function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function headerInt(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** A strong ETag only: a weak one does not promise the same bytes. */
export function strongEtag(res: http.IncomingMessage): string | undefined {
  const etag = res.headers.etag;
  return etag && !etag.startsWith('W/') ? etag : undefined;
}
