/**
 * Chat through the built-in engine (`/v1/chat/completions`, what Edit Selection uses), over real
 * HTTP with the real test model. stories260K has no chat template: the engine refuses with a 400
 * that names it, and the client and Edit Selection turn that into a message a person can read.
 * The same weights with a chat template written into their GGUF metadata (a copy in a temporary
 * folder) chat: the template renders the messages and the answer streams back.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULTS } from '../../src/core/config';
import { editErrorMessage, requestEdit } from '../../src/core/edit/request';
import { ModelClient } from '../../src/core/model/client';
import type { BuiltPrompt } from '../../src/core/types';
import { Engine } from '../../src/engine/engine';
import { startServer, type EngineServer } from '../../src/engine/server';
import { testModelFile } from '../shared/testModel';

const TOKEN = 'chat-test-token';
const CONTEXT = 512;

/** A ChatML template, as Qwen's and many instruct models' GGUF files carry it. */
const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const chatPrompt = (text: string): BuiltPrompt => ({
  prompt: '',
  messages: [
    { role: 'system', content: 'You write short stories.' },
    { role: 'user', content: text },
  ],
  stop: [],
  prefix: '',
  suffixText: '',
  snippets: [],
  template: 'chat',
  multiline: true,
});

async function serve(modelFile: string): Promise<{ engine: Engine; server: EngineServer; client: ModelClient }> {
  const engine = await Engine.load({ modelFile, threads: 1, contextSize: CONTEXT });
  const server = await startServer(engine, TOKEN);
  return { engine, server, client: new ModelClient({ endpoint: server.url, apiKey: TOKEN }) };
}

describe('chat through the built-in engine', function () {
  this.timeout(60_000);

  describe('a model without a chat template (stories260K)', () => {
    let s: Awaited<ReturnType<typeof serve>>;
    before(async () => (s = await serve(testModelFile())));
    after(async () => {
      await s?.server.close();
      await s?.engine.dispose();
    });

    it('is refused with a 400 naming the missing chat template, read as such by the client', async () => {
      const r = await s.client.generate(chatPrompt('Tell me a story.'), { model: s.engine.info.id, api: 'chat', maxTokens: 8, timeoutMs: 10_000, stream: true });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.kind, 'http');
      assert.equal(r.error.status, 400);
      assert.match(r.error.message, /^HTTP 400 from the endpoint: the model stories260K has no chat template/);
      // Not mistaken for a wrong base URL or model name (what a 404 says).
      assert.doesNotMatch(r.error.message, /check the base URL/);
      // Ghost text asking through chat goes on with the next style the route offers.
      assert.equal(r.error.styleRefused, true);
    });

    it('Edit Selection says the model cannot chat', async () => {
      const a = await requestEdit(s.client, chatPrompt('Make it longer.'), 'Lily had a dog.', { model: s.engine.info.id, timeoutMs: 10_000, maxTokens: 8 });
      assert.equal(a.ok, false);
      if (a.ok) return;
      assert.match(a.message, /^Intent Complete: the edit failed: HTTP 400 from the endpoint: the model stories260K has no chat template, so it does not support chat/);
      assert.equal(a.message, editErrorMessage(a.error as Parameters<typeof editErrorMessage>[0]));
    });

    it('ghost text goes through /v1/completions on it, the prefix alone', async () => {
      await s.client.probe(s.engine.info.id);
      const settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: s.server.url, model: s.engine.info.id };
      const route = s.client.route(settings);
      assert.deepEqual([route.api, route.template], ['completions', 'plain']);
    });
  });

  describe('the same weights with a chat template', () => {
    let dir: string;
    let s: Awaited<ReturnType<typeof serve>>;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intent-chat-model-'));
      const file = path.join(dir, 'stories260K-chat.gguf');
      fs.writeFileSync(file, withStringMetadata(fs.readFileSync(testModelFile()), 'tokenizer.chat_template', CHATML_TEMPLATE));
      s = await serve(file);
    });
    after(async () => {
      await s?.server.close();
      await s?.engine.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('renders the messages with the template and streams the answer', async () => {
      assert.equal(s.engine.info.chat, true);
      const info = await s.client.probe(s.engine.info.id);
      assert.equal(info.model.chat, true);
      const r = await s.client.generate(chatPrompt('Once upon a time'), { model: s.engine.info.id, api: 'chat', maxTokens: 12, timeoutMs: 10_000, temperature: 0, stream: true });
      assert.ok(r.ok, JSON.stringify(r));
      assert.ok(r.candidates[0].text.length > 0);
      const rendered = await s.engine.renderChat([{ role: 'user', content: 'Once upon a time' }]);
      assert.match(rendered?.prompt ?? '', /<\|im_start\|>user\nOnce upon a time<\|im_end\|>\n<\|im_start\|>assistant\n$/);
      // The request was evaluated as that rendering: its prompt tokens are the rendered text's.
      const last = s.engine.records[s.engine.records.length - 1];
      assert.ok(last.promptTokens > 'Once upon a time'.length / 4, JSON.stringify(last));
    });
  });
});

/**
 * A GGUF file with one more string metadata entry: the header's count, the entries, the new one,
 * the tensor infos, the data section re-aligned (ggml docs/gguf.md: little-endian; values typed
 * 0–12, arrays of them; tensor data at the next multiple of `general.alignment`, default 32).
 */
function withStringMetadata(file: Buffer, key: string, value: string): Buffer {
  let at = 24;
  const u32 = () => ((at += 4), file.readUInt32LE(at - 4));
  const u64 = () => ((at += 8), Number(file.readBigUInt64LE(at - 8)));
  const str = () => {
    const n = u64();
    at += n;
    return file.toString('utf8', at - n, at);
  };
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skip = (type: number): number | undefined => {
    if (type === 8) return void str();
    if (type === 9) {
      const inner = u32();
      for (let i = u64(); i > 0; i--) skip(inner);
      return undefined;
    }
    const v = type === 4 ? file.readUInt32LE(at) : undefined;
    at += SIZES[type];
    return v;
  };
  const tensors = Number(file.readBigUInt64LE(8));
  const kvs = Number(file.readBigUInt64LE(16));
  let alignment = 32;
  for (let i = 0; i < kvs; i++) {
    const k = str();
    const v = skip(u32());
    if (k === 'general.alignment' && v !== undefined) alignment = v;
  }
  const kvEnd = at;
  for (let i = 0; i < tensors; i++) {
    str();
    const dims = u32();
    // The dimensions (uint64 each), the type (uint32) and the data offset (uint64).
    at += 8 * dims + 4 + 8;
  }
  const infosEnd = at;
  const dataStart = Math.ceil(infosEnd / alignment) * alignment;
  const text = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([n, b]);
  };
  const type = Buffer.alloc(4);
  type.writeUInt32LE(8);
  const header = Buffer.from(file.subarray(0, 24));
  header.writeBigUInt64LE(BigInt(kvs + 1), 16);
  const head = Buffer.concat([header, file.subarray(24, kvEnd), text(key), type, text(value), file.subarray(kvEnd, infosEnd)]);
  const pad = Buffer.alloc((alignment - (head.length % alignment)) % alignment);
  return Buffer.concat([head, pad, file.subarray(dataStart)]);
}
