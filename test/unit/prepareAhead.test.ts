/**
 * Local work done ahead of a request (issue 3, client overhead): while the scheduler's debounce
 * waits, the context engine parses the document and ranks the related context for that exact
 * position (ContextEngine.prepare via CompletionPipeline.prepare), so the request itself only
 * assembles the prompt. Real parses of a fixture workspace, real HTTP to the test server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompletionCache } from '../../src/core/cache/completionCache';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { indexWorkspace } from '../../src/core/workspace/indexer';
import { SymbolIndex } from '../../src/core/workspace/symbolIndex';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { ModelClient } from '../../src/core/model/client';
import { EndpointHealth } from '../../src/core/model/health';
import { CompletionPipeline } from '../../src/core/pipeline';
import { PREPARE_LEAD_MS, RequestScheduler, type SchedulePolicy } from '../../src/core/schedule/scheduler';
import { preloadAll } from '../../src/core/lang/parser';
import { nullLogger, type CompletionRequest } from '../../src/core/types';
import { TestOpenAIServer } from '../server/openaiServer';
import { requestAt, until } from './support';

const SHOP = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'context', 'ts-shop');
const REL = 'src/services/cart.ts';

/**
 * The index, with a count of its method calls (what the related ranking asks it: declarations,
 * types, outlines, imports), leaving out `file` (a map lookup the sticky prompt layout makes to
 * see whether a shown piece's file changed).
 */
function counted(index: SymbolIndex): { index: SymbolIndex; calls: () => number } {
  let n = 0;
  const proxy = new Proxy(index, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || prop === 'file') return typeof v === 'function' ? v.bind(target) : v;
      return (...args: unknown[]) => {
        n++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { index: proxy, calls: () => n };
}

function engine(index: SymbolIndex): ContextEngine {
  return new ContextEngine({ relativePath: () => REL, repoName: 'ts-shop', index });
}

describe('prepare ahead (context work during the debounce wait)', function () {
  this.timeout(60000);
  let index: SymbolIndex;
  let text: string;
  const settings: Settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, model: 'qwen2.5-coder-test' };
  /** The cart file cut at the end of line `line`, a new statement started there. */
  const at = (line: number, typed: string, version = 1): CompletionRequest => {
    const lines = text.split('\n');
    const offset = lines.slice(0, line + 1).join('\n').length;
    const doc = text.slice(0, offset) + '\n  ' + typed + text.slice(offset);
    return requestAt(doc, offset + 3 + typed.length, { uri: `file://${SHOP}/${REL}`, fsPath: path.join(SHOP, REL), version });
  };

  before(async () => {
    await preloadAll();
    index = new SymbolIndex({ root: SHOP });
    await indexWorkspace(index, SHOP);
    text = fs.readFileSync(path.join(SHOP, REL), 'utf8');
  });

  it('leaves the prompt as it would have been: same prompts, in order, with and without preparing', () => {
    const plain = engine(index);
    const ahead = engine(index);
    const lines = text.split('\n').length;
    const steps = [at(2, 'const'), at(2, 'const total = '), at(Math.floor(lines / 2), 'return '), at(lines - 3, 'this.')];
    for (const [i, r] of steps.entries()) {
      // Prepared for a position that was then typed past (never asked), and for the one asked.
      if (i + 1 < steps.length) ahead.prepare(steps[i + 1], settings);
      ahead.prepare(r, settings);
      assert.deepEqual(ahead.build(r, settings), plain.build(r, settings), `step ${i}`);
    }
  });

  it("preview (Edit Selection's context) leaves ghost text's next prompt as it would have been", () => {
    const plain = engine(index);
    const previewed = engine(index);
    const lines = text.split('\n').length;
    const first = at(2, 'const total = ');
    const elsewhere = at(lines - 3, 'this.');
    const next = at(2, 'const total = this');
    assert.deepEqual(previewed.build(first, settings), plain.build(first, settings));
    // An edit asked far away in the same document, while ghost text's request was prepared.
    previewed.prepare(next, settings);
    assert.ok(previewed.preview(elsewhere, settings).snippets.length > 0, 'the preview has related context');
    assert.deepEqual(previewed.build(next, settings), plain.build(next, settings));
    // The preview is the prompt build makes there; a build there instead would have left its layout behind.
    const built = engine(index);
    built.build(first, settings);
    const twin = engine(index);
    twin.build(first, settings);
    assert.deepEqual(built.build(elsewhere, settings), twin.preview(elsewhere, settings));
    const control = engine(index);
    control.build(first, settings);
    assert.notDeepEqual(built.build(next, settings).prompt, control.build(next, settings).prompt, 'a build at the far position changes the next prompt');
  });

  it('after prepare, build at the same position does not rank again (asks the index nothing but file texts)', () => {
    const r = at(4, 'const x = ');
    const cold = counted(index);
    engine(cold.index).build(r, settings);
    assert.ok(cold.calls() > 0, 'a cold build consults the index');
    const warm = counted(index);
    const e = engine(warm.index);
    e.prepare(r, settings);
    const afterPrepare = warm.calls();
    assert.ok(afterPrepare > 0);
    e.build(r, settings);
    assert.equal(warm.calls(), afterPrepare, 'build after prepare re-ranked');
  });

  it('build takes the prompt prepare made for the same request, and makes it again when anything it depends on changed', () => {
    let composed = 0;
    const e = new ContextEngine({ relativePath: () => (composed++, REL), repoName: 'ts-shop', index });
    const r = at(6, 'const y = ');
    e.prepare(r, settings);
    assert.equal(composed, 1);
    const first = e.build(r, settings);
    assert.equal(composed, 1, 'the prepared prompt was taken');
    assert.deepEqual(first, engine(index).build(r, settings));
    // Taken once: the next build of the same request composes (the sticky state it left is new).
    e.build(r, settings);
    assert.equal(composed, 2);
    // Other settings, another position, or the previous prompt's state changed since: made again.
    e.prepare(r, settings);
    e.build(r, { ...settings, contextBudget: 1024 });
    assert.equal(composed, 4);
    e.prepare(at(7, 'return '), settings);
    e.build(r, settings);
    assert.equal(composed, 6);
    const other = engine(index);
    other.prepare(r, settings);
    other.build(at(8, 'x'), settings);
    const p = other.build(r, settings);
    assert.deepEqual(
      p,
      (() => {
        const plain = engine(index);
        plain.build(at(8, 'x'), settings);
        return plain.build(r, settings);
      })(),
      'a prompt prepared before another request went out is not taken after it',
    );
  });

  describe('scheduler, over real HTTP', () => {
    let server: TestOpenAIServer;
    before(async () => {
      server = await TestOpenAIServer.start();
    });
    after(() => server.stop());

    function path_(policy: SchedulePolicy): { scheduler: RequestScheduler; prepared: CompletionRequest[]; sentAtPrepare: number[] } {
      const client = new ModelClient({ endpoint: server.url });
      const pipeline = new CompletionPipeline({
        context: engine(index),
        cache: new CompletionCache(),
        filter: new ConsistencyFilter(),
        health: new EndpointHealth(),
        client: () => client,
        log: nullLogger,
      });
      const prepared: CompletionRequest[] = [];
      const sentAtPrepare: number[] = [];
      const prepare = pipeline.prepare.bind(pipeline);
      pipeline.prepare = (r, s) => {
        prepared.push(r);
        sentAtPrepare.push(server.completionRequests.length);
        prepare(r, s);
      };
      return { scheduler: new RequestScheduler(pipeline, policy), prepared, sentAtPrepare };
    }

    it('prepares the position before its request goes out, and sends the same prompt as without', async () => {
      server.reset();
      server.respond({ text: 'items.length;\n', delayMs: 10 });
      const s = { ...settings, endpoint: server.url, timeoutMs: 2000 };
      const r = at(6, 'const n = ');
      const on = path_({ debounce: 'adaptive', cancel: true, reuseInflight: true, prepareAhead: true });
      const a = await on.scheduler.request(r, s, new AbortController().signal);
      assert.equal(a?.via, 'model');
      assert.deepEqual(on.prepared, [r]);
      assert.deepEqual(on.sentAtPrepare, [0], 'prepared before the request was sent');
      const off = path_({ debounce: 'adaptive', cancel: true, reuseInflight: true, prepareAhead: false });
      const b = await off.scheduler.request(r, s, new AbortController().signal);
      assert.equal(b?.via, 'model');
      assert.equal(off.prepared.length, 0);
      const [p1, p2] = server.completionRequests;
      assert.equal(p1.prompt, p2.prompt);
      assert.deepEqual(p1.body.suffix, p2.body.suffix);
      on.scheduler.dispose();
      off.scheduler.dispose();
    });

    it('does no work for a keystroke superseded before the wait nears its end (mid-word)', async () => {
      server.reset();
      server.respond({ text: 'ngth;\n', delayMs: 10 });
      const s = { ...settings, endpoint: server.url, timeoutMs: 2000 };
      const p = path_({ debounce: 300, cancel: true, reuseInflight: true, prepareAhead: true });
      const e1 = new AbortController();
      const first = p.scheduler.request(at(6, 'const n = items.le', 1), s, e1.signal);
      // The next key comes well before 300 - PREPARE_LEAD_MS.
      await new Promise((res) => setTimeout(res, Math.max(0, 300 - PREPARE_LEAD_MS - 150)));
      e1.abort();
      assert.equal(await first, undefined);
      const second = at(6, 'const n = items.len', 2);
      const done = await p.scheduler.request(second, s, new AbortController().signal);
      assert.equal(done?.via, 'model');
      assert.deepEqual(p.prepared, [second]);
      await until(() => server.completionRequests.length === 1);
      p.scheduler.dispose();
    });
  });
});
