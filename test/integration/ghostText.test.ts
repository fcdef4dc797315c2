/**
 * Ghost text end to end inside a real VS Code: the suggestion the test endpoint serves is shown
 * and accepted; a repository's own settings cannot redirect code elsewhere; no endpoint gives
 * the set-up state; a dead endpoint gives the unreachable state and no ghost text, and its return
 * shows in the status without the person typing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TestOpenAIServer } from '../server/openaiServer';
import { api, closeAll, openDoc, resetSettings, setSettings, sleep, triggerAndAccept, waitFor } from './helpers';

describe('ghost text (real VS Code, test endpoint)', function () {
  this.timeout(60000);
  let server: TestOpenAIServer;

  before(async () => {
    server = await TestOpenAIServer.start({ models: ['qwen2.5-coder-test'] });
    // A loaded CI machine must not turn these into deadline tests (those live in requestPath).
    await setSettings({ timeoutMs: 10000 });
  });
  after(async () => {
    await resetSettings(['endpoint', 'model', 'apiStyle', 'timeoutMs']);
    await server.stop();
  });
  beforeEach(() => server.reset());
  afterEach(closeAll);

  it('shows the completion the endpoint serves and Tab inserts it', async () => {
    server.respond({ text: 'a + b;\n}' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const editor = await openDoc('function add(a: number, b: number) {\n  return ', 'typescript');
    const after = await triggerAndAccept(editor);
    assert.equal(after, 'function add(a: number, b: number) {\n  return a + b;', `requests: ${JSON.stringify(server.requests.map((r) => [r.path, r.aborted, r.finished]))}`);
    const req = server.completionRequests.at(-1);
    assert.ok(req, 'no request reached the endpoint');
    assert.equal(req.path, '/v1/completions');
    // Qwen's FIM form (repo-level when related files are in the prompt), the cursor between prefix and suffix.
    assert.match(req.prompt, /<\|fim_prefix\|>function add\(a: number, b: number\) \{\n {2}return <\|fim_suffix\|><\|fim_middle\|>$/);
    assert.equal(req.body.model, 'qwen2.5-coder-test');
    assert.equal((await api()).status.current.kind, 'ready');
  });

  it('on a llama.cpp server with a FIM model (apiStyle auto), completes through its /infill', async () => {
    const llama = await TestOpenAIServer.start({ models: ['qwen2.5-coder-1.5b-q8_0.gguf'], llamacpp: true });
    try {
      llama.respond({ text: 'a * b;\n}' });
      await setSettings({ endpoint: llama.url, model: 'qwen2.5-coder-1.5b-q8_0.gguf', apiStyle: 'auto' });
      // The probe: GET /props, then a n_predict 0 /infill.
      await waitFor(() => llama.requests.some((r) => r.path === '/infill' && r.finished), 10000, 'no /infill probe');
      const editor = await openDoc('function mul(a: number, b: number) {\n  return ', 'typescript');
      const after = await triggerAndAccept(editor);
      assert.equal(after, 'function mul(a: number, b: number) {\n  return a * b;', `requests: ${JSON.stringify(llama.requests.map((r) => [r.path, r.body.n_predict]))}`);
      const req = llama.completionRequests.at(-1);
      assert.ok(req, 'no completion request reached the endpoint');
      assert.equal(req.path, '/infill');
      assert.equal(req.body.input_prefix, 'function mul(a: number, b: number) {\n  return ');
      assert.equal(req.body.cache_prompt, true);
      assert.ok(Array.isArray(req.body.input_extra));
      // Once detected, nothing generates through /v1/completions (a warm-up may precede the probe's answer).
      const paths = llama.completionRequests.map((r) => r.path);
      assert.deepEqual([...new Set(paths)], ['/infill'], JSON.stringify(llama.requests.map((r) => [r.path, r.body.n_predict])));
    } finally {
      await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
      await llama.stop();
    }
  });

  it('after `{` + Enter (auto-indented empty line), the suggestion is the whole block', async () => {
    server.respond({ text: 'let total = 0;\n  for (const x of xs) total += x;\n  return total;\n}\n\nexport function next() {}' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const head = 'function sum(xs: number[]): number {\n  ';
    const editor = await openDoc(`${head}\n}\n`, 'typescript', new vscode.Position(1, 2));
    const after = await triggerAndAccept(editor);
    assert.equal(after, `${head}let total = 0;\n  for (const x of xs) total += x;\n  return total;\n}\n`);
  });

  it('IntelliSense list open (default suggestion settings): the ghost text extends the selected item and the request sees it inserted', async () => {
    server.respond({ text: ' * quantity;' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const head = 'const unitPrice = 3;\nconst quantity = 4;\nconst total = ';
    const editor = await openDoc(`${head}unitP`, 'typescript');
    // The list opens on the word typed so far, with unitPrice selected (the language service may take a while).
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await waitFor(
      async () => {
        await sleep(300);
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(400);
        return server.completionRequests.some((r) => r.prompt.includes('const total = unitPrice<|fim_suffix|>'));
      },
      20000,
      `a request with the selected item inserted (${JSON.stringify(server.completionRequests.map((r) => r.prompt.slice(-60)))})`,
    );
    await sleep(300);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    const after = await waitFor(() => editor.document.getText() !== `${head}unitP` && editor.document.getText(), 5000, 'the ghost text accepted');
    assert.equal(after, `${head}unitPrice * quantity;`, `requests: ${JSON.stringify(server.completionRequests.map((r) => r.prompt.slice(-80)))}`);
    // Asked for as if the item were inserted.
    assert.match(server.completionRequests.at(-1)?.prompt ?? '', /const total = unitPrice<\|fim_suffix\|>/);
    await vscode.commands.executeCommand('hideSuggestWidget');
  });

  it('IntelliSense item accepted after its ghost text was shown: the rest comes from the cache, no new request', async () => {
    server.respond({ text: ' + tax;' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const head = 'const subtotalAmount = 3;\nconst tax = 4;\nconst sum = ';
    const editor = await openDoc(`${head}subt`, 'typescript');
    const a = await api();
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await waitFor(
      async () => {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(400);
        return server.completionRequests.some((r) => r.prompt.includes('const sum = subtotalAmount<|fim_suffix|>'));
      },
      20000,
      'a request with the selected item inserted',
    );
    await sleep(300);
    const before = server.completionRequests.length;
    // The person takes the list's item (Enter/Tab on the list): the document now has it.
    await vscode.commands.executeCommand('acceptSelectedSuggestion');
    await waitFor(() => editor.document.getText() === `${head}subtotalAmount`, 5000, 'the item accepted');
    const after = await triggerAndAccept(editor);
    assert.equal(after, `${head}subtotalAmount + tax;`);
    assert.equal(server.completionRequests.length, before, 'the cached suggestion was asked for again');
    assert.ok(a);
  });

  it('brackets the editor already closed: accepting replaces them (no `max));))`)', async () => {
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const head = 'const value = 3;\nconst max = 10;\n';
    const cases: [string, string, string][] = [
      ['const m = Math.max(0, Math.min(value, ', '))', 'max));'],
      ['console.log(Math.min(value, ', '))', 'max);'],
      ['const xs = [', ']', 'value, max];'],
      ['console.log("', '")', 'value")'],
    ];
    const want = ['const m = Math.max(0, Math.min(value, max));', 'console.log(Math.min(value, max));', 'const xs = [value, max];', 'console.log("value")'];
    for (const [i, [before, rest, reply]] of cases.entries()) {
      server.reset();
      server.respond({ text: reply });
      const editor = await openDoc(`${head}${before}${rest}\n`, 'typescript', new vscode.Position(2, before.length));
      const after = await triggerAndAccept(editor);
      assert.equal(after?.split('\n')[2], want[i], `${before}|${rest} + ${JSON.stringify(reply)}`);
      await closeAll();
    }
  });

  it('uses /v1/chat/completions for chat-style models and strips fences', async () => {
    server.respond({ text: '```ts\ntotal(items);\n```' });
    await setSettings({ endpoint: server.url, model: 'test-chat', apiStyle: 'chat' });
    const text = 'const items = [1, 2];\nfunction total(xs: number[]) {\n  return xs.length;\n}\nconst n = ';
    const editor = await openDoc(text, 'typescript');
    const after = await triggerAndAccept(editor);
    assert.equal(after, `${text}total(items);`);
    assert.equal(server.completionRequests.at(-1)?.path, '/v1/chat/completions');
    await setSettings({ apiStyle: 'auto' });
  });

  it("ignores a repository's .vscode/settings.json that tries to redirect the endpoint", async () => {
    const hostile = await TestOpenAIServer.start();
    hostile.respond({ text: 'stolen();' });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened no workspace folder');
    const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    try {
      server.respond({ text: 'safe();' });
      await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'intentComplete.endpoint': hostile.url, 'intentComplete.model': 'evil', 'intentComplete.apiStyle': 'chat' }));
      // Give VS Code time to read the workspace settings file.
      await waitFor(() => vscode.workspace.getConfiguration('intentComplete').inspect('endpoint')?.workspaceValue === hostile.url, 5000, 'workspace settings to load').catch(
        () => undefined,
      );
      await sleep(300);
      const a = await api();
      assert.equal(a.ghost.settings.endpoint, server.url);
      assert.equal(a.ghost.settings.model, 'qwen2.5-coder-test');
      const editor = await openDoc('function safe() {}\n', 'typescript');
      const after = await triggerAndAccept(editor);
      assert.equal(after, 'function safe() {}\nsafe();');
      assert.equal(hostile.requests.length, 0, 'code was sent to the endpoint a repository chose');
    } finally {
      fs.rmSync(settingsFile, { force: true });
      await hostile.stop();
    }
  });

  it('sends the API key from SecretStorage as a bearer token and never writes it to settings', async () => {
    server.respond({ text: 'key();' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const secret = 'sk-test-secret-4711';
    await vscode.commands.executeCommand('intentComplete.setApiKey', secret);
    try {
      const editor = await openDoc('function key() {}\n', 'typescript');
      assert.equal(
        await triggerAndAccept(editor),
        'function key() {}\nkey();',
        `requests: ${JSON.stringify(server.requests.map((r) => [r.path, r.aborted, r.finished]))}; status ${JSON.stringify((await api()).status.current)}`,
      );
      assert.equal(server.completionRequests.at(-1)?.headers.authorization, `Bearer ${secret}`);
      const all = JSON.stringify(vscode.workspace.getConfiguration('intentComplete'));
      assert.ok(!all.includes(secret), 'the key leaked into settings');
    } finally {
      await vscode.commands.executeCommand('intentComplete.clearApiKey');
    }
    server.reset();
    server.respond({ text: 'key();' });
    const editor = await openDoc('function key() {}\n', 'typescript');
    assert.equal(await triggerAndAccept(editor), 'function key() {}\nkey();');
    assert.notEqual(server.completionRequests.at(-1)?.headers.authorization, `Bearer ${secret}`);
  });

  it('with no endpoint configured: the set-up state and no request', async () => {
    await setSettings({ endpoint: '', model: '' });
    const a = await api();
    await waitFor(() => a.status.current.kind === 'not-configured', 3000, 'not-configured status');
    server.reset();
    const editor = await openDoc('const x = ', 'typescript');
    assert.equal(await triggerAndAccept(editor, 1200), undefined);
    assert.equal(server.requests.length, 0);
  });

  it('with the endpoint down: no ghost text, status says unreachable, then recovers', async () => {
    server.respond({ text: '42;' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    await server.down();
    try {
      const a = await api();
      const editor = await openDoc('const answer = ', 'typescript');
      assert.equal(await triggerAndAccept(editor, 1500), undefined);
      await waitFor(() => a.status.current.kind === 'unreachable', 3000, 'unreachable status');
      const s = a.status.current;
      assert.ok(s.kind === 'unreachable' && /ECONNREFUSED|connect/i.test(s.reason), JSON.stringify(s));
    } finally {
      await server.up();
    }
    // Settings change (or the backoff expiring) brings it back.
    await setSettings({ model: 'other-model' });
    await setSettings({ model: 'qwen2.5-coder-test' });
    const editor = await openDoc('const answer = ', 'typescript');
    assert.equal(await triggerAndAccept(editor), 'const answer = 42;');
  });

  it('snoozed from the status menu: no ghost text and the status says until when; resume brings it back', async () => {
    server.respond({ text: 'snooze();' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const a = await api();
    await vscode.commands.executeCommand('intentComplete.snooze', 15);
    try {
      const s = a.status.current;
      assert.equal(s.kind, 'snoozed');
      assert.ok(s.kind === 'snoozed' && Math.abs(s.until - (Date.now() + 15 * 60_000)) < 10_000, JSON.stringify(s));
      server.reset();
      const editor = await openDoc('function snooze() {}\n', 'typescript');
      assert.equal(await triggerAndAccept(editor, 1500), undefined);
      assert.equal(server.completionRequests.length, 0, 'a request went out while snoozed');
    } finally {
      await vscode.commands.executeCommand('intentComplete.resume');
    }
    assert.equal(a.status.current.kind, 'ready');
    const editor = await openDoc('function snooze() {}\n', 'typescript');
    assert.equal(await triggerAndAccept(editor), 'function snooze() {}\nsnooze();');
  });

  it('disable for this language writes intentComplete.languages, and enable undoes it', async () => {
    await vscode.commands.executeCommand('intentComplete.disableLanguage', 'markdown');
    try {
      await waitFor(() => api().then((a) => a.ghost.settings.languages.markdown === false), 5000, 'markdown off');
      assert.equal((await api()).ghost.enabledFor('markdown'), false);
      assert.equal((await api()).ghost.enabledFor('typescript'), true);
    } finally {
      await vscode.commands.executeCommand('intentComplete.enableLanguage', 'markdown');
      await resetSettings(['languages']);
    }
  });

  it('when the endpoint comes back, the status says ready within a few seconds without typing', async () => {
    server.respond({ text: '7;' });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test' });
    const a = await api();
    await server.down();
    try {
      const editor = await openDoc('const back = ', 'typescript');
      assert.equal(await triggerAndAccept(editor, 1500), undefined);
      await waitFor(() => a.status.current.kind === 'unreachable', 3000, 'unreachable status');
    } finally {
      await server.up();
    }
    const upAt = Date.now();
    // No keystroke, no trigger, no settings change from here on.
    await waitFor(() => a.status.current.kind === 'ready', 8000, `ready status (now ${JSON.stringify(a.status.current)})`);
    assert.ok(Date.now() - upAt < 8000);
    assert.equal(a.services.endpoint.recovery.running, false, 'the background probe goes on after the endpoint is back');
    assert.ok(
      server.requests.some((r) => r.path === '/v1/models'),
      'no probe reached the endpoint',
    );
  });
});
