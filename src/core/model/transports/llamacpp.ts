/**
 * llama.cpp server's native `POST /infill` (at the server root): the server applies the model's
 * own FIM template and file separators, related files go in `input_extra`, `cache_prompt` keeps its
 * KV cache across keystrokes. One candidate; answers `{content, stop, stop_type}`, streamed as SSE
 * without `[DONE]` (the object with `stop: true` is the last).
 */
import type { Stream } from 'openai/streaming';
import { infillBody } from '../../context/templates';
import type { Transport } from './types';

interface InfillChunk {
  content?: unknown;
  stop?: unknown;
  /** Newer servers: 'eos' | 'word' | 'limit' | 'none'. */
  stop_type?: unknown;
  /** Older servers. */
  stopped_limit?: unknown;
}

function finishOf(c: InfillChunk): string | undefined {
  if (c.stop !== true) return undefined;
  return c.stop_type === 'limit' || c.stopped_limit === true ? 'length' : 'stop';
}

export const llamacppInfill: Transport = async (c) => {
  // The openai package has no /infill resource, but its low-level post() gives this request the
  // same deadline, abort handling, error classes and SSE parser as the other routes.
  const lineBefore = c.prompt.prefix.slice(c.prompt.prefix.lastIndexOf('\n') + 1);
  const body = {
    ...infillBody(c.prompt, { cachePrompt: true, nPredict: c.opts.maxTokens }),
    model: c.opts.model,
    // Lines of the answer indented less than the cursor's line end it (the block is closed), and
    // past this time after its first token the server stops at the next newline: our deadline.
    n_indent: /^[ \t]*/.exec(lineBefore)?.[0].length ?? 0,
    t_max_predict_ms: c.reqOpts.timeout,
    temperature: c.opts.temperature,
    ...(c.stop && c.stop.length > 0 ? { stop: c.stop } : {}),
    ...(c.opts.extraBody ?? {}),
    stream: c.opts.stream,
  };
  const url = `${c.root}/infill`;
  if (c.opts.stream) {
    const s = await c.http.post<Stream<InfillChunk>>(url, { body, stream: true, ...c.reqOpts });
    await c.out.read(
      s,
      (chunk) => c.out.add(0, typeof chunk.content === 'string' ? chunk.content : '', finishOf(chunk)),
      (chunk) => chunk.stop === true,
    );
    return;
  }
  const r = await c.http.post<InfillChunk>(url, { body, ...c.reqOpts });
  if (!r || typeof r !== 'object' || typeof r.content !== 'string') throw new Error('no `content` in the /infill answer');
  c.out.add(0, r.content, finishOf(r) ?? 'stop');
};
