/**
 * The "tokenizer + model" inside every emulated server. A server turns a request into segments
 * (plain text, or control tokens where it parses special tokens); the model reads the FIM / chat
 * structure from the control tokens of its family, asks the brain what it would write, and
 * generates it token by token (~4 chars/token) until end-of-text, a stop word or a budget.
 */
import type { ModelBrain } from './brain';
import { chatProse, chatShape } from './chat';
import { eosOf, familyOf, type Family, type ModelEntry } from './catalogue';

/** A piece of the final prompt: literal text, or one control token. */
export interface Segment {
  readonly text: string;
  readonly special: boolean;
}

export const text = (t: string): Segment => ({ text: t, special: false });
export const special = (t: string): Segment => ({ text: t, special: true });

/** ~4 characters per token: the rule every budget and usage count here uses. */
export const CHARS_PER_TOKEN = 4;
export const tokenCount = (s: string): number => Math.ceil(s.length / CHARS_PER_TOKEN);

/**
 * Tokenizes `s`: with `parseSpecial` every occurrence of a control-token string becomes that
 * token (llama.cpp common_tokenize(…, parse_special=true), HF tokenizers' added special tokens);
 * without it the whole string stays text (llama.cpp format_infill tokenizes input_prefix with
 * parse_special=false).
 */
export function tokenize(s: string, specials: readonly string[], parseSpecial: boolean): Segment[] {
  if (!parseSpecial || specials.length === 0 || s.length === 0) return s.length ? [text(s)] : [];
  const sorted = [...specials].sort((a, b) => b.length - a.length);
  const out: Segment[] = [];
  let i = 0;
  let start = 0;
  while (i < s.length) {
    const hit = sorted.find((t) => s.startsWith(t, i));
    if (hit) {
      if (i > start) out.push(text(s.slice(start, i)));
      out.push(special(hit));
      i += hit.length;
      start = i;
    } else i++;
  }
  if (start < s.length) out.push(text(s.slice(start)));
  return out;
}

export const render = (segs: readonly Segment[]): string => segs.map((s) => s.text).join('');

/** What the model makes of its prompt. */
export type Reading =
  | { readonly kind: 'fim'; readonly prefix: string; readonly suffix: string }
  | { readonly kind: 'chat'; readonly user: readonly Segment[] }
  | { readonly kind: 'corrupted'; readonly reason: string; readonly before: string }
  | { readonly kind: 'continuation'; readonly text: string };

/** Segments whose rendered text lies in [from, to) (splitting text segments at the edges). */
function sliceSegments(segs: readonly Segment[], from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const seg of segs) {
    const end = pos + seg.text.length;
    if (end > from && pos < to) {
      if (seg.special) out.push(seg);
      else out.push(text(seg.text.slice(Math.max(0, from - pos), Math.min(seg.text.length, to - pos))));
    }
    pos = end;
  }
  return out;
}

/** True when a control token `token` starts exactly at rendered offset `at`. */
function specialAt(segs: readonly Segment[], at: number, token: string): boolean {
  let pos = 0;
  for (const seg of segs) {
    if (pos === at && seg.special && seg.text === token) return true;
    if (pos > at) return false;
    pos += seg.text.length;
  }
  return false;
}

/**
 * Reads the FIM structure from control tokens only: exactly one of each sentinel in the trained
 * order ⇒ FIM; any sentinel twice, missing or out of order ⇒ a corrupted prompt.
 */
export function readFim(family: Family, segs: readonly Segment[]): Reading | undefined {
  const fim = family.fim;
  if (!fim) return undefined;
  const names = [fim.prefix, fim.suffix, ...(fim.middle ? [fim.middle] : [])];
  const found = segs.map((s, i) => ({ s, i })).filter(({ s }) => s.special && names.includes(s.text));
  if (found.length === 0) return undefined;
  // What a confused model continues: the text between the first two sentinels it meets (for a
  // duplicated <|fim_prefix|> inside the file, the file up to that literal — the wrong place).
  const before = render(segs.slice(found[0].i + 1, found.length > 1 ? found[1].i : segs.length).filter((s) => !s.special));
  const want = fim.order === 'PSM' ? names : [fim.suffix, fim.prefix];
  for (const n of names) {
    const count = found.filter(({ s }) => s.text === n).length;
    if (count !== 1) return { kind: 'corrupted', reason: `${n} appears ${count} times`, before };
  }
  if (found.map(({ s }) => s.text).join('\u0000') !== want.join('\u0000')) {
    return { kind: 'corrupted', reason: `sentinels out of order: ${found.map(({ s }) => s.text).join(' ')}`, before };
  }
  const at = (t: string): number => segs.findIndex((s) => s.special && s.text === t);
  const between = (a: number, b: number): string => render(segs.slice(a + 1, b < 0 ? segs.length : b));
  let pre: string;
  let suffix: string;
  let after = '';
  if (fim.order === 'PSM') {
    pre = between(at(fim.prefix), at(fim.suffix));
    suffix = between(at(fim.suffix), fim.middle ? at(fim.middle) : -1);
    // Text already after the middle sentinel is the start of the middle: the model continues it.
    if (fim.middle) after = between(at(fim.middle), -1);
  } else {
    suffix = between(at(fim.suffix), at(fim.prefix));
    pre = between(at(fim.prefix), -1);
  }
  if (fim.spaceAfterPrefix && pre.startsWith(' ')) pre = pre.slice(1);
  if (fim.spaceBeforeSentinels) {
    if (pre.endsWith(' ')) pre = pre.slice(0, -1);
    if (suffix.endsWith(' ')) suffix = suffix.slice(0, -1);
  }
  const prefix = pre + after;
  return { kind: 'fim', prefix, suffix };
}

/** Chat first (a chat prompt may carry a FIM string in its user turn), then FIM, else plain text. */
export function readPrompt(family: Family, segs: readonly Segment[]): Reading {
  const all = render(segs);
  if (family.chat) {
    const shape = chatShape(family.chat, all);
    if (shape && shape.markers.every((m) => specialAt(segs, m.at, m.token))) {
      return { kind: 'chat', user: sliceSegments(segs, shape.userFrom, shape.userTo) };
    }
  }
  // Plain text: the model continues it (a leading BOS is not part of the text it continues).
  return readFim(family, segs) ?? { kind: 'continuation', text: render(segs.filter((s) => !(s.special && s.text === family.bos))) };
}

export interface GenerateParams {
  readonly model: ModelEntry;
  readonly brain: ModelBrain;
  readonly segments: readonly Segment[];
  /** Token budget; undefined = until end-of-text. */
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  /** The model thinks first (thinking model, thinking enabled): thought text precedes the answer. */
  readonly think?: boolean;
  /** Characters of thought a thinking model writes before answering. */
  readonly thinkChars?: number;
  /** The server prints control tokens, so the end-of-text token appears literally before stopping. */
  readonly printEos?: boolean;
  /** llama.cpp n_indent / t_max_predict_ms (ggml-org/llama.cpp tools/server/server.cpp process_token), with a simulated token rate. */
  readonly nIndent?: number;
  readonly tMaxPredictMs?: number;
  readonly tokensPerSecond?: number;
  /** A server-side FIM template (Mistral, DeepSeek): the structure is known, prompt text stays text. */
  readonly hostedFim?: { readonly prefix: string; readonly suffix: string | undefined };
  /**
   * Lines of file text a FIM model writes past the fill before its end-of-text (it does not know the
   * hole is one line). Default: 1 for base weights, 0 for chat-tuned ones (an assumption, see report).
   */
  readonly fimRunOnLines?: number;
  /** A hosted chat API (Mistral, DeepSeek): the user turn is plain text the server templates itself. */
  readonly hostedChat?: { readonly user: string };
}

export interface Generated {
  /** Visible generated text after stop handling. */
  readonly text: string;
  readonly finish: 'eos' | 'word' | 'limit';
  readonly stoppingWord: string;
  readonly tokens: number;
  readonly promptTokens: number;
  readonly reading: Reading['kind'] | 'hosted';
  readonly corrupted?: string;
  /** Token-sized pieces of `text` for streaming (never includes text cut by a stop word). */
  readonly pieces: readonly string[];
}

const MAX_NATURAL_CHARS = 16_000;
const THOUGHT =
  'Okay, the user wants me to finish this code. Let me look at what comes before the cursor, ' +
  'check which names are already defined, and work out what the rest of the line should say. ';

/** What the weights would write, unconstrained, before their end-of-text token. */
function naturalOutput(p: GenerateParams, r: Reading | undefined, maxChars: number): string {
  const f = familyOf(p.model);
  const continuation = (prefix: string): string => {
    const input = { prefix, suffix: undefined, maxChars };
    return p.brain.tail?.(input) ?? p.brain(input);
  };
  if (p.hostedChat) {
    const user = p.hostedChat.user;
    return chatProse(user, p.brain({ prefix: user, suffix: undefined, maxChars }));
  }
  if (p.hostedFim) {
    const { prefix, suffix } = p.hostedFim;
    return suffix === undefined ? continuation(prefix) : p.brain({ prefix, suffix, maxChars });
  }
  if (!r) return '';
  switch (r.kind) {
    case 'fim': {
      if (!f.fimTrained) return continuation(render(p.segments));
      const input = { prefix: r.prefix, suffix: r.suffix, maxChars };
      const fill = p.brain(input);
      const runOn = p.fimRunOnLines ?? (p.model.instruct ? 0 : 1);
      const tail = runOn > 0 ? p.brain.tail?.(input) : undefined;
      // An unstopped base model keeps writing the file past the hole line (usually the suffix again).
      return tail?.startsWith(fill)
        ? tail
            .split('\n')
            .slice(0, 1 + runOn)
            .join('\n')
        : fill;
    }
    case 'corrupted':
      // A confused model fills at the wrong place: where the first sentinel pair would put the cursor.
      return p.brain({ prefix: r.before, suffix: undefined, maxChars });
    case 'continuation':
      return continuation(r.text);
    case 'chat': {
      if (!p.model.instruct) return continuation(render(p.segments));
      const inner = readFim(f, r.user);
      if (inner?.kind === 'fim' && f.fimInChat) return p.brain({ prefix: inner.prefix, suffix: inner.suffix, maxChars });
      const prefix = inner?.kind === 'fim' ? inner.prefix : render(r.user);
      const suffix = inner?.kind === 'fim' ? inner.suffix : undefined;
      return chatProse(prefix, p.brain({ prefix, suffix, maxChars }));
    }
    default:
      return '';
  }
}

/** Runs the model: read the prompt, produce the natural output, then apply budget and stops. */
export function generate(p: GenerateParams): Generated {
  const f = familyOf(p.model);
  const hosted = p.hostedFim !== undefined || p.hostedChat !== undefined;
  const r = hosted ? undefined : readPrompt(f, p.segments);
  const reading: Generated['reading'] = r ? r.kind : 'hosted';
  const budgetChars = p.maxTokens === undefined ? MAX_NATURAL_CHARS : Math.max(0, p.maxTokens) * CHARS_PER_TOKEN;
  let natural = naturalOutput(p, r, budgetChars).slice(0, MAX_NATURAL_CHARS);
  if (p.think && f.thinking) {
    const thought = THOUGHT.repeat(Math.ceil((p.thinkChars ?? 480) / THOUGHT.length)).slice(0, p.thinkChars ?? 480);
    natural = `${f.thinking.open}\n${thought}\n${f.thinking.close}\n\n${natural}`;
  }
  const pieces: string[] = [];
  for (let i = 0; i < natural.length; i += CHARS_PER_TOKEN) pieces.push(natural.slice(i, i + CHARS_PER_TOKEN));
  const stops = (p.stop ?? []).filter((s) => s.length > 0);
  let out = '';
  let n = 0;
  let finish: Generated['finish'] = 'eos';
  let stoppingWord = '';
  const msPerToken = 1000 / (p.tokensPerSecond ?? 50);
  for (const piece of pieces) {
    // Token budget (llama.cpp has_budget ⇒ STOP_TYPE_LIMIT; vLLM max_tokens ⇒ finish_reason "length").
    if (p.maxTokens !== undefined && n >= p.maxTokens) {
      finish = 'limit';
      break;
    }
    n++;
    out += piece;
    // Stop words: the earliest match in the generated text is cut with everything after it — ggml-org/llama.cpp
    // tools/server/server.cpp server_context::process_token (find_stopping_strings, erase from the stop position;
    // Ollama inherits it through llama-server) and vllm-project/vllm vllm/v1/engine/detokenizer.py check_stop_strings
    // (stop string excluded unless include_stop_str_in_output).
    let cut = -1;
    for (const s of stops) {
      const at = out.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
        stoppingWord = s;
      }
    }
    if (cut >= 0) {
      out = out.slice(0, cut);
      finish = 'word';
      break;
    }
    if (p.nIndent && p.nIndent > 0) {
      // ggml-org/llama.cpp tools/server/server.cpp process_token: once a new line has been seen, a later line indented
      // less than n_indent is cut right after its indentation (STOP_TYPE_LIMIT).
      const lines = out.split('\n');
      let offset = lines[0].length + 1;
      let cutAt = -1;
      for (let li = 1; li < lines.length; li++) {
        const indent = /^[ \t]*/.exec(lines[li])?.[0].length ?? 0;
        if (indent < lines[li].length && indent < p.nIndent) {
          cutAt = offset + indent;
          break;
        }
        offset += lines[li].length + 1;
      }
      if (cutAt >= 0) {
        out = out.slice(0, cutAt);
        finish = 'limit';
        break;
      }
    }
    // process_token: after t_max_predict_ms the generation stops at the next token holding a newline (kept).
    if (p.tMaxPredictMs && p.tMaxPredictMs > 0 && piece.includes('\n') && n * msPerToken > p.tMaxPredictMs) {
      finish = 'limit';
      break;
    }
  }
  // End-of-text: llama.cpp process_token llama_vocab_is_eog ⇒ STOP_TYPE_EOS, its text rendered by common_token_to_piece
  // with special=params.special (empty unless --special); vLLM/Ollama/hosted APIs never print it.
  if (finish === 'eos') {
    if (p.maxTokens !== undefined && n >= p.maxTokens && pieces.length > 0) finish = 'limit';
    else {
      n++; // the end-of-text token itself
      if (p.printEos) out += eosOf(p.model);
    }
  }
  const outPieces: string[] = [];
  for (let i = 0; i < out.length; i += CHARS_PER_TOKEN) outPieces.push(out.slice(i, i + CHARS_PER_TOKEN));
  return {
    text: out,
    finish,
    stoppingWord,
    tokens: n,
    promptTokens: tokenCount(p.hostedFim ? p.hostedFim.prefix + (p.hostedFim.suffix ?? '') : p.hostedChat ? p.hostedChat.user : render(p.segments)),
    reading,
    corrupted: r?.kind === 'corrupted' ? r.reason : undefined,
    pieces: outPieces,
  };
}

/** Segments as a token list (a control token is one token; text is ~4 chars per token). */
function toTokens(segs: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    if (s.special) out.push(s);
    else for (let i = 0; i < s.text.length; i += CHARS_PER_TOKEN) out.push(text(s.text.slice(i, i + CHARS_PER_TOKEN)));
  }
  return out;
}

/** Prompt size in tokens under the emulators' tokenizer rule. */
export const segmentTokens = (segs: readonly Segment[]): number => toTokens(segs).length;

/**
 * Context-shift truncation: keep the first `nKeep` tokens and the last `limit - nKeep`, dropping
 * the middle — what Ollama's llm/llama_server.go completionPromptForRequest does to a prompt over
 * num_ctx. A FIM prompt cut this way can lose its sentinels (the model then sees a broken structure).
 */
export function truncateMiddle(segs: readonly Segment[], nKeep: number, limit: number): Segment[] {
  const toks = toTokens(segs);
  if (toks.length <= limit) return [...segs];
  const kept = [...toks.slice(0, nKeep), ...toks.slice(toks.length - (limit - nKeep))];
  const out: Segment[] = [];
  for (const t of kept) {
    const last = out[out.length - 1];
    if (!t.special && last && !last.special) out[out.length - 1] = text(last.text + t.text);
    else out.push(t);
  }
  return out;
}

/**
 * Splits a thinking model's raw output at its think tags the way Ollama's thinking.Parser does:
 * text inside <think>…</think> is thinking, the rest (leading whitespace dropped) the answer.
 */
export function splitThinking(out: string, open: string, close: string): { thinking: string; content: string } {
  const trimmed = out.replace(/^\s+/, '');
  if (!trimmed.startsWith(open)) return { thinking: '', content: out };
  const body = trimmed.slice(open.length);
  const end = body.indexOf(close);
  if (end < 0) return { thinking: body.replace(/^\s+/, ''), content: '' };
  return { thinking: body.slice(0, end).trim(), content: body.slice(end + close.length).replace(/^\s+/, '') };
}
