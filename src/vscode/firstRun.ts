/**
 * First run with no endpoint configured: look for a local server on its default port (Ollama,
 * llama.cpp server, LM Studio, vLLM) and offer it, next to running a model on this machine (the
 * built-in engine). Only 127.0.0.1 is probed; nothing is sent.
 */
import { ModelClient } from '../core/model/client';
import { familyFor, isEmbeddingModel, looksBase } from '../core/model/families';

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

/**
 * The first-run look's budget per server, ms. It runs while the extension host is busy starting
 * (the workspace index parses every file on the same thread): a 400 ms budget ran out there before
 * the answer was read, in a real workspace, and nothing was offered. A port nobody listens on is
 * refused at once, so only a server that is there can take this long; nobody waits on it.
 */
export const FIRST_RUN_TIMEOUT_MS = 3000;

export async function detectLocalServers(timeoutMs = 400, candidates: readonly { name: string; endpoint: string }[] = LOCAL_SERVERS): Promise<LocalServer[]> {
  const found = await Promise.all(
    candidates.map(async (s) => {
      const r = await new ModelClient({ endpoint: s.endpoint }).listModels(timeoutMs);
      // Embedding models cannot complete text: never offered.
      return r.ok ? { ...s, models: r.models.filter((m) => !isEmbeddingModel(m)) } : undefined;
    }),
  );
  return found.filter((s): s is LocalServer => s !== undefined);
}

/** How well a model suits ghost text, and why, for the first-run offer and the model picker. */
export function modelFit(model: string): { score: number; why: string } {
  if (isEmbeddingModel(model)) return { score: -1, why: 'makes embeddings; cannot complete code' };
  const family = familyFor(model);
  if (family && looksBase(model)) return { score: 3, why: `fills in the middle (${family.label}, base model: best for completion)` };
  if (family?.chatSystem) return { score: 2, why: `fills in the middle through chat (${family.label})` };
  if (family) return { score: 2, why: `fills in the middle (${family.label}; a base tag completes better than an instruct one)` };
  if (/coder|code/i.test(model)) return { score: 1, why: 'a code model with no fill-in-the-middle format we know: completes from the prefix only' };
  return { score: 0, why: 'a general model: completes from the prefix only' };
}

/** Prefers a FIM-capable base code model; never an embedding model. */
export function pickModel(models: string[]): string | undefined {
  const usable = models.filter((m) => modelFit(m).score >= 0);
  return [...usable].sort((a, b) => modelFit(b).score - modelFit(a).score)[0];
}

/** The first-run notice's buttons. */
export const FIRST_RUN_ACTIONS = {
  useFound: 'Use It',
  chooseServer: 'Choose…',
  runLocal: 'Run a Model on This Machine',
  useServer: 'Use My Server',
} as const;

/**
 * The first-run notice with no endpoint configured: a local server that answered, with its best
 * model, or none; either way a model on this machine is offered next to one's own server.
 */
export function firstRunOffer(found: { server: LocalServer; model: string } | undefined): { text: string; actions: string[] } {
  const A = FIRST_RUN_ACTIONS;
  if (found) {
    const { server, model } = found;
    return {
      text: `Intent Complete: found ${server.name} at ${server.endpoint}. Use it with model ${model}? It ${modelFit(model).why}.`,
      actions: [A.useFound, A.chooseServer, A.runLocal],
    };
  }
  return {
    text: 'Intent Complete needs a model to suggest code. Run one on this machine (the built-in engine; you choose the model, and it downloads only then), or use your own server (Ollama, llama.cpp, LM Studio, vLLM or a hosted API)?',
    actions: [A.runLocal, A.useServer],
  };
}
