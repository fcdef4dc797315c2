/**
 * Mistral's fill-in-the-middle API (Codestral): `POST /v1/fim/completions` with `prompt` (the
 * prefix) and `suffix`; the server applies the model's template. Answers are shaped like chat
 * completions (`message.content`, streamed as `delta.content`).
 */
import { postChoices } from './openai';
import type { Transport } from './types';

export const mistralFim: Transport = (c) => {
  const body = {
    model: c.opts.model,
    prompt: c.prompt.prompt,
    suffix: c.prompt.suffix ?? '',
    max_tokens: c.opts.maxTokens,
    temperature: c.opts.temperature,
    ...(c.stop && c.stop.length > 0 ? { stop: c.stop } : {}),
    ...(c.opts.extraBody ?? {}),
  };
  return postChoices(c, `${c.baseURL}/fim/completions`, body, (ch, streamed) => (streamed ? ch.delta?.content : ch.message?.content));
};
