/**
 * First run with no endpoint configured: look for a local server on its default port (Ollama,
 * llama.cpp server, LM Studio, vLLM) and offer it. Only 127.0.0.1 is probed; nothing is sent.
 */
import { ModelClient } from '../core/model/client';

export interface LocalServer {
  name: string;
  endpoint: string;
  models: string[];
}

export const LOCAL_SERVERS: readonly { name: string; endpoint: string }[] = [
  { name: 'Ollama', endpoint: 'http://127.0.0.1:11434/v1' },
  { name: 'llama.cpp server', endpoint: 'http://127.0.0.1:8080/v1' },
  { name: 'LM Studio', endpoint: 'http://127.0.0.1:1234/v1' },
  { name: 'vLLM', endpoint: 'http://127.0.0.1:8000/v1' },
];

export async function detectLocalServers(timeoutMs = 400, candidates: readonly { name: string; endpoint: string }[] = LOCAL_SERVERS): Promise<LocalServer[]> {
  const found = await Promise.all(
    candidates.map(async (s) => {
      const r = await new ModelClient({ endpoint: s.endpoint }).listModels(timeoutMs);
      return r.ok ? { ...s, models: r.models } : undefined;
    }),
  );
  return found.filter((s): s is LocalServer => s !== undefined);
}

/** Prefers a code model that supports fill-in-the-middle. */
export function pickModel(models: string[]): string | undefined {
  const score = (m: string) => {
    const s = m.toLowerCase();
    return (/coder|code|starcoder|codestral|fim/.test(s) ? 2 : 0) + (/base/.test(s) ? 1 : 0) - (/instruct|chat/.test(s) ? 1 : 0);
  };
  return [...models].sort((a, b) => score(b) - score(a))[0];
}
