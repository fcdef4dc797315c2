/**
 * Ghost text from the real servers as their emulators reproduce them (test/server/emulators),
 * configured as a person would: endpoint URL and model name only. Ollama with an instruct tag
 * (its /v1/completions would turn the FIM prompt into chat), vLLM (which refuses `suffix`),
 * llama.cpp's /infill, Mistral's FIM API and DeepSeek's beta FIM; the status bar says what the
 * endpoint turned out to be.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fileOracle, startDeepSeekEmulator, startLlamaCppEmulator, startMistralEmulator, startOllamaEmulator, startVllmEmulator, type EmulatorHandle } from '../server/emulators';
import { api, closeAll, openDoc, resetSettings, setSettings, triggerAndAccept, waitFor } from './helpers';

/** The file the emulated model knows; the person retypes the rest of one of its lines. */
const SOURCE = [
  'export interface Order {',
  '  id: string;',
  '  totalCents: number;',
  '}',
  '',
  'export function orderTotal(orders: Order[]): number {',
  '  let sum = 0;',
  '  for (const order of orders) sum += order.totalCents;',
  '  return sum;',
  '}',
  '',
].join('\n');
const CUT = SOURCE.indexOf('for (const order of orders)') + 'for (const '.length;
const EXPECTED_LINE = 'order of orders) sum += order.totalCents;';

describe('ghost text from real servers (emulated)', function () {
  this.timeout(60000);
  const brain = fileOracle([SOURCE]);

  before(() => setSettings({ timeoutMs: 10000 }));
  after(() => resetSettings(['endpoint', 'model', 'apiStyle', 'timeoutMs']));
  afterEach(closeAll);

  /** Configures the endpoint and model, waits for the probe's verdict in the status tooltip, completes the line. */
  async function completeWith(server: EmulatorHandle, model: string, describes: RegExp): Promise<void> {
    await setSettings({ endpoint: server.url, model });
    const a = await api();
    await waitFor(
      () => a.status.current.kind === 'ready' && a.status.current.detail && describes.test(a.status.current.detail),
      10000,
      `the status to describe ${describes}: ${JSON.stringify(a.status.current)}`,
    );
    const doc = SOURCE.slice(0, CUT) + SOURCE.slice(SOURCE.indexOf('\n', CUT));
    const editor = await openDoc(doc, 'typescript', undefined);
    const pos = editor.document.positionAt(CUT);
    editor.selection = new vscode.Selection(pos, pos);
    const after = await triggerAndAccept(editor);
    assert.ok(after?.includes(`  for (const ${EXPECTED_LINE}\n`), `got ${JSON.stringify(after)}; requests ${JSON.stringify(server.requests.map((r) => `${r.method} ${r.path}`))}`);
    assert.equal(server.corrupted, 0);
  }

  it('Ollama, an instruct tag: raw FIM through /api/generate', async () => {
    const server = await startOllamaEmulator({ brain, models: ['qwen2.5-coder:7b'] });
    try {
      await completeWith(server, 'qwen2.5-coder:7b', /^Ollama \S+ · qwen2\.5-coder:7b · FIM through \/api\/generate raw/);
      const gen = server.requests.filter((r) => r.path === '/api/generate' && (r.body as { prompt?: string }).prompt);
      assert.ok(gen.length > 0 && gen.every((r) => (r.body as { raw?: boolean }).raw === true));
      assert.ok(!server.requests.some((r) => r.path === '/v1/completions'));
    } finally {
      await server.stop();
    }
  });

  it('vLLM: the FIM string in /v1/completions, never `suffix`', async () => {
    const server = await startVllmEmulator({ brain, model: 'Qwen/Qwen2.5-Coder-7B' });
    try {
      await completeWith(server, 'Qwen/Qwen2.5-Coder-7B', /^vLLM \S+ · Qwen\/Qwen2\.5-Coder-7B · FIM prompt through \/v1\/completions/);
      const posts = server.requests.filter((r) => r.method === 'POST');
      assert.ok(posts.length > 0 && posts.every((r) => r.path === '/v1/completions' && !('suffix' in (r.body as object))));
    } finally {
      await server.stop();
    }
  });

  it('Mistral: Codestral through /v1/fim/completions with the key from SecretStorage', async () => {
    const server = await startMistralEmulator({ brain, apiKey: 'mk-1' });
    await vscode.commands.executeCommand('intentComplete.setApiKey', 'mk-1');
    try {
      await completeWith(server, 'codestral-latest', /codestral-latest · FIM through \/v1\/fim\/completions/);
    } finally {
      await vscode.commands.executeCommand('intentComplete.clearApiKey');
      await server.stop();
    }
  });

  it('llama.cpp: /infill with the related code as input_extra', async () => {
    const server = await startLlamaCppEmulator({ brain, model: 'qwen2.5-coder-1.5b-base' });
    try {
      await completeWith(server, 'qwen2.5-coder-1.5b-base', /^llama\.cpp .* · FIM through \/infill/);
      // Warm-ups (n_predict 0) may go out while the settings change one by one; completions all use /infill.
      const gens = server.requests.filter((r) => r.method === 'POST' && r.path !== '/infill' && (r.body as { n_predict?: unknown }).n_predict !== 0);
      assert.deepEqual(
        gens.map((r) => `${r.path} ${JSON.stringify(r.body).slice(0, 200)}`),
        [],
        'everything went through /infill',
      );
    } finally {
      await server.stop();
    }
  });

  it('DeepSeek: prompt and suffix through the beta completions endpoint', async () => {
    const server = await startDeepSeekEmulator({ brain, apiKey: 'dk-1' });
    await vscode.commands.executeCommand('intentComplete.setApiKey', 'dk-1');
    try {
      await completeWith(server, 'deepseek-chat', /deepseek-chat · prompt and suffix through \/beta\/completions/);
    } finally {
      await vscode.commands.executeCommand('intentComplete.clearApiKey');
      await server.stop();
    }
  });
});
