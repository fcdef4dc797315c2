/**
 * Runs one emulated server for a repository until interrupted, for checks by hand and the eval CLI:
 *
 *   node out/test/server/emulators/serve.js --server vllm|ollama|llamacpp|mistral|deepseek --repo DIR [--model NAME]
 *
 * The model's "weights" are the repository's source files (fileOracle): it answers the true rest of
 * the line wherever a client's prompt is well formed for that server. Prints the base URL a user
 * would configure, the model name and the API key (hosted servers), one per line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileOracle } from './brain';
import type { EmulatorHandle } from './http';
import { startDeepSeekEmulator } from './deepseek';
import { startLlamaCppEmulator } from './llamacpp';
import { startMistralEmulator } from './mistral';
import { startOllamaEmulator } from './ollama';
import { startVllmEmulator } from './vllm';

const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java)$/;
const SKIP = new Set(['node_modules', '.git', 'dist', 'out', 'build', 'target', 'vendor']);

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (SOURCE.test(e.name) && fs.statSync(p).size < 1024 * 1024) out.push(fs.readFileSync(p, 'utf8'));
  }
  return out;
}

const DEFAULT_MODELS: Record<string, string> = {
  vllm: 'Qwen/Qwen2.5-Coder-7B',
  ollama: 'qwen2.5-coder:7b',
  llamacpp: 'qwen2.5-coder-1.5b-base',
  mistral: 'codestral-latest',
  deepseek: 'deepseek-chat',
};
const KEY = 'emulator-key';

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const kind = arg('--server') ?? '';
  const repo = arg('--repo');
  if (!DEFAULT_MODELS[kind] || !repo) {
    process.stderr.write('usage: serve --server vllm|ollama|llamacpp|mistral|deepseek --repo DIR [--model NAME]\n');
    process.exit(2);
  }
  const model = arg('--model') ?? DEFAULT_MODELS[kind];
  const brain = fileOracle(sources(path.resolve(repo)));
  const server: EmulatorHandle =
    kind === 'vllm'
      ? await startVllmEmulator({ model, brain })
      : kind === 'ollama'
        ? await startOllamaEmulator({ brain })
        : kind === 'llamacpp'
          ? await startLlamaCppEmulator({ model, brain })
          : kind === 'mistral'
            ? await startMistralEmulator({ brain, apiKey: KEY })
            : await startDeepSeekEmulator({ brain, apiKey: KEY });
  process.stdout.write(`${server.url}\n${model}\n${kind === 'mistral' || kind === 'deepseek' ? KEY : ''}\n`);
  const stop = () =>
    void server.stop().then(() => {
      process.stderr.write(`served ${server.requests.length} requests; corrupted prompts ${server.corrupted}\n`);
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
