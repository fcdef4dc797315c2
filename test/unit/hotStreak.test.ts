/**
 * Hot streak over real HTTP: a single-line answer is shown at the end of its first line while the
 * stream goes on for a line or two (under a time and character budget); those lines wait in the
 * cache at the positions the person reaches by accepting or typing through, and come with no request.
 */
import * as assert from 'node:assert/strict';
import { CompletionCache, type CacheMode } from '../../src/core/cache/completionCache';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { ModelClient } from '../../src/core/model/client';
import { EndpointHealth } from '../../src/core/model/health';
import { FOLLOW_UP_BUDGET, followUps, generateDecided } from '../../src/core/model/hotStreak';
import { CompletionPipeline } from '../../src/core/pipeline';
import { RequestScheduler } from '../../src/core/schedule/scheduler';
import { nullLogger, type CompletionRequest } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { requestAt, until } from './support';

const BEFORE = 'function total(items: number[]): number {\n  let sum = 0;\n  for (const item of items) sum += item;\n  ';
const AFTER = '\n}\n';
const LINE1 = 'const doubled = sum * 2;';
const LINE2 = '  const tripled = doubled + sum;';
const LINE3 = '  return tripled;';
const REPLY = `${LINE1}\n${LINE2}\n${LINE3}\n}\n\nexport function other() {\n`;

function req(typed: string, explicit = false): CompletionRequest {
  return requestAt(BEFORE + typed + AFTER, BEFORE.length + typed.length, { uri: 'file:///w/total.ts', version: typed.length, explicit });
}

describe('hot streak: follow-up lines from the same stream', function () {
  this.timeout(20000);
  let server: TestOpenAIServer;
  let settings: Settings;
  let scheduler: RequestScheduler;
  let pipeline: CompletionPipeline;

  before(async () => {
    server = await TestOpenAIServer.start();
  });
  after(() => server.stop());

  function setup(mode: CacheMode = 'typed-ahead'): void {
    server.reset();
    settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: server.url, model: 'qwen2.5-coder-test', timeoutMs: 3000, multiline: 'never' };
    const client = new ModelClient({ endpoint: server.url });
    pipeline = new CompletionPipeline({
      context: new ContextEngine({ relativePath: () => 'total.ts', repoName: 'w' }),
      cache: new CompletionCache({ mode }),
      filter: new ConsistencyFilter(),
      health: new EndpointHealth(),
      client: () => client,
      log: nullLogger,
    });
    scheduler = new RequestScheduler(pipeline);
  }
  afterEach(() => scheduler.dispose());

  const ask = (typed: string, explicit = false, signal = new AbortController().signal) => scheduler.request(req(typed, explicit), settings, signal);

  it('after accepting line 1, line 2 and then line 3 come from the cache with no request', async () => {
    setup();
    server.respond({ text: REPLY, delayMs: 20 });
    const first = await ask('', true);
    assert.equal(first?.via, 'model');
    assert.equal(first?.outcome.text, LINE1);
    await until(() => scheduler.inflightCount === 0);
    // Tab: the cursor is at the end of line 1; the next line shows there.
    const atEnd = await ask(LINE1);
    assert.equal(atEnd?.via, 'cache');
    assert.equal(atEnd?.outcome.text, `\n${LINE2}`);
    // Or the person pressed Enter (auto-indent): the rest of line 2.
    const afterEnter = await ask(`${LINE1}\n  `);
    assert.equal(afterEnter?.via, 'cache');
    assert.equal(afterEnter?.outcome.text, LINE2.trimStart());
    const line3 = await ask(`${LINE1}\n${LINE2}\n  `);
    assert.equal(line3?.via, 'cache');
    assert.equal(line3?.outcome.text, LINE3.trimStart());
    assert.equal(server.completionRequests.length, 1, 'the follow-up lines must not ask the model');
    assert.equal(server.inFlight, 0);
  });

  it('shows the first line at its end, before the rest of the stream has arrived', async () => {
    setup();
    // 6 characters every 30 ms: line 1 is complete after 5 chunks, the next two lines need ~9 more;
    // the stream also stops just after line 1 until the first answer is checked.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.respond({ text: REPLY, chunkChars: 6, chunkDelayMs: 30, hold: { afterChars: LINE1.length + 2, until: gate } });
    const t0 = Date.now();
    const first = await ask('', true);
    const tookMs = Date.now() - t0;
    assert.equal(first?.outcome.text, LINE1);
    const rec = server.completionRequests[0];
    assert.equal(rec.finished || rec.aborted, false, 'the answer must not wait for the follow-up lines');
    assert.ok(scheduler.inflightCount === 1, 'the stream is still read for the follow-ups');
    release();
    await until(() => scheduler.inflightCount === 0);
    assert.ok(Date.now() - t0 > tookMs + 100, 'the tail took longer than the first line');
    // Two follow-up lines, then the stream is closed: the reply's later lines were never read.
    await until(() => rec.finished || rec.aborted);
    assert.equal(rec.aborted, true, 'the stream is closed once the follow-up budget is spent');
    assert.equal((await ask(LINE1))?.outcome.text, `\n${LINE2}`);
    assert.equal(server.completionRequests.length, 1);
  });

  it('a decided answer reaches its consumer before the rest of an already-arrived stream is read', async () => {
    setup();
    // The whole reply at once, in small SSE events: all of it is in the client's buffers when line 1 is decided.
    server.respond({ text: REPLY, chunkChars: 2 });
    const client = new ModelClient({ endpoint: server.url });
    let partial = '';
    const prompt = new ContextEngine({ relativePath: () => 'total.ts', repoName: 'w' }).build(req(''), settings);
    const stream = generateDecided(client, prompt, {
      model: 'qwen2.5-coder-test',
      api: 'completions',
      maxTokens: 64,
      timeoutMs: 3000,
      onPartial: (t) => (partial = t),
      decide: (t) => t.includes('\n'),
      tail: { ...FOLLOW_UP_BUDGET, ms: 2000 },
    });
    const decided = await stream.decided;
    // The answer's way to the screen is a chain of awaits (pipeline, scheduler, provider).
    for (let i = 0; i < 40; i++) await Promise.resolve();
    const seen = partial.length;
    assert.ok(decided.ok);
    assert.ok(seen <= LINE1.length + 3, `the tail was read on before the consumer ran: ${seen} characters seen (line 1 is ${LINE1.length})`);
    const closed = await stream.closed;
    assert.ok(closed.text.startsWith(`${LINE1}\n${LINE2}`), closed.text);
  });

  it('the tail is closed at its time budget, keeping only the lines complete by then', async () => {
    setup();
    // Line 1 quickly, then a long wait before each piece: line 2 completes within the budget, line 3 never.
    const slow = `${LINE1}\n${LINE2}\n`;
    server.respond({ text: [slow + LINE3 + '\n'].join(''), chunkChars: slow.length, chunkDelayMs: FOLLOW_UP_BUDGET.ms + 400 });
    const t0 = Date.now();
    const first = await ask('', true);
    assert.equal(first?.outcome.text, LINE1);
    await until(() => scheduler.inflightCount === 0);
    const closedAfter = Date.now() - t0;
    assert.ok(closedAfter < FOLLOW_UP_BUDGET.ms + 350, `closed after ${closedAfter} ms`);
    await until(() => server.completionRequests[0].aborted);
    assert.equal((await ask(LINE1))?.outcome.text, `\n${LINE2}`);
    // Line 3 never arrived: at the end of line 2 there is nothing cached, so the model is asked.
    server.respond({ text: `${LINE3}\n`, delayMs: 10 });
    const third = await ask(`${LINE1}\n${LINE2}`, true);
    assert.equal(third?.via, 'model');
    assert.equal(server.completionRequests.length, 2);
  });

  it('a keystroke while the tail streams waits for the follow-up instead of asking again', async () => {
    setup();
    // The stream stops a few characters into line 2 until the test lets it go on, so line 2 is
    // certainly still streaming when the next keystroke comes (no race with the machine's load).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.respond({ text: REPLY, chunkChars: 4, chunkDelayMs: 5, hold: { afterChars: LINE1.length + 6, until: gate } });
    const e1 = new AbortController();
    const first = await ask('', true, e1.signal);
    assert.equal(first?.outcome.text, LINE1);
    e1.abort();
    // Accepted with Tab and pressed Enter right away: line 2 is still streaming.
    const pending = ask(`${LINE1}\n  `);
    release();
    const next = await pending;
    assert.equal(next?.via, 'inflight');
    assert.equal(next?.outcome.text, LINE2.trimStart());
    assert.equal(server.completionRequests.length, 1);
  });

  it('typing something else aborts the tail', async () => {
    setup();
    server.respond({ text: REPLY, chunkChars: 4, chunkDelayMs: 40 });
    const e1 = new AbortController();
    const first = await ask('', true, e1.signal);
    assert.equal(first?.outcome.text, LINE1);
    e1.abort();
    server.respond({ text: 'sum;\n', delayMs: 10 });
    const other = await ask('return ');
    assert.equal(other?.via, 'model');
    await until(() => server.completionRequests[0].aborted);
    await until(() => scheduler.inflightCount === 0);
    assert.equal(server.inFlight, 0);
  });

  it('a one-shot caller (no stream hook: evaluation, CLI) closes the stream at the decision', async () => {
    setup();
    server.respond({ text: REPLY, chunkChars: 6, chunkDelayMs: 30 });
    const out = await pipeline.complete(req('', true), settings);
    assert.equal(out.text, LINE1);
    const decidedAt = Date.now();
    const rec = server.completionRequests[0];
    await until(() => rec.aborted || rec.finished);
    assert.ok(Date.now() - decidedAt < 120, `closed ${Date.now() - decidedAt} ms after the answer (the tail takes ~270 ms)`);
    assert.equal(pipeline.cached(req(LINE1), settings), undefined, 'no follow-up was read');
  });

  it('an exact-key cache (the fixedDebounce baseline) keeps no follow-ups: the next line needs a request', async () => {
    setup('exact');
    server.respond({ text: REPLY, delayMs: 20 });
    const first = await ask('', true);
    assert.equal(first?.outcome.text, LINE1);
    await until(() => scheduler.inflightCount === 0);
    const e = new AbortController();
    const p = ask(LINE1, false, e.signal);
    await until(() => server.completionRequests.length === 2);
    e.abort();
    await p;
  });
});

describe('hot streak: follow-ups of a streamed answer', () => {
  it('single line: the next non-blank lines, each at the end of the one before; blank lines ride along', () => {
    assert.deepEqual(followUps('a();\n  b();\n\n  c();\n  d', false, false), [
      { consumed: 'a();', completion: '\n  b();' },
      { consumed: 'a();\n  b();', completion: '\n\n  c();' },
    ]);
  });
  it('an unfinished last line is not a follow-up; a finished one is', () => {
    assert.deepEqual(followUps('a();\n  b(', false, false), []);
    assert.deepEqual(followUps('a();\n  b()', true, false), [{ consumed: 'a();', completion: '\n  b()' }]);
  });
  it('a reply that starts on the next line (request at a line end) keeps its first line whole', () => {
    assert.deepEqual(followUps('\n  a();\n  b();\n', false, false), [{ consumed: '\n  a();', completion: '\n  b();' }]);
  });
  it('multi-line: at each line end, the rest of the block', () => {
    assert.deepEqual(followUps('if (x) {\n  y();\n}\n', true, true), [
      { consumed: 'if (x) {', completion: '\n  y();\n}\n' },
      { consumed: 'if (x) {\n  y();', completion: '\n}\n' },
    ]);
  });
});
