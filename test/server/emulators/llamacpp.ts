/**
 * llama.cpp's llama-server (ggml-org/llama.cpp tools/server/server.cpp and tools/server/utils.hpp,
 * the mid-2025 single-file layout, commit 0123497e), emulated rule by rule. Base URL as users
 * configure it: the server root for /infill and /completion, …/v1 for the OpenAI routes.
 */
import type { ModelBrain } from './brain';
import { FAMILIES, GGUF_MODELS, eosOf, type GgufModel } from './catalogue';
import { renderChat, type ChatMessage } from './chat';
import { EmulatorState, bearer, field, num, randomId, startHttp, str, type EmulatorHandle, type Incoming, type Reply } from './http';
import { CHARS_PER_TOKEN, generate, render, segmentTokens, special, text, tokenize, type Generated, type Segment } from './model';

export interface LlamaCppOptions {
  /** A GGUF from the catalogue (e.g. 'qwen2.5-coder-1.5b-base'). */
  readonly model: string;
  readonly brain: ModelBrain;
  /** --alias; without it the model id is the model path and responses echo "gpt-3.5-turbo" unless the request names a model. */
  readonly alias?: string;
  /** Per-slot context (-c / --parallel); default 4096. */
  readonly nCtx?: number;
  /** -b; default 2048 (format_infill takes prefix/suffix by it). */
  readonly nBatch?: number;
  /** -n server default; -1 = until end-of-text. */
  readonly nPredict?: number;
  /** --spm-infill: suffix block before prefix block. */
  readonly spmInfill?: boolean;
  /** --special: control tokens are printed in the output (so the end-of-text token appears). */
  readonly special?: boolean;
  /** --api-key. */
  readonly apiKey?: string;
  /** Simulated generation speed for t_max_predict_ms. */
  readonly tokensPerSecond?: number;
  /** Lines a base FIM model writes past the fill when not stopped (default 1; 0 = stop at the fill). */
  readonly fimRunOnLines?: number;
}

const BUILD_INFO = 'b6200-0123497e';

/** ggml-org/llama.cpp tools/server/server.cpp format_error_response: error type ⇒ HTTP code; body {"error": {code, message, type}} (res_error). */
const ERR = {
  invalid: { type: 'invalid_request_error', code: 400 },
  auth: { type: 'authentication_error', code: 401 },
  notFound: { type: 'not_found_error', code: 404 },
  server: { type: 'server_error', code: 500 },
  notSupported: { type: 'not_supported_error', code: 501 },
  exceed: { type: 'exceed_context_size_error', code: 400 },
} as const;

function lcError(reply: Reply, kind: keyof typeof ERR, message: string, extra: Record<string, unknown> = {}): void {
  const e = ERR[kind];
  reply.json(e.code, { error: { code: e.code, message, type: e.type, ...extra } });
}

function gguf(name: string): GgufModel {
  const m = GGUF_MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`llama.cpp emulator: ${name} is not in the catalogue`);
  return m;
}

/** Takes the last `n` tokens of a text (n ≤ 0 ⇒ nothing) at ~4 chars/token. */
const lastTokens = (s: string, n: number): string => (n <= 0 ? '' : s.slice(Math.max(0, s.length - n * CHARS_PER_TOKEN)));
const firstTokens = (s: string, n: number): string => (n <= 0 ? '' : s.slice(0, n * CHARS_PER_TOKEN));

export async function startLlamaCppEmulator(opts: LlamaCppOptions): Promise<EmulatorHandle> {
  const model = gguf(opts.model);
  const family = FAMILIES[model.family];
  const nCtx = opts.nCtx ?? 4096;
  const nBatch = opts.nBatch ?? 2048;
  const nPredictDefault = opts.nPredict ?? -1;
  const modelId = opts.alias ?? model.path;
  const state = new EmulatorState();

  /** ggml-org/llama.cpp tools/server/server.cpp server_task::params_from_json_cmpl: n_predict (or max_tokens), stop (an array only), n_indent, t_max_predict_ms. */
  function params(data: unknown): { nPredict: number; stop: string[]; nIndent: number; tMax: number; model: string; stream: boolean } {
    const stopV = field(data, 'stop');
    return {
      nPredict: num(field(data, 'n_predict')) ?? num(field(data, 'max_tokens')) ?? nPredictDefault,
      // params_from_json_cmpl: `if (stop != data.end() && stop->is_array())` — a plain string stop is ignored on /completion; all entries count, no limit.
      stop: Array.isArray(stopV) ? stopV.filter((s): s is string => typeof s === 'string' && s.length > 0) : [],
      nIndent: num(field(data, 'n_indent')) ?? 0,
      tMax: num(field(data, 't_max_predict_ms')) ?? -1,
      // params_from_json_cmpl: oaicompat_model = json_value(data, "model", alias or DEFAULT_OAICOMPAT_MODEL "gpt-3.5-turbo" from utils.hpp).
      model: str(field(data, 'model')) ?? opts.alias ?? 'gpt-3.5-turbo',
      stream: field(data, 'stream') === true,
    };
  }

  const stopType = (g: Generated): string => (g.finish === 'eos' ? 'eos' : g.finish === 'word' ? 'word' : 'limit');
  const timings = (g: Generated) => ({
    prompt_n: g.promptTokens,
    prompt_ms: g.promptTokens * 0.5,
    prompt_per_token_ms: 0.5,
    prompt_per_second: 2000,
    predicted_n: g.tokens,
    predicted_ms: g.tokens * 20,
    predicted_per_token_ms: 20,
    predicted_per_second: 50,
  });

  /** ggml-org/llama.cpp tools/server/server.cpp handle_completions_impl: a prompt of n_ctx_slot tokens or more ⇒ 400 exceed_context_size_error; then generation (process_token: stop words, n_predict, n_indent, t_max_predict_ms, EOS). */
  function runTask(path: string, segs: Segment[], data: unknown): Generated | { exceed: number } {
    const n = segmentTokens(segs);
    if (n >= nCtx) return { exceed: n };
    const p = params(data);
    const g = generate({
      model,
      brain: opts.brain,
      segments: segs,
      maxTokens: p.nPredict < 0 ? undefined : p.nPredict,
      stop: p.stop,
      nIndent: p.nIndent,
      tMaxPredictMs: p.tMax,
      tokensPerSecond: opts.tokensPerSecond,
      printEos: opts.special,
      fimRunOnLines: opts.fimRunOnLines,
    });
    state.noteRun(path, render(segs), g);
    return g;
  }

  /** Answers one completion-like task in the non-OAI shape (/completion, /infill) or the OAI text_completion shape. */
  function answer(req: Incoming, reply: Reply, segs: Segment[], data: unknown, oai: boolean): void {
    const g = runTask(req.path, segs, data);
    if ('exceed' in g) return lcError(reply, 'exceed', 'the request exceeds the available context size, try increasing it', { n_prompt_tokens: g.exceed, n_ctx: nCtx });
    const p = params(data);
    const id = randomId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const finishReason = g.finish === 'limit' ? 'length' : 'stop';
    const usage = { completion_tokens: g.tokens, prompt_tokens: g.promptTokens, total_tokens: g.tokens + g.promptTokens };
    const final = (content: string) =>
      oai
        ? {
            choices: [{ text: content, index: 0, logprobs: null, finish_reason: finishReason }],
            created,
            model: p.model,
            system_fingerprint: BUILD_INFO,
            object: 'text_completion',
            usage,
            id,
            timings: timings(g),
          }
        : {
            index: 0,
            content,
            tokens: [],
            id_slot: 0,
            stop: true,
            model: p.model,
            tokens_predicted: g.tokens,
            tokens_evaluated: g.promptTokens,
            generation_settings: { n_predict: p.nPredict, stop: p.stop, n_indent: p.nIndent, t_max_predict_ms: p.tMax, stream: p.stream },
            prompt: render(segs),
            has_new_line: g.text.includes('\n'),
            truncated: false,
            stop_type: stopType(g),
            stopping_word: g.stoppingWord,
            tokens_cached: g.promptTokens + g.tokens,
            timings: timings(g),
          };
    if (!p.stream) return reply.json(200, final(g.text));
    // ggml-org/llama.cpp tools/server/server.cpp handle_completions_impl chunked_content_provider: one SSE event per token, the final result with content "" (already sent);
    // `data: [DONE]` only when oaicompat != OAICOMPAT_TYPE_NONE (so never for /completion or /infill).
    const events: unknown[] = g.pieces.map((piece, i) =>
      oai
        ? { choices: [{ text: piece, index: 0, logprobs: null, finish_reason: null }], created, model: p.model, system_fingerprint: BUILD_INFO, object: 'text_completion', id }
        : { index: 0, content: piece, tokens: [i], stop: false, id_slot: 0, tokens_predicted: i + 1, tokens_evaluated: g.promptTokens },
    );
    events.push(final(''));
    reply.sse(events, oai ? 'data: [DONE]\n\n' : undefined);
  }

  /** ggml-org/llama.cpp tools/server/server.cpp handle_completions_impl → ggml-org/llama.cpp tools/server/utils.hpp tokenize_input_prompts(…, add_special=true, parse_special=true): control-token text becomes tokens; BOS when the vocab adds one. */
  function promptSegments(prompt: string): Segment[] {
    return [...(family.bos ? [special(family.bos)] : []), ...tokenize(prompt, family.specials, true)];
  }

  function completion(req: Incoming, reply: Reply, oai: boolean): void {
    let data = req.body;
    if (oai) {
      // ggml-org/llama.cpp tools/server/utils.hpp oaicompat_completion_params_parse (called by ggml-org/llama.cpp tools/server/server.cpp handle_completions_oai outside any try) throws
      // std::runtime_error for a missing prompt, n != 1, echo, best_of or suffix; the svr exception handler answers 500 server_error.
      if (field(data, 'prompt') === undefined) return lcError(reply, 'server', '"prompt" is required');
      if ((num(field(data, 'n')) ?? 1) !== 1) return lcError(reply, 'server', 'Only one completion choice is allowed');
      if (field(data, 'echo') === true) return lcError(reply, 'server', 'Only no echo is supported');
      for (const p of ['best_of', 'suffix']) if (field(data, p) !== undefined) return lcError(reply, 'server', `Unsupported param: ${p}`);
      const stopV = field(data, 'stop');
      data = { ...(data as Record<string, unknown>), stop: typeof stopV === 'string' ? [stopV] : (stopV ?? []) };
    }
    const prompt = field(data, 'prompt');
    // ggml-org/llama.cpp tools/server/server.cpp handle_completions_impl: data.at("prompt") inside its try ⇒ 400 invalid_request_error with the json exception text.
    if (prompt === undefined) return lcError(reply, 'invalid', "[json.exception.out_of_range.403] key 'prompt' not found");
    // A string prompt is one task; an array of prompts would be several tasks (a result array) — not emulated: the first is used.
    const text0 = typeof prompt === 'string' ? prompt : Array.isArray(prompt) && typeof prompt[0] === 'string' ? prompt[0] : '';
    answer(req, reply, promptSegments(text0), data, oai);
  }

  /** ggml-org/llama.cpp tools/server/server.cpp handle_infill + ggml-org/llama.cpp tools/server/utils.hpp format_infill. */
  function infill(req: Incoming, reply: Reply): void {
    const fim = family.fim;
    // handle_infill: llama_vocab_fim_pre/suf/mid == LLAMA_TOKEN_NULL ⇒ 501 not_supported_error "Infill is not supported by this model: …".
    if (!fim || !fim.middle) {
      return lcError(reply, 'notSupported', 'Infill is not supported by this model: prefix token is missing. suffix token is missing. middle token is missing. ');
    }
    const data = req.body;
    // handle_infill: a missing input_prefix/input_suffix sets res_error but the handler goes on; data.at() then throws ⇒ exception handler 500.
    if (field(data, 'input_prefix') === undefined) return lcError(reply, 'server', "[json.exception.out_of_range.403] key 'input_prefix' not found");
    if (field(data, 'input_suffix') === undefined) return lcError(reply, 'server', "[json.exception.out_of_range.403] key 'input_suffix' not found");
    const extraV = field(data, 'input_extra');
    if (extraV !== undefined && !Array.isArray(extraV)) return lcError(reply, 'invalid', '"input_extra" must be an array of {"filename": string, "text": string}');
    const chunks = Array.isArray(extraV) ? extraV : [];
    for (const c of chunks) {
      if (typeof field(c, 'text') !== 'string') return lcError(reply, 'invalid', 'extra_context chunk must contain a "text" field with a string value');
      if (field(c, 'filename') !== undefined && typeof field(c, 'filename') !== 'string')
        return lcError(reply, 'invalid', 'extra_context chunk\'s "filename" field must be a string');
    }
    // handle_infill: a non-string prompt only sets an error that the completion later overwrites; json_value falls back to "".
    const promptText = str(field(data, 'prompt')) ?? '';
    // format_infill: input_prefix / input_suffix (tokenize_mixed(…, false, false)) and input_extra text (common_tokenize(…, false, false))
    // are tokenized with parse_special=false: sentinel strings in them stay plain text. Repo-level layout with FIM_REP/FIM_SEP when the vocab has them.
    const prefixText = str(field(data, 'input_prefix')) ?? '';
    const suffixText = str(field(data, 'input_suffix')) ?? '';
    const extra: Segment[] = [];
    if (fim.repoName) extra.push(special(fim.repoName), text('myproject\n'));
    for (const c of chunks) {
      if (fim.fileSep) extra.push(special(fim.fileSep), text(`${str(field(c, 'filename')) ?? 'tmp'}\n`));
      else extra.push(text('\n\n--- snippet ---\n\n'));
      extra.push(text(str(field(c, 'text')) ?? ''));
    }
    if (fim.fileSep) extra.push(special(fim.fileSep), text('filename\n'));
    // format_infill: prefix keeps its last 3·(n_batch/4) tokens, suffix its first n_batch/4 − (2 + prompt) tokens; the prompt follows the prefix.
    const promptTokens = Math.ceil(promptText.length / CHARS_PER_TOKEN);
    const prefix = lastTokens(prefixText, 3 * Math.floor(nBatch / 4));
    const suffix = firstTokens(suffixText, Math.max(0, Math.floor(nBatch / 4) - (2 + promptTokens)));
    // format_infill: extra context fills n_ctx − n_batch − 2·n_predict tokens, keeping its end; it goes before BOS and [FIM_PRE]; --spm-infill swaps the blocks.
    const extraBudget = Math.max(0, nCtx - nBatch - 2 * nPredictDefault);
    const extraKept = keepLastTokens(extra, extraBudget);
    const pre: Segment[] = [special(fim.prefix), text(prefix + promptText)];
    const suf: Segment[] = [special(fim.suffix), text(suffix)];
    const [first, second] = opts.spmInfill ? [suf, pre] : [pre, suf];
    const segs: Segment[] = [...extraKept, ...(family.bos ? [special(family.bos)] : []), ...first, ...second, special(fim.middle)];
    answer(
      req,
      reply,
      segs.filter((s) => s.special || s.text.length > 0),
      data,
      false,
    );
  }

  function chat(req: Incoming, reply: Reply): void {
    const msgs = field(req.body, 'messages');
    // ggml-org/llama.cpp tools/server/utils.hpp oaicompat_chat_params_parse: messages must exist and be an array (runtime_error ⇒ 500 via the exception handler).
    if (msgs === undefined) return lcError(reply, 'server', "'messages' is required");
    if (!Array.isArray(msgs)) return lcError(reply, 'server', "Expected 'messages' to be an array");
    const messages: ChatMessage[] = msgs.map((m) => ({ role: (str(field(m, 'role')) ?? 'user') as ChatMessage['role'], content: str(field(m, 'content')) ?? '' }));
    // ggml-org/llama.cpp common/chat.cpp common_chat_templates_init: a GGUF without a chat template falls back to ChatML.
    const prompt = renderChat(family.chat ?? 'chatml', messages);
    const stopV = field(req.body, 'stop');
    const data = { ...(req.body as Record<string, unknown>), stop: typeof stopV === 'string' ? [stopV] : (stopV ?? []) };
    const g = runTask(req.path, tokenize(prompt, family.specials, true), data);
    if ('exceed' in g) return lcError(reply, 'exceed', 'the request exceeds the available context size, try increasing it', { n_prompt_tokens: g.exceed, n_ctx: nCtx });
    const p = params(data);
    const id = randomId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const finish = g.finish === 'limit' ? 'length' : 'stop';
    const usage = { completion_tokens: g.tokens, prompt_tokens: g.promptTokens, total_tokens: g.tokens + g.promptTokens };
    if (!p.stream) {
      return reply.json(200, {
        choices: [{ finish_reason: finish, index: 0, message: { role: 'assistant', content: g.text } }],
        created,
        model: p.model,
        system_fingerprint: BUILD_INFO,
        object: 'chat.completion',
        usage,
        id,
        timings: timings(g),
      });
    }
    const chunk = (delta: Record<string, unknown>, fin: string | null) => ({
      choices: [{ finish_reason: fin, index: 0, delta }],
      created,
      id,
      model: p.model,
      system_fingerprint: BUILD_INFO,
      object: 'chat.completion.chunk',
    });
    reply.sse([chunk({ role: 'assistant', content: null }, null), ...g.pieces.map((piece) => chunk({ content: piece }, null)), chunk({}, finish)], 'data: [DONE]\n\n');
  }

  const publicPaths = new Set(['/health', '/v1/health', '/models', '/v1/models', '/api/tags', '/']);
  return startHttp(
    state,
    (req, reply) => {
      // ggml-org/llama.cpp tools/server/server.cpp middleware_validate_api_key: with --api-key every route but /health, /v1/health, /models, /v1/models, /api/tags needs the key ⇒ 401.
      if (opts.apiKey && !publicPaths.has(req.path) && bearer(req) !== opts.apiKey) return lcError(reply, 'auth', 'Invalid API Key');
      const key = `${req.method} ${req.path}`;
      if (req.method === 'POST' && (req.badJson || (req.rawBody.length > 0 && (typeof req.body !== 'object' || req.body === null)))) {
        // ggml-org/llama.cpp tools/server/server.cpp: json::parse(req.body) throws outside any try ⇒ set_exception_handler's 500 server_error.
        return lcError(reply, 'server', '[json.exception.parse_error.101] parse error');
      }
      switch (key) {
        // ggml-org/llama.cpp tools/server/server.cpp handle_health: {"status": "ok"} once the model is loaded.
        case 'GET /health':
        case 'GET /v1/health':
          return reply.json(200, { status: 'ok' });
        case 'GET /props':
          // ggml-org/llama.cpp tools/server/server.cpp handle_props (mid-2025 fields).
          return reply.json(200, {
            default_generation_settings: {
              params: {
                n_predict: nPredictDefault,
                max_tokens: nPredictDefault,
                temperature: 0.8,
                top_k: 40,
                top_p: 0.95,
                min_p: 0.05,
                stream: true,
                samplers: ['penalties', 'dry', 'top_n_sigma', 'top_k', 'typ_p', 'top_p', 'min_p', 'xtc', 'temperature'],
              },
              n_ctx: nCtx,
            },
            total_slots: 1,
            model_path: model.path,
            modalities: { vision: false, audio: false },
            endpoint_slots: true,
            endpoint_props: false,
            endpoint_metrics: false,
            webui: true,
            chat_template: model.chatTemplate,
            bos_token: family.bos ?? family.eosBase,
            eos_token: eosOf(model),
            build_info: BUILD_INFO,
          });
        case 'GET /models':
        case 'GET /v1/models':
        case 'GET /api/tags':
          // ggml-org/llama.cpp tools/server/server.cpp handle_models: Ollama-style `models` plus OpenAI-style `data` with owned_by "llamacpp"; id = alias or model path.
          return reply.json(200, {
            models: [
              {
                name: modelId,
                model: modelId,
                modified_at: '',
                size: '',
                digest: '',
                type: 'model',
                description: '',
                tags: [''],
                capabilities: ['completion'],
                parameters: '',
                details: { parent_model: '', format: 'gguf', family: '', families: [''], parameter_size: '', quantization_level: '' },
              },
            ],
            object: 'list',
            data: [
              {
                id: modelId,
                object: 'model',
                created: Math.floor(Date.now() / 1000),
                owned_by: 'llamacpp',
                meta: { vocab_type: 2, n_vocab: 151936, n_ctx_train: model.nCtxTrain, n_embd: 1536, n_params: 1543714304, size: 1640000000 },
              },
            ],
          });
        case 'POST /completion':
        case 'POST /completions':
          return completion(req, reply, false);
        case 'POST /v1/completions':
          return completion(req, reply, true);
        case 'POST /infill':
          return infill(req, reply);
        case 'POST /chat/completions':
        case 'POST /v1/chat/completions':
          return chat(req, reply);
        default:
          // ggml-org/llama.cpp tools/server/server.cpp set_error_handler: 404 ⇒ "File Not Found" not_found_error.
          return lcError(reply, 'notFound', 'File Not Found');
      }
    },
    '',
  );
}

/** Keeps the last `budget` tokens of a segment list (control tokens count one). */
function keepLastTokens(segs: readonly Segment[], budget: number): Segment[] {
  const out: Segment[] = [];
  let left = budget;
  for (let i = segs.length - 1; i >= 0 && left > 0; i--) {
    const s = segs[i];
    if (s.special) {
      out.unshift(s);
      left--;
    } else {
      const n = Math.ceil(s.text.length / CHARS_PER_TOKEN);
      out.unshift(n <= left ? s : text(lastTokens(s.text, left)));
      left -= Math.min(n, left);
    }
  }
  return out;
}
