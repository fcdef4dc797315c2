import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CATALOGUE, DEFAULT_MODEL_ID, catalogueEntry, defaultCatalogueEntry, formatBytes } from '../../src/engine/catalogue';
import { catalogueTarget, downloadModel, downloadState, type DownloadProgress, type DownloadTarget } from '../../src/engine/download';
import { checkLocalModelFile, parseGgufHeader } from '../../src/engine/ggufFile';
import { FAMILIES } from '../../src/core/model/families';
import { testModelFile } from '../shared/testModel';

const MODEL_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
const CHUNK = 64 * 1024;

interface Seen {
  path: string;
  range?: string;
}

/**
 * A file server on 127.0.0.1 with the rules a model host has (Range → 206 with Content-Range, 416
 * past the end, a strong ETag, redirects; /hf answers as Hugging Face's resolve does: 302 to the CDN
 * with the file's X-Linked-Etag) and switches for the faults under test.
 */
class ModelHost {
  readonly seen: Seen[] = [];
  /** Bumped when the file is replaced: its ETag changes. */
  version = 1;
  /** A CDN whose ETag differs from one signed address to the next. */
  etagPerRequest = false;
  /** After the first chunk, send nothing more (a stalled connection). */
  stall = false;
  /** Answer the next request with this status (once). */
  failOnce?: number;
  /** Bytes to send of the next request's body before cutting the connection (once). */
  cutAfter?: number;
  ignoreRange = false;
  /** Pause between 64 KiB chunks, ms (0: all at once). */
  chunkDelayMs = 0;
  private server!: http.Server;
  private served = 0;
  constructor(public data: Buffer) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const p = req.url ?? '/';
    this.seen.push({ path: p, range: req.headers.range });
    const fail = this.failOnce;
    this.failOnce = undefined;
    if (fail) return void res.writeHead(fail).end('busy');
    if (p === '/hf') return void res.writeHead(302, { location: '/model.gguf', 'x-linked-etag': `"sha-of-version-${this.version}"` }).end();
    if (p === '/hop1') return this.redirect(res, 302, '/hop2');
    if (p === '/hop2') return this.redirect(res, 301, `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/model.gguf`);
    if (p === '/loop') return this.redirect(res, 302, '/loop');
    if (p === '/page.html') return this.send(req, res, Buffer.from('<!DOCTYPE html><html><body>Sign in to download this model</body></html>\n'.repeat(8)));
    if (p === '/model.gguf') return this.send(req, res, this.data);
    res.writeHead(404, 'Not Found').end('no such file');
  }

  private redirect(res: http.ServerResponse, status: number, location: string): void {
    res.writeHead(status, { location }).end();
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, data: Buffer): void {
    const etag = this.etagPerRequest ? `"cdn-${++this.served}"` : `"${data.length}-v${this.version}"`;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    let start = 0;
    if (range && !this.ignoreRange && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}`, etag, 'accept-ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'content-length': data.length, etag, 'accept-ranges': 'bytes' });
    }
    const body = data.subarray(start);
    const cut = this.cutAfter;
    this.cutAfter = undefined;
    if (cut !== undefined) {
      res.write(body.subarray(0, cut));
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    if (this.stall) return void res.write(body.subarray(0, CHUNK));
    if (!this.chunkDelayMs) return void res.end(body);
    this.trickle(res, body, 0);
  }

  private trickle(res: http.ServerResponse, body: Buffer, at: number): void {
    if (res.destroyed) return;
    if (at >= body.length) return void res.end();
    res.write(body.subarray(at, at + CHUNK));
    setTimeout(() => this.trickle(res, body, at + CHUNK), this.chunkDelayMs);
  }
}

describe('engine download: catalogue', () => {
  it('every entry is a Hugging Face resolve URL of a GGUF file, of a known FIM family, with a sha256 or a plain statement that none was confirmed', () => {
    assert.ok(CATALOGUE.length >= 2 && CATALOGUE.length <= 3);
    for (const e of CATALOGUE) {
      assert.equal(e.url, `https://huggingface.co/${e.repo}/resolve/main/${e.fileName}`);
      assert.match(e.fileName, /\.gguf$/);
      const family = FAMILIES.find((f) => f.id === e.family);
      assert.ok(family, `${e.id}: family ${e.family}`);
      assert.match(e.fileName.toLowerCase(), family.match, `${e.id}: the family's pattern recognises the file's name`);
      if (e.sha256) assert.match(e.sha256, /^[0-9a-f]{64}$/);
      else assert.match(e.sha256Source, /not confirmed/);
      assert.ok(e.approxBytes > 100_000_000 && e.licence.url.startsWith('https://') && e.hardware.length > 0);
      assert.ok(e.detail.includes(formatBytes(e.approxBytes)));
    }
    assert.equal(new Set(CATALOGUE.map((e) => e.id)).size, CATALOGUE.length);
    assert.equal(defaultCatalogueEntry().id, DEFAULT_MODEL_ID);
    assert.equal(catalogueEntry('no-such-model'), undefined);
    assert.deepEqual(catalogueTarget(catalogueEntry('qwen2.5-coder-0.5b-q8_0')!), {
      url: 'https://huggingface.co/ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/resolve/main/qwen2.5-coder-0.5b-q8_0.gguf',
      fileName: 'qwen2.5-coder-0.5b-q8_0.gguf',
      sha256: 'd0f8cd6c49bab52a0abdbe47948518b1f4d9b1a8a2a6825099cea31cea10ac56',
      sizeBytes: undefined,
    });
  });

  it('formats sizes as the file pages show them', () => {
    assert.equal(formatBytes(531_000_000), '531 MB');
    assert.equal(formatBytes(1_650_000_000), '1.65 GB');
    assert.equal(formatBytes(3_290_000_000), '3.29 GB');
    assert.equal(formatBytes(1_185_376), '1.19 MB');
  });
});

describe('engine download: HTTP to a local model host', function () {
  this.timeout(20_000);
  const model = fs.readFileSync(testModelFile());
  let host: ModelHost;
  let base: string;
  let dir: string;
  const target = (p: string, extra: Partial<DownloadTarget> = {}): DownloadTarget => ({ url: `${base}${p}`, fileName: 'model.gguf', ...extra });
  const fast = { retries: 0, retryDelayMs: 10, progressIntervalMs: 0 };

  beforeEach(async () => {
    host = new ModelHost(model);
    base = await host.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intent-dl-'));
  });
  afterEach(async () => {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const landed = () => path.join(dir, 'model.gguf');
  const part = () => `${landed()}.part`;

  it('downloads the whole file with progress, checks its sha256 and renames it into place', async () => {
    const reports: DownloadProgress[] = [];
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256, sizeBytes: model.length }), dir, { ...fast, onProgress: (p) => reports.push(p) });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.file, landed());
    assert.equal(r.sha256, MODEL_SHA256);
    assert.ok(r.verifiedChecksum && !r.resumed && !r.alreadyPresent);
    assert.ok(fs.readFileSync(landed()).equals(model));
    assert.ok(!fs.existsSync(part()) && !fs.existsSync(`${part()}.json`), 'no .part or its notes left');
    const downloading = reports.filter((p) => p.phase === 'downloading');
    assert.ok(downloading.length >= 2, `${downloading.length} progress reports`);
    assert.ok(downloading.every((p, i) => p.total === model.length && (i === 0 || p.bytes >= downloading[i - 1].bytes)));
    assert.equal(downloading.at(-1)!.bytes, model.length);
    assert.ok(downloading.at(-1)!.bytesPerSecond > 0);
    assert.equal(reports.at(-1)!.phase, 'verifying');
    assert.equal(host.seen.length, 1);
    assert.equal(host.seen[0].range, undefined, 'a fresh download asks for the whole file');
  });

  it('after a connection cut mid-way, the next call asks for the rest with Range and the result is byte-identical', async () => {
    const n = 300_000;
    host.cutAfter = n;
    const first = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(!first.ok);
    assert.equal(first.error.kind, 'network');
    assert.match(first.error.message, /interrupted.*resume/);
    assert.equal(first.error.partFile, part());
    // What reached the disk before the cut (bytes still in flight when it came are not written).
    const kept = fs.statSync(part()).size;
    assert.ok(kept > 0 && kept <= n, `${kept} bytes kept`);
    assert.ok(fs.readFileSync(part()).equals(model.subarray(0, kept)));
    assert.ok(!fs.existsSync(landed()));

    const second = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(second.ok, JSON.stringify(second));
    assert.ok(second.resumed);
    assert.equal(host.seen.length, 2);
    assert.equal(host.seen[1].range, `bytes=${kept}-`);
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  /** The offset a "bytes=N-" Range asks from (NaN for none). */
  const offsetOf = (range: string | undefined) => Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? NaN);

  it('a file replaced on the server since the .part began is downloaded from the start, never spliced', async () => {
    host.cutAfter = 300_000;
    assert.ok(!(await downloadModel(target('/model.gguf'), dir, fast)).ok);
    const kept = fs.statSync(part()).size;
    const replaced = Buffer.from(model);
    replaced.fill(7, 600_000, 700_000);
    host.data = replaced;
    host.version = 2;
    const r = await downloadModel(target('/model.gguf'), dir, fast);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      host.seen.map((s) => s.range),
      [undefined, `bytes=${kept}-`, undefined],
    );
    assert.ok(fs.readFileSync(landed()).equals(replaced));
  });

  it("Hugging Face's X-Linked-Etag names the file across CDN addresses whose ETags differ: the resume continues", async () => {
    host.etagPerRequest = true;
    host.cutAfter = 300_000;
    assert.ok(!(await downloadModel(target('/hf', { sha256: MODEL_SHA256 }), dir, fast)).ok);
    const kept = fs.statSync(part()).size;
    const r = await downloadModel(target('/hf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(r.ok && r.resumed, JSON.stringify(r));
    assert.deepEqual(
      host.seen.filter((s) => s.path === '/model.gguf').map((s) => s.range),
      [undefined, `bytes=${kept}-`],
    );
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('a file of another size than the catalogue states is refused before downloading', async () => {
    const r = await downloadModel(target('/model.gguf', { sizeBytes: model.length + 1 }), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'size');
    assert.match(r.error.message, /not the model chosen/);
    assert.ok(!fs.existsSync(part()) && !fs.existsSync(landed()));
  });

  it('a connection that stops sending ends the attempt as a network error, keeping what arrived', async () => {
    host.stall = true;
    const r = await downloadModel(target('/model.gguf'), dir, { ...fast, stallTimeoutMs: 300 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'network');
    assert.match(r.error.message, /no data for/);
    assert.equal(fs.statSync(part()).size, CHUNK);
  });

  it('retries a cut connection within one call, resuming where it stopped', async () => {
    host.cutAfter = 500_000;
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, { ...fast, retries: 2 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.resumed);
    assert.equal(host.seen.length, 2);
    assert.equal(host.seen[0].range, undefined);
    const resumedAt = offsetOf(host.seen[1].range);
    assert.ok(resumedAt > 0 && resumedAt <= 500_000, host.seen[1].range);
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('a server that ignores Range (200) starts the file over instead of appending the whole body', async () => {
    fs.writeFileSync(part(), model.subarray(0, 400_000));
    host.ignoreRange = true;
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(host.seen[0].range, 'bytes=400000-');
    assert.ok(!r.resumed);
    assert.equal(fs.statSync(landed()).size, model.length);
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('a .part already whole (416 from the server) is verified and put in place without downloading again', async () => {
    fs.writeFileSync(part(), model);
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(host.seen[0].range, `bytes=${model.length}-`);
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('a .part longer than the file on the server is dropped and the file downloaded again', async () => {
    fs.writeFileSync(part(), Buffer.concat([model, Buffer.alloc(1000)]));
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      host.seen.map((s) => s.range),
      [`bytes=${model.length + 1000}-`, undefined],
    );
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('follows redirects (relative and absolute) to the file', async () => {
    const r = await downloadModel(target('/hop1', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      host.seen.map((s) => s.path),
      ['/hop1', '/hop2', '/model.gguf'],
    );
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('gives up on a redirect loop with a clear error', async () => {
    const r = await downloadModel(target('/loop'), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'redirect');
    assert.match(r.error.message, /redirected more than/);
  });

  it('a wrong checksum removes the file and says so', async () => {
    const wrong = 'f'.repeat(64);
    const r = await downloadModel(target('/model.gguf', { sha256: wrong }), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'checksum');
    assert.match(r.error.message, new RegExp(`sha256 is ${MODEL_SHA256}, not the published ${wrong}: it was removed`));
    assert.equal(r.error.partFile, undefined);
    assert.ok(!fs.existsSync(landed()) && !fs.existsSync(part()));
  });

  it('a page that is not GGUF (a sign-in page served with 200) is refused and removed', async () => {
    const r = await downloadModel(target('/page.html'), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'not-gguf');
    assert.match(r.error.message, /not a GGUF file \(it starts with "<!DOCTYPE html>/);
    assert.ok(!fs.existsSync(landed()) && !fs.existsSync(part()));
  });

  it('an HTTP error is a value with the status and a reason', async () => {
    const r = await downloadModel(target('/missing.gguf'), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'http');
    assert.equal(r.error.status, 404);
    assert.match(r.error.message, /answered 404 Not Found: it has no such file/);
  });

  it('a server error (503) is retried within the call; without retries it is an error value with the status', async () => {
    host.failOnce = 503;
    const once = await downloadModel(target('/model.gguf'), dir, fast);
    assert.ok(!once.ok);
    assert.equal(once.error.kind, 'http');
    assert.equal(once.error.status, 503);
    assert.match(once.error.message, /answered 503 Service Unavailable: it had a problem; try again later/);
    host.failOnce = 503;
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, { ...fast, retries: 1 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(host.seen.length, 3);
  });

  it('a server that cannot be reached is a network error, not a throw', async () => {
    await host.stop();
    const r = await downloadModel(target('/model.gguf'), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'network');
    host = new ModelHost(model);
    base = await host.start();
  });

  it('cancel leaves the .part file and a later call resumes from it', async () => {
    host.chunkDelayMs = 15;
    const ac = new AbortController();
    const cancelled = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, {
      ...fast,
      retries: 3,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.bytes >= 3 * CHUNK) ac.abort();
      },
    });
    assert.ok(!cancelled.ok);
    assert.equal(cancelled.error.kind, 'aborted');
    assert.match(cancelled.error.message, /cancelled.*kept/);
    assert.equal(host.seen.length, 1, 'a cancel is not retried');
    const kept = fs.statSync(part()).size;
    assert.ok(kept > 0 && kept < model.length, `${kept} bytes kept`);

    assert.deepEqual(await downloadState(target('/model.gguf'), dir), { file: landed(), present: false, partBytes: kept });

    host.chunkDelayMs = 0;
    const resumed = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(resumed.ok, JSON.stringify(resumed));
    assert.deepEqual(await downloadState(target('/model.gguf'), dir), { file: landed(), present: true, partBytes: 0 });
    assert.ok(resumed.resumed);
    assert.equal(host.seen[1].range, `bytes=${kept}-`);
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('a second download of the same file while the first runs is refused, not interleaved', async () => {
    host.chunkDelayMs = 10;
    const first = downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    const second = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(!second.ok);
    assert.equal(second.error.kind, 'busy');
    const r = await first;
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(fs.readFileSync(landed()).equals(model));
  });

  it('a valid file already in place is not downloaded again', async () => {
    fs.writeFileSync(landed(), model);
    const r = await downloadModel(target('/model.gguf', { sha256: MODEL_SHA256 }), dir, fast);
    assert.ok(r.ok && r.alreadyPresent);
    assert.equal(host.seen.length, 0);
  });

  it('a full disk (ENOSPC) is a clear error that keeps what was written', async function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    fs.symlinkSync('/dev/full', part());
    const r = await downloadModel(target('/model.gguf'), dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'disk-full');
    assert.match(r.error.message, /is full\. .*Free some space and download again: it resumes/);
    assert.equal(r.error.partFile, part());
  });

  it('refuses a file name that would leave the folder', async () => {
    const r = await downloadModel({ url: `${base}/model.gguf`, fileName: '../escape.gguf' }, dir, fast);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'file-system');
    assert.equal(host.seen.length, 0);
  });
});

describe('engine download: "Use a GGUF file on disk"', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intent-gguf-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const header = (version: number) => {
    const b = Buffer.alloc(24);
    b.write('GGUF', 0, 'latin1');
    b.writeUInt32LE(version, 4);
    return b;
  };

  it('accepts the real model and reads its header', async () => {
    const r = await checkLocalModelFile(testModelFile());
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.header.version, 3);
    assert.ok(r.header.tensorCount > 0n);
    assert.equal(r.bytes, fs.statSync(testModelFile()).size);
  });

  it('gives a reason for each file it cannot use', async () => {
    const write = (name: string, data: Buffer | string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, data);
      return f;
    };
    const cases: [string, RegExp][] = [
      [path.join(dir, 'absent.gguf'), /no file at that path/],
      [dir, /it is a folder/],
      ['', /no file was chosen/],
      [write('empty.gguf', ''), /not a GGUF file \(it starts with nothing/],
      [write('notes.txt', 'hello world, not a model'), /not a GGUF file \(it starts with "hello world, not/],
      [write('short.gguf', 'GGUF\x03\x00'), /cut short/],
      [write('v1.gguf', header(1)), /GGUF version 1 is not one the engine reads/],
      [write('be.gguf', Buffer.concat([Buffer.from('GGUF'), Buffer.from([0, 0, 0, 3]), Buffer.alloc(16)])), /big-endian/],
      [write('bin.gguf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])), /starts with bytes 7f454c46/],
    ];
    for (const [file, reason] of cases) {
      const r = await checkLocalModelFile(file);
      assert.ok(!r.ok, file);
      assert.match(r.reason, reason, file);
    }
  });

  it('a file this account may not read', async function () {
    if (process.getuid?.() === 0) this.skip();
    const f = path.join(dir, 'locked.gguf');
    fs.writeFileSync(f, header(3));
    fs.chmodSync(f, 0o000);
    const r = await checkLocalModelFile(f);
    assert.ok(!r.ok);
    assert.match(r.reason, /permission denied/);
  });

  it('parses a header from bytes', () => {
    const r = parseGgufHeader(header(2));
    assert.ok(r.ok);
    assert.equal(r.header.version, 2);
  });
});
