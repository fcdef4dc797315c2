/**
 * The OpenAI-style routes: `POST /v1/completions` (a FIM string in the prompt; the `suffix` field
 * only when the template is the server's own, as DeepSeek's beta endpoint takes it) and
 * `POST /v1/chat/completions` (fill-the-hole chat, or a FIM string inside a chat message).
 */
import type { Stream } from 'openai/streaming';
import type { Call, Transport } from './types';

interface Choice {
  index?: number;
  finish_reason?: string | null;
  text?: string | null;
  delta?: { content?: string | null } | null;
  message?: { content?: string | null } | null;
}
interface Answer {
  choices?: Choice[];
}

function common(c: Call) {
  return {
    model: c.opts.model,
    max_tokens: c.opts.maxTokens,
    temperature: c.opts.temperature,
    ...(c.stop && c.stop.length > 0 ? { stop: c.stop } : {}),
    ...(c.opts.n > 1 ? { n: c.opts.n } : {}),
    ...(c.opts.extraBody ?? {}),
  };
}

/** Posts `body` to `url` and feeds each choice's text (`piece`) to the collector, streamed or not. */
export async function postChoices(c: Call, url: string, body: Record<string, unknown>, piece: (ch: Choice, streamed: boolean) => string | null | undefined): Promise<void> {
  if (c.opts.stream) {
    const s = await c.http.post<Stream<Answer>>(url, { body: { ...body, stream: true }, stream: true, ...c.reqOpts });
    await c.out.read(s, (chunk) => {
      for (const ch of chunk.choices ?? []) c.out.add(ch.index ?? 0, piece(ch, true), ch.finish_reason);
    });
    return;
  }
  const r = await c.http.post<Answer>(url, { body: { ...body, stream: false }, ...c.reqOpts });
  if (!r || !Array.isArray(r.choices)) throw new Error('no `choices` in the answer');
  for (const ch of r.choices) c.out.add(ch.index ?? 0, piece(ch, false), ch.finish_reason);
}

export const completions: Transport = (c) => {
  const body = { ...common(c), prompt: c.prompt.prompt, ...(c.prompt.suffix !== undefined ? { suffix: c.prompt.suffix } : {}) };
  const url = c.route.path ? `${c.root}${c.route.path}` : `${c.baseURL}/completions`;
  return postChoices(c, url, body, (ch) => ch.text);
};

export const chat: Transport = (c) => {
  const messages = c.prompt.messages ?? [{ role: 'user' as const, content: c.prompt.prompt }];
  return postChoices(c, `${c.baseURL}/chat/completions`, { ...common(c), messages }, (ch, streamed) => (streamed ? ch.delta?.content : ch.message?.content));
};
