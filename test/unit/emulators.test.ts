/**
 * Raw-HTTP tests of the server emulators' own rules (test/server/emulators): each emulator is a real
 * HTTP server; these tests speak to it with fetch exactly as a client would, without the product code.
 */
import * as assert from 'node:assert/strict';
import { fileOracle, startDeepSeekEmulator, startLlamaCppEmulator, startMistralEmulator, startOllamaEmulator, startVllmEmulator, type EmulatorHandle } from '../server/emulators';

/** A small Python file; the hole is the rest of the `result +=` line. */
const FILE = [
  'import os',
  '',
  'FIM_MARKER = "<|fim_prefix|>"',
  '',
  '',
  'def load_config(path):',
  '    with open(path) as fh:',
  '        return fh.read()',
  '',
  '',
  'def total(items):',
  '    result = 0',
  '    for item in items:',
  '        result += item.price * item.quantity',
  '    return result',
  '',
].join('\n');
const CURSOR = FILE.indexOf('result += item.') + 'result += item.'.length;
const PREFIX = FILE.slice(0, CURSOR);
const FILL = 'price * item.quantity';
const SUFFIX = FILE.slice(FILE.indexOf('\n', CURSOR));
/** The same file without the literal sentinel string, for prompts that must not be corrupted. */
const CLEAN = FILE.replace('FIM_MARKER = "<|fim_prefix|>"', 'FIM_MARKER = None');
const CLEAN_CURSOR = CLEAN.indexOf('result += item.') + 'result += item.'.length;
const CLEAN_PREFIX = CLEAN.slice(0, CLEAN_CURSOR);
const CLEAN_SUFFIX = CLEAN.slice(CLEAN.indexOf('\n', CLEAN_CURSOR));
const brain = fileOracle([FILE, CLEAN]);
const qwenFim = (prefix: string, suffix: string): string => `<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* streaming or plain-text body */
  }
  return { status: res.status, json, text };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The SSE `data:` payloads of a body, and whether it ended with [DONE]. */
function sse(text: string): { events: Record<string, unknown>[]; done: boolean } {
  const lines = text
    .split('\n\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('data: '));
  const done = lines.length > 0 && lines[lines.length - 1] === 'data: [DONE]';
  return { events: lines.filter((l) => l !== 'data: [DONE]').map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>), done };
}

type Choice = { text?: string; finish_reason?: string | null; message?: { content?: string }; delta?: { content?: string } };
const choices = (j: Record<string, unknown>): Choice[] => (j.choices as Choice[] | undefined) ?? [];

describe('server emulators', function () {
  this.timeout(20_000);
  const running: EmulatorHandle[] = [];
  const track = (h: EmulatorHandle): EmulatorHandle => (running.push(h), h);
  after(async () => {
    await Promise.all(running.map((h) => h.stop()));
  });

  describe('fileOracle', () => {
    it('answers the rest of the line, prefers the suffix-consistent match, and answers "" when lost', () => {
      assert.equal(brain({ prefix: PREFIX, suffix: SUFFIX, maxChars: 200 }), FILL);
      assert.equal(brain({ prefix: PREFIX, suffix: undefined, maxChars: 5 }), FILL.slice(0, 5));
      const twice = 'a = 1\nb = first\nc\na = 1\nb = second\nd\n';
      const twin = fileOracle([twice]);
      assert.equal(twin({ prefix: 'a = 1\nb = ', suffix: '\nd\n', maxChars: 100 }), 'second');
      assert.equal(twin({ prefix: 'a = 1\nb = ', suffix: undefined, maxChars: 100 }), 'first');
      assert.equal(brain({ prefix: 'nowhere in the files', suffix: undefined, maxChars: 100 }), '');
    });

    it('finds the cursor when other context precedes the file text in the prefix, or when the hole opens the file', () => {
      const context = '# other.py\n' + 'x = 1\n'.repeat(60);
      assert.equal(brain({ prefix: context + CLEAN_PREFIX.slice(-100), suffix: CLEAN_SUFFIX, maxChars: 200 }), FILL);
      assert.equal(brain({ prefix: context + CLEAN_PREFIX.slice(-100), suffix: undefined, maxChars: 200 }), FILL);
      assert.equal(brain({ prefix: context, suffix: CLEAN.slice(CLEAN.indexOf('\n')), maxChars: 200 }), 'import os');
    });
  });

  describe('vLLM', () => {
    let vllm: EmulatorHandle;
    before(async () => {
      vllm = track(await startVllmEmulator({ model: 'Qwen/Qwen2.5-Coder-7B', brain }));
    });

    it('lists the model owned by vllm and answers /version and /health', async () => {
      const models = await get(`${vllm.url}/models`);
      const data = models.json.data as { id: string; owned_by: string }[];
      assert.deepEqual(
        data.map((d) => [d.id, d.owned_by]),
        [['Qwen/Qwen2.5-Coder-7B', 'vllm']],
      );
      const root = vllm.url.replace(/\/v1$/, '');
      assert.equal((await get(`${root}/version`)).status, 200);
      assert.equal((await fetch(`${root}/health`)).status, 200);
    });

    it('rejects `suffix` with 400 "suffix is not currently supported", even when empty', async () => {
      for (const suffix of [CLEAN_SUFFIX, '']) {
        const r = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: CLEAN_PREFIX, suffix, max_tokens: 32 });
        assert.equal(r.status, 400);
        assert.deepEqual(r.json.error, { message: 'suffix is not currently supported', type: 'BadRequestError', param: null, code: 400 });
      }
    });

    it('fills a raw Qwen FIM prompt, ignores unknown fields, honours stop words, n and the 16-token default', async () => {
      const ok = await post(`${vllm.url}/completions`, {
        model: 'Qwen/Qwen2.5-Coder-7B',
        prompt: qwenFim(CLEAN_PREFIX, CLEAN_SUFFIX),
        max_tokens: 64,
        stop: ['\n'],
        n: 2,
        some_unknown_field: true,
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(
        choices(ok.json).map((c) => [c.text, c.finish_reason]),
        [
          [FILL, 'stop'],
          [FILL, 'stop'],
        ],
      );
      // Not stopped, the base model writes on past the hole line before its end-of-text (never printed).
      const runOn = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: qwenFim(CLEAN_PREFIX, CLEAN_SUFFIX), max_tokens: 64 });
      assert.equal(choices(runOn.json)[0].text, `${FILL}\n    return result`);
      const stopped = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: qwenFim(CLEAN_PREFIX, CLEAN_SUFFIX), max_tokens: 64, stop: ['xx', ' * '] });
      assert.equal(choices(stopped.json)[0].text, 'price');
      // A plain prompt to the base model continues the file; max_tokens defaults to 16 (~64 chars).
      const plain = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: CLEAN.slice(0, CLEAN.indexOf('    with open')) });
      assert.equal(choices(plain.json)[0].finish_reason, 'length');
      assert.equal(choices(plain.json)[0].text, CLEAN.slice(CLEAN.indexOf('    with open')).slice(0, 64));
      // Unstopped, the base model writes the rest of the file and ends at its end-of-text.
      const rest = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: CLEAN_PREFIX, max_tokens: 100 });
      assert.deepEqual([choices(rest.json)[0].text, choices(rest.json)[0].finish_reason], [`${FILL}\n    return result\n`, 'stop']);
    });

    it('streams SSE chunks ending in data: [DONE]', async () => {
      const r = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: qwenFim(CLEAN_PREFIX, CLEAN_SUFFIX), max_tokens: 64, stop: ['\n'], stream: true });
      const { events, done } = sse(r.text);
      assert.ok(done);
      assert.equal(events.map((e) => choices(e)[0]?.text ?? '').join(''), FILL);
    });

    it('counts a prompt whose file text holds a second <|fim_prefix|> as corrupted and answers wrong', async () => {
      const before = vllm.corrupted;
      const r = await post(`${vllm.url}/completions`, { model: 'Qwen/Qwen2.5-Coder-7B', prompt: qwenFim(PREFIX, SUFFIX), max_tokens: 64 });
      assert.equal(r.status, 200);
      assert.equal(vllm.corrupted, before + 1);
      assert.notEqual(choices(r.json)[0].text, FILL);
      assert.match(vllm.corruptedPrompts[vllm.corruptedPrompts.length - 1].reason, /<\|fim_prefix\|> appears 2 times/);
    });
  });

  describe('Ollama', () => {
    let ollama: EmulatorHandle;
    before(async () => {
      ollama = track(await startOllamaEmulator({ brain }));
    });

    it('answers /api/version, /api/tags and /api/show with capabilities', async () => {
      assert.equal((await get(`${ollama.url}/api/version`)).status, 200);
      const tags = (await get(`${ollama.url}/api/tags`)).json.models as { name: string }[];
      assert.ok(tags.some((t) => t.name === 'qwen2.5-coder:7b'));
      const show = await post(`${ollama.url}/api/show`, { model: 'qwen2.5-coder:7b' });
      assert.deepEqual(show.json.capabilities, ['completion', 'tools', 'insert']);
      assert.match(String(show.json.template), /\{\{- if \.Suffix \}\}<\|fim_prefix\|>/);
      const embed = await post(`${ollama.url}/api/show`, { model: 'nomic-embed-text' });
      assert.deepEqual(embed.json.capabilities, ['embedding']);
    });

    it("/v1/completions wraps an instruct tag's FIM prompt in its chat template, so the model answers prose", async () => {
      const r = await post(`${ollama.url}/v1/completions`, { model: 'qwen2.5-coder:7b', prompt: qwenFim(CLEAN_PREFIX, CLEAN_SUFFIX), max_tokens: 200 });
      assert.equal(r.status, 200);
      const text = choices(r.json)[0].text ?? '';
      assert.match(text, /^Here is the completed code:\n```python\n/);
      assert.ok(ollama.prompts[ollama.prompts.length - 1].includes('<|im_start|>user\n<|fim_prefix|>'));
    });

    it("/v1/completions with `suffix` goes through the template's Suffix branch and fills", async () => {
      const r = await post(`${ollama.url}/v1/completions`, { model: 'qwen2.5-coder:7b', prompt: CLEAN_PREFIX, suffix: CLEAN_SUFFIX, max_tokens: 64 });
      assert.equal(choices(r.json)[0].text, FILL);
    });

    it('/api/generate raw with the right Qwen FIM string gives the true fill (NDJSON stream)', async () => {
      const res = await fetch(`${ollama.url}/api/generate`, {
        method: 'POST',
        body: JSON.stringify({
          model: 'qwen2.5-coder:1.5b-base',
          prompt: qwenFim(CLEAN_PREFIX, CLEAN_SUFFIX),
          raw: true,
          options: { num_predict: 64, temperature: 0, stop: ['\n'] },
          keep_alive: '5m',
        }),
      });
      assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
      const lines = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { response: string; done: boolean; done_reason?: string; context?: unknown });
      assert.equal(lines.map((l) => l.response).join(''), FILL);
      const last = lines[lines.length - 1];
      assert.equal(last.done, true);
      assert.equal(last.done_reason, 'stop');
      assert.equal(last.context, undefined, 'raw responses carry no context');
    });

    it('refuses suffix on a tag without a Suffix branch — even with raw, which would ignore it', async () => {
      for (const raw of [false, true]) {
        const r = await post(`${ollama.url}/api/generate`, { model: 'qwen2.5-coder:1.5b-base', prompt: CLEAN_PREFIX, suffix: CLEAN_SUFFIX, raw, stream: false });
        assert.equal(r.status, 400);
        assert.equal(r.json.error, 'registry.ollama.ai/library/qwen2.5-coder:1.5b-base does not support insert');
      }
    });

    it('embedding models refuse generate; think on a non-thinking model is a 400', async () => {
      const embed = await post(`${ollama.url}/api/generate`, { model: 'nomic-embed-text', prompt: 'hello', stream: false });
      assert.equal(embed.status, 400);
      assert.equal(embed.json.error, '"nomic-embed-text" does not support generate');
      const think = await post(`${ollama.url}/api/generate`, { model: 'starcoder2:3b', prompt: 'x', think: true, stream: false });
      assert.equal(think.json.error, '"starcoder2:3b" does not support thinking');
    });

    it('a thinking model thinks by default; the thinking goes in `thinking` and burns num_predict', async () => {
      const r = await post(`${ollama.url}/api/generate`, { model: 'qwen3:8b', prompt: `Complete:\n${CLEAN_PREFIX}`, stream: false, options: { num_predict: 40 } });
      assert.equal(r.status, 200);
      assert.ok(String(r.json.thinking).startsWith('Okay, the user wants'));
      assert.equal(r.json.response, '');
      assert.equal(r.json.done_reason, 'length');
      const off = await post(`${ollama.url}/api/generate`, { model: 'qwen3:8b', prompt: `Complete:\n${CLEAN_PREFIX}`, stream: false, think: false, options: { num_predict: 200 } });
      assert.equal(off.json.thinking, undefined);
      assert.ok(ollama.prompts[ollama.prompts.length - 1].endsWith('<|im_start|>assistant\n<think>\n\n</think>\n\n'));
    });
  });

  describe('llama.cpp server', () => {
    let llama: EmulatorHandle;
    before(async () => {
      llama = track(await startLlamaCppEmulator({ model: 'qwen2.5-coder-1.5b-base', brain }));
    });

    it('answers /health, /props and /v1/models (owned_by llamacpp)', async () => {
      assert.deepEqual((await get(`${llama.url}/health`)).json, { status: 'ok' });
      const props = (await get(`${llama.url}/props`)).json;
      assert.equal(props.model_path, '/models/qwen2.5-coder-1.5b-base-q8_0.gguf');
      assert.ok(typeof props.build_info === 'string' && props.default_generation_settings !== undefined);
      const models = (await get(`${llama.url}/v1/models`)).json.data as { owned_by: string }[];
      assert.equal(models[0].owned_by, 'llamacpp');
    });

    it('/infill fills, and sentinel text inside input_prefix stays text (no corruption)', async () => {
      const before = llama.corrupted;
      const r = await post(`${llama.url}/infill`, {
        input_prefix: PREFIX,
        input_suffix: SUFFIX,
        input_extra: [{ filename: 'util.py', text: 'def helper():\n    pass\n' }],
        n_predict: 32,
        stop: ['\n'],
        cache_prompt: true,
      });
      assert.equal(r.status, 200);
      assert.equal(r.json.content, FILL);
      assert.deepEqual([r.json.stop_type, r.json.stopping_word], ['word', '\n']);
      assert.equal(llama.corrupted, before);
      assert.ok(llama.prompts[llama.prompts.length - 1].startsWith('<|repo_name|>myproject\n<|file_sep|>util.py\ndef helper()'));
      // The same file through /completion is tokenized with parse_special: the literal sentinel corrupts it.
      await post(`${llama.url}/completion`, { prompt: qwenFim(PREFIX, SUFFIX), n_predict: 32 });
      assert.equal(llama.corrupted, before + 1);
    });

    it('streams /infill as SSE without [DONE]; n_indent cuts a dedented line after its indentation', async () => {
      const r = await post(`${llama.url}/infill`, { input_prefix: CLEAN_PREFIX, input_suffix: CLEAN_SUFFIX, n_indent: 8, stream: true });
      const { events, done } = sse(r.text);
      assert.equal(done, false);
      assert.equal(events.map((e) => String(e.content)).join(''), `${FILL}\n    `);
      assert.deepEqual([events[events.length - 1].stop, events[events.length - 1].stop_type], [true, 'limit']);
      const plain = await post(`${llama.url}/completion`, { prompt: CLEAN.slice(0, CLEAN.indexOf('    for item')), n_indent: 4, n_predict: 64 });
      assert.equal(plain.json.content, '    for item in items:\n        result += item.price * item.quantity\n    return result\n');
    });

    it('/v1/completions refuses `suffix` (500 server_error) and the non-FIM GGUF refuses /infill with 501', async () => {
      const r = await post(`${llama.url}/v1/completions`, { prompt: CLEAN_PREFIX, suffix: CLEAN_SUFFIX });
      assert.equal(r.status, 500);
      assert.deepEqual(r.json.error, { code: 500, message: 'Unsupported param: suffix', type: 'server_error' });
      const chatOnly = track(await startLlamaCppEmulator({ model: 'llama-3.2-1b-instruct', brain }));
      const infill = await post(`${chatOnly.url}/infill`, { input_prefix: 'a', input_suffix: 'b' });
      assert.equal(infill.status, 501);
      assert.equal((infill.json.error as { type: string }).type, 'not_supported_error');
    });
  });

  describe('Mistral FIM', () => {
    let mistral: EmulatorHandle;
    const auth = { authorization: 'Bearer test-key' };
    before(async () => {
      mistral = track(await startMistralEmulator({ brain }));
    });

    it('fills through /v1/fim/completions; sentinel text in the prompt stays text', async () => {
      const r = await post(`${mistral.url}/fim/completions`, { model: 'codestral-latest', prompt: PREFIX, suffix: SUFFIX, max_tokens: 64, stop: ['\n\n'] }, auth);
      assert.equal(r.status, 200);
      assert.equal(choices(r.json)[0].message?.content, FILL);
      assert.equal(mistral.corrupted, 0);
      const s = await post(`${mistral.url}/fim/completions`, { model: 'codestral-2501', prompt: CLEAN_PREFIX, suffix: CLEAN_SUFFIX, stream: true }, auth);
      const { events, done } = sse(s.text);
      assert.ok(done);
      assert.equal(events.map((e) => choices(e)[0]?.delta?.content ?? '').join(''), FILL);
    });

    it('has no /v1/completions (404), needs a bearer key (401), and lists completion_fim', async () => {
      assert.equal((await post(`${mistral.url}/completions`, { model: 'codestral-latest', prompt: 'x' }, auth)).status, 404);
      assert.equal((await post(`${mistral.url}/fim/completions`, { model: 'codestral-latest', prompt: 'x' })).status, 401);
      const models = (await get(`${mistral.url}/models`, auth)).json.data as { id: string; capabilities: { completion_fim: boolean } }[];
      assert.equal(models.find((m) => m.id === 'codestral-latest')?.capabilities.completion_fim, true);
    });
  });

  describe('DeepSeek', () => {
    let ds: EmulatorHandle;
    const auth = { authorization: 'Bearer test-key' };
    before(async () => {
      ds = track(await startDeepSeekEmulator({ brain }));
    });

    it('fills at /beta/completions; /completions without beta is a 404; limits and keys are enforced', async () => {
      const r = await post(`${ds.url}/beta/completions`, { model: 'deepseek-chat', prompt: CLEAN_PREFIX, suffix: CLEAN_SUFFIX, max_tokens: 64 }, auth);
      assert.equal(r.status, 200);
      assert.equal(choices(r.json)[0].text, FILL);
      assert.equal((await post(`${ds.url}/completions`, { model: 'deepseek-chat', prompt: CLEAN_PREFIX, suffix: CLEAN_SUFFIX }, auth)).status, 404);
      assert.equal((await post(`${ds.url}/beta/completions`, { model: 'deepseek-chat', prompt: 'x', max_tokens: 5000 }, auth)).status, 400);
      assert.equal((await post(`${ds.url}/beta/completions`, { model: 'deepseek-chat', prompt: 'x', stop: Array.from({ length: 17 }, (_, i) => `s${i}`) }, auth)).status, 400);
      assert.equal((await post(`${ds.url}/beta/completions`, { model: 'deepseek-chat', prompt: 'x' })).status, 401);
      const models = (await get(`${ds.url}/models`, auth)).json.data as { owned_by: string }[];
      assert.ok(models.every((m) => m.owned_by === 'deepseek'));
    });
  });
});
