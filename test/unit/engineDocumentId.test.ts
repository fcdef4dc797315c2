/**
 * The pipeline names each request's document to the built-in engine, and only to it: over real
 * HTTP, the real engine with the real test model (stories260K) keeps the KV state of two documents
 * typed in turn, each by an opaque id in `x-intent-document`; the test server answering as another
 * OpenAI-compatible server or as llama.cpp gets neither that header nor any extra body field.
 */
import * as assert from 'node:assert/strict';
import { CompletionCache } from '../../src/core/cache/completionCache';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { ModelClient } from '../../src/core/model/client';
import { documentId, ENGINE_DOCUMENT_HEADER } from '../../src/core/model/documentId';
import { EndpointHealth } from '../../src/core/model/health';
import { isLoopback } from '../../src/core/model/server';
import { CompletionPipeline } from '../../src/core/pipeline';
import { nullLogger } from '../../src/core/types';
import { Engine } from '../../src/engine/engine';
import { startServer, type EngineServer } from '../../src/engine/server';
import { TestOpenAIServer } from '../server/openaiServer';
import { testModelFile } from '../shared/testModel';
import { requestAt, until } from './support';

const TOKEN = 'document-id-test-token';
const CONTEXT = 1024;
/** A request that continues its document's previous prompt evaluates at most this many tokens. */
const CONTINUED_MAX_EVALUATED = 12;

const DOC_A = {
  uri: 'file:///home/someone/project/src/garden.ts',
  text: 'Once upon a time, there was a little girl named Lily. She loved to play outside in the garden with her dog.\n',
};
const DOC_B = {
  uri: 'file:///home/someone/project/src/boat.ts',
  text: 'One day, a boy called Tom found a small red boat by the river. He wanted to sail it far away with his friend.\n',
};

function pipelineFor(client: ModelClient): CompletionPipeline {
  return new CompletionPipeline({
    context: new ContextEngine({ relativePath: (req) => req.doc.uri.slice(req.doc.uri.lastIndexOf('/') + 1), repoName: 'w' }),
    // No cache: every position asks the model.
    cache: new CompletionCache({ mode: 'off' }),
    filter: new ConsistencyFilter(),
    health: new EndpointHealth(),
    client: () => client,
    log: nullLogger,
  });
}

const settingsFor = (endpoint: string, model: string): Settings => ({
  ...DEFAULTS,
  languages: { ...DEFAULTS.languages },
  endpoint,
  model,
  maxTokens: 8,
  multiline: 'never',
  timeoutMs: 20_000,
});

/** Two documents typed in turn: A, B, then each a few characters further. */
const TYPING = [
  { doc: DOC_A, offset: 60 },
  { doc: DOC_B, offset: 64 },
  { doc: DOC_A, offset: 68 },
  { doc: DOC_B, offset: 72 },
];

describe('the document id reaches the built-in engine only', function () {
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

  it('the probe knows the engine and its route names documents', async () => {
    const client = new ModelClient({ endpoint: server.url, apiKey: TOKEN });
    const info = await client.probe(engine.info.id);
    assert.equal(info.kind, 'intent-complete');
    assert.equal(info.local, true);
    assert.equal(info.hosted, false);
    assert.deepEqual(info.model, { listed: true, fim: false, chat: false });
    const route = client.route(settingsFor(server.url, engine.info.id));
    assert.equal(route.perDocument, true);
    // No FIM tokens, no chat template: the prefix alone through /v1/completions, and no chat to fall back on.
    assert.deepEqual([route.api, route.template], ['completions', 'plain']);
  });

  it('two documents typed in turn each keep their KV state, named by an opaque id', async () => {
    const client = new ModelClient({ endpoint: server.url, apiKey: TOKEN });
    await client.probe(engine.info.id);
    const pipeline = pipelineFor(client);
    const settings = settingsFor(server.url, engine.info.id);
    const first = engine.records.length;
    for (const [i, step] of TYPING.entries()) {
      const outcome = await pipeline.complete(requestAt(step.doc.text, step.offset, { uri: step.doc.uri, languageId: 'plaintext' }), settings);
      assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
      // An early stop closes the request before the engine has recorded it.
      await until(() => engine.records.length >= first + i + 1, 10_000);
    }
    const [a1, b1, a2, b2] = engine.records.slice(first);
    const seen = JSON.stringify(engine.records.slice(first));
    assert.equal(a1.document, documentId(DOC_A.uri));
    assert.equal(b1.document, documentId(DOC_B.uri));
    assert.match(a1.document, /^[0-9a-f]{32}$/);
    assert.notEqual(a1.document, b1.document);
    assert.equal(a2.document, a1.document);
    assert.equal(b2.document, b1.document);
    assert.ok(!seen.includes('garden') && !seen.includes('someone'), seen);
    // Each document's first request evaluates its prompt; its next one only what was typed since.
    assert.ok(a1.evaluatedTokens >= a1.promptTokens - 1, seen);
    assert.ok(b1.evaluatedTokens >= b1.promptTokens - 1, seen);
    assert.ok(a2.promptTokens > a1.promptTokens && b2.promptTokens > b1.promptTokens, seen);
    assert.ok(a2.evaluatedTokens <= CONTINUED_MAX_EVALUATED, seen);
    assert.ok(b2.evaluatedTokens <= CONTINUED_MAX_EVALUATED, seen);
  });

  for (const kind of ['an OpenAI-compatible server', 'llama.cpp'] as const) {
    it(`${kind} gets no document id: no header, no extra field`, async () => {
      const other = await TestOpenAIServer.start({ models: [engine.info.id], llamacpp: kind === 'llama.cpp', responder: () => ({ text: ' and she' }) });
      try {
        const client = new ModelClient({ endpoint: other.url });
        const info = await client.probe(engine.info.id);
        assert.equal(info.kind, kind === 'llama.cpp' ? 'llamacpp' : 'openai-compatible');
        assert.equal(client.route(settingsFor(other.url, engine.info.id)).perDocument, undefined);
        other.reset();
        const pipeline = pipelineFor(client);
        for (const step of TYPING)
          await pipeline.complete(requestAt(step.doc.text, step.offset, { uri: step.doc.uri, languageId: 'plaintext' }), settingsFor(other.url, engine.info.id));
        assert.equal(other.completionRequests.length, TYPING.length);
        for (const r of other.requests) {
          assert.equal(r.headers[ENGINE_DOCUMENT_HEADER], undefined, r.path);
          for (const field of ['intent_document', 'user']) assert.equal(field in r.body, false, `${r.path}: ${field}`);
          const sent = JSON.stringify({ headers: r.headers, body: r.body });
          for (const d of [DOC_A, DOC_B]) {
            assert.ok(!sent.includes(d.uri) && !sent.includes(documentId(d.uri)), `${r.path} carries the document's identity`);
          }
        }
      } finally {
        await other.stop();
      }
    });
  }

  it('only an engine on this machine is taken for ours', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '[::1]']) assert.equal(isLoopback(host), true, host);
    for (const host of ['192.168.1.5', '10.0.0.2', 'example.com', 'box.local']) assert.equal(isLoopback(host), false, host);
  });
});
