/**
 * Downloading a model file into a folder (the extension passes its global storage): streamed to
 * `<file>.part`, progress through a callback, cancellable (the `.part` file stays), resumed with an
 * HTTP Range request after an interruption (automatic retries within a call, and a later call), redirects
 * followed (Hugging Face answers 302 to its CDN). The finished file's size, GGUF header and sha256
 * (when known) are checked before it is renamed into place in one step. Every failure is a value
 * with a sentence for the person; nothing throws. Nothing downloads unless this is called.
 *
 * The HTTP side is downloadHttp.ts, the `.part` file and its metadata partFile.ts.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import type * as http from 'node:http';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { CatalogueEntry } from './catalogue';
import { fileSize, readGgufHeader, sha256File } from './ggufFile';
import { headerInt, headerText, httpError, parseContentRange, request, strongEtag } from './downloadHttp';
import type { DownloadError, DownloadErrorKind, DownloadOptions, DownloadResult, DownloadTarget } from './downloadTypes';
import { pathsFor, readMeta, writeMeta, type PartMeta, type Paths } from './partFile';

export type { DownloadError, DownloadErrorKind, DownloadOptions, DownloadProgress, DownloadResult, DownloadTarget } from './downloadTypes';

export const DEFAULT_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 1000;
export const PROGRESS_INTERVAL_MS = 250;
export const STALL_TIMEOUT_MS = 30_000;
/** Redirects followed before giving up (Hugging Face uses one or two). */
export const MAX_REDIRECTS = 10;
/** Restarts from zero within one call (a server ignoring Range, a changed file) before giving up. */
const MAX_RESTARTS = 2;

/** A catalogue entry as something to download. */
export function catalogueTarget(e: CatalogueEntry): DownloadTarget {
  return { url: e.url, fileName: e.fileName, sha256: e.sha256, sizeBytes: e.sizeBytes };
}

/** Files being downloaded by this process: a second click does not write the same `.part` file twice. */
const inFlight = new Set<string>();

/** Downloads `target` into `destDir` (created when missing). */
export async function downloadModel(target: DownloadTarget, destDir: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  if (!/^[^/\\]+$/.test(target.fileName) || target.fileName.startsWith('.')) {
    return fail('file-system', `"${target.fileName}" is not a plain file name`);
  }
  const paths = pathsFor(destDir, target.fileName);
  if (inFlight.has(paths.final)) return fail('busy', `${target.fileName} is already being downloaded.`);
  inFlight.add(paths.final);
  try {
    return await downloadInto(target, destDir, paths, opts);
  } finally {
    inFlight.delete(paths.final);
  }
}

/** Where a download of `target` lands in `destDir`, and how much of it a `.part` file already holds (for "resume from…"). */
export async function downloadState(target: DownloadTarget, destDir: string): Promise<{ file: string; present: boolean; partBytes: number }> {
  const { final, part } = pathsFor(destDir, target.fileName);
  const present = (await fileSize(final)) !== undefined && (await readGgufHeader(final)).ok;
  return { file: final, present, partBytes: (await fileSize(part)) ?? 0 };
}

async function downloadInto(target: DownloadTarget, destDir: string, paths: Paths, opts: DownloadOptions): Promise<DownloadResult> {
  try {
    await fs.mkdir(destDir, { recursive: true });
  } catch (e) {
    return fail(fsKind(e), `The folder ${destDir} cannot be created (${errText(e)}).`);
  }
  const present = await existingFile(paths.final, target);
  if (present) return present;
  const d = new Download(target, paths, opts);
  try {
    return await d.run();
  } catch (e) {
    // Every expected failure is returned above; this is the net under an unexpected one.
    return fail('file-system', `The download stopped: ${errText(e)}`, { partFile: paths.part });
  }
}

/** A complete, valid file already in place is not downloaded again. */
async function existingFile(file: string, target: DownloadTarget): Promise<DownloadResult | undefined> {
  const size = await fileSize(file);
  if (size === undefined) return undefined;
  if (target.sizeBytes !== undefined && size !== target.sizeBytes) return undefined;
  if (!(await readGgufHeader(file)).ok) return undefined;
  const sha = await sha256File(file);
  if (target.sha256 && sha !== target.sha256.toLowerCase()) return undefined;
  return { ok: true, file, bytes: size, sha256: sha, verifiedChecksum: !!target.sha256, resumed: false, alreadyPresent: true };
}

/** One attempt's outcome: the body is all in the `.part` file, or what to do next. */
type Attempt = { done: true; total?: number } | Failed;
type Failed = { retry: 'network'; error: DownloadError } | { restart: string } | { error: DownloadError };
/** A response whose body is to be written from byte `start` of a file of `total` bytes. */
type Opened = { res: http.IncomingMessage; start: number; total?: number; identity?: string };

class Download {
  private readonly retries: number;
  private resumed = false;
  private restarts = 0;

  constructor(
    private readonly target: DownloadTarget,
    private readonly paths: Paths,
    private readonly opts: DownloadOptions,
  ) {
    this.retries = opts.retries ?? DEFAULT_RETRIES;
  }

  async run(): Promise<DownloadResult> {
    let failures = 0;
    for (;;) {
      if (this.opts.signal?.aborted) return this.aborted();
      const attempt = await this.attempt();
      if ('done' in attempt) return this.finish(attempt.total);
      if ('restart' in attempt) {
        if (++this.restarts > MAX_RESTARTS) return fail('http', `The download kept starting over (${attempt.restart}); try again later.`, { partFile: this.paths.part });
        await this.dropPart();
        continue;
      }
      if ('retry' in attempt && failures < this.retries && !this.opts.signal?.aborted) {
        failures++;
        await sleep((this.opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS) * failures, this.opts.signal);
        continue;
      }
      if (this.opts.signal?.aborted) return this.aborted();
      return { ok: false, error: attempt.error };
    }
  }

  /** One request (redirects followed) and its body appended to the `.part` file. */
  private async attempt(): Promise<Attempt> {
    const offset = (await fileSize(this.paths.part)) ?? 0;
    const meta = offset > 0 ? await readMeta(this.paths.meta) : undefined;
    if (offset > 0 && meta && meta.url !== this.target.url) return { restart: 'the partial file is of another address' };
    const opened = await this.open(offset, meta);
    if (!('res' in opened)) return opened;
    const { res, start, total, identity } = opened;
    const mismatch = this.mismatch(start, meta, opened);
    if (mismatch) {
      res.destroy();
      return mismatch;
    }
    if (start === 0 && offset > 0) {
      await this.dropPart();
    } else if (start > 0) {
      this.resumed = true;
    }
    await writeMeta(this.paths.meta, { url: this.target.url, identity, total });
    if (total !== undefined && start === total) {
      res.resume();
      return { done: true, total };
    }
    const space = await this.checkSpace(total, start);
    if (space) {
      res.destroy();
      return { error: space };
    }
    return this.receive(res, start, total);
  }

  /**
   * The server's file is not the one expected: not the size the catalogue states (an error), or not
   * the version the `.part` file began with (start over rather than splice two versions).
   */
  private mismatch(start: number, meta: PartMeta | undefined, o: Opened): Failed | undefined {
    const { sizeBytes } = this.target;
    if (sizeBytes !== undefined && o.total !== undefined && o.total !== sizeBytes) {
      return {
        error: {
          kind: 'size',
          message: `The file at ${this.target.url} has ${o.total} bytes where ${sizeBytes} were expected: it is not the model chosen. Nothing was downloaded.`,
        },
      };
    }
    if (start === 0 || !meta) return undefined;
    if ((meta.identity && o.identity && meta.identity !== o.identity) || (meta.total !== undefined && o.total !== undefined && meta.total !== o.total)) {
      return { restart: 'the file on the server changed since the download began' };
    }
    return undefined;
  }

  /** Sends the request, follows redirects and reads the status: where the body starts and the whole size. */
  private async open(offset: number, meta: PartMeta | undefined): Promise<Opened | Failed> {
    let url = this.target.url;
    let linked: string | undefined;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let res: http.IncomingMessage;
      try {
        res = await request(url, offset, this.opts.stallTimeoutMs ?? STALL_TIMEOUT_MS, this.opts.signal);
      } catch (e) {
        return this.networkFailure(e, offset);
      }
      const status = res.statusCode ?? 0;
      linked ??= headerText(res.headers['x-linked-etag']);
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        url = new URL(res.headers.location, url).toString();
        continue;
      }
      const identity = linked ?? strongEtag(res);
      if (status === 200) {
        return { res, start: 0, total: headerInt(res.headers['content-length']), identity };
      }
      if (status === 206) return this.partial(res, offset, identity);
      if (status === 416) return this.notSatisfiable(res, offset, meta);
      res.resume();
      const error = httpError(status, res.statusMessage, url, this.paths.part, offset);
      return status >= 500 || status === 429 ? { retry: 'network', error } : { error };
    }
    return { error: { kind: 'redirect', message: `The address ${this.target.url} redirected more than ${MAX_REDIRECTS} times.` } };
  }

  /** 206: the body must start where the `.part` file ends. */
  private partial(res: http.IncomingMessage, offset: number, identity: string | undefined): Opened | Failed {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== offset) {
      res.resume();
      return { restart: `the server sent bytes from ${range?.start ?? '?'} when asked from ${offset}` };
    }
    return { res, start: offset, total: range.total, identity };
  }

  /** 416: the `.part` file is already whole (verify it) or longer than the file (start over). */
  private notSatisfiable(res: http.IncomingMessage, offset: number, meta: PartMeta | undefined): Opened | Failed {
    const total = parseContentRange(res.headers['content-range'])?.total ?? meta?.total;
    if (total !== undefined && offset === total) {
      this.resumed = true;
      return { res, start: total, total };
    }
    res.resume();
    return { restart: 'the partial file is longer than the file on the server' };
  }

  /** Streams the body into the `.part` file, counting and reporting progress. */
  private async receive(res: http.IncomingMessage, start: number, total: number | undefined): Promise<Attempt> {
    const t0 = Date.now();
    let bytes = start;
    let lastReport = 0;
    const interval = this.opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const report = (force: boolean) => {
      const now = Date.now();
      if (!this.opts.onProgress || (!force && now - lastReport < interval)) return;
      lastReport = now;
      const secs = Math.max((now - t0) / 1000, 0.001);
      safeCall(() => this.opts.onProgress?.({ bytes, total, bytesPerSecond: (bytes - start) / secs, resumedFrom: start, phase: 'downloading' }));
    };
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        report(false);
        cb(null, chunk);
      },
    });
    const stall = this.opts.stallTimeoutMs ?? STALL_TIMEOUT_MS;
    res.setTimeout(stall, () => res.destroy(Object.assign(new Error(`no data for ${Math.round(stall / 1000)} s`), { code: 'ETIMEDOUT' })));
    const out = createWriteStream(this.paths.part, { flags: start > 0 ? 'a' : 'w' });
    try {
      await pipeline(res, counter, out, { signal: this.opts.signal });
    } catch (e) {
      // A write under way finishes after the error: the caller sees the .part file as it stays.
      if (!out.closed) await once(out, 'close').catch(() => undefined);
      bytes = (await fileSize(this.paths.part)) ?? bytes;
      report(true);
      if (isDiskFull(e)) return { error: this.diskFull(bytes, total) };
      if (this.opts.signal?.aborted) return { error: this.aborted().error };
      if (isFsError(e)) return { error: { kind: fsKind(e), message: `The model file cannot be written at ${this.paths.part} (${errText(e)}).` } };
      return this.networkFailure(e, bytes);
    }
    report(true);
    if (total !== undefined && bytes < total) {
      return this.networkFailure(new Error('the connection closed early'), bytes);
    }
    return { done: true, total };
  }

  /** Checks the size, the GGUF header and the sha256, then renames the file into place. */
  private async finish(total: number | undefined): Promise<DownloadResult> {
    const { part, final } = this.paths;
    const size = (await fileSize(part)) ?? 0;
    const expected = this.target.sizeBytes ?? total;
    if (expected !== undefined && size !== expected) {
      await this.dropPart();
      return fail('size', `The downloaded file has ${size} bytes where ${expected} were expected: it was removed. Try again.`);
    }
    safeCall(() => this.opts.onProgress?.({ bytes: size, total: expected, bytesPerSecond: 0, resumedFrom: size, phase: 'verifying' }));
    const header = await readGgufHeader(part);
    if (!header.ok) {
      await this.dropPart();
      return fail('not-gguf', `What ${this.target.url} sent is not a model the engine can load: ${header.reason}. It was removed.`);
    }
    const sha = await sha256File(part);
    if (this.target.sha256 && sha !== this.target.sha256.toLowerCase()) {
      await this.dropPart();
      return fail(
        'checksum',
        `The downloaded file's sha256 is ${sha}, not the published ${this.target.sha256}: it was removed. Try again; if it happens again the file on the server has changed.`,
      );
    }
    try {
      await fs.rename(part, final);
    } catch (e) {
      return fail(fsKind(e), `The finished download cannot be moved to ${final} (${errText(e)}).`, { partFile: part });
    }
    await fs.rm(this.paths.meta, { force: true }).catch(() => undefined);
    return { ok: true, file: final, bytes: size, sha256: sha, verifiedChecksum: !!this.target.sha256, resumed: this.resumed, alreadyPresent: false };
  }

  /** Not enough free space for the rest of the file: say so before writing. */
  private async checkSpace(total: number | undefined, start: number): Promise<DownloadError | undefined> {
    if (total === undefined) return undefined;
    try {
      const s = await fs.statfs(path.dirname(this.paths.part));
      const free = s.bavail * s.bsize;
      if (free < total - start) return this.diskFull(start, total, free);
    } catch {
      // statfs is missing on some platforms; the write itself reports a full disk.
    }
    return undefined;
  }

  private diskFull(bytes: number, total: number | undefined, free?: number): DownloadError {
    const need = total !== undefined ? ` ${mb(total - bytes)} more are needed${free !== undefined ? `, ${mb(free)} are free` : ''}.` : '';
    return {
      kind: 'disk-full',
      message: `The disk holding ${path.dirname(this.paths.part)} is full.${need} Free some space and download again: it resumes from ${mb(bytes)}.`,
      partFile: this.paths.part,
    };
  }

  private networkFailure(e: unknown, bytes: number): Failed {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the server could not be found (no internet connection?)' : errText(e);
    return {
      retry: 'network',
      error: { kind: 'network', message: `The download was interrupted: ${what}. Download again to resume from ${mb(bytes)}.`, partFile: this.paths.part },
    };
  }

  private aborted(): { ok: false; error: DownloadError } {
    return {
      ok: false,
      error: { kind: 'aborted', message: 'The download was cancelled; the part already downloaded is kept and a new download resumes from it.', partFile: this.paths.part },
    };
  }

  private async dropPart(): Promise<void> {
    await fs.rm(this.paths.part, { force: true }).catch(() => undefined);
    await fs.rm(this.paths.meta, { force: true }).catch(() => undefined);
  }
}

function isDiskFull(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function isFsError(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException | undefined;
  return !!err?.syscall && ['open', 'write', 'close', 'fsync'].includes(err.syscall);
}

function fsKind(e: unknown): DownloadErrorKind {
  return isDiskFull(e) ? 'disk-full' : 'file-system';
}

function fail(kind: DownloadErrorKind, message: string, extra: Partial<DownloadError> = {}): DownloadResult {
  return { ok: false, error: { kind, message, ...extra } };
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ECONNRESET' || err?.code === 'ERR_STREAM_PREMATURE_CLOSE' || err?.message === 'aborted') return 'the connection was cut';
  return err?.message ?? String(e);
}

function mb(n: number): string {
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** A progress callback that throws must not stop the download. */
function safeCall(f: () => void): void {
  try {
    f();
  } catch {
    // ignored: progress is advisory
  }
}

/** Waits, or less when the download is cancelled meanwhile. */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}
