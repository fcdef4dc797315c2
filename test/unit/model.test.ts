/** The model client against the real test server over HTTP: deadline, 429, cancellation, cut stream, early stop. */
import * as assert from 'node:assert/strict';
import { ModelClient } from '../../src/core/model/client';
import { earlyStopRule } from '../../src/core/model/earlyStop';
import type { BuiltPrompt } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { checkCancelAbortsRequest, checkHangEndsAtDeadline, until } from './support';

const prompt: BuiltPrompt = {
  prompt: '<|fim_prefix|>const x = <|fim_suffix|>\n<|fim_middle|>',
  stop: ['<|endoftext|>'],
  prefix: 'const x = ',
  suffixText: '\n',
  snippets: [],
  template: 'qwen',
  multiline: false,
};
const opts = { model: 'test-model', api: 'completions' as const, maxTokens: 32, timeoutMs: 1000 };

describe('model client over real HTTP', () => {
  let server: TestOpenAIServer;
  let client: ModelClient;
  before(async () => {
    server = await TestOpenAIServer.start();
    client = new ModelClient({ endpoint: server.url });
  });
  after(() => server.stop());
  beforeEach(() => server.reset());

  it('streams a completion', async () => {
    server.respond({ text: 'compute(1);', chunkChars: 3 });
    const r = await client.generate(prompt, opts);
    assert.ok(r.ok);
    assert.equal(r.candidates[0].text, 'compute(1);');
    assert.equal(server.completionRequests[0].stream, true);
  });

  it('a hung server ends at the deadline with a timeout, and the connection is closed', () =>
    checkHangEndsAtDeadline(server, (timeoutMs) => client.generate(prompt, { ...opts, timeoutMs })));

  it('429 with Retry-After comes back as rate-limited with the retry time', async () => {
    server.fault({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const before = Date.now();
    const r = await client.generate(prompt, opts);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'rate-limited');
    assert.equal(r.error.status, 429);
    assert.ok(r.error.retryAt !== undefined && r.error.retryAt >= before + 6900 && r.error.retryAt <= Date.now() + 7100);
  });

  it('connection refused is unreachable', async () => {
    const down = await TestOpenAIServer.start();
    const url = down.url;
    await down.stop();
    const r = await new ModelClient({ endpoint: url }).generate(prompt, opts);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'unreachable');
  });

  it('cancellation aborts the HTTP request (the server sees the connection close)', () =>
    checkCancelAbortsRequest(server, (signal) => client.generate(prompt, { ...opts, timeoutMs: 5000, signal })));

  it('a stream cut mid-way gives an error and no half text as a candidate', async () => {
    server.respond({ text: 'abcdefghijklmnopqrstuvwxyz', chunkChars: 2, chunkDelayMs: 5, fault: { kind: 'cutStream', afterChunks: 3 } });
    const r = await client.generate(prompt, opts);
    assert.ok(!r.ok, 'a cut stream must not look like a finished answer');
    assert.notEqual(r.error.kind, 'timeout');
    assert.equal(r.partial, 'abcdef');
  });

  it('early stop closes the stream once the line is complete', async () => {
    server.respond({ text: 'compute(1);\n' + 'more();\n'.repeat(50), chunkChars: 4, chunkDelayMs: 5 });
    const r = await client.generate(prompt, { ...opts, maxTokens: 1000, shouldStop: earlyStopRule({ multiline: false, maxLines: 8, lineBefore: 'const x = ' }) });
    assert.ok(r.ok);
    assert.equal(r.candidates[0].finishReason, 'early-stop');
    assert.ok(r.candidates[0].text.startsWith('compute(1);\n'));
    assert.ok(r.candidates[0].text.length < 40, r.candidates[0].text);
    await until(() => server.completionRequests[0].aborted);
  });

  it('clients sharing one HTTP client each send their own headers', async () => {
    server.respond({ text: '1;\n' });
    const shared = new ModelClient({ endpoint: server.url });
    const a = new ModelClient({ endpoint: server.url, headers: { 'x-bench-session': 'a' }, shareWith: shared });
    const b = new ModelClient({ endpoint: server.url, headers: { 'x-bench-session': 'b' }, shareWith: shared });
    assert.ok((await a.generate(prompt, opts)).ok);
    assert.ok((await b.generate(prompt, opts)).ok);
    assert.ok((await shared.generate(prompt, opts)).ok);
    assert.deepEqual(
      server.completionRequests.map((r) => r.headers['x-bench-session']),
      ['a', 'b', undefined],
    );
  });

  it('warm-up style request sends cache_prompt and n_predict 0 as extra body', async () => {
    server.respond({ text: '' });
    const r = await client.generate(prompt, { ...opts, maxTokens: 1, stream: false, extraBody: { n_predict: 0, cache_prompt: true } });
    assert.ok(r.ok);
    // The test server lists warm-ups (n_predict 0) apart from completion requests.
    assert.equal(server.completionRequests.length, 0);
    assert.equal(server.warmupRequests.length, 1);
    const body = server.warmupRequests[0].body;
    assert.equal(body.n_predict, 0);
    assert.equal(body.cache_prompt, true);
    assert.equal(server.warmupRequests[0].stream, false);
  });
});

describe('deadline held up by our own work', () => {
  it('an answer that arrived in time is read even when the event loop was busy past the deadline', async () => {
    const { TestOpenAIServer } = await import('../server/openaiServer');
    const server = await TestOpenAIServer.start();
    try {
      server.respond({ text: 'done();', delayMs: 50 });
      const client = new ModelClient({ endpoint: server.url });
      const pending = client.generate(
        { prompt: 'x', stop: [], prefix: 'x', suffixText: '', snippets: [], template: 'plain', multiline: false },
        { model: 'm', api: 'completions', maxTokens: 8, timeoutMs: 300 },
      );
      // Busy for twice the deadline while the answer arrives (a huge file being analysed).
      await new Promise((r) => setTimeout(r, 10));
      const until = performance.now() + 600;
      while (performance.now() < until) {
        /* busy */
      }
      const r = await pending;
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.candidates[0].text, 'done();');
      // A server that is really slow still meets the deadline.
      server.respond({ text: 'late();', delayMs: 2000 });
      const slow = await client.generate(
        { prompt: 'y', stop: [], prefix: 'y', suffixText: '', snippets: [], template: 'plain', multiline: false },
        { model: 'm', api: 'completions', maxTokens: 8, timeoutMs: 300 },
      );
      assert.ok(!slow.ok && slow.error.kind === 'timeout', JSON.stringify(slow));
      assert.ok(slow.ms < 1000, `${slow.ms} ms`);
    } finally {
      await server.stop();
    }
  });
});
