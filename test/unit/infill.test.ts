/**
 * llama.cpp's native `POST /infill` (apiStyle `llamacpp-infill`) against the real test server:
 * the body (input_prefix/input_suffix/input_extra, n_predict, cache_prompt, stream), streamed and
 * non-streamed answers, abort, deadline, HTTP errors, a cut stream; the detection that lets
 * apiStyle auto choose it; the pipeline and its warm-up on it.
 */
import * as assert from 'node:assert/strict';
import { CompletionCache } from '../../src/core/cache/completionCache';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { resolveApi } from '../../src/core/context/templates';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { ModelClient } from '../../src/core/model/client';
import { EndpointHealth } from '../../src/core/model/health';
import { CompletionPipeline } from '../../src/core/pipeline';
import { nullLogger, type BuiltPrompt } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { checkCancelAbortsRequest, checkHangEndsAtDeadline, requestAt, until } from './support';

const prompt: BuiltPrompt = {
  prompt: '<|fim_prefix|>const x = <|fim_suffix|>;\n<|fim_middle|>',
  stop: ['<|endoftext|>', '<|file_sep|>'],
  prefix: 'const x = ',
  suffixText: ';\n',
  snippets: [
    { path: 'src/geo.ts', text: 'export function area(r: number): number;', reason: 'callee' },
    { path: 'src/unit.ts', text: 'export const unit = 1;', reason: 'import' },
  ],
  template: 'qwen',
  multiline: false,
};
const opts = { model: 'qwen2.5-coder-1.5b', api: 'llamacpp-infill' as const, maxTokens: 48, timeoutMs: 1500 };

function settingsFor(server: TestOpenAIServer, over: Partial<Settings> = {}): Settings {
  return { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: server.url, model: 'qwen2.5-coder-1.5b', timeoutMs: 2000, ...over };
}

describe('llama.cpp /infill over real HTTP', function () {
  this.timeout(20000);
  let server: TestOpenAIServer;
  let client: ModelClient;
  before(async () => {
    server = await TestOpenAIServer.start({ llamacpp: true });
    client = new ModelClient({ endpoint: server.url });
  });
  after(() => server.stop());
  beforeEach(() => {
    server.reset();
    server.llamacpp = { fim: true };
  });

  it('streams from POST {root}/infill with the prefix, suffix, related files, n_predict and cache_prompt', async () => {
    server.respond({ text: 'area(2) * unit', chunkChars: 3, chunkDelayMs: 2 });
    const partials: string[] = [];
    const r = await client.generate(prompt, { ...opts, onPartial: (t) => partials.push(t) });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.candidates.length, 1);
    assert.equal(r.candidates[0].text, 'area(2) * unit');
    assert.equal(r.candidates[0].finishReason, 'stop');
    assert.ok(r.firstTokenMs !== undefined);
    assert.ok(partials.length >= 4, 'text arrives as it streams');
    const req = server.completionRequests[0];
    assert.equal(req.path, '/infill', 'the native route sits at the server root, not under /v1');
    assert.equal(req.method, 'POST');
    assert.equal(req.body.input_prefix, 'const x = ');
    assert.equal(req.body.input_suffix, ';\n');
    assert.deepEqual(req.body.input_extra, [
      { filename: 'src/geo.ts', text: 'export function area(r: number): number;' },
      { filename: 'src/unit.ts', text: 'export const unit = 1;' },
    ]);
    assert.equal(req.body.n_predict, 48);
    assert.equal(req.body.cache_prompt, true);
    assert.equal(req.body.stream, true);
    assert.equal(req.body.model, 'qwen2.5-coder-1.5b');
    assert.deepEqual(req.body.stop, ['<|endoftext|>', '<|file_sep|>']);
    assert.equal(req.finished, true);
  });

  it('a non-streamed answer is read from `content`; stop_type limit is a length finish', async () => {
    server.respond({ text: 'area(2)', finishReason: 'length' });
    const r = await client.generate(prompt, { ...opts, stream: false });
    assert.ok(r.ok);
    assert.equal(r.candidates[0].text, 'area(2)');
    assert.equal(r.candidates[0].finishReason, 'length');
    assert.notEqual(server.completionRequests[0].body.stream, true);
  });

  it('stop words are applied to the text (servers may let one through)', async () => {
    server.respond({ text: 'area(2)<|file_sep|>src/other.ts', chunkChars: 5 });
    const r = await client.generate(prompt, opts);
    assert.ok(r.ok);
    assert.equal(r.candidates[0].text, 'area(2)');
  });

  it('an early stop closes the stream', async () => {
    server.respond({ text: 'area(2);\nconst y = 3;\nconst z = 4;\n', chunkChars: 2, chunkDelayMs: 10 });
    const r = await client.generate(prompt, { ...opts, shouldStop: (t) => t.includes('\n') });
    assert.ok(r.ok);
    assert.equal(r.candidates[0].finishReason, 'early-stop');
    assert.ok(r.candidates[0].text.startsWith('area(2);'));
    await until(() => server.completionRequests[0].aborted);
  });

  it('cancellation aborts the HTTP request (the server sees the connection close)', () =>
    checkCancelAbortsRequest(server, (signal) => client.generate(prompt, { ...opts, timeoutMs: 5000, signal })));

  it('cancellation in the middle of a stream is cancelled, with the partial text', async () => {
    server.respond({ text: 'abcdefghijklmnopqrstuvwxyz', chunkChars: 2, chunkDelayMs: 40 });
    const ctl = new AbortController();
    const p = client.generate(prompt, { ...opts, timeoutMs: 5000, signal: ctl.signal, onPartial: (t) => t.length >= 4 && ctl.abort() });
    const r = await p;
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'cancelled');
    assert.ok((r.partial ?? '').startsWith('abcd'));
    await until(() => server.completionRequests[0].aborted);
  });

  it('a hung server ends at the deadline with a timeout', () => checkHangEndsAtDeadline(server, (timeoutMs) => client.generate(prompt, { ...opts, timeoutMs })));

  it('HTTP 500 is an http error with the status; 429 is rate-limited with the retry time', async () => {
    server.fault({ kind: 'status', status: 500 });
    const r = await client.generate(prompt, opts);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'http');
    assert.equal(r.error.status, 500);
    server.fault({ kind: 'rateLimit', retryAfterSeconds: 3 });
    const before = Date.now();
    const r2 = await client.generate(prompt, opts);
    assert.ok(!r2.ok);
    assert.equal(r2.error.kind, 'rate-limited');
    assert.ok(r2.error.retryAt !== undefined && r2.error.retryAt >= before + 2900);
  });

  it('a stream cut mid-way is an error, not a finished answer', async () => {
    server.respond({ text: 'abcdefghijklmnopqrstuvwxyz', chunkChars: 2, chunkDelayMs: 5, fault: { kind: 'cutStream', afterChunks: 3 } });
    const r = await client.generate(prompt, opts);
    assert.ok(!r.ok, 'a cut stream must not look like a finished answer');
    assert.notEqual(r.error.kind, 'timeout');
    assert.equal(r.partial, 'abcdef');
  });

  it('a malformed non-streamed answer is a bad response', async () => {
    server.fault({ kind: 'malformed' });
    const r = await client.generate(prompt, { ...opts, stream: false });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'bad-response');
  });

  describe('detection (what lets apiStyle auto choose /infill)', () => {
    it('a llama.cpp server with a FIM model: /props, then a n_predict 0 /infill; the route is /infill', async () => {
      const c = new ModelClient({ endpoint: server.url });
      assert.equal(c.known, undefined);
      const info = await c.probe('qwen2.5-coder-1.5b');
      assert.equal(info.kind, 'llamacpp');
      assert.equal(info.model.infill, true);
      assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === '/props'));
      const infill = server.requests.filter((r) => r.path === '/infill');
      assert.equal(infill.length, 1);
      assert.equal(infill[0].body.n_predict, 0);
      assert.equal(server.completionRequests.length, 0, 'the probe generates nothing');
      const route = c.route(settingsFor(server));
      assert.equal(route.api, 'llamacpp-infill');
      assert.equal(route.warmup, 'llamacpp');
      assert.match(route.describe, /llama\.cpp b0000 · qwen2\.5-coder-1\.5b · FIM through \/infill/);
    });

    it('a llama.cpp server whose model has no FIM tokens (HTTP 501): /v1/completions with the prefix only', async () => {
      server.llamacpp = { fim: false };
      const c = new ModelClient({ endpoint: server.url });
      const info = await c.probe('llama-3-8b');
      assert.equal(info.model.infill, false);
      const route = c.route(settingsFor(server, { model: 'llama-3-8b' }));
      assert.deepEqual([route.api, route.template], ['completions', 'plain']);
    });

    it('another OpenAI-compatible server (no /props) is not llama.cpp, and /infill is not tried', async () => {
      const plain = await TestOpenAIServer.start({ models: ['qwen2.5-coder-1.5b'] });
      try {
        const c = new ModelClient({ endpoint: plain.url });
        const info = await c.probe('qwen2.5-coder-1.5b');
        assert.equal(info.kind, 'openai-compatible');
        assert.ok(!plain.requests.some((r) => r.path === '/infill'));
        const route = c.route(settingsFor(plain));
        assert.deepEqual([route.api, route.template], ['completions', 'qwen']);
      } finally {
        await plain.stop();
      }
    });

    it('no answer at all decides nothing (a later probe may)', async () => {
      const down = await TestOpenAIServer.start({ llamacpp: true });
      const url = down.url;
      await down.stop();
      const c = new ModelClient({ endpoint: url });
      const info = await c.probe('m');
      assert.equal(info.reached, false);
      assert.equal(c.known, undefined);
    });

    it('an explicit template or apiStyle wins over what was detected', async () => {
      const c = new ModelClient({ endpoint: server.url });
      await c.probe('qwen2.5-coder-1.5b');
      const s = settingsFor(server);
      assert.equal(c.route({ ...s, fimTemplate: 'qwen' }).api, 'llamacpp-infill', 'the same template through /infill');
      assert.deepEqual([c.route({ ...s, apiStyle: 'completions' }).api, c.route({ ...s, apiStyle: 'completions' }).template], ['completions', 'qwen']);
      assert.equal(c.route({ ...s, model: 'gpt-4o' }).api, 'chat');
      assert.equal(resolveApi({ ...s, apiStyle: 'llamacpp-infill' }), 'llamacpp-infill');
    });
  });

  describe('pipeline', () => {
    const TEXT = 'import { area } from "./geo";\n\nexport const big = \n';
    const at = TEXT.indexOf('= ') + 2;
    function pipelineWith(c: ModelClient, health = new EndpointHealth()): CompletionPipeline {
      return new CompletionPipeline({
        context: new ContextEngine({ relativePath: () => 'src/big.ts', repoName: 'w' }),
        cache: new CompletionCache(),
        filter: new ConsistencyFilter(),
        health,
        client: () => c,
        log: nullLogger,
      });
    }

    it('auto on a detected endpoint completes through /infill; a 501 later switches to /v1/completions at once', async () => {
      const c = new ModelClient({ endpoint: server.url });
      assert.equal((await c.probe('qwen2.5-coder-1.5b')).model.infill, true);
      server.reset();
      server.respond({ text: 'area(10);' });
      const health = new EndpointHealth();
      const p = pipelineWith(c, health);
      const s = settingsFor(server, { consistencyFilter: false });
      const o = await p.complete(requestAt(TEXT, at), s);
      assert.equal(o.error, undefined, JSON.stringify(o.error));
      assert.equal(o.text, 'area(10);');
      assert.deepEqual(
        server.completionRequests.map((r) => r.path),
        ['/infill'],
      );
      assert.ok((server.completionRequests[0].body.input_prefix as string).endsWith('export const big = '));

      // The server now has a model without FIM tokens loaded.
      server.llamacpp = { fim: false };
      const o2 = await p.complete(requestAt(TEXT.replace('big', 'bag'), at), s);
      assert.equal(o2.error, undefined, 'the refused style is replaced within the same request');
      assert.equal(o2.text, 'area(10);');
      assert.equal(c.route(s).api, 'completions');
      const o3 = await p.complete(requestAt(TEXT.replace('big', 'bog'), at), s);
      assert.equal(o3.error, undefined, JSON.stringify(o3.error));
      assert.deepEqual(
        server.completionRequests.map((r) => r.path),
        ['/infill', '/infill', '/v1/completions', '/v1/completions'],
      );
      assert.match(server.completionRequests[2].prompt, /^<\|fim_prefix\|>/, 'the Qwen FIM string in the prompt');
      assert.equal(server.completionRequests[2].body.suffix, undefined, 'never the suffix field');
    });

    it('auto before the probe has answered goes to /v1/completions', async () => {
      server.respond({ text: 'area(10);' });
      const o = await pipelineWith(new ModelClient({ endpoint: server.url })).complete(requestAt(TEXT, at), settingsFor(server, { consistencyFilter: false }));
      assert.equal(o.error, undefined);
      assert.deepEqual(
        server.completionRequests.map((r) => r.path),
        ['/v1/completions'],
      );
    });

    it('warm-up on /infill: n_predict 0, cache_prompt true, not streamed, same prefix as a completion', async () => {
      const s = settingsFor(server);
      const c = new ModelClient({ endpoint: server.url });
      await c.probe(s.model);
      server.reset();
      assert.equal(await pipelineWith(c).warmup(requestAt(TEXT, at), s), true);
      assert.equal(server.warmupRequests.length, 1);
      assert.equal(server.completionRequests.length, 0);
      const w = server.warmupRequests[0];
      assert.equal(w.path, '/infill');
      assert.equal(w.body.n_predict, 0);
      assert.equal(w.body.cache_prompt, true);
      assert.notEqual(w.body.stream, true);
      assert.equal(w.body.input_prefix, TEXT.slice(0, at));
    });
  });
});
