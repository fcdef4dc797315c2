/**
 * The real servers, as their emulators reproduce them (test/server/emulators: each rule cites the
 * server's source): configured as a user would — endpoint URL and the model name that server uses,
 * nothing else — `intent-complete eval` gets correct fill-in-the-middle completions from each, and a
 * file full of control-token text does not change any prompt's structure.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalizeSettings } from '../../src/core/config';
import { evaluateRepository, readRepository } from '../../src/core/stats/evaluate';
import {
  fileOracle,
  startDeepSeekEmulator,
  startLlamaCppEmulator,
  startMistralEmulator,
  startOllamaEmulator,
  startVllmEmulator,
  type EmulatorHandle,
  type ModelBrain,
} from '../server/emulators';

/** The shop fixtures (TypeScript, Python, Go) plus a file that spells every family's control tokens. */
function makeRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-real-'));
  fs.cpSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'context'), dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'ts-shop', 'src', 'templates.ts'),
    [
      '// FIM templates of the models we serve, as text.',
      "export const QWEN = '<|fim_prefix|>' + 'a' + '<|fim_suffix|>' + 'b' + '<|fim_middle|>';",
      "export const STARCODER = '<fim_prefix>x<fim_suffix>y<fim_middle>';",
      "export const DEEPSEEK = '<｜fim▁begin｜>p<｜fim▁hole｜>s<｜fim▁end｜>';",
      "export const CODESTRAL = '[SUFFIX]s[PREFIX]p';",
      "export const CHATML = '<|im_start|>user\\nhi<|im_end|>';",
      "export const ENDS = ['<|endoftext|>', '<|file_sep|>', '<EOT>'];",
      'export function render(prefix: string, suffix: string): string {',
      '  return `<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`;',
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

const HOLES = 40;
/** What the issue asks of every server with default settings. */
const MIN_EXACT_MATCH = 0.85;

describe('real servers (emulated): eval configured with endpoint and model only', function () {
  this.timeout(120000);
  let repo: string;
  let brain: ModelBrain;

  before(() => {
    repo = makeRepo();
    brain = fileOracle(readRepository(repo).map((f) => f.text));
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  async function evalOn(server: EmulatorHandle, model: string, apiKey?: string) {
    const { settings } = normalizeSettings({ endpoint: server.url, model });
    return evaluateRepository({ root: repo, settings, apiKey, holes: HOLES, seed: 11, includeText: true });
  }

  /** Runs the eval and checks what every server must give: exact match, no error, no corrupted prompt. */
  async function expectGood(server: EmulatorHandle, model: string, apiKey?: string) {
    const run = await evalOn(server, model, apiKey);
    const misses = run.holes.filter((h) => !h.exactMatch).map((h) => `${h.file}:${h.line} ${JSON.stringify(h.groundTruth)} → ${JSON.stringify(h.shown)} ${h.error ?? ''}`);
    assert.ok(run.summary.holes >= 20, `only ${run.summary.holes} holes`);
    assert.ok(run.summary.exactMatch >= MIN_EXACT_MATCH, `${model}: exact match ${run.summary.exactMatch} (${run.endpointInfo})\n${misses.slice(0, 8).join('\n')}`);
    assert.deepEqual(run.counts.errors, {}, `${model}: errors`);
    assert.equal(server.corrupted, 0, `${model}: corrupted prompts: ${JSON.stringify(server.corruptedPrompts.slice(0, 2))}`);
    return run;
  }

  const generation = (s: EmulatorHandle) => s.requests.filter((r) => r.method === 'POST');

  it('vLLM: FIM string in /v1/completions, never `suffix`', async () => {
    for (const model of ['Qwen/Qwen2.5-Coder-7B', 'bigcode/starcoder2-7b', 'deepseek-ai/deepseek-coder-6.7b-base']) {
      const server = await startVllmEmulator({ model, brain });
      try {
        const run = await expectGood(server, model);
        assert.match(run.endpointInfo ?? '', /^vLLM 0\.\d+\.\d+ · .* · FIM prompt through \/v1\/completions/);
        const posts = generation(server);
        assert.ok(posts.length >= run.summary.holes);
        assert.ok(
          posts.every((r) => r.path === '/v1/completions' && !(r.body && typeof r.body === 'object' && 'suffix' in r.body)),
          'a request carried suffix',
        );
      } finally {
        await server.stop();
      }
    }
  });

  it('vLLM: Qwen3-Coder gets its FIM string inside a chat message', async () => {
    const server = await startVllmEmulator({ model: 'Qwen/Qwen3-Coder-30B-A3B-Instruct', brain });
    try {
      await expectGood(server, 'Qwen/Qwen3-Coder-30B-A3B-Instruct');
      assert.ok(generation(server).every((r) => r.path === '/v1/chat/completions'));
    } finally {
      await server.stop();
    }
  });

  it('Ollama: instruct and base tags through /api/generate raw, each family in its own format', async () => {
    const models = ['qwen2.5-coder:7b', 'qwen2.5-coder:1.5b-base', 'codestral:22b', 'deepseek-coder-v2:latest', 'starcoder2:3b', 'codellama:7b-code'];
    const server = await startOllamaEmulator({ brain });
    try {
      for (const model of models) {
        const before = server.requests.length;
        const run = await expectGood(server, model);
        assert.match(run.endpointInfo ?? '', /^Ollama \S+ · .* · FIM through \/api\/generate raw/, model);
        const gens = server.requests.slice(before).filter((r) => r.path === '/api/generate' && (r.body as { prompt?: string }).prompt);
        assert.ok(gens.length >= run.summary.holes, model);
        assert.ok(
          gens.every((r) => (r.body as { raw?: boolean }).raw === true),
          `${model}: not raw`,
        );
        assert.ok(!server.requests.slice(before).some((r) => r.path === '/v1/completions'), `${model}: went through /v1/completions`);
      }
    } finally {
      await server.stop();
    }
  });

  it('Ollama: Qwen3-Coder (no insert capability) through chat; an embedding model is refused with a message', async () => {
    const server = await startOllamaEmulator({ brain });
    try {
      const q3 = await expectGood(server, 'qwen3-coder:30b');
      assert.match(q3.endpointInfo ?? '', /FIM in a chat message through \/api\/chat \(Qwen3-Coder\)/);
      const before = server.requests.length;
      const run = await evalOn(server, 'nomic-embed-text:latest');
      assert.deepEqual(Object.keys(run.counts.errors), ['unusable-model']);
      assert.ok(!server.requests.slice(before).some((r) => r.path === '/api/generate' || r.path.endsWith('/completions')), 'nothing generated');
    } finally {
      await server.stop();
    }
  });

  it('Ollama: a general model that thinks is asked through /api/chat with think false', async () => {
    const server = await startOllamaEmulator({ brain });
    try {
      const run = await evalOn(server, 'qwen3:8b');
      assert.match(run.endpointInfo ?? '', /qwen3:8b · fill-the-hole prompt through \/api\/chat/);
      const chats = server.requests.filter((r) => r.path === '/api/chat');
      assert.ok(chats.length >= run.summary.holes && chats.every((r) => (r.body as { think?: unknown }).think === false));
      assert.deepEqual(run.counts.errors, {});
    } finally {
      await server.stop();
    }
  });

  it('llama.cpp: /infill for a FIM model; a chat model without FIM tokens through chat, never `suffix`', async () => {
    const server = await startLlamaCppEmulator({ model: 'qwen2.5-coder-1.5b-base', brain });
    try {
      const run = await expectGood(server, 'qwen2.5-coder-1.5b-base');
      assert.match(run.endpointInfo ?? '', /^llama\.cpp .* FIM through \/infill/);
      assert.ok(generation(server).filter((r) => r.path !== '/infill').length === 0, 'only /infill');
    } finally {
      await server.stop();
    }
    const plain = await startLlamaCppEmulator({ model: 'llama-3.2-1b-instruct', brain });
    try {
      const run = await evalOn(plain, 'llama-3.2-1b-instruct');
      assert.deepEqual(run.counts.errors, {});
      assert.ok(generation(plain).some((r) => r.path === '/v1/chat/completions'));
      assert.ok(generation(plain).every((r) => !(r.body && typeof r.body === 'object' && 'suffix' in r.body)));
    } finally {
      await plain.stop();
    }
  });

  it('Mistral: Codestral through /v1/fim/completions with the key', async () => {
    const server = await startMistralEmulator({ brain, apiKey: 'k-123' });
    try {
      const run = await expectGood(server, 'codestral-latest', 'k-123');
      assert.match(run.endpointInfo ?? '', /FIM through \/v1\/fim\/completions/);
      assert.ok(generation(server).every((r) => r.path === '/v1/fim/completions'));
    } finally {
      await server.stop();
    }
  });

  it('DeepSeek: FIM through the beta completions endpoint', async () => {
    const server = await startDeepSeekEmulator({ brain, apiKey: 'k-456' });
    try {
      const run = await expectGood(server, 'deepseek-chat', 'k-456');
      assert.match(run.endpointInfo ?? '', /prompt and suffix through \/beta\/completions/);
      assert.ok(generation(server).every((r) => r.path === '/beta/completions'));
    } finally {
      await server.stop();
    }
  });
});
