/**
 * Fitting a prompt to the model's context window, by tokens, keeping the cursor's surroundings: the
 * end of a plain prompt, the end of a FIM prompt's prefix and the start of its suffix. What is cut
 * from the start is cut in whole steps counted from the prompt's first token, so consecutive
 * prompts of a document that grow at the cursor keep the same first tokens (and their KV cache).
 * Pure: token ids in, token ids out.
 */

/** The model's fill-in-the-middle tokens (ids), when it has them. */
export interface FimTokenIds {
  prefix: number;
  suffix: number;
  middle: number;
}

export interface FitOptions {
  /** Tokens the prompt may have at most. */
  limit: number;
  /** Tokens at the start always kept (the BOS token). */
  head: number;
  fim?: FimTokenIds;
}

export interface Fitted {
  tokens: number[];
  /** Tokens left out (0: the prompt fit). */
  dropped: number;
}

/** Cuts at the prompt's start are whole multiples of this share of the limit (prefix stability). */
export const TRIM_STEP_SHARE = 1 / 4;
/** The most of the limit a FIM suffix keeps when the prompt is too long. */
export const SUFFIX_SHARE = 1 / 4;

/** The prompt's tokens fit to `o.limit`, keeping what is nearest the cursor. */
export function fitPrompt(tokens: readonly number[], o: FitOptions): Fitted {
  const limit = Math.max(1, Math.floor(o.limit));
  if (tokens.length <= limit) return { tokens: [...tokens], dropped: 0 };
  const head = Math.min(o.head, tokens.length, limit - 1);
  let body = tokens.slice(head);
  const room = limit - head;
  const fim = o.fim ? fimLayout(body, o.fim) : undefined;
  if (fim) body = capSuffix(body, fim, Math.floor(limit * SUFFIX_SHARE));
  // What comes after the cursor (FIM suffix and middle) is never cut from the front.
  const cursor = fim ? fimLayout(body, o.fim!)!.suffixAt : body.length;
  const excess = body.length - room;
  if (excess > 0) {
    const step = Math.max(1, Math.floor(limit * TRIM_STEP_SHARE));
    const drop = Math.min(Math.ceil(excess / step) * step, Math.max(0, cursor - 1));
    const prefixDropped = fim !== undefined && fim.prefixAt >= 0 && fim.prefixAt < drop;
    body = [...(prefixDropped ? [o.fim!.prefix] : []), ...body.slice(drop + (prefixDropped ? 1 : 0))];
  }
  // Still too long (a suffix or a cursor region larger than the room): the end is kept.
  if (body.length > room) body = body.slice(body.length - room);
  const out = [...tokens.slice(0, head), ...body];
  return { tokens: out, dropped: tokens.length - out.length };
}

interface FimLayout {
  /** Index of the prefix token (-1: none). */
  prefixAt: number;
  suffixAt: number;
  middleAt: number;
}

/** Where a PSM prompt's markers are: the last suffix token with a middle token after it. */
function fimLayout(body: readonly number[], ids: FimTokenIds): FimLayout | undefined {
  const suffixAt = body.lastIndexOf(ids.suffix);
  if (suffixAt < 0) return undefined;
  const middleAt = body.indexOf(ids.middle, suffixAt + 1);
  if (middleAt < 0) return undefined;
  return { prefixAt: body.lastIndexOf(ids.prefix, suffixAt), suffixAt, middleAt };
}

/** The suffix (between the suffix and middle tokens) cut to its first `cap` tokens. */
function capSuffix(body: number[], at: FimLayout, cap: number): number[] {
  const len = at.middleAt - at.suffixAt - 1;
  if (len <= cap) return body;
  return [...body.slice(0, at.suffixAt + 1 + cap), ...body.slice(at.middleAt)];
}
