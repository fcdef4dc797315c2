import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as os from 'node:os';
import { Engine } from '../../src/engine/engine';
import { startServer, type EngineServer } from '../../src/engine/server';
import { testModelFile } from '../shared/testModel';

const TOKEN = 'test-token-0123456789';
const CONTEXT = 512;

interface Answer {
  status: number;
  body: string;
}

function request(url: string, o: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = o.body === undefined ? undefined : JSON.stringify(o.body);
    const auth: Record<string, string> = o.token === null ? {} : { authorization: `Bearer ${o.token ?? TOKEN}` };
    const req = http.request(url, { method: o.method ?? (data ? 'POST' : 'GET'), headers: { 'content-type': 'application/json', ...auth, ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const complete = async (server: EngineServer, body: Record<string, unknown>) => {
  const a = await request(`${server.url}/completions`, { body: { max_tokens: 12, temperature: 0, ...body } });
  assert.equal(a.status, 200, a.body);
  return JSON.parse(a.body) as {
    choices: { text: string; finish_reason: string }[];
    usage: { prompt_tokens: number };
    intent: { evaluated_tokens: number; dropped_tokens: number; prompt_tokens: number; firstTokenMs: number };
  };
};

const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends.';

describe('engine: a real GGUF model behind the OpenAI-compatible API', function () {
  this.timeout(60_000);
  let engine: Engine;
  let server: EngineServer;

  before(async () => {
    engine = await Engine.load({ modelFile: testModelFile(), threads: 1, contextSize: CONTEXT });
    server = await startServer(engine, TOKEN);
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
  });

  it('loads the model: its name, context, no FIM tokens and no chat template', async () => {
    assert.equal(engine.info.id, 'stories260K');
    assert.equal(engine.info.fim, false);
    assert.equal(engine.info.chat, false);
    assert.ok(engine.info.contextSize >= CONTEXT);
    const models = JSON.parse((await request(`${server.url}/models`)).body);
    assert.equal(models.data[0].id, 'stories260K');
    assert.equal((await request(server.url.replace(/\/v1$/, '/health'))).status, 200);
  });

  it('refuses every route without the bearer token or with a wrong one (401)', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      assert.equal((await request(`${server.url}/models`, { token })).status, 401);
      assert.equal((await request(`${server.url}/completions`, { token, body: { prompt: 'x' } })).status, 401);
      assert.equal((await request(server.url.replace(/\/v1$/, '/health'), { token })).status, 401);
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!other) return; // no other interface on this machine: nothing else could reach it
    await assert.rejects(request(`http://${other.address}:${server.port}/v1/models`), /ECONNREFUSED/);
  });

  it('completes a prompt, stopping at a stop string', async () => {
    const a = await complete(server, { prompt: 'Once upon a time', max_tokens: 30, stop: ['.'] });
    assert.ok(a.choices[0].text.length > 0);
    assert.ok(!a.choices[0].text.includes('.'));
    assert.equal(a.choices[0].finish_reason, 'stop');
  });

  it('streams the answer as server-sent events, ending with the figures and [DONE]', async () => {
    const a = await request(`${server.url}/completions`, { body: { prompt: 'Once upon a time', max_tokens: 20, temperature: 0, stream: true } });
    const events = a.body.split('\n\n').filter(Boolean);
    assert.equal(events[events.length - 1], 'data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
    assert.ok(chunks.length > 3, 'several chunks');
    const text = chunks.map((c) => c.choices[0].text).join('');
    const whole = await complete(server, { prompt: 'Once upon a time', max_tokens: 20 });
    assert.equal(text, whole.choices[0].text, 'the streamed text is the whole answer');
    const last = chunks[chunks.length - 1];
    assert.equal(last.choices[0].finish_reason, 'length');
    assert.equal(last.usage.completion_tokens, 20);
    assert.ok(last.intent.promptEvalMs >= 0 && last.intent.firstTokenMs >= last.intent.promptEvalMs);
  });

  it('stops generating as soon as the client closes the request', async () => {
    const maxTokens = CONTEXT - 100;
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${server.url}/completions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.end(JSON.stringify({ prompt: STORY, max_tokens: maxTokens, temperature: 0, stream: true, intent_document: 'abort' }));
    });
    // The engine records the request when it has stopped.
    const until = Date.now() + 10_000;
    while (!engine.records.some((r) => r.document === 'abort') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const rec = engine.records.find((r) => r.document === 'abort')!;
    assert.equal(rec.finishReason, 'aborted');
    assert.ok(rec.generatedTokens < maxTokens / 2, `generated ${rec.generatedTokens} of ${maxTokens}`);
    // The document's sequence is free again.
    assert.ok((await complete(server, { prompt: STORY, intent_document: 'abort' })).choices[0].text.length > 0);
  });

  it('an abort during a long prompt evaluation stops it at the next piece, and the next request goes on from there', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `${STORY} Day ${i}.`).join(' ');
    const abort = new AbortController();
    const input = { document: 'abort-eval', prompt: long, maxTokens: 8, temperature: 0, stop: [] };
    const pending = engine.complete(input, () => undefined, abort.signal);
    setTimeout(() => abort.abort(), 1);
    const r = await pending;
    assert.equal(r.figures.finishReason, 'aborted');
    assert.equal(r.figures.generatedTokens, 0);
    assert.ok(r.figures.evaluatedTokens < r.figures.promptTokens, JSON.stringify(r.figures));
    const next = await engine.complete(input, () => undefined);
    assert.equal(next.figures.reusedTokens, r.figures.evaluatedTokens, 'what was evaluated before the abort is kept');
    assert.equal(next.figures.reusedTokens + next.figures.evaluatedTokens, next.figures.promptTokens);
  });

  it('reuses the KV state of a document: a prompt extending the previous one evaluates only the new tokens', async () => {
    // Prompts no other test sends: a document new to the engine shares at most the BOS token with the sequence it takes.
    const a = `Tom had a red ball. ${STORY}`;
    const first = await complete(server, { prompt: a, intent_document: 'kv-a' });
    assert.ok(first.intent.evaluated_tokens >= first.intent.prompt_tokens - 1, JSON.stringify(first.intent));
    const second = await complete(server, { prompt: `${a} One day, she`, intent_document: 'kv-a' });
    assert.ok(second.intent.prompt_tokens > first.intent.prompt_tokens);
    assert.ok(second.intent.evaluated_tokens <= second.intent.prompt_tokens - first.intent.prompt_tokens + 1, JSON.stringify(second.intent));
    // Another document has a sequence of its own; the first keeps its state meanwhile.
    const other = await complete(server, { prompt: `Ben liked to run. ${STORY}`, intent_document: 'kv-b' });
    assert.ok(other.intent.evaluated_tokens >= other.intent.prompt_tokens - 1, JSON.stringify(other.intent));
    const third = await complete(server, { prompt: `${a} One day, she went`, intent_document: 'kv-a' });
    assert.ok(third.intent.evaluated_tokens < 10, JSON.stringify(third.intent));
    // The same answer as another sequence gives the same prompt (temperature 0): reuse changes the cost, not the text.
    const fresh = await complete(server, { prompt: `${a} One day, she went`, intent_document: 'kv-fresh' });
    assert.equal(third.choices[0].text, fresh.choices[0].text);
  });

  it('the document may also be named by the x-intent-document header or the user field', async () => {
    for (const via of [{ headers: { 'x-intent-document': 'hdr' } }, { body: { user: 'usr' } }]) {
      const send = (prompt: string) => request(`${server.url}/completions`, { headers: via.headers, body: { prompt, max_tokens: 4, temperature: 0, ...via.body } });
      await send(STORY);
      const b = JSON.parse((await send(`${STORY} Lily`)).body);
      assert.ok(b.intent.evaluated_tokens < 5, JSON.stringify(b.intent));
    }
  });

  it('a model without FIM tokens completes the prefix only: the suffix is left out', async () => {
    const withSuffix = await complete(server, { prompt: STORY, suffix: ' The end.', intent_document: 'fim-1' });
    const prefixOnly = await complete(server, { prompt: STORY, intent_document: 'fim-2' });
    assert.equal(withSuffix.intent.prompt_tokens, prefixOnly.intent.prompt_tokens);
    assert.equal(withSuffix.choices[0].text, prefixOnly.choices[0].text);
  });

  it('fits a prompt longer than the context, keeping its end, and still reuses the KV state as it grows', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `${STORY} Day ${i}.`).join(' ');
    const a = await complete(server, { prompt: long, intent_document: 'long' });
    assert.ok(a.intent.dropped_tokens > 0);
    assert.ok(a.intent.prompt_tokens <= engine.info.contextSize - 12);
    assert.ok(a.choices[0].text.length > 0);
    const b = await complete(server, { prompt: `${long} She`, intent_document: 'long' });
    assert.ok(b.intent.evaluated_tokens < b.intent.prompt_tokens / 4, JSON.stringify(b.intent));
  });

  it('answers chat completions with 400 when the model has no chat template', async () => {
    const a = await request(`${server.url}/chat/completions`, { body: { messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(a.status, 400);
    assert.match(a.body, /no chat template/);
  });

  it('rejects bad bodies with 400, never crashing', async () => {
    assert.equal((await request(`${server.url}/completions`, { body: { prompt: 42 } })).status, 400);
    assert.equal((await request(`${server.url}/completions`, { body: [1] })).status, 400);
  });

  it('with reuse off, every request evaluates its whole prompt', async () => {
    const plain = await Engine.load({ modelFile: testModelFile(), threads: 1, contextSize: 256, reuse: false });
    try {
      const input = { document: 'd', maxTokens: 4, temperature: 0, stop: [] };
      const one = await plain.complete({ ...input, prompt: STORY }, () => undefined);
      const two = await plain.complete({ ...input, prompt: `${STORY} Lily` }, () => undefined);
      assert.equal(one.figures.evaluatedTokens, one.figures.promptTokens);
      assert.equal(two.figures.evaluatedTokens, two.figures.promptTokens);
    } finally {
      await plain.dispose();
    }
  });
});
