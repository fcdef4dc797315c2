/**
 * Ollama's native `POST /api/generate` and `POST /api/chat` (at the server root). Its OpenAI-compatible /v1/completions
 * always runs the prompt through the model's chat template, which turns a FIM prompt sent to an
 * instruct tag into chat; here `raw: true` sends the FIM string as it is. With the server's own
 * template (`suffix`), the prefix goes as `prompt` and the suffix as `suffix` (only for models whose
 * template has a Suffix branch). `think: false` for models that would think first, `keep_alive`
 * keeps the model loaded between keystrokes. Answers are newline-delimited JSON objects
 * (`response`, then `done: true` with `done_reason`).
 */
import type { Transport } from './types';

/** How long Ollama keeps the model loaded after a request (its default is 5 minutes). */
export const OLLAMA_KEEP_ALIVE = '30m';

interface GenerateChunk {
  response?: unknown;
  /** /api/chat: the answer's piece. */
  message?: { content?: unknown };
  done?: unknown;
  done_reason?: unknown;
  error?: unknown;
}

export const ollamaGenerate: Transport = async (c) => {
  // A chat prompt (fill-the-hole, or a family whose FIM goes in a chat message) goes to /api/chat,
  // where `think: false` is honoured too (the OpenAI-compatible chat route has no such switch).
  const chat = c.prompt.messages !== undefined;
  const serverTemplate = !chat && c.prompt.suffix !== undefined;
  const body = {
    model: c.opts.model,
    ...(chat ? { messages: c.prompt.messages } : { prompt: c.prompt.prompt, ...(serverTemplate ? { suffix: c.prompt.suffix } : { raw: true }) }),
    stream: c.opts.stream,
    keep_alive: OLLAMA_KEEP_ALIVE,
    ...(c.route.noThink ? { think: false } : {}),
    options: {
      num_predict: c.opts.maxTokens,
      temperature: c.opts.temperature,
      ...(c.stop && c.stop.length > 0 ? { stop: c.stop } : {}),
    },
    ...(c.opts.extraBody ?? {}),
  };
  const res = await c.http.post(`${c.root}/api/${chat ? 'chat' : 'generate'}`, { body, ...c.reqOpts }).asResponse();
  if (!res.body) throw new Error(`empty answer from /api/${chat ? 'chat' : 'generate'}`);
  await c.out.readLines(res.body, (raw) => {
    const o = (raw && typeof raw === 'object' ? raw : {}) as GenerateChunk;
    if (typeof o.error === 'string') throw new Error(o.error);
    const done = o.done === true;
    const piece = chat ? o.message?.content : o.response;
    c.out.add(0, typeof piece === 'string' ? piece : '', done ? (o.done_reason === 'length' ? 'length' : 'stop') : undefined);
    return done;
  });
};

/** Loads the model and keeps it loaded: a generate request with no prompt (Ollama's documented way). */
export const ollamaLoad: Transport = async (c) => {
  await c.http.post(`${c.root}/api/generate`, { body: { model: c.opts.model, keep_alive: OLLAMA_KEEP_ALIVE, stream: false }, ...c.reqOpts });
  c.out.add(0, '', 'stop');
};
