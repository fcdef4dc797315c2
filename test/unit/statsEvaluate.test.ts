/**
 * Replay evaluation through the real pipeline against the real HTTP test server: an endpoint that
 * answers each hole with its true line, and one that renames a function, score what they imply.
 * Also the CLI (`intent-complete eval --json`) end to end, and the rotated event store.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runEval } from '../../src/cli/eval';
import { normalizeSettings } from '../../src/core/config';
import { evaluateRepository } from '../../src/core/stats/evaluate';
import { EvaluationStore, EventStore, latestPerModel } from '../../src/core/stats/store';
import { TestOpenAIServer, type RecordedRequest } from '../server/openaiServer';
import { MATH_TS } from '../shared/mathSource';

function makeRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-eval-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'math.ts'), MATH_TS);
  // Not sampled (a test file), and never a source of names for the hole's own file.
  fs.mkdirSync(path.join(dir, 'test'));
  fs.writeFileSync(path.join(dir, 'test', 'math.test.ts'), 'expect(addNumbers(1, 2)).toBe(3);\n');
  return dir;
}

/**
 * The removed text of the hole a FIM prompt was built for: the prompt's prefix and suffix
 * (Qwen sentinels) located in the original file.
 */
function truthOf(req: RecordedRequest): string {
  const p = req.prompt;
  const pre = p.lastIndexOf('<|fim_prefix|>');
  const suf = p.indexOf('<|fim_suffix|>', pre);
  const mid = p.indexOf('<|fim_middle|>', suf);
  assert.ok(pre >= 0 && suf > pre && mid > suf, `not a Qwen FIM prompt: ${p.slice(0, 80)}`);
  const prefix = p.slice(pre + '<|fim_prefix|>'.length, suf);
  const suffix = p.slice(suf + '<|fim_suffix|>'.length, mid);
  assert.ok(MATH_TS.startsWith(prefix), 'the prompt prefix is not the start of the file');
  const end = MATH_TS.indexOf('\n', prefix.length);
  assert.ok(MATH_TS.slice(end).startsWith(suffix.slice(0, 40)), 'the prompt suffix does not follow the hole line');
  return MATH_TS.slice(prefix.length, end);
}

const settingsFor = (endpoint: string) => normalizeSettings({ endpoint, model: 'qwen2.5-coder-test' }).settings;

describe('stats/evaluate (real pipeline, real HTTP test server)', function () {
  this.timeout(30000);
  let server: TestOpenAIServer;
  let repo: string;

  before(async () => {
    server = await TestOpenAIServer.start({ models: ['qwen2.5-coder-test'] });
    repo = makeRepo();
  });
  after(async () => {
    await server.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  it('an endpoint that returns the true line scores exact match 1.0', async () => {
    server.respond((req) => ({ text: truthOf(req) }));
    const progress: number[] = [];
    const run = await evaluateRepository({ root: repo, settings: settingsFor(server.url), holes: 50, seed: 3, includeText: true, onProgress: (d) => progress.push(d) });
    const s = run.summary;
    assert.equal(s.holes, 7);
    assert.equal(server.completionRequests.length, 7);
    assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(s.exactMatch, 1);
    assert.equal(s.editSimilarity, 1);
    assert.equal(s.idExactMatch, 1);
    assert.equal(s.idF1, 1);
    assert.equal(s.unknownNameRateBefore, 0);
    assert.equal(s.unknownNameRateAfter, 0);
    assert.equal(s.correctKeptRate, 1);
    // Correct proposals the filter kept are no false drops.
    assert.deepEqual(run.falseDrops, []);
    assert.equal(s.model, 'qwen2.5-coder-test');
    assert.ok(s.latencyMs.p50 !== null && s.latencyMs.p95 !== null && s.latencyMs.p50 <= s.latencyMs.p95);
    // The hole document, never the file on disk: no prompt contains its own removed line.
    for (const h of run.holes) assert.equal(h.groundTruth, h.shown);
    for (const req of server.completionRequests) {
      // Every line of the fixture is unique, so the removed line appears nowhere in an honest prompt.
      const truth = truthOf(req);
      assert.ok(!req.prompt.includes(truth), `prompt leaked the ground truth ${truth}`);
    }
  });

  it('an endpoint that renames addNumbers scores the unknown-name rates and metrics it implies', async () => {
    server.respond((req) => ({ text: truthOf(req).replace(/addNumbers/g, 'addNumberz') }));
    const run = await evaluateRepository({ root: repo, settings: settingsFor(server.url), holes: 50, seed: 3, includeText: true });
    const s = run.summary;
    assert.equal(s.holes, 7);
    // Lines 5 and 8 call addNumberz, which exists nowhere: 2 of 7 proposals; the filter drops both.
    // Line 0 declares addNumberz itself, so it names nothing unknown (and is kept, but wrong).
    assert.equal(s.unknownNameRateBefore, Math.round((2 / 7) * 1e4) / 1e4);
    assert.equal(s.unknownNameRateAfter, 0);
    assert.deepEqual(run.counts, { proposed: 7, shown: 5, unknownBefore: 2, unknownAfter: 0, correctBefore: 4, correctKept: 4, errors: {} });
    const dropped = run.holes
      .filter((h) => h.verdict === 'drop')
      .map((h) => h.line)
      .sort();
    assert.deepEqual(dropped, [5, 8]);
    assert.equal(s.exactMatch, Math.round((4 / 7) * 1e4) / 1e4);
    assert.equal(s.idExactMatch, Math.round((4 / 7) * 1e4) / 1e4);
    // Line 0: identifiers {addNumberz, a, b} vs {addNumbers, a, b} → F1 4/6; dropped lines 0.
    assert.equal(s.idF1, Math.round(((4 + 4 / 6) / 7) * 1e4) / 1e4);
    // Line 0 differs by one character of L: ES (L−1)/L.
    const L = MATH_TS.split('\n')[0].length;
    assert.equal(s.editSimilarity, Math.round(((4 + (L - 1) / L) / 7) * 1e4) / 1e4);
    assert.equal(s.correctKeptRate, 1);
  });

  it('errors are counted per hole, not thrown', async () => {
    server.fault({ kind: 'status', status: 500 });
    const run = await evaluateRepository({ root: repo, settings: settingsFor(server.url), holes: 3, seed: 1 });
    assert.equal(run.summary.holes, 3);
    assert.equal(run.summary.exactMatch, 0);
    assert.equal(run.summary.unknownNameRateBefore, null);
    assert.equal(run.summary.correctKeptRate, null);
    const errs = Object.entries(run.counts.errors);
    assert.ok(errs.length > 0 && errs.reduce((n, [, v]) => n + v, 0) === 3, JSON.stringify(run.counts.errors));
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    server.respond((req) => ({ text: truthOf(req) }));
    const run = await evaluateRepository({
      root: repo,
      settings: settingsFor(server.url),
      holes: 7,
      seed: 1,
      signal: controller.signal,
      onProgress: (d) => d === 2 && controller.abort(),
    });
    assert.equal(run.cancelled, true);
    assert.equal(run.summary.holes, 2);
  });

  it('CLI: `eval --json` prints exactly the summary keys and falseDrops; --html writes a page with charts', async () => {
    server.respond((req) => ({ text: truthOf(req) }));
    const chunks: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }) as unknown as NodeJS.WriteStream;
    const html = path.join(repo, '..', `${path.basename(repo)}.html`);
    const code = await runEval(
      ['--repo', repo, '--endpoint', server.url, '--model', 'qwen2.5-coder-test', '--api', 'completions', '--holes', '4', '--seed', '9', '--json', '--html', html],
      sink,
      sink,
    );
    assert.equal(code, 0);
    const out = JSON.parse(chunks.join('').trim()) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(out).sort(),
      [
        'correctKeptRate',
        'editSimilarity',
        'exactMatch',
        'falseDrops',
        'holes',
        'idExactMatch',
        'idF1',
        'latencyMs',
        'model',
        'unknownNameRateAfter',
        'unknownNameRateBefore',
      ].sort(),
    );
    assert.equal(out.holes, 4);
    assert.equal(out.exactMatch, 1);
    assert.deepEqual(out.falseDrops, []);
    assert.deepEqual(Object.keys(out.latencyMs as object).sort(), ['p50', 'p95']);
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /<svg[^>]*role="img"/);
    assert.match(page, /qwen2\.5-coder-test/);
    fs.rmSync(html, { force: true });
    const bad = await runEval(['--repo', repo, '--model', 'x'], sink, sink);
    assert.equal(bad, 2);
  });
});

describe('stats/store', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ev = (i: number, text?: string) => ({
    type: 'suggestion' as const,
    at: 1_700_000_000_000 + i,
    id: `s${i}`,
    language: 'typescript',
    model: 'M',
    source: 'model' as const,
    verdict: 'keep' as const,
    unknown: [],
    shownChars: 3,
    latency: { debounce: 0, context: 1, model: 2, filter: 0, total: 3 },
    text,
  });

  it('appends JSON Lines, strips code text unless recording is on, and reads back in order', async () => {
    let recordCode = false;
    const store = new EventStore({ dir, recordCode: () => recordCode });
    store.append(ev(1, 'secret()'));
    recordCode = true;
    store.append(ev(2, 'kept()'));
    await store.flush();
    const lines = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(!lines[0].includes('secret'));
    const back = await store.readAll();
    assert.deepEqual(
      back.map((e) => e.type === 'suggestion' && [e.id, e.text]),
      [
        ['s1', undefined],
        ['s2', 'kept()'],
      ],
    );
    fs.appendFileSync(path.join(dir, 'events.jsonl'), 'not json\n{"type":"suggestion"}\n');
    assert.equal((await store.readAll()).length, 2);
  });

  it('rotates past the size limit and keeps at most maxFiles files', async () => {
    const store = new EventStore({ dir, maxFileBytes: 600, maxFiles: 3 });
    for (let i = 0; i < 40; i++) {
      store.append(ev(i));
      await store.flush();
    }
    const files = fs.readdirSync(dir).sort();
    assert.deepEqual(files, ['events.1.jsonl', 'events.2.jsonl', 'events.jsonl']);
    for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= 600, `${f} is over the limit`);
    const back = await store.readAll();
    // The newest events survive, in order, ending with the last one written.
    assert.ok(back.length > 0 && back.length < 40);
    const ids = back.map((e) => Number((e as { id: string }).id.slice(1)));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(ids.at(-1), 39);
    assert.equal(ids.length, 40 - ids[0]);
    await store.clear();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('keeps evaluation runs and picks the latest per model', async () => {
    const store = new EvaluationStore(dir, 3);
    const run = (model: string, at: number, em: number) => ({
      at,
      repo: 'r',
      endpoint: 'http://x',
      seed: 1,
      requested: 1,
      cancelled: false,
      summary: {
        exactMatch: em,
        editSimilarity: 0,
        idExactMatch: 0,
        idF1: 0,
        unknownNameRateBefore: null,
        unknownNameRateAfter: null,
        correctKeptRate: null,
        latencyMs: { p50: null, p95: null },
        holes: 1,
        model,
      },
      counts: { proposed: 0, shown: 0, unknownBefore: 0, unknownAfter: 0, correctBefore: 0, correctKept: 0, errors: {} },
      holes: [],
    });
    await store.add(run('a', 1, 0.1));
    await store.add(run('b', 2, 0.2));
    await store.add(run('a', 3, 0.3));
    await store.add(run('b', 4, 0.4));
    const all = await store.all();
    assert.equal(all.length, 3);
    assert.deepEqual(
      latestPerModel(all).map((r) => [r.summary.model, r.summary.exactMatch]),
      [
        ['a', 0.3],
        ['b', 0.4],
      ],
    );
  });
});
