/**
 * False drops of the replay evaluation: a correct proposal the consistency filter altered is listed
 * with the filter's reason; correct proposals it kept are not. Through the real pipeline against
 * the real HTTP test server, which answers every hole with its true continuation. The repository
 * has a global declared only in a file `.aiignore` keeps out of the index (so out of the filter's
 * knowledge) and named once in the sampled file: its true line is a correct proposal the filter drops.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runEval } from '../../src/cli/eval';
import { normalizeSettings } from '../../src/core/config';
import { evaluateRepository, type EvalRun } from '../../src/core/stats/evaluate';
import { falseDropOf } from '../../src/core/stats/falseDrops';
import { evalHtml, reportMarkdown, wrapText } from '../../src/core/stats/render';
import { aggregate } from '../../src/core/stats/aggregate';
import { EvaluationStore } from '../../src/core/stats/store';
import { TestOpenAIServer, type RecordedRequest } from '../server/openaiServer';

const MODEL = 'qwen2.5-coder-test';
const GLOBAL = 'formatGadgetCaption';

const FILES: Record<string, string> = {
  'src/gadget.ts': [
    'export function gadgetArea(width: number, height: number): number {',
    '  const area = width * height;',
    '  return area + 1;',
    '}',
    '',
    'export function gadgetCaption(size: number): string {',
    '  const scaled = gadgetArea(size, 2);',
    `  return ${GLOBAL}(scaled, 'wide');`,
    '}',
    '',
    'export function gadgetTitle(name: string): string {',
    '  const caption = gadgetCaption(name.length);',
    '  return name.toUpperCase() + caption;',
    '}',
    '',
  ].join('\n'),
  // A script global, kept out of prompts and of the index by the person's .aiignore.
  'legacy/captions.js': `function ${GLOBAL}(n, style) {\n  return style + ':' + n;\n}\n`,
  '.aiignore': 'legacy/\n',
};

function makeRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-falsedrops-'));
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** The true rest of the line at the hole a Qwen FIM prompt was built for. */
function truthOf(req: RecordedRequest): string {
  const p = req.prompt;
  const pre = p.lastIndexOf('<|fim_prefix|>');
  const suf = p.indexOf('<|fim_suffix|>', pre);
  assert.ok(pre >= 0 && suf > pre, `not a Qwen FIM prompt: ${p.slice(0, 80)}`);
  const prefix = p.slice(pre + '<|fim_prefix|>'.length, suf);
  const text = FILES['src/gadget.ts'];
  assert.ok(text.startsWith(prefix), 'the prompt prefix is not the start of the file');
  return text.slice(prefix.length, text.indexOf('\n', prefix.length));
}

describe('stats/falseDrops (real pipeline, real HTTP test server)', function () {
  this.timeout(30000);
  let server: TestOpenAIServer;
  let repo: string;
  let run: EvalRun;

  before(async () => {
    server = await TestOpenAIServer.start({ models: [MODEL] });
    repo = makeRepo();
    server.respond((req) => ({ text: truthOf(req) }));
    const settings = normalizeSettings({ endpoint: server.url, model: MODEL }).settings;
    run = await evaluateRepository({ root: repo, settings, holes: 50, seed: 5, includeText: true });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('lists each correct proposal naming the unindexed global, with the unknown name, and no other', () => {
    const naming = run.holes.filter((h) => h.groundTruth!.includes(GLOBAL));
    const others = run.holes.filter((h) => !h.groundTruth!.includes(GLOBAL));
    assert.ok(naming.length >= 1 && others.length >= 1, `holes: ${JSON.stringify(run.holes.map((h) => [h.line, h.groundTruth]))}`);
    // Every proposal was the true continuation.
    assert.equal(run.counts.correctBefore, run.summary.holes);
    const drops = run.falseDrops ?? [];
    assert.deepEqual(drops.map((d) => d.line).sort(), naming.map((h) => h.line + 1).sort());
    for (const d of drops) {
      const h = naming.find((x) => x.line + 1 === d.line)!;
      assert.equal(d.file, 'src/gadget.ts');
      assert.equal(d.character, h.character + 1);
      assert.equal(d.proposal, h.groundTruth);
      assert.equal(d.shown, h.shown);
      assert.equal(d.verdict, 'drop');
      assert.deepEqual(d.unknown, [GLOBAL]);
      assert.equal(d.reason, `unknown: ${GLOBAL}`);
    }
    // The correct proposals the filter kept are not listed, and the count agrees with correctKept.
    for (const h of others) assert.equal(h.exactMatch, true, `line ${h.line} was not kept: ${h.shown}`);
    assert.equal(drops.length, run.counts.correctBefore - run.counts.correctKept);
  });

  it('CLI: the human output has the section with its count and reasons; --json carries falseDrops', async () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }) as unknown as NodeJS.WriteStream;
    const args = ['--repo', repo, '--endpoint', server.url, '--model', MODEL, '--holes', '50', '--seed', '5'];
    assert.equal(await runEval(args, sink, sink), 0);
    const text = chunks.join('');
    const n = run.falseDrops!.length;
    assert.match(text, new RegExp(`Correct proposals the filter altered \\(false drops\\): ${n} of ${run.counts.correctBefore} correct`));
    for (const d of run.falseDrops!) {
      assert.ok(text.includes(`src/gadget.ts:${d.line}:${d.character}  drop: unknown: ${GLOBAL}`), text);
      assert.ok(text.includes(`proposal: ${JSON.stringify(d.proposal)}`), text);
    }
    chunks.length = 0;
    assert.equal(await runEval([...args, '--json'], sink, sink), 0);
    const out = JSON.parse(chunks.join('').trim()) as { falseDrops: Record<string, unknown>[]; exactMatch: number };
    assert.equal(out.falseDrops.length, n);
    for (const d of out.falseDrops) {
      for (const k of ['file', 'line', 'character', 'proposal', 'shown', 'verdict', 'reason']) assert.ok(k in d, `falseDrops entry lacks ${k}`);
      assert.equal(d.reason, `unknown: ${GLOBAL}`);
    }
  });

  it('Markdown and the HTML page list them whole; the stored run keeps their code text only with recordCode', async () => {
    const md = reportMarkdown(aggregate([], {}), [run]);
    assert.match(md, /### Correct proposals the filter altered \(false drops\)/);
    for (const d of run.falseDrops!) assert.ok(md.includes(`| ${MODEL} | src/gadget.ts:${d.line}:${d.character} | drop | unknown: ${GLOBAL} |`), md);
    const page = evalHtml([run]);
    assert.match(page, /<table class="drops">/);
    assert.match(page, /table\.drops td \{[^}]*white-space: pre-wrap; overflow-wrap: anywhere;/);
    assert.ok(!page.includes('…'), 'the page cuts a label');
    for (const d of run.falseDrops!) assert.ok(page.includes(`unknown: ${GLOBAL}`) && page.includes(`src/gadget.ts:${d.line}:${d.character}`));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-falsedrops-store-'));
    try {
      let recordCode = false;
      const store = new EvaluationStore(dir, 10, () => recordCode);
      // Per-hole texts are kept only when asked for (includeText); the command does not.
      const asRecorded = { ...run, holes: [] };
      await store.add(asRecorded);
      recordCode = true;
      await store.add({ ...asRecorded, at: run.at + 1 });
      const [redacted, full] = await store.all();
      assert.ok(redacted.falseDrops!.length > 0);
      for (const d of redacted.falseDrops!) {
        assert.equal(d.proposal, undefined);
        assert.equal(d.shown, undefined);
        assert.equal(d.reason, `unknown: ${GLOBAL}`);
      }
      assert.ok(
        !fs
          .readFileSync(path.join(dir, 'evaluations.json'), 'utf8')
          .split(`"at":${run.at + 1}`)[0]
          .includes(`${GLOBAL}(scaled`),
        'code text stored with recordCode off',
      );
      assert.deepEqual(full.falseDrops, run.falseDrops);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stats/falseDrops (pure)', () => {
  const hole = { file: 'a.ts', line: 3, character: 4 };
  const filter = { verdict: 'truncate' as const, shown: 'x', unknown: [], cleanups: ['stop-word'] };

  it('a correct proposal still correct after the filter is no false drop; one made incorrect is, with the clean-up rule', () => {
    assert.equal(falseDropOf({ hole, proposal: 'x', shown: 'x', filter, correctBefore: true, correctAfter: true }), undefined);
    assert.equal(falseDropOf({ hole, proposal: 'y', shown: 'x', filter, correctBefore: false, correctAfter: false }), undefined);
    assert.deepEqual(falseDropOf({ hole, proposal: 'x(1);', shown: 'x', filter, correctBefore: true, correctAfter: false }), {
      file: 'a.ts',
      line: 4,
      character: 5,
      proposal: 'x(1);',
      shown: 'x',
      verdict: 'truncate',
      reason: 'clean-up: stop-word',
      unknown: [],
    });
  });

  it('wrapText never cuts: every line fits, and the lines put together are the text', () => {
    const width = (s: string) => s.length * 7;
    const texts = ['Unknown names before filter', 'packages/some-very-long-folder-name/src/deeply/nested/fileWithALongName.ts:120:4', 'x'.repeat(80), 'short'];
    for (const t of texts) {
      const lines = wrapText(t, 100, width);
      for (const l of lines) assert.ok(width(l) <= 100, `${JSON.stringify(l)} is wider than 100`);
      assert.equal(lines.join('').replace(/\s/g, ''), t.replace(/\s/g, ''));
    }
    assert.deepEqual(wrapText('short', 100, width), ['short']);
  });
});
