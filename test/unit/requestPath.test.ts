/**
 * The whole request path as the extension runs it — RequestScheduler → CompletionPipeline →
 * cache / context / ModelClient → filter — against the real test server over HTTP.
 */
import * as assert from 'node:assert/strict';
import { CompletionCache } from '../../src/core/cache/completionCache';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { ModelClient } from '../../src/core/model/client';
import { EndpointHealth } from '../../src/core/model/health';
import { CompletionPipeline } from '../../src/core/pipeline';
import { RequestScheduler } from '../../src/core/schedule/scheduler';
import { nullLogger, type CompletionRequest } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { requestAt, until } from './support';

const BEFORE = 'function total(items: number[]): number {\n  let sum = 0;\n  for (const item of items) sum += item;\n  ';
const AFTER = '\n}\n';

function req(typed: string, explicit = false): CompletionRequest {
  return requestAt(BEFORE + typed + AFTER, BEFORE.length + typed.length, { uri: 'file:///w/total.ts', version: typed.length, explicit });
}

describe('request path over real HTTP', function () {
  this.timeout(20000);
  let server: TestOpenAIServer;
  let settings: Settings;
  let health: EndpointHealth;
  let pipeline: CompletionPipeline;
  let scheduler: RequestScheduler;

  before(async () => {
    server = await TestOpenAIServer.start();
  });
  after(() => server.stop());
  beforeEach(() => {
    server.reset();
    if (!server.url) throw new Error('no server');
    settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: server.url, model: 'qwen2.5-coder-test', timeoutMs: 2000 };
    health = new EndpointHealth({ baseDelayMs: 100, maxDelayMs: 400 });
    const client = new ModelClient({ endpoint: server.url });
    pipeline = new CompletionPipeline({
      context: new ContextEngine({ relativePath: () => 'total.ts', repoName: 'w' }),
      cache: new CompletionCache(),
      filter: new ConsistencyFilter(),
      health,
      client: () => client,
      log: nullLogger,
    });
    scheduler = new RequestScheduler(pipeline);
  });
  afterEach(() => scheduler.dispose());

  const ask = (typed: string, explicit = false, signal = new AbortController().signal) => scheduler.request(req(typed, explicit), settings, signal);

  it('shows the model answer, then serves what the person types through from the cache without a request', async () => {
    server.respond({ text: 'return sum;\n', delayMs: 20 });
    const first = await ask('', true);
    assert.equal(first?.outcome.text, 'return sum;');
    assert.equal(first?.via, 'model');
    assert.equal(server.completionRequests.length, 1);
    for (const typed of ['r', 're', 'ret', 'return s']) {
      const next = await ask(typed);
      assert.equal(next?.via, 'cache');
      assert.equal(next?.outcome.text, 'return sum;'.slice(typed.length));
    }
    assert.equal(server.completionRequests.length, 1, 'typed-ahead must not ask the model');
  });

  it('reuses an in-flight request that covers what was typed instead of cancelling it', async () => {
    server.respond({ text: 'return sum;\n', delayMs: 250 });
    const e1 = new AbortController();
    const p1 = ask('', true, e1.signal);
    await until(() => server.completionRequests.length === 1);
    e1.abort(); // the editor moves on: the person typed 're'
    const p2 = ask('re');
    assert.equal(await p1, undefined);
    const r2 = await p2;
    assert.equal(r2?.via, 'inflight');
    assert.equal(r2?.outcome.text, 'turn sum;');
    assert.equal(server.completionRequests.length, 1);
    assert.equal(server.completionRequests[0].aborted, false);
  });

  it('a keystroke that departs from what the model is writing aborts its HTTP request; at most one in flight', async () => {
    server.enqueue({ text: 'return sum;\n', chunkChars: 2, chunkDelayMs: 150 });
    server.respond({ text: 'sum;\n', delayMs: 10 });
    const e1 = new AbortController();
    const p1 = ask('', true, e1.signal);
    await until(() => server.completionRequests.length === 1);
    await new Promise((r) => setTimeout(r, 60)); // 're' has arrived
    e1.abort();
    const p2 = ask('x');
    assert.ok(scheduler.inflightCount <= 1);
    await until(() => server.completionRequests[0].aborted);
    assert.equal(await p1, undefined);
    const r2 = await p2;
    assert.equal(r2?.via, 'model');
    assert.equal(server.completionRequests.length, 2);
    // The answer comes at the end of its line; the stream closes once the rest of the reply is read.
    await until(() => scheduler.inflightCount === 0);
    assert.equal(server.inFlight, 0);
  });

  it('cancellation: moving elsewhere aborts the request the server is working on', async () => {
    server.respond({ text: 'return sum;\n', delayMs: 1500 });
    const e1 = new AbortController();
    void ask('', true, e1.signal);
    await until(() => server.completionRequests.length === 1);
    e1.abort();
    server.respond({ text: 'y;\n', delayMs: 10 });
    const elsewhere = req('');
    const offset = BEFORE.indexOf('let sum = ') + 'let sum = '.length;
    const moved: CompletionRequest = { ...elsewhere, cursor: { line: 1, character: offset - BEFORE.indexOf('\n') - 1, offset } };
    await scheduler.request(moved, settings, new AbortController().signal);
    await until(() => server.completionRequests[0].aborted);
    assert.equal(server.completionRequests.length, 2);
    await until(() => server.inFlight === 0);
  });

  it('a hung server: nothing is shown at the deadline, with a timeout and no error for the person', async () => {
    server.fault({ kind: 'hang' });
    settings = { ...settings, timeoutMs: 400 };
    const t0 = Date.now();
    const r = await ask('', true);
    const took = Date.now() - t0;
    assert.equal(r?.outcome.text, '');
    assert.equal(r?.outcome.error?.kind, 'timeout');
    assert.ok(took >= 380 && took < 2000, `took ${took} ms`);
    assert.equal(health.current.kind, 'healthy', 'a slow answer is not an outage');
    await until(() => server.completionRequests[0].aborted);
  });

  it('429 with Retry-After: no request goes out before the retry time, then it recovers', async () => {
    server.fault({ kind: 'rateLimit', retryAfterSeconds: 1 });
    const first = await ask('', true);
    assert.equal(first?.outcome.error?.kind, 'rate-limited');
    server.fault(undefined);
    server.respond({ text: 'return sum;\n' });
    const blocked = await ask('', true);
    assert.equal(blocked?.outcome.error?.kind, 'rate-limited');
    assert.equal(server.completionRequests.length, 1, 'Retry-After must be honoured');
    await new Promise((r) => setTimeout(r, 1050));
    const ok = await ask('', true);
    assert.equal(ok?.outcome.text, 'return sum;');
    assert.equal(health.current.kind, 'healthy');
  });

  it('down then up: backs off, opens the circuit, and recovers on its own with a probe', async () => {
    server.respond({ text: 'return sum;\n' });
    await server.down();
    try {
      const deadline = Date.now() + 5000;
      while (health.current.kind !== 'open' && Date.now() < deadline) {
        const r = await ask('', true);
        assert.equal(r?.outcome.text, '');
        await new Promise((res) => setTimeout(res, 30));
      }
      assert.equal(health.current.kind, 'open');
    } finally {
      await server.up();
    }
    const deadline = Date.now() + 5000;
    let shown = '';
    while (!shown && Date.now() < deadline) {
      shown = (await ask('', true))?.outcome.text ?? '';
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(shown, 'return sum;');
    assert.equal(health.current.kind, 'healthy');
  });

  it('a stream cut mid-way shows nothing and caches nothing', async () => {
    server.respond({ text: 'return sum + undefinedThing;\n', chunkChars: 3, chunkDelayMs: 5, fault: { kind: 'cutStream', afterChunks: 2 } });
    const r = await ask('', true);
    assert.equal(r?.outcome.text, '');
    assert.ok(r?.outcome.error);
    server.respond({ text: 'return sum;\n' });
    const again = await ask('', true);
    assert.equal(again?.outcome.text, 'return sum;');
    assert.equal(again?.via, 'model');
  });

  it('debounces non-explicit requests and sends none for keystrokes superseded during the wait', async () => {
    server.respond({ text: 'return sum;\n' });
    const e1 = new AbortController();
    const p1 = ask('re', false, e1.signal);
    e1.abort();
    assert.equal(await p1, undefined);
    const r = await ask('ret');
    assert.ok((r?.debounceMs ?? 0) > 0);
    assert.equal(server.completionRequests.length, 1);
  });
});

describe('a stream cut by the token cap', () => {
  it('its unfinished last line is neither shown nor checked as a name', async () => {
    const server = await TestOpenAIServer.start();
    try {
      server.respond({ text: 'let total = 0;\n  for (const x of xs) total += x;\n  return total / co', finishReason: 'length' });
      const text = 'function sum(xs: number[], count: number): number {\n  \n}\n';
      const at = text.indexOf('{\n') + 4;
      const p = new CompletionPipeline({
        context: new ContextEngine({ relativePath: () => 'sum.ts', repoName: 'w' }),
        cache: new CompletionCache(),
        filter: new ConsistencyFilter(),
        health: new EndpointHealth(),
        client: () => new ModelClient({ endpoint: server.url }),
        log: nullLogger,
      });
      const o = await p.complete(requestAt(text, at), {
        ...DEFAULTS,
        languages: { ...DEFAULTS.languages },
        endpoint: server.url,
        model: 'qwen2.5-coder-test',
        timeoutMs: 3000,
        multiline: 'always',
      });
      assert.equal(o.error, undefined, JSON.stringify(o.error));
      assert.equal(o.filter?.verdict, 'keep', JSON.stringify(o.filter));
      assert.ok(o.text.endsWith('total += x;'), JSON.stringify(o.text));
    } finally {
      await server.stop();
    }
  });
});

describe('the filter analyses a huge document after the answer, not while it streams in', () => {
  it('a small document is analysed during the request; one past 64 KB only after it', async () => {
    const server = await TestOpenAIServer.start();
    class CountingFilter extends ConsistencyFilter {
      during = 0;
      inFlight = false;
      override prepare(text: string, languageId: string, offset?: number): void {
        if (this.inFlight) this.during++;
        super.prepare(text, languageId, offset);
      }
    }
    try {
      const filter = new CountingFilter();
      server.respond(() => ({ text: 'done();', delayMs: 150 }));
      const p = new CompletionPipeline({
        context: new ContextEngine({ relativePath: () => 'big.ts', repoName: 'w' }),
        cache: new CompletionCache(),
        filter,
        health: new EndpointHealth(),
        client: () => new ModelClient({ endpoint: server.url }),
        log: nullLogger,
      });
      const settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: server.url, model: 'qwen2.5-coder-test', timeoutMs: 3000 };
      const ask = async (text: string) => {
        filter.during = 0;
        filter.inFlight = true;
        const o = p.complete(requestAt(text, text.length), settings).finally(() => (filter.inFlight = false));
        await o;
        return filter.during;
      };
      assert.equal(await ask('function done() {}\n'), 1);
      const big = `${'export const filler = 1; // padding the file past the overlap limit\n'.repeat(1100)}function done() {}\n`;
      assert.ok(big.length > 64 * 1024);
      assert.equal(await ask(big), 0);
    } finally {
      await server.stop();
    }
  });
});
