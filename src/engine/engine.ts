/**
 * The local engine: a GGUF model loaded with node-llama-cpp, one context with a sequence per
 * recently used document (slots.ts), completions with KV reuse, stop strings and abort, and what
 * each request cost (prompt tokens, tokens evaluated, prompt evaluation and first-token times).
 * No HTTP here (server.ts); runs in the engine's own process (worker.ts), never in an editor's.
 */
import * as path from 'node:path';
import { fitPrompt, type FimTokenIds } from './fit';
import { getRuntime, loadLlamaModule, type Llama, type LlamaContext, type LlamaModel, type Token } from './llama';
import { alignSequence, SequencePool } from './slots';
import { StopText } from './stopText';

export interface EngineOptions {
  modelFile: string;
  /** CPU threads (explicit: never the library's default). */
  threads: number;
  /** Tokens per sequence (default: the model's trained context, at most DEFAULT_MAX_CONTEXT). */
  contextSize?: number;
  /** Documents whose KV state is kept (sequences), default DEFAULT_SEQUENCES. */
  sequences?: number;
  /** Keep each document's evaluated tokens between requests (default true; false: every prompt is evaluated whole). */
  reuse?: boolean;
  gpu?: boolean;
}

export const DEFAULT_SEQUENCES = 4;
export const DEFAULT_MAX_CONTEXT = 4096;
/** The document key of requests that name none: they share one sequence. */
export const NO_DOCUMENT = '';
/** Completed requests whose figures are kept for /intent/stats. */
const MAX_RECORDS = 20_000;
/** Tokens of the context kept for the answer: this many, at most GENERATION_ROOM_SHARE of the context. */
export const GENERATION_ROOM = 256;
export const GENERATION_ROOM_SHARE = 1 / 4;
/** The prompt is evaluated in pieces of this many tokens, so an abort stops a long evaluation between pieces. */
export const PROMPT_CHUNK = 128;
/** Prompt tokens given to the detokenizer before the generated ones (a word's leading space depends on them). */
const DETOKENIZE_CONTEXT = 8;

export interface CompletionInput {
  /** Which document the prompt is of: its sequence keeps its KV state. */
  document?: string;
  /** Text (special tokens such as FIM markers are read as tokens) or chat messages rendered by the model's template. */
  prompt: string;
  /** With a FIM model: the text after the cursor (the prompt is then the text before it). Ignored by a model without FIM tokens. */
  suffix?: string;
  /** Chat: the prompt is already rendered by the model's template and its own stop texts apply. */
  chat?: boolean;
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
  stop: string[];
}

export type FinishReason = 'stop' | 'length' | 'aborted';

/** What one request cost; every time in ms. */
export interface RequestFigures {
  document: string;
  /** Tokens of the prompt after fitting it to the context. */
  promptTokens: number;
  /** Of those, tokens evaluated for this request. */
  evaluatedTokens: number;
  /** Of those, tokens taken from the sequence's KV state (not evaluated again). With an abort during the prompt's evaluation, reused + evaluated < promptTokens. */
  reusedTokens: number;
  /** Evaluation began (false: the request was given up while it waited for its sequence). */
  started: boolean;
  /** Tokens cut to fit the context window. */
  droppedTokens: number;
  generatedTokens: number;
  /** Waiting for the document's sequence (its previous request), ms. */
  queueMs: number;
  /** From starting evaluation to the first generated token (the prompt's evaluation), ms (0: none). */
  promptEvalMs: number;
  /** From the request's arrival to the first generated token, ms (undefined: none). */
  firstTokenMs?: number;
  /** From the first generated token to the last, ms. */
  generationMs: number;
  finishReason: FinishReason;
}

export interface CompletionResult {
  text: string;
  figures: RequestFigures;
}

export interface EngineInfo {
  /** The model's name as served: the file name without `.gguf`. */
  id: string;
  file: string;
  contextSize: number;
  trainContextSize: number;
  sequences: number;
  threads: number;
  fim: boolean;
  chat: boolean;
  reuse: boolean;
}

export class Engine {
  readonly records: RequestFigures[] = [];
  private readonly pool: SequencePool;
  private readonly fimIds: FimTokenIds | undefined;
  private activeCount = 0;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly info: EngineInfo,
  ) {
    this.pool = new SequencePool(Array.from({ length: info.sequences }, () => context.getSequence()));
    const t = model.tokens.infill;
    this.fimIds = t.prefix !== null && t.suffix !== null && t.middle !== null ? { prefix: t.prefix, suffix: t.suffix, middle: t.middle } : undefined;
  }

  static async load(o: EngineOptions): Promise<Engine> {
    const threads = Math.max(1, Math.floor(o.threads));
    const llama = await getRuntime({ threads, gpu: o.gpu });
    const model = await llama.loadModel({ modelPath: o.modelFile });
    const sequences = Math.max(1, Math.floor(o.sequences ?? DEFAULT_SEQUENCES));
    const contextSize = Math.min(o.contextSize ?? DEFAULT_MAX_CONTEXT, model.trainContextSize);
    const context = await model.createContext({ contextSize, sequences, threads });
    const t = model.tokens.infill;
    const info: EngineInfo = {
      id: path.basename(o.modelFile).replace(/\.gguf$/i, ''),
      file: o.modelFile,
      contextSize: context.contextSize,
      trainContextSize: model.trainContextSize,
      sequences,
      threads,
      fim: t.prefix !== null && t.suffix !== null && t.middle !== null,
      chat: typeof model.fileInfo.metadata.tokenizer?.chat_template === 'string',
      reuse: o.reuse !== false,
    };
    return new Engine(llama, model, context, info);
  }

  /** Requests being answered or waiting, all documents. */
  get active(): number {
    return this.activeCount;
  }

  /** Requests of this document being answered or waiting. */
  inFlight(document: string): number {
    return this.pool.inFlight(document);
  }

  /** Memory the model and context take, bytes (for the log). */
  memory(): { model: number; context: number } {
    return { model: this.model.size, context: this.context.memoryUsage.ram };
  }

  /** The model's chat template applied to these messages (undefined: the model has none). */
  async renderChat(messages: { role: string; content: string }[]): Promise<{ prompt: string; stop: string[] } | undefined> {
    if (!this.info.chat) return undefined;
    const m = await loadLlamaModule();
    const wrapper = m.resolveChatWrapper(this.model);
    const history = messages.map((x) =>
      x.role === 'system'
        ? { type: 'system' as const, text: x.content }
        : x.role === 'assistant'
          ? { type: 'model' as const, response: [x.content] }
          : { type: 'user' as const, text: x.content },
    );
    history.push({ type: 'model', response: [] });
    const state = wrapper.generateContextState({ chatHistory: history });
    const prompt = state.contextText.toString();
    const stop = state.stopGenerationTriggers.map((t) => t.toString()).filter((s) => s.length > 0);
    return { prompt, stop };
  }

  /**
   * Completes the prompt, sending text as it comes through `onText`. Aborting the signal stops
   * generation before the next token. Never throws for a bad prompt: an empty one gets no text.
   */
  async complete(r: CompletionInput, onText: (delta: string) => void, signal?: AbortSignal): Promise<CompletionResult> {
    const arrived = performance.now();
    const document = r.document ?? NO_DOCUMENT;
    this.activeCount++;
    const lease = await this.pool.acquire(document);
    const queueMs = performance.now() - arrived;
    try {
      const all = this.promptTokens(r);
      // The same limit for every request (not one per max_tokens), so a document's prompts are cut alike.
      const fitted = fitPrompt(all, { limit: this.info.contextSize - this.generationRoom(), head: this.hasBos(all) ? 1 : 0, fim: this.fimIds });
      const tokens = fitted.tokens as Token[];
      const maxTokens = Math.max(0, Math.min(Math.floor(r.maxTokens), this.info.contextSize - tokens.length));
      const figures: RequestFigures = {
        document,
        promptTokens: tokens.length,
        evaluatedTokens: 0,
        reusedTokens: 0,
        started: false,
        droppedTokens: fitted.dropped,
        generatedTokens: 0,
        queueMs,
        promptEvalMs: 0,
        generationMs: 0,
        finishReason: 'stop',
      };
      if (tokens.length === 0 || maxTokens === 0 || signal?.aborted) {
        figures.finishReason = signal?.aborted ? 'aborted' : maxTokens === 0 ? 'length' : 'stop';
        return this.record({ text: '', figures });
      }
      const sequence = lease.slot.sequence;
      figures.started = true;
      const kept = await alignSequence(sequence, tokens, this.info.reuse);
      figures.reusedTokens = kept;
      const started = performance.now();
      // All but the last piece without generating: an abort is seen between pieces.
      let at = kept;
      while (tokens.length - at > PROMPT_CHUNK && !signal?.aborted) {
        const end = Math.min(at + PROMPT_CHUNK, tokens.length - 1);
        await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(at, end));
        at = end;
      }
      figures.evaluatedTokens = at - kept;
      if (signal?.aborted) {
        figures.finishReason = 'aborted';
        figures.promptEvalMs = performance.now() - started;
        return this.record({ text: '', figures });
      }
      figures.evaluatedTokens = tokens.length - kept;
      const text = await this.generate(sequence, tokens, at, r, maxTokens, figures, arrived, started, onText, signal);
      return this.record({ text, figures });
    } finally {
      lease.release();
      this.activeCount--;
    }
  }

  private async generate(
    sequence: ReturnType<LlamaContext['getSequence']>,
    tokens: Token[],
    kept: number,
    r: CompletionInput,
    maxTokens: number,
    figures: RequestFigures,
    arrived: number,
    started: number,
    onText: (delta: string) => void,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const stops = new StopText(r.stop);
    const out: Token[] = [];
    // The prompt's last tokens, so the first generated token's leading space is kept.
    const before = tokens.slice(-DETOKENIZE_CONTEXT);
    const detokenize = () => this.model.detokenize(out, false, before);
    let text = '';
    let firstAt: number | undefined;
    let lastAt = started;
    const iterator = sequence.evaluate(tokens.slice(kept), {
      temperature: Math.max(0, r.temperature),
      ...(r.topP !== undefined ? { topP: r.topP } : {}),
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
    });
    try {
      for await (const token of iterator) {
        lastAt = performance.now();
        if (firstAt === undefined) {
          firstAt = lastAt;
          figures.promptEvalMs = firstAt - started;
          figures.firstTokenMs = firstAt - arrived;
        }
        if (signal?.aborted) {
          figures.finishReason = 'aborted';
          break;
        }
        if (this.model.isEogToken(token)) {
          figures.finishReason = 'stop';
          break;
        }
        out.push(token);
        const { delta, stop } = stops.push(detokenize());
        if (delta) {
          text += delta;
          onText(delta);
        }
        if (stop) {
          figures.finishReason = 'stop';
          break;
        }
        if (out.length >= maxTokens) {
          figures.finishReason = 'length';
          break;
        }
      }
    } finally {
      await iterator.return();
    }
    if (figures.finishReason !== 'aborted' && !stops.done) {
      const rest = stops.finish(detokenize());
      if (rest) {
        text += rest;
        onText(rest);
      }
    }
    figures.generatedTokens = out.length;
    figures.generationMs = firstAt === undefined ? 0 : lastAt - firstAt;
    return text;
  }

  /** The request's tokens: BOS when the model wants it, then the prompt (FIM-wrapped with a suffix when the model can). */
  private promptTokens(r: CompletionInput): number[] {
    const bos = this.model.tokens.bos;
    const wantsBos = bos !== null && this.model.fileInfo.metadata.tokenizer?.ggml?.add_bos_token !== false;
    const tok = (s: string) => (s ? this.model.tokenize(s, true) : []);
    let body: number[];
    if (r.suffix !== undefined && this.fimIds) body = [this.fimIds.prefix, ...tok(r.prompt), this.fimIds.suffix, ...tok(r.suffix), this.fimIds.middle];
    else body = tok(r.prompt);
    // A chat template may start with the BOS text itself.
    if (wantsBos && body[0] !== bos) return [bos!, ...body];
    return body;
  }

  /** Tokens of the context kept free for the answer. */
  private generationRoom(): number {
    return Math.max(1, Math.min(GENERATION_ROOM, Math.floor(this.info.contextSize * GENERATION_ROOM_SHARE)));
  }

  private hasBos(tokens: readonly number[]): boolean {
    return tokens.length > 0 && tokens[0] === this.model.tokens.bos;
  }

  private record(res: CompletionResult): CompletionResult {
    this.records.push(res.figures);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
    return res;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
