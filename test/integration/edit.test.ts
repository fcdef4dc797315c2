/**
 * Edit Selection (Ctrl+I) in a real VS Code extension host against the real OpenAI test server,
 * driven through the commands (no typing): accept / one undo, reject (byte for byte, undo stack
 * included), changes during the request and during the review (typing into the proposal, Undo,
 * changes outside it), unknown-name warnings (inline code lens and diff-editor squiggles),
 * budget, errors, refine.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IntentCompleteApi } from '../../src/extension';
import type { EditResult } from '../../src/vscode/edit/editFeature';
import { TestOpenAIServer } from '../server/openaiServer';

const EXTENSION_ID = 'intent-complete.intent-complete';
const SOURCE = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const k = add(1, 2);\n';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const run = (id: string, arg?: unknown) => vscode.commands.executeCommand<EditResult>(id, arg);

describe('edit selection (Ctrl+I) in a real VS Code', function () {
  // The first test also pays for the host warming up (language server, grammars) on a busy machine.
  this.timeout(90000);
  let server: TestOpenAIServer;
  let api: IntentCompleteApi;
  let dir: string;
  const cfg = () => vscode.workspace.getConfiguration('intentComplete');
  const set = async (key: string, value: unknown) => cfg().update(key, value, vscode.ConfigurationTarget.Global);

  before(async () => {
    server = await TestOpenAIServer.start();
    const ext = vscode.extensions.getExtension<IntentCompleteApi>(EXTENSION_ID);
    assert.ok(ext, 'extension not installed');
    api = await ext.activate();
    assert.ok(api?.edit, 'activate() did not return the edit feature');
    // Ghost text off so it sends nothing to the server while these tests type.
    await set('enable', false);
    await set('endpoint', server.url);
    await set('model', 'test-model');
    await set('editModel', 'edit-model');
    await set('editReview', 'inline');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intent-edit-'));
  });

  after(async () => {
    for (const k of ['enable', 'endpoint', 'model', 'editModel', 'editReview', 'contextBudget']) await set(k, undefined);
    await server.stop();
  });

  beforeEach(() => server.reset());

  afterEach(async () => {
    await run('intentComplete.edit.reject');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  let fileSeq = 0;
  async function open(text: string, ext = 'ts'): Promise<vscode.TextEditor> {
    const file = path.join(dir, `f${fileSeq++}.${ext}`);
    fs.writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    return vscode.window.showTextDocument(doc);
  }

  const selectLine = (e: vscode.TextEditor, line: number) => {
    e.selection = new vscode.Selection(line, 2, line, 6);
  };

  const lastEdit = () => [...api.quality.all()].reverse().find((e) => e.type === 'edit');

  it('accept applies exactly the proposal as one edit, and one undo restores the original', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: 'Sure, here it is:\n```typescript\n  return a - b;\n```\nThis subtracts.', chunkChars: 4 });
    const versionAsked = e.document.version;
    const r = await run('intentComplete.editSelection', { instruction: 'subtract instead' });
    assert.equal(r.status, 'pending', JSON.stringify(r));
    // Under inline review the proposal stands in the document, as one change.
    assert.equal(e.document.getText(), SOURCE.replace('a + b', 'a - b'));
    assert.equal(e.document.version, versionAsked + 1);
    // What was sent: the chat endpoint, the edit model, the whole line as the region, the instruction.
    const req = server.completionRequests[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.body.model, 'edit-model');
    assert.match(req.prompt, /Region to rewrite:\n```typescript\n  return a \+ b;\n```/);
    assert.match(req.prompt, /Instruction: subtract instead/);
    // The review offers Accept / Reject / Refine in place.
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', e.document.uri)) ?? [];
    const titles = lenses.map((l) => l.command?.title ?? '');
    for (const t of ['Accept', 'Reject', 'Refine'])
      assert.ok(
        titles.some((x) => x.includes(t)),
        `no ${t} lens in ${titles.join(' | ')}`,
      );
    const a = await run('intentComplete.edit.accept');
    assert.equal(a.status, 'accepted');
    assert.equal(e.document.getText(), SOURCE.replace('a + b', 'a - b'));
    assert.equal(e.document.version, versionAsked + 1, 'the whole edit must be one change');
    assert.equal(api.edit.pending, undefined);
    await vscode.commands.executeCommand('undo');
    assert.equal(e.document.getText(), SOURCE, 'one undo restores the original');
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'accepted' && ev.model === 'edit-model' && ev.language === 'typescript');
  });

  it('reject gives the document back byte for byte: not dirty, file untouched, the undo stack as it was', async () => {
    const tricky = 'const s = "héllo";   \r\nfunction f() {\r\n\treturn s;\r\n}';
    const e = await open(tricky);
    // Something the person typed before asking: Reject must leave it, and it must stay undoable.
    await e.edit((b) => b.insert(new vscode.Position(0, 0), '// mine\r\n'));
    const typed = e.document.getText();
    e.selection = new vscode.Selection(2, 0, 4, 1);
    server.enqueue({ text: '```ts\nfunction f() {\n  const t = s;\n  return t.toUpperCase();\n}\n```' });
    const r = await run('intentComplete.editSelection', { instruction: 'uppercase' });
    assert.equal(r.status, 'pending', JSON.stringify(r));
    // The proposal's lines are real lines of the document (in its line ends) while under review.
    assert.equal(e.document.getText(), '// mine\r\nconst s = "héllo";   \r\nfunction f() {\r\n  const t = s;\r\n  return t.toUpperCase();\r\n}');
    const j = await run('intentComplete.edit.reject');
    assert.equal(j.status, 'rejected');
    assert.equal(e.document.getText(), typed);
    // The next Undo takes back the person's own edit, not anything of the proposal.
    await vscode.commands.executeCommand('undo');
    assert.equal(e.document.getText(), tricky);
    // The dirty flag follows the text a moment later (the window tells the extension host).
    await until('the document clean again', () => !e.document.isDirty, 3000);
    await vscode.commands.executeCommand('undo');
    assert.equal(e.document.getText(), tricky, 'nothing more to undo');
    assert.equal(fs.readFileSync(e.document.uri.fsPath, 'utf8'), tricky);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', e.document.uri)) ?? [];
    assert.equal(lenses.filter((l) => l.command?.command?.startsWith('intentComplete.edit.')).length, 0, 'review gone');
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'rejected');
  });

  it('a change outside the region during the request: the proposal is rebased and lands in the right place', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return b + a;\n```', delayMs: 800 });
    const pending = run('intentComplete.editSelection', { instruction: 'swap' });
    await until('the request', () => server.completionRequests.length === 1);
    await e.edit((b) => b.insert(new vscode.Position(0, 0), '// header\n'));
    const r = await pending;
    assert.equal(r.status, 'pending', JSON.stringify(r));
    assert.equal((await run('intentComplete.edit.accept')).status, 'accepted');
    assert.equal(e.document.getText(), '// header\n' + SOURCE.replace('a + b', 'b + a'));
  });

  it('a change inside the region during the request: the proposal is discarded, nothing applied', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return b + a;\n```', delayMs: 800 });
    const pending = run('intentComplete.editSelection', { instruction: 'swap' });
    await until('the request', () => server.completionRequests.length === 1);
    await e.edit((b) => b.insert(new vscode.Position(1, 10), ' 1 +'));
    const typed = e.document.getText();
    const r = await pending;
    assert.equal(r.status, 'discarded', JSON.stringify(r));
    assert.match((r as { message: string }).message, /changed.*discarded/);
    assert.equal(e.document.getText(), typed);
    assert.equal(api.edit.pending, undefined);
    assert.equal((await run('intentComplete.edit.accept')).status, 'nothing');
    assert.equal(e.document.getText(), typed);
  });

  it('typing into the proposal under review keeps it as typed: the review ends, nothing is taken back', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return b + a;\n```' });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'swap' })).status, 'pending');
    await e.edit((b) => b.insert(new vscode.Position(1, 2), 'x'));
    await until('the review to end', () => api.edit.pending === undefined);
    assert.equal((await run('intentComplete.edit.reject')).status, 'nothing');
    assert.equal(e.document.getText(), SOURCE.replace('  return a + b', '  xreturn b + a'));
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'accepted', `recorded as ${JSON.stringify(ev)}`);
  });

  it('Undo during the review is a Reject: the original is back and the review is gone', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  const sum = a + b;\n  return sum;\n```' });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'name it' })).status, 'pending');
    await vscode.commands.executeCommand('undo');
    await until('the review to end', () => api.edit.pending === undefined);
    assert.equal(e.document.getText(), SOURCE);
    await until('the document clean again', () => !e.document.isDirty, 3000);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', e.document.uri)) ?? [];
    assert.equal(lenses.filter((l) => l.command?.command?.startsWith('intentComplete.edit.')).length, 0, 'review gone');
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'rejected', `recorded as ${JSON.stringify(ev)}`);
  });

  it('a change outside the proposal during the review: Reject takes back the proposal only, the change stays', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  const sum = a + b;\n  return sum;\n```' });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'name it' })).status, 'pending');
    await e.edit((b) => b.insert(new vscode.Position(0, 0), '// header\n'));
    assert.ok(api.edit.pending, 'the review goes on');
    assert.equal((await run('intentComplete.edit.reject')).status, 'rejected');
    assert.equal(e.document.getText(), '// header\n' + SOURCE);
  });

  it('a proposal with an invented name shows a warning that lists it, and is not changed', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return normalizeSum(a + b);\n```' });
    const r = await run('intentComplete.editSelection', { instruction: 'normalize' });
    assert.equal(r.status, 'pending', JSON.stringify(r));
    if (r.status !== 'pending') return;
    assert.deepEqual(r.unknown, ['normalizeSum']);
    assert.match(r.warning ?? '', /normalizeSum/);
    assert.equal(r.proposal, '  return normalizeSum(a + b);');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', e.document.uri)) ?? [];
    assert.ok(
      lenses.some((l) => /warning.*normalizeSum/.test(l.command?.title ?? '')),
      'the warning is shown over the region',
    );
    assert.equal((await run('intentComplete.edit.accept')).status, 'accepted');
    assert.equal(e.document.getText(), SOURCE.replace('a + b;', 'normalizeSum(a + b);'), 'accepted as proposed, not silently changed');
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.unknown.includes('normalizeSum'));
  });

  it('diff-editor review: a diff tab with the proposal, squiggles on invented names; accept closes it', async () => {
    await set('editReview', 'diffEditor');
    try {
      const e = await open(SOURCE);
      selectLine(e, 1);
      server.enqueue({ text: '```ts\n  const total = a + b;\n  return clampValue(total);\n```' });
      const r = await run('intentComplete.editSelection', { instruction: 'clamp' });
      assert.equal(r.status, 'pending', JSON.stringify(r));
      const uri = api.edit.pending?.proposalUri;
      assert.ok(uri, 'no proposal document');
      const diffTab = () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === uri.toString());
      await until('the diff tab', () => diffTab() !== undefined);
      const right = await vscode.workspace.openTextDocument(uri);
      assert.equal(right.getText(), SOURCE.replace('  return a + b;', '  const total = a + b;\n  return clampValue(total);'));
      const diags = vscode.languages.getDiagnostics(uri);
      assert.equal(diags.length, 1);
      assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(right.getText(diags[0].range), 'clampValue');
      assert.equal((await run('intentComplete.edit.accept')).status, 'accepted');
      await until('the diff tab to close', () => diffTab() === undefined);
      assert.equal(e.document.getText(), SOURCE.replace('  return a + b;', '  const total = a + b;\n  return clampValue(total);'));
      assert.equal(vscode.languages.getDiagnostics(uri).length, 0);
    } finally {
      await set('editReview', 'inline');
    }
  });

  it('no selection: the enclosing statement (tree-sitter) is the region', async () => {
    const e = await open(SOURCE);
    e.selection = new vscode.Selection(1, 9, 1, 9);
    server.enqueue({ text: '```ts\n  return b + a;\n```' });
    const r = await run('intentComplete.editSelection', { instruction: 'swap' });
    assert.equal(r.status, 'pending', JSON.stringify(r));
    assert.match(server.completionRequests[0].prompt, /Region to rewrite:\n```typescript\n  return a \+ b;\n```/);
    // Reject gives back the selection the edit was asked with (as Undo does): move it afterwards.
    await run('intentComplete.edit.reject');
    e.selection = new vscode.Selection(4, 0, 4, 0);
    server.enqueue({ text: '```ts\nexport const k = add(2, 1);\n```' });
    await run('intentComplete.editSelection', { instruction: 'swap' });
    assert.match(server.completionRequests[1].prompt, /Region to rewrite:\n```typescript\nexport const k = add\(1, 2\);\n```/);
  });

  it('refine asks again on top of the proposal', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return a - b;\n```' }, { text: '```ts\n  // difference\n  return a - b;\n```' });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'subtract' })).status, 'pending');
    const r = await run('intentComplete.edit.refine', { instruction: 'add a comment' });
    assert.equal(r.status, 'pending', JSON.stringify(r));
    const msgs = server.completionRequests[1].body.messages as { role: string; content: string }[];
    assert.deepEqual(
      msgs.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.match(msgs[2].content, /return a - b;/);
    assert.match(msgs[3].content, /add a comment/);
    assert.ok(api.quality.all().some((ev) => ev.type === 'edit' && ev.outcome === 'refined'));
    assert.equal((await run('intentComplete.edit.accept')).status, 'accepted');
    assert.equal(e.document.getText(), SOURCE.replace('  return a + b;', '  // difference\n  return a - b;'));
  });

  it('bad input: too large (nothing sent), endpoint error (one message), empty instruction, read-only', async () => {
    await set('contextBudget', 128);
    try {
      const big = Array.from({ length: 120 }, (_, i) => `const v${i} = ${i}; // filler`).join('\n') + '\n';
      const e = await open(big);
      e.selection = new vscode.Selection(0, 0, 119, 5);
      const r = await run('intentComplete.editSelection', { instruction: 'x' });
      assert.equal(r.status, 'failed');
      assert.match((r as { message: string }).message, /too large.*Nothing was sent/);
      assert.equal(server.completionRequests.length, 0);
    } finally {
      await set('contextBudget', undefined);
    }
    const e2 = await open(SOURCE);
    selectLine(e2, 1);
    server.enqueue({ text: '', fault: { kind: 'status', status: 500 } });
    const f = await run('intentComplete.editSelection', { instruction: 'x' });
    assert.equal(f.status, 'failed');
    assert.match((f as { message: string }).message, /HTTP 500/);
    assert.equal(e2.document.getText(), SOURCE);
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'failed');
    const n = server.completionRequests.length;
    assert.equal((await run('intentComplete.editSelection', { instruction: '   ' })).status, 'nothing');
    assert.equal(server.completionRequests.length, n, 'an empty instruction sends nothing');
    const ro = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'intent-complete-edit', path: '/0/readonly.ts' }));
    await vscode.window.showTextDocument(ro);
    const rr = await run('intentComplete.editSelection', { instruction: 'x' });
    assert.equal(rr.status, 'nothing');
    assert.match((rr as { message: string }).message, /read-only/);
    assert.equal(server.completionRequests.length, n);
  });

  it('shares the endpoint and its health with ghost text: a failed edit marks it down, an answer marks it back, a refused key is not asked again', async () => {
    const health = api.services.endpoint.health;
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '', fault: { kind: 'status', status: 503 } });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'x' })).status, 'failed');
    assert.notEqual(health.current.kind, 'healthy', 'the 503 an edit got is the endpoint health ghost text reads');
    assert.equal(api.status.current.kind, 'disabled', 'ghost text is off in these tests; its status stays what it is');
    // Only the edit's own answer may bring it back here, not the background probe.
    api.services.endpoint.recovery.stop();
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return b + a;\n```' });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'swap' })).status, 'pending');
    assert.equal(health.current.kind, 'healthy', 'an edit that got an answer tells the shared health the endpoint is back');
    await run('intentComplete.edit.reject');
    selectLine(e, 1);
    server.enqueue({ text: '', fault: { kind: 'status', status: 401 } });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'x' })).status, 'failed');
    const sent = server.completionRequests.length;
    selectLine(e, 1);
    const again = await run('intentComplete.editSelection', { instruction: 'x' });
    assert.equal(again.status, 'failed');
    assert.match((again as { message: string }).message, /Set API Key/);
    assert.equal(server.completionRequests.length, sent, 'a key the endpoint refused is not sent again');
    await vscode.commands.executeCommand('intentComplete.setApiKey', 'another-key');
    await vscode.commands.executeCommand('intentComplete.clearApiKey');
    assert.equal(health.current.kind, 'healthy', 'a new key starts the endpoint afresh');
  });

  it('cancel during the request stops it and changes nothing', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return b + a;\n```', chunkChars: 1, chunkDelayMs: 100 });
    const pending = run('intentComplete.editSelection', { instruction: 'swap' });
    await until('the request', () => server.completionRequests.length === 1);
    await sleep(200);
    await run('intentComplete.edit.cancel');
    const r = await pending;
    assert.equal(r.status, 'cancelled', JSON.stringify(r));
    assert.equal(e.document.getText(), SOURCE);
    const ev = lastEdit();
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'cancelled', `recorded as ${JSON.stringify(ev)}`);
    await until('the connection to close', () => server.inFlight === 0);
  });

  it('instruction box: Enter on an empty box does nothing; Esc is a cancel; Down then Enter runs the most recent instruction', async () => {
    const e = await open(SOURCE);
    selectLine(e, 1);
    // A recent instruction for Down to reach.
    server.enqueue({ text: '```ts\n  return b + a;\n```' });
    assert.equal((await run('intentComplete.editSelection', { instruction: 'swap the operands' })).status, 'pending');
    await run('intentComplete.edit.reject');
    server.reset();
    const editsBefore = api.quality.all().filter((x) => x.type === 'edit').length;

    selectLine(e, 1);
    let settled: EditResult | undefined;
    const first = run('intentComplete.editSelection').then((r) => (settled = r));
    await until('the instruction box', () => api.edit.asking);
    await sleep(300);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await sleep(600);
    assert.equal(settled, undefined, `Enter on an empty box closed it: ${JSON.stringify(settled)}`);
    assert.ok(api.edit.asking, 'the box stays open');
    assert.equal(server.completionRequests.length, 0, 'nothing is sent');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await first;
    assert.equal((settled as EditResult | undefined)?.status, 'cancelled', JSON.stringify(settled));
    const edits = api.quality.all().filter((x) => x.type === 'edit');
    assert.equal(edits.length, editsBefore + 1);
    const ev = edits.at(-1);
    assert.ok(ev && ev.type === 'edit' && ev.outcome === 'cancelled', `recorded as ${JSON.stringify(ev)}`);
    assert.equal(e.document.getText(), SOURCE);

    // Down selects the most recent instruction (the row shows as selected); Enter runs it.
    selectLine(e, 1);
    server.enqueue({ text: '```ts\n  return b + a;\n```' });
    const second = run('intentComplete.editSelection');
    await until('the instruction box', () => api.edit.asking);
    await sleep(300);
    await vscode.commands.executeCommand('quickInput.next');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const r2 = await second;
    assert.equal(r2.status, 'pending', JSON.stringify(r2));
    assert.equal(server.completionRequests.length, 1);
    assert.match(server.completionRequests[0].prompt, /swap the operands/);
  });
});
