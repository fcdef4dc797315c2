/**
 * The quality report inside a real VS Code: events recorded from real provider calls (a shown
 * and accepted suggestion with its retained characters, a dismissed one), persisted, aggregated
 * and drawn by the report webview; the workspace evaluation against the scripted test endpoint
 * yields the figures the script implies; export and reset.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QualityEvent } from '../../src/core/stats/events';
import type { EvalRun } from '../../src/core/stats/evaluate';
import { pct } from '../../src/core/stats/render';
import { TestOpenAIServer, type RecordedRequest } from '../server/openaiServer';
import { api, closeAll, openDoc, resetSettings, setSettings, sleep, triggerAndAccept, waitFor } from './helpers';
import { MATH_TS } from '../shared/mathSource';

const MODEL = 'qwen2.5-coder-test';
const EVAL_DIR = 'ic-report-eval';

/** A file whose line 3 calls a function declared nowhere: its true line is a correct proposal the filter drops. */
const GLOBAL = 'formatGadgetCaption';
const GADGET_TS = ['export function gadgetCaption(size: number): string {', '  const scaled = size * 2;', `  return ${GLOBAL}(scaled, 'wide');`, '}', ''].join('\n');
const FALSE_DROP_DIR = 'ic-report-falsedrops';

/** The line the hole of a Qwen FIM prompt removed from MATH_TS (or from GADGET_TS). */
function truthOf(req: RecordedRequest): string {
  const p = req.prompt;
  const pre = p.lastIndexOf('<|fim_prefix|>');
  const suf = p.indexOf('<|fim_suffix|>', pre);
  const prefix = p.slice(pre + '<|fim_prefix|>'.length, suf);
  const suffix = p.slice(suf + '<|fim_suffix|>'.length, p.indexOf('<|fim_middle|>', suf));
  // The file that starts with the prefix and goes on, after the hole's line, with the suffix.
  const text = [MATH_TS, GADGET_TS].find((t) => t.startsWith(prefix) && t.slice(t.indexOf('\n', prefix.length)).startsWith(suffix.slice(0, 40)));
  if (!text) return '';
  return text.slice(prefix.length, text.indexOf('\n', prefix.length));
}

function since(events: readonly QualityEvent[], n: number): QualityEvent[] {
  return events.slice(n);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))]);
}

describe('quality report (real VS Code, test endpoint)', function () {
  this.timeout(150000);
  let server: TestOpenAIServer;

  before(async () => {
    server = await TestOpenAIServer.start({ models: [MODEL] });
    const a = await api();
    assert.equal(await a.report.reset(false), true);
  });
  after(async () => {
    (await api()).report.panel.dispose();
    await resetSettings(['endpoint', 'model', 'timeoutMs']);
    await server.stop();
  });
  beforeEach(() => server.reset());
  afterEach(closeAll);

  it('records a shown, accepted and partly kept suggestion, and a dismissed one, from real provider calls', async () => {
    const a = await api();
    // Shorter than 30 s / 2 min, with room for a busy machine between the accept and the edit below.
    a.report.tracker.checkpointsMs = [6000, 9000];
    const n0 = a.quality.all().length;
    server.respond({ text: 'a + b;' });
    // A generous deadline: the figures under test are counts, not speed, and the machine may be busy.
    await setSettings({ endpoint: server.url, model: MODEL, timeoutMs: 20000 });
    const editor = await openDoc('function add(a: number, b: number) {\n  return ', 'typescript');
    const after = await triggerAndAccept(editor, 20000);
    assert.equal(after, 'function add(a: number, b: number) {\n  return a + b;');
    const accepted = await waitFor(() => since(a.quality.all(), n0).find((e) => e.type === 'accepted'), 5000, 'the accepted event');
    assert.equal(accepted.type === 'accepted' && accepted.chars, 6);
    const shown = since(a.quality.all(), n0).find((e) => e.type === 'suggestion' && e.id === accepted.id);
    assert.ok(shown && shown.type === 'suggestion', 'the accepted id names no recorded suggestion');
    assert.equal(shown.shownChars, 6);
    assert.equal(shown.language, 'typescript');
    assert.equal(shown.model, MODEL);
    assert.equal(shown.verdict, 'keep');
    assert.equal(shown.text, undefined, 'code text recorded although intentComplete.recordCode is off');
    assert.ok(shown.latency.model > 0 && shown.latency.total >= shown.latency.model);
    // The person deletes "b;" right away: 4 of the 6 accepted characters stay.
    const doc = editor.document;
    const end = doc.positionAt(doc.getText().length);
    assert.ok(await editor.edit((e) => e.delete(new vscode.Range(end.translate(0, -2), end))));
    const retained = await waitFor(
      () => {
        const r = since(a.quality.all(), n0).filter((e) => e.type === 'retained' && e.id === accepted.id);
        return r.length >= 2 && r;
      },
      20000,
      'two retention checkpoints',
    );
    assert.deepEqual(
      retained.map((e) => e.type === 'retained' && [e.afterMs, e.chars, e.acceptedChars]),
      [
        [6000, 4, 6],
        [9000, 4, 6],
      ],
    );

    // A second suggestion, shown and then typed over.
    server.respond({ text: 'a * b;' });
    const editor2 = await openDoc('function mul(a: number, b: number) {\n  return ', 'typescript');
    const n1 = a.quality.all().length;
    const shown2 = await waitFor(
      async () => {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(200);
        return since(a.quality.all(), n1).find((e) => e.type === 'suggestion' && e.shownChars > 0);
      },
      20000,
      'a second shown suggestion',
    );
    const pos = editor2.selection.active;
    assert.ok(await editor2.edit((e) => e.insert(pos, '0;')));
    // Re-triggering may have shown the same text again under a newer id: any of them is the one on screen.
    const ids = new Set(since(a.quality.all(), n1).flatMap((e) => (e.type === 'suggestion' && e.shownChars > 0 ? [e.id] : [])));
    assert.ok(shown2.type === 'suggestion' && ids.has(shown2.id));
    const dismissed = await waitFor(() => since(a.quality.all(), n1).find((e) => e.type === 'dismissed' && ids.has(e.id)), 5000, 'the dismissal');
    assert.equal(dismissed.type === 'dismissed' && dismissed.reason, 'typed-over');
    await vscode.commands.executeCommand('editor.action.inlineSuggest.hide');

    // Persisted in global storage, and aggregated from there.
    await a.report.store.flush();
    const files = a.report.store.files();
    assert.ok(files.length >= 1 && files.every((f) => f.startsWith(a.report.store.dir)));
    const lines = files.map((f) => fs.readFileSync(f, 'utf8')).join('');
    assert.ok(lines.includes(`"id":"${accepted.id}"`), 'the accepted suggestion is not in the stored log');
    const rep = await a.report.report();
    assert.ok(rep.overall.accepted >= 1);
    assert.ok(rep.overall.dismissed >= 1);
    assert.ok(rep.overall.shown >= 2);
    const r6 = rep.overall.retention.find((r) => r.afterMs === 6000);
    assert.deepEqual(r6 && [r6.retainedChars, r6.acceptedChars], [4, 6]);
    assert.ok(rep.byLanguage.typescript && rep.byModel[MODEL]);
  });

  it('the report webview opens and draws the recorded figures', async () => {
    const a = await api();
    const rep = await a.report.report();
    const rendered = a.report.panel.rendered();
    await vscode.commands.executeCommand('intentComplete.showReport');
    const r = await withTimeout(rendered, 20000, 'the webview to render');
    assert.equal(r.figures.acceptanceRate, pct(rep.overall.acceptanceRate));
    assert.equal(r.figures.accepted, String(rep.overall.accepted));
    assert.equal(r.figures.dismissed, String(rep.overall.dismissed));
    assert.equal(r.figures.retained30s, '–', 'no 30 s checkpoint was measured in this run');
    assert.equal(r.figures['language:typescript:acceptanceRate'], pct(rep.byLanguage.typescript.acceptanceRate));
    assert.ok(r.charts >= 5, `only ${r.charts} charts drawn`);
    assert.deepEqual(r.overflowing, [], 'a label of the report is cut or overflows its box');
  });

  it('the workspace evaluation scores the true-line endpoint 1.0 and the renaming one what it implies', async () => {
    const a = await api();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened no workspace folder');
    const dir = path.join(folder.uri.fsPath, EVAL_DIR);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'math.ts'), MATH_TS);
    try {
      await setSettings({ endpoint: server.url, model: MODEL, timeoutMs: 20000 });
      server.respond((req) => ({ text: truthOf(req) }));
      const truthRun = await vscode.commands.executeCommand<{ summary: Record<string, unknown> } | undefined>('intentComplete.evaluateWorkspace', {
        holes: 50,
        seed: 3,
        under: EVAL_DIR,
        quiet: true,
      });
      assert.ok(truthRun, 'the evaluation did not run');
      assert.equal(truthRun.summary.holes, 7);
      assert.equal(truthRun.summary.exactMatch, 1);
      assert.equal(truthRun.summary.idF1, 1);
      assert.equal(truthRun.summary.unknownNameRateBefore, 0);
      assert.equal(truthRun.summary.correctKeptRate, 1);
      assert.equal(server.completionRequests.length, 7);

      // Same holes, another "model": renames addNumbers → 2 of 7 proposals name an unknown function.
      server.respond((req) => ({ text: truthOf(req).replace(/addNumbers/g, 'addNumberz') }));
      await setSettings({ model: 'renamer-qwen2.5-coder' });
      const renameRun = await vscode.commands.executeCommand<{ summary: Record<string, unknown> } | undefined>('intentComplete.evaluateWorkspace', {
        holes: 50,
        seed: 3,
        under: EVAL_DIR,
        quiet: true,
      });
      assert.ok(renameRun);
      assert.equal(renameRun.summary.unknownNameRateBefore, Math.round((2 / 7) * 1e4) / 1e4);
      assert.equal(renameRun.summary.unknownNameRateAfter, 0);
      assert.equal(renameRun.summary.exactMatch, Math.round((4 / 7) * 1e4) / 1e4);
      assert.equal(renameRun.summary.correctKeptRate, 1);

      // Both models side by side in the report.
      const data = await a.report.data();
      assert.deepEqual(data.evals.map((e) => e.summary.model).sort(), [MODEL, 'renamer-qwen2.5-coder'].sort());
      const rendered = a.report.panel.rendered();
      await a.report.panel.show();
      const r = await withTimeout(rendered, 20000, 'the webview to render the evaluation');
      assert.equal(r.figures[`eval:${MODEL}:exactMatch`], '1.0000');
      assert.equal(r.figures['eval:renamer-qwen2.5-coder:unknownNameRateBefore'], (2 / 7).toFixed(4));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the correct proposal the filter dropped, with its reason, and cuts no label', async () => {
    const a = await api();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened no workspace folder');
    const dir = path.join(folder.uri.fsPath, FALSE_DROP_DIR);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'gadget.ts'), GADGET_TS);
    try {
      await setSettings({ endpoint: server.url, model: MODEL, timeoutMs: 20000 });
      server.respond((req) => ({ text: truthOf(req) }));
      const run = await vscode.commands.executeCommand<EvalRun | undefined>('intentComplete.evaluateWorkspace', { holes: 50, seed: 5, under: FALSE_DROP_DIR, quiet: true });
      assert.ok(run && run.falseDrops, 'the evaluation did not run');
      // Every proposal is the true rest of its line; those that name the global are the false drops.
      const lines = GADGET_TS.split('\n');
      const naming = run.holes.filter((h) => lines[h.line].slice(h.character).includes(GLOBAL));
      assert.ok(naming.length === 1, `holes: ${JSON.stringify(run.holes.map((h) => [h.line, h.character]))}`);
      assert.equal(run.counts.correctBefore, run.summary.holes);
      const h = naming[0];
      const place = `${FALSE_DROP_DIR}/gadget.ts:${h.line + 1}:${h.character + 1}`;
      assert.deepEqual(
        run.falseDrops.map((d) => [`${d.file}:${d.line}:${d.character}`, d.verdict, d.reason, d.proposal, d.shown]),
        [[place, 'drop', `unknown: ${GLOBAL}`, lines[h.line].slice(h.character), '']],
      );
      // Stored without its code text (recordCode is off); the report of this session shows it.
      const stored = fs.readFileSync(path.join(a.report.store.dir, 'evaluations.json'), 'utf8');
      assert.ok(!stored.includes(`${GLOBAL}(scaled`), 'the proposal was stored although intentComplete.recordCode is off');
      const rendered = a.report.panel.rendered();
      await a.report.panel.show();
      const r = await withTimeout(rendered, 20000, 'the webview to render the false drops');
      assert.equal(r.figures[`eval:${MODEL}:falseDrops`], `1 of ${run.counts.correctBefore} correct`);
      assert.equal(r.figures[`eval:${MODEL}:falseDrop:0`], `${place} drop: unknown: ${GLOBAL}`);
      // Every label whole: chart labels within their room and not ellipsized, no text overflowing its box.
      assert.deepEqual(r.overflowing, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports Markdown and JSON, and reset empties the figures', async () => {
    const a = await api();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-report-export-'));
    try {
      const md = vscode.Uri.file(path.join(tmp, 'q.md'));
      const json = vscode.Uri.file(path.join(tmp, 'q.json'));
      await vscode.commands.executeCommand('intentComplete.exportReport', 'md', md);
      await vscode.commands.executeCommand('intentComplete.exportReport', 'json', json);
      const text = fs.readFileSync(md.fsPath, 'utf8');
      assert.match(text, /^# Intent Complete: completion quality/);
      assert.match(text, /\| Acceptance rate \| \d+\.\d% \|/);
      assert.match(text, /renamer-qwen2\.5-coder/);
      const parsed = JSON.parse(fs.readFileSync(json.fsPath, 'utf8')) as { report: { overall: { accepted: number } }; evaluations: unknown[] };
      assert.ok(parsed.report.overall.accepted >= 1);
      assert.equal(parsed.evaluations.length, 2);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    await vscode.commands.executeCommand('intentComplete.resetStats', false);
    const rep = await a.report.report();
    assert.equal(rep.events, 0);
    assert.equal((await a.report.data()).evals.length, 0);
    assert.deepEqual(a.report.store.files(), []);
  });
});
