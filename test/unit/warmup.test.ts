/**
 * Warm-up (pipeline.warmup) against the real test server answering as llama.cpp: one tiny request
 * with the position's prompt that only primes the server's prompt cache (n_predict 0, cache_prompt
 * true); none while the endpoint is unhealthy, none to a server where it would generate (billed or
 * not), and its failures do not count against the endpoint.
 */
import * as assert from 'node:assert/strict';
import { CompletionCache } from '../../src/core/cache/completionCache';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { ModelClient } from '../../src/core/model/client';
import { EndpointHealth } from '../../src/core/model/health';
import { CompletionPipeline, WARMUP_EVERY_MS } from '../../src/core/pipeline';
import { nullLogger, type CompletionRequest } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { requestAt } from './support';

const TEXT = 'export function area(r: number): number {\n  return Math.PI * r * r;\n}\n\nexport const unit = area(1);\n';

function openAt(offset: number): CompletionRequest {
  return requestAt(TEXT, offset, { uri: 'file:///w/area.ts' });
}

describe('warm-up over real HTTP', function () {
  this.timeout(20000);
  let server: TestOpenAIServer;
  let settings: Settings;
  let health: EndpointHealth;
  let pipeline: CompletionPipeline;
  /** The pipeline's clock (ms), moved by the tests. */
  let clock: number;

  before(async () => {
    server = await TestOpenAIServer.start({ llamacpp: true });
  });
  after(() => server.stop());
  beforeEach(async () => {
    server.reset();
    settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: server.url, model: 'qwen2.5-coder-test', timeoutMs: 2000 };
    health = new EndpointHealth();
    const client = new ModelClient({ endpoint: server.url });
    await client.probe(settings.model);
    server.reset();
    clock = 1_000_000;
    pipeline = new CompletionPipeline({
      now: () => clock,
      context: new ContextEngine({ relativePath: () => 'area.ts', repoName: 'w' }),
      cache: new CompletionCache(),
      filter: new ConsistencyFilter(),
      health,
      client: () => client,
      log: nullLogger,
    });
  });

  it('prime (file opened or focused) parses and analyses locally and sends nothing', async () => {
    const offset = TEXT.indexOf('return');
    pipeline.prime(openAt(offset), settings);
    // A document the grammar cannot make sense of is primed without an exception too.
    pipeline.prime(requestAt('\u0000\u0001{{{((( \uFFFD'.repeat(200), 10, { uri: 'file:///w/odd.ts' }), settings);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.warmupRequests.length + server.completionRequests.length, 0, 'priming is local');
    assert.equal(server.requests.length, 0);
  });

  it('sends one non-streamed request with the prompt of the position, n_predict 0 and cache_prompt true', async () => {
    server.respond({ text: '' });
    const offset = TEXT.indexOf('return');
    assert.equal(await pipeline.warmup(openAt(offset), settings), true);
    // The test server lists warm-ups apart from completion requests (they generate nothing).
    assert.equal(server.warmupRequests.length, 1);
    assert.equal(server.completionRequests.length, 0);
    const body = server.warmupRequests[0].body;
    assert.equal(body.n_predict, 0);
    assert.equal(body.cache_prompt, true);
    assert.notEqual(body.stream, true);
    assert.equal(body.model, 'qwen2.5-coder-test');
    // The same prompt a completion at that position would send: the server's cache then holds its prefix.
    assert.ok(server.warmupRequests[0].prompt.includes(TEXT.slice(0, offset)), 'the prompt holds the text before the cursor');
  });

  it('sends nothing to a server where a warm-up would generate: an OpenAI-compatible server, a hosted API', async () => {
    const plain = await TestOpenAIServer.start({ models: ['qwen2.5-coder-test'] });
    try {
      const client = new ModelClient({ endpoint: plain.url });
      assert.equal((await client.probe(settings.model)).kind, 'openai-compatible');
      plain.reset();
      const p = new CompletionPipeline({
        context: new ContextEngine({ relativePath: () => 'area.ts', repoName: 'w' }),
        cache: new CompletionCache(),
        filter: new ConsistencyFilter(),
        health: new EndpointHealth(),
        client: () => client,
        log: nullLogger,
      });
      assert.equal(await p.warmup(openAt(10), { ...settings, endpoint: plain.url }), false);
      assert.equal(plain.requests.length, 0);
    } finally {
      await plain.stop();
    }
  });

  it('sends nothing while the endpoint is unhealthy', async () => {
    health.failure({ kind: 'unreachable', message: 'cannot connect' });
    assert.notEqual(health.current.kind, 'healthy');
    assert.equal(await pipeline.warmup(openAt(10), settings), false);
    assert.equal(server.requests.length, 0);
  });

  it('sends nothing without an endpoint', async () => {
    assert.equal(await pipeline.warmup(openAt(10), { ...settings, endpoint: '' }), false);
    assert.equal(server.requests.length, 0);
  });

  it('a failing warm-up does not count against the endpoint', async () => {
    server.fault({ kind: 'status', status: 500 });
    assert.equal(await pipeline.warmup(openAt(10), settings), false);
    assert.equal(server.warmupRequests.length, 1);
    assert.equal(health.current.kind, 'healthy');
  });

  it('warms each document at most once a minute, however often it is focused', async () => {
    server.respond({ text: '' });
    const other: CompletionRequest = requestAt(TEXT, 10, { uri: 'file:///w/other.ts' });
    // Focused 5 times within the minute: one warm-up.
    for (let i = 0; i < 5; i++) {
      await pipeline.warmup(openAt(10 + i), settings);
      clock += 10_000;
    }
    assert.equal(server.warmupRequests.length, 1);
    // Another document has its own minute.
    assert.equal(await pipeline.warmup(other, settings), true);
    assert.equal(server.warmupRequests.length, 2);
    // A minute after the first one: the first document again, once.
    clock = 1_000_000 + WARMUP_EVERY_MS;
    assert.equal(await pipeline.warmup(openAt(10), settings), true);
    assert.equal(await pipeline.warmup(openAt(10), settings), false);
    assert.equal(server.warmupRequests.length, 3);
    // Closed and opened again: warmed at once.
    pipeline.forgetWarmup(openAt(10).doc.uri);
    assert.equal(await pipeline.warmup(openAt(10), settings), true);
    assert.equal(server.warmupRequests.length, 4);
    for (const r of server.warmupRequests) {
      assert.equal(r.body.n_predict, 0);
      assert.equal(r.body.cache_prompt, true);
    }
    assert.equal(server.completionRequests.length, 0);
  });
});
