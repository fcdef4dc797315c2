/**
 * The consistency filter inside a real VS Code: the scripted endpoint returns a hallucinated call
 * (`sendMsg` in a class that has `sendMessage`). On a later line the editor shows the suggestion
 * truncated before it; on the first line it shows nothing.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestOpenAIServer } from '../server/openaiServer';
import { api, closeAll, openDoc, resetSettings, setSettings, triggerAndAccept, waitFor } from './helpers';

/** A class with sendMessage; the cursor goes on the empty line of `method` (line 5, after the indentation). */
const doc = (method: string) => `class Chat {\n  sendMessage(text: string) {\n    return text;\n  }\n  ${method}() {\n    `;
const CURSOR = new vscode.Position(5, 4);

describe('consistency filter (real VS Code, test endpoint)', function () {
  this.timeout(60000);
  let server: TestOpenAIServer;

  before(async () => {
    server = await TestOpenAIServer.start({ models: ['qwen2.5-coder-test'] });
    await setSettings({ endpoint: server.url, model: 'qwen2.5-coder-test', timeoutMs: 10000 });
  });
  after(async () => {
    await resetSettings(['endpoint', 'model', 'timeoutMs']);
    await server.stop();
  });
  beforeEach(() => server.reset());
  afterEach(closeAll);

  it('shows nothing when the first line calls an invented method', async () => {
    server.respond({ text: 'this.sendMsg("hello");' });
    const editor = await openDoc(`${doc('greet')}\n  }\n}\n`, 'typescript', CURSOR);
    const after = await triggerAndAccept(editor, 4000);
    assert.ok(server.completionRequests.length > 0, 'no request reached the endpoint');
    assert.equal(after, undefined, 'a suggestion naming sendMsg was shown and accepted');
  });

  it('held back by the filter: the status says filtered for a moment, the unknown name in its tooltip, then ready again', async () => {
    server.respond({ text: 'this.sendMsg("hello");' });
    const a = await api();
    const seen: string[] = [];
    const sub = a.status.onDidChange((s) => seen.push(JSON.stringify(s)));
    try {
      const editor = await openDoc(`${doc('greet')}\n  }\n}\n`, 'typescript', CURSOR);
      assert.equal(await triggerAndAccept(editor, 4000), undefined);
      const filtered = seen.map((s) => JSON.parse(s) as { kind: string; unknown?: string[] }).find((s) => s.kind === 'filtered');
      assert.ok(filtered, `no filtered sign; states: ${seen.join(' ')}`);
      assert.deepEqual(filtered.unknown, ['sendMsg']);
      await waitFor(() => a.status.current.kind === 'ready', 8000, `ready again (now ${JSON.stringify(a.status.current)})`);
    } finally {
      sub.dispose();
    }
  });

  it('shows the suggestion truncated before the line that calls an invented method', async () => {
    server.respond({ text: 'this.sendMessage("hello");\n    this.sendMsg("again");\n  }\n}' });
    const editor = await openDoc(`${doc('run')}\n  }\n}\n`, 'typescript', CURSOR);
    const after = await triggerAndAccept(editor);
    assert.ok(server.completionRequests.length > 0, 'no request reached the endpoint');
    assert.equal(after, `${doc('run')}this.sendMessage("hello");\n  }\n}\n`);
  });
});
