/**
 * The model client's transport (src/core/model/nodeFetch.ts: node:http with keep-alive under the
 * `openai` package) against the real test server: the same answers as Node's built-in fetch,
 * connections reused, cancellation and deadlines as before.
 */
import * as assert from 'node:assert/strict';
import { ModelClient } from '../../src/core/model/client';
import { earlyStopRule } from '../../src/core/model/earlyStop';
import { createNodeFetch } from '../../src/core/model/nodeFetch';
import type { BuiltPrompt } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { until } from './support';

const prompt: BuiltPrompt = { prompt: '<|fim_prefix|>const x = <|fim_suffix|>\n<|fim_middle|>', stop: ['<|endoftext|>'], prefix: 'const x = ', suffixText: '\n', snippets: [], template: 'qwen', multiline: false };
const opts = { model: 'test-model', api: 'completions' as const, maxTokens: 32, timeoutMs: 2000 };

describe('model client transport (node:http, keep-alive)', () => {
  let server: TestOpenAIServer;
  before(async () => {
    server = await TestOpenAIServer.start();
  });
  after(() => server.stop());
  beforeEach(() => server.reset());

  it('gives the same answers as the built-in fetch: streamed, whole, chat, several choices, model list', async () => {
    const ours = new ModelClient({ endpoint: server.url });
    const builtin = new ModelClient({ endpoint: server.url, builtinFetch: true });
    for (const c of [ours, builtin]) {
      server.respond({ text: 'compute(1);\nnext();', chunkChars: 3 });
      const streamed = await c.generate(prompt, opts);
      const whole = await c.generate(prompt, { ...opts, stream: false });
      const chat = await c.generate(prompt, { ...opts, api: 'chat' });
      server.respond({ text: ['a();', 'b();'] });
      const two = await c.generate(prompt, { ...opts, n: 2 });
      const models = await c.listModels(2000);
      assert.ok(streamed.ok && whole.ok && chat.ok && two.ok && models.ok);
      assert.equal(streamed.candidates[0].text, 'compute(1);\nnext();');
      assert.equal(whole.candidates[0].text, 'compute(1);\nnext();');
      assert.equal(chat.candidates[0].text, 'compute(1);\nnext();');
      assert.deepEqual(two.candidates.map((x) => x.text), ['a();', 'b();']);
      assert.ok(models.models.length > 0);
    }
    const bodies = server.completionRequests.map((r) => JSON.stringify(r.body));
    assert.deepEqual(bodies.slice(0, 4), bodies.slice(4), 'both transports send the same bodies');
  });

  it('reuses one connection for requests one after the other', async () => {
    const c = new ModelClient({ endpoint: server.url });
    const before = server.connectionsAccepted;
    server.respond({ text: 'done();' });
    for (let i = 0; i < 4; i++) assert.ok((await c.generate(prompt, opts)).ok);
    assert.ok((await c.listModels(2000)).ok);
    assert.equal(server.connectionsAccepted - before, 1);
  });

  it('an early stop closes the stream at the server, and the next request still works', async () => {
    const c = new ModelClient({ endpoint: server.url });
    server.respond({ text: 'first();\nsecond();\nthird();', chunkChars: 2, chunkDelayMs: 30 });
    const r = await c.generate(prompt, { ...opts, shouldStop: earlyStopRule({ multiline: false, maxLines: 4, lineBefore: 'const x = ' }) });
    assert.ok(r.ok);
    assert.equal(r.candidates[0].finishReason, 'early-stop');
    assert.ok(r.candidates[0].text.startsWith('first();\n') && !r.candidates[0].text.includes('second();'), r.candidates[0].text);
    await until(() => server.completionRequests[0].aborted);
    server.respond({ text: 'again();' });
    const next = await c.generate(prompt, opts);
    assert.ok(next.ok);
    assert.equal(next.candidates[0].text, 'again();');
  });

  it('a hung server ends at the deadline as a timeout; a cancelled request as cancelled', async () => {
    const c = new ModelClient({ endpoint: server.url });
    server.fault({ kind: 'hang' });
    const t0 = Date.now();
    const hung = await c.generate(prompt, { ...opts, timeoutMs: 300 });
    assert.ok(!hung.ok);
    assert.equal(hung.error.kind, 'timeout');
    assert.ok(Date.now() - t0 < 1500);
    server.fault(undefined);
    server.respond({ text: 'late();', delayMs: 2000 });
    const ctl = new AbortController();
    const p = c.generate(prompt, { ...opts, timeoutMs: 5000, signal: ctl.signal });
    await until(() => server.completionRequests.length === 2);
    ctl.abort();
    const r = await p;
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'cancelled');
    await until(() => server.completionRequests[1].aborted);
  });

  it('fetch itself: a refused connection rejects with the socket error as cause; an aborted signal rejects as AbortError', async () => {
    const f = createNodeFetch();
    const down = await TestOpenAIServer.start();
    const url = down.url;
    await down.stop();
    await assert.rejects(f(`${url}/models`), (e: Error & { cause?: { code?: string } }) => e instanceof TypeError && e.cause?.code === 'ECONNREFUSED');
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(f(`${server.url}/models`, { signal: ctl.signal }), (e: Error) => e.name === 'AbortError');
    const ok = await f(`${server.url}/models`);
    assert.equal(ok.status, 200);
    assert.ok(Array.isArray(((await ok.json()) as { data: unknown[] }).data));
    f.destroy();
  });
});
