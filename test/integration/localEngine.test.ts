/**
 * The built-in engine inside a real VS Code: with intentComplete.localEngine.enabled and the real
 * test model (stories260K: English stories, no FIM tokens, so a prefix-only completion of prose),
 * the first completion request starts the engine in a child process and ghost text comes from it;
 * the status says ready; a killed child comes back; turning the engine off ends the child.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CATALOGUE, type CatalogueEntry } from '../../src/engine/catalogue';
import { editNeedsChat } from '../../src/vscode/localEngine/manager';
import { testModelFile } from '../shared/testModel';
import { api, closeAll, openDoc, resetSettings, setSettings, sleep, waitFor } from './helpers';

const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. One day, she';
const KEYS = ['localEngine.enabled', 'localEngine.modelFile', 'localEngine.threads', 'timeoutMs'];

const alive = (pid: number | undefined) => {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
};

async function engine() {
  const local = (await api()).services.local;
  assert.ok(local, 'the extension has no built-in engine');
  return local;
}

/** Asks the provider (as Alt+\ does) until it returns a suggestion; the first asks start the engine. */
async function suggestion(doc: vscode.TextDocument, timeoutMs = 60_000): Promise<string> {
  const a = await api();
  const at = doc.positionAt(doc.getText().length);
  return waitFor(
    async () => {
      const cts = new vscode.CancellationTokenSource();
      try {
        const items = await a.ghost.provider.provideInlineCompletionItems(
          doc,
          at,
          {
            triggerKind: vscode.InlineCompletionTriggerKind.Invoke,
            selectedCompletionInfo: undefined,
            requestUuid: 'engine',
            requestIssuedDateTime: Date.now(),
          } as unknown as vscode.InlineCompletionContext,
          cts.token,
        );
        const item = items?.[0];
        return typeof item?.insertText === 'string' && item.insertText.trim() ? item.insertText : undefined;
      } finally {
        cts.dispose();
      }
    },
    timeoutMs,
    `a suggestion from the built-in engine (status ${JSON.stringify(a.status.current)})`,
  );
}

/** The requests the engine answered (its /intent/stats, with its token). */
async function engineRequests(): Promise<number> {
  const ep = (await engine()).current;
  assert.ok(ep, 'the engine is not ready');
  const res = await fetch(`${ep.endpoint.replace(/\/v1$/, '')}/intent/stats`, { headers: { authorization: `Bearer ${ep.apiKey}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { requests: unknown[] }).requests.length;
}

describe('built-in engine (real VS Code, real model in a child process)', function () {
  this.timeout(180_000);

  before(async () => {
    await setSettings({ timeoutMs: 20_000, 'localEngine.threads': 1, 'localEngine.modelFile': testModelFile(), 'localEngine.enabled': true });
  });
  after(async () => {
    await resetSettings(KEYS);
    await closeAll();
  });

  it('the first completion request starts the engine, and the suggestion comes from it; the status says ready', async () => {
    const a = await api();
    const local = await engine();
    const editor = await openDoc(STORY, 'markdown');
    const text = await suggestion(editor.document);
    assert.ok(text.length > 0);
    assert.ok(alive(local.pid), 'no engine process');
    assert.notEqual(local.pid, process.pid, 'the engine must not run in the extension host');
    assert.equal(local.current?.model, 'stories260K');
    // A request is recorded when its stream ends (the suggestion can be shown before: the rest of it is read on into the cache).
    await waitFor(async () => (await engineRequests()) > 0, 10_000, 'a request the engine answered');
    // Requests went to the engine's loopback URL, with its model: the settings in effect say so.
    assert.match(a.ghost.settings.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(a.ghost.settings.model, 'stories260K');
    await waitFor(() => a.status.current.kind === 'ready', 10_000, `ready status (now ${JSON.stringify(a.status.current)})`);
  });

  it('a killed engine process is started again, and ghost text comes back', async () => {
    const local = await engine();
    const editor = await openDoc(STORY, 'markdown');
    await suggestion(editor.document);
    const pid = local.pid;
    assert.ok(alive(pid));
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => local.pid !== undefined && local.pid !== pid && alive(local.pid), 30_000, 'a new engine process');
    assert.ok((await suggestion(editor.document)).length > 0);
    assert.notEqual(local.pid, pid);
  });

  it('Edit Selection with a model that has no chat template says which model it needs, and changes nothing', async () => {
    const a = await api();
    const editor = await openDoc(STORY, 'markdown');
    editor.selection = new vscode.Selection(0, 0, 0, 16);
    const r = await a.edit.editSelection('make it shorter');
    assert.equal(r.status, 'nothing');
    assert.equal(r.message, editNeedsChat('stories260K'));
    assert.equal(editor.document.getText(), STORY);
  });

  it("a repository's .vscode/settings.json cannot turn the engine on or choose its model file", async () => {
    await setSettings({ 'localEngine.enabled': false });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened no workspace folder');
    const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    try {
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(
        settingsFile,
        JSON.stringify({ 'intentComplete.localEngine.enabled': true, 'intentComplete.localEngine.modelFile': '/tmp/evil.gguf', 'intentComplete.localEngine.threads': 64 }),
      );
      await waitFor(() => vscode.workspace.getConfiguration('intentComplete').inspect('localEngine.threads')?.workspaceValue === 64, 5000, 'workspace settings to load').catch(
        () => undefined,
      );
      await sleep(300);
      const a = await api();
      assert.equal(a.ghost.settings['localEngine.enabled'], false);
      assert.equal(a.ghost.settings['localEngine.modelFile'], testModelFile());
      assert.equal(a.ghost.settings['localEngine.threads'], 1);
      assert.equal((await engine()).view().phase, 'off');
    } finally {
      fs.rmSync(settingsFile, { force: true });
      await setSettings({ 'localEngine.enabled': true });
    }
  });

  it('turning the engine off ends its process, and ghost text no longer uses it', async () => {
    const a = await api();
    const local = await engine();
    const editor = await openDoc(STORY, 'markdown');
    await suggestion(editor.document);
    const pid = local.pid;
    const url = local.current?.endpoint;
    assert.ok(alive(pid) && url);
    await setSettings({ 'localEngine.enabled': false });
    await waitFor(() => !alive(pid), 10_000, 'the engine process to end');
    assert.equal(local.view().phase, 'off');
    assert.notEqual(a.ghost.settings.endpoint, url);
    assert.equal(local.current, undefined);
  });

  it('Edit Selection starts an engine that is not running (under a notification), then says which model it needs', async () => {
    const a = await api();
    const local = await engine();
    await setSettings({ 'localEngine.enabled': true });
    assert.equal(local.pid, undefined, 'the engine runs before anything asked for it');
    const editor = await openDoc(STORY, 'markdown');
    editor.selection = new vscode.Selection(0, 0, 0, 16);
    const r = await a.edit.editSelection('make it shorter');
    assert.equal(r.status, 'nothing');
    assert.equal(r.message, editNeedsChat('stories260K'));
    assert.ok(alive(local.pid), 'the edit did not start the engine');
    assert.equal(editor.document.getText(), STORY);
  });
});

/** Serves one file with Range support; the first response can be cut after half of it. */
async function fileServer(file: string, cutFirst: boolean): Promise<{ url: string; ranges: string[]; close(): Promise<void> }> {
  const body = fs.readFileSync(file);
  const ranges: string[] = [];
  let served = 0;
  const server = http.createServer((req, res) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) ranges.push(req.headers.range!);
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'content-length': String(body.length - start),
      'accept-ranges': 'bytes',
      etag: '"stories-v1"',
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (cutFirst && served++ === 0) {
      res.write(body.subarray(start, start + Math.floor(body.length / 2)));
      setTimeout(() => res.destroy(), 50);
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/stories.gguf`, ranges, close: () => new Promise((r) => server.close(() => r())) };
}

describe('built-in engine: downloading a model (real VS Code, local HTTP server)', function () {
  this.timeout(60_000);

  const entryFor = (url: string, fileName: string, sha256: string): CatalogueEntry => ({
    ...CATALOGUE[0],
    id: fileName,
    label: `Test ${fileName}`,
    url,
    fileName,
    sha256,
    sizeBytes: undefined,
  });

  it('lands in the extension storage, verified; a cut connection resumes with a Range request', async () => {
    const feature = (await api()).localEngine;
    const model = testModelFile();
    const sha = createHash('sha256').update(fs.readFileSync(model)).digest('hex');
    const server = await fileServer(model, true);
    const fileName = `stories-${Date.now()}.gguf`;
    try {
      assert.equal(await feature.download(entryFor(server.url, fileName, sha)), true);
      const landed = path.join(feature.modelsDir, fileName);
      // The extension's global storage, models/ (the account's, not the workspace's).
      assert.match(feature.modelsDir, /globalStorage[\\/]intent-complete\.intent-complete[\\/]models$/i);
      assert.deepEqual(fs.readFileSync(landed), fs.readFileSync(model));
      assert.equal(server.ranges.length, 1, 'the interrupted download did not resume');
      assert.ok(!fs.existsSync(`${landed}.part`));
    } finally {
      await server.close();
    }
  });

  it('a file whose sha256 differs is refused and removed', async () => {
    const feature = (await api()).localEngine;
    const server = await fileServer(testModelFile(), false);
    const fileName = `stories-bad-${Date.now()}.gguf`;
    try {
      assert.equal(await feature.download(entryFor(server.url, fileName, '0'.repeat(64))), false);
      assert.ok(!fs.existsSync(path.join(feature.modelsDir, fileName)));
    } finally {
      await server.close();
    }
  });
});
