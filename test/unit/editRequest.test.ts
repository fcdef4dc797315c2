import * as assert from 'node:assert/strict';
import { editBudget } from '../../src/core/edit/budget';
import { buildEditPrompt } from '../../src/core/edit/prompt';
import { requestEdit } from '../../src/core/edit/request';
import { ModelClient } from '../../src/core/model/client';
import { TestOpenAIServer } from '../server/openaiServer';

describe('edit/request (real HTTP test server)', () => {
  let server: TestOpenAIServer;
  let client: ModelClient;
  const text = 'function add(a, b) {\n  return a + b;\n}\n';
  const range = { start: text.indexOf('  return'), end: text.indexOf(';\n') + 1 };
  const original = text.slice(range.start, range.end);
  const prompt = buildEditPrompt({ languageId: 'javascript', path: 'a.js', text, range, instruction: 'subtract', budget: editBudget(2048, original.length) });
  const opts = { model: 'edit-model', timeoutMs: 3000, maxTokens: 256 };

  before(async () => {
    server = await TestOpenAIServer.start();
    client = new ModelClient({ endpoint: server.url });
  });
  after(() => server.stop());
  beforeEach(() => server.reset());

  it('calls /v1/chat/completions, streamed, with the edit model and messages; strips fences', async () => {
    server.enqueue({ text: 'Here you go:\n```js\n  return a - b;\n```\nDone.', chunkChars: 3 });
    const partials: string[] = [];
    const r = await requestEdit(client, prompt, original, { ...opts, onPartial: (t) => partials.push(t) });
    assert.equal(r.ok, true, JSON.stringify(r));
    if (r.ok) assert.equal(r.proposal, '  return a - b;');
    const req = server.completionRequests[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.body.model, 'edit-model');
    assert.equal(req.stream, true);
    assert.match(req.prompt, /Instruction: subtract/);
    assert.ok(partials.length > 3, 'streamed in pieces');
  });

  it('one clear message for endpoint errors, and for an empty or unchanged answer', async () => {
    server.enqueue({ text: '', fault: { kind: 'status', status: 500 } });
    const e500 = await requestEdit(client, prompt, original, opts);
    assert.equal(e500.ok, false);
    if (!e500.ok) assert.match(e500.message, /edit failed: HTTP 500/);
    server.enqueue({ text: '```\n```' });
    const empty = await requestEdit(client, prompt, original, opts);
    assert.ok(!empty.ok && empty.error.kind === 'empty');
    server.enqueue({ text: original });
    const same = await requestEdit(client, prompt, original, opts);
    assert.ok(!same.ok && same.error.kind === 'unchanged');
    await server.down();
    const down = await requestEdit(client, prompt, original, opts);
    await server.up();
    assert.ok(!down.ok && down.error.kind === 'unreachable');
    if (!down.ok) assert.match(down.message, /intentComplete\.endpoint/);
  });

  it('stops at its own deadline and on cancel, closing the connection', async () => {
    server.enqueue({ text: 'x', fault: { kind: 'hang' } });
    const t = await requestEdit(client, prompt, original, { ...opts, timeoutMs: 300 });
    assert.ok(!t.ok && t.error.kind === 'timeout');
    if (!t.ok) assert.match(t.message, /editTimeoutMs/);
    server.enqueue({ text: '  return a - b;', chunkChars: 1, chunkDelayMs: 50 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const c = await requestEdit(client, prompt, original, { ...opts, signal: ac.signal });
    assert.ok(!c.ok && c.error.kind === 'cancelled');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.inFlight, 0);
  });
});
