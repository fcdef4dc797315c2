/**
 * vLLM's OpenAI-compatible server (vllm/entrypoints/openai/api_server.py, serving_completion.py,
 * serving_chat.py, protocol.py), emulated rule by rule. Base URL as users configure it: …/v1.
 */
import type { ModelBrain } from './brain';
import { HF_MODELS, familyOf, type HfModel } from './catalogue';
import { renderChat, type ChatMessage } from './chat';
import { EmulatorState, bearer, field, num, randomId, startHttp, stopList, str, bool, type EmulatorHandle, type Incoming, type Reply } from './http';
import { generate, render, tokenCount, tokenize, type Generated, type Segment } from './model';

export interface VllmOptions {
  /** A Hugging Face repo from the catalogue (e.g. 'Qwen/Qwen2.5-Coder-7B'). */
  readonly model: string;
  readonly brain: ModelBrain;
  /** --served-model-name; defaults to the repo id, as vLLM does. */
  readonly servedModelName?: string;
  /** --max-model-len; defaults to the model's own. */
  readonly maxModelLen?: number;
  /** --api-key: every /v1 route then needs `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  readonly version?: string;
  /** Lines a base FIM model writes past the fill when not stopped (default 1; 0 = stop at the fill). */
  readonly fimRunOnLines?: number;
}

/** Error body: vllm-project/vllm vllm/entrypoints/openai/protocol.py ErrorResponse{error: ErrorInfo{message, type, param, code}}, built by vllm-project/vllm vllm/entrypoints/openai/serving_engine.py OpenAIServing.create_error_response (default BadRequestError/400). */
function vllmError(reply: Reply, status: number, message: string, type = 'BadRequestError', param: string | null = null): void {
  reply.json(status, { error: { message, type, param, code: status } });
}

function hfModel(name: string): HfModel {
  const m = HF_MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`vLLM emulator: ${name} is not in the catalogue`);
  return m;
}

export async function startVllmEmulator(opts: VllmOptions): Promise<EmulatorHandle> {
  const model = hfModel(opts.model);
  const family = familyOf(model);
  const served = opts.servedModelName ?? model.name;
  const maxModelLen = opts.maxModelLen ?? model.maxModelLen;
  const state = new EmulatorState();
  const created = Math.floor(Date.now() / 1000);

  /** HF tokenizers split added special tokens out of any text: vLLM encodes the prompt string with the tokenizer as is (vllm-project/vllm vllm/entrypoints/openai/serving_engine.py OpenAIServing._tokenize_prompt_input_async → tokenizer(prompt)). */
  const segs = (s: string): Segment[] => tokenize(s, family.specials, true);

  /** Sampling parameters as vllm-project/vllm vllm/entrypoints/openai/protocol.py CompletionRequest.to_sampling_params / ChatCompletionRequest.to_sampling_params read them. */
  const sampling = (body: unknown, promptTokens: number, defaultMax: number | undefined): { max: number; stop: string[]; n: number } | string => {
    const max = num(field(body, 'max_completion_tokens')) ?? num(field(body, 'max_tokens')) ?? defaultMax ?? maxModelLen - promptTokens;
    if (promptTokens + max > maxModelLen) {
      // vllm-project/vllm vllm/entrypoints/openai/serving_engine.py OpenAIServing._validate_input: prompt + max_tokens over max_model_len is a 400.
      return `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + max} tokens (${promptTokens} in the messages, ${max} in the completion). Please reduce the length of the messages or completion.`;
    }
    // stop: str | list[str]; every string is honoured, no count limit (vllm-project/vllm vllm/sampling_params.py SamplingParams.stop, checked by vllm/v1/engine/detokenizer.py check_stop_strings; the stop string is not included).
    return { max, stop: stopList(field(body, 'stop')), n: Math.max(1, num(field(body, 'n')) ?? 1) };
  };

  const finishOf = (g: Generated): { finish_reason: string; stop_reason: string | null } =>
    g.finish === 'limit' ? { finish_reason: 'length', stop_reason: null } : { finish_reason: 'stop', stop_reason: g.finish === 'word' ? g.stoppingWord : null };

  const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion, prompt_tokens_details: null });

  async function completions(req: Incoming, reply: Reply): Promise<void> {
    const body = req.body;
    const requested = str(field(body, 'model'));
    // vllm-project/vllm vllm/entrypoints/openai/serving_engine.py OpenAIServing._check_model: an unknown model name is a 404 NotFoundError.
    if (requested !== undefined && requested !== served) return vllmError(reply, 404, `The model \`${requested}\` does not exist.`, 'NotFoundError', 'model');
    // vllm-project/vllm vllm/entrypoints/openai/serving_completion.py OpenAIServingCompletion.create_completion: `if request.suffix is not None` ⇒ 400 (even "").
    if (field(body, 'suffix') !== undefined && field(body, 'suffix') !== null) return vllmError(reply, 400, 'suffix is not currently supported');
    const rawPrompt = field(body, 'prompt');
    const prompts = typeof rawPrompt === 'string' ? [rawPrompt] : Array.isArray(rawPrompt) && rawPrompt.every((p) => typeof p === 'string') ? (rawPrompt as string[]) : undefined;
    // vllm-project/vllm vllm/entrypoints/openai/protocol.py CompletionRequest.validate_prompt_and_prompt_embeds (wording from memory; token-id prompts not emulated).
    if (!prompts) return vllmError(reply, 400, 'Either prompt or prompt_embeds must be provided and non-empty.');
    // Unknown fields are accepted and ignored (vllm-project/vllm vllm/entrypoints/openai/protocol.py OpenAIBaseModel: extra="allow", __log_extra_fields__ only logs).
    const echo = bool(field(body, 'echo')) ?? false;
    const choices: { index: number; text: string; logprobs: null; finish_reason: string; stop_reason: string | null; prompt_logprobs: null }[] = [];
    const streamPieces: { index: number; pieces: readonly string[]; g: Generated; echo: string }[] = [];
    let promptTotal = 0;
    let completionTotal = 0;
    for (const [pi, prompt] of prompts.entries()) {
      const s = segs(prompt);
      const pt = tokenCount(prompt);
      // vllm-project/vllm vllm/entrypoints/openai/protocol.py CompletionRequest.max_tokens defaults to 16.
      const sp = sampling(body, pt, 16);
      if (typeof sp === 'string') return vllmError(reply, 400, sp);
      promptTotal += pt;
      for (let k = 0; k < sp.n; k++) {
        const g = generate({ model, brain: opts.brain, segments: s, maxTokens: sp.max, stop: sp.stop, fimRunOnLines: opts.fimRunOnLines });
        state.noteRun(req.path, render(s), g);
        completionTotal += g.tokens;
        const index = pi * sp.n + k;
        choices.push({ index, text: (echo ? prompt : '') + g.text, logprobs: null, ...finishOf(g), prompt_logprobs: null });
        streamPieces.push({ index, pieces: g.pieces, g, echo: echo ? prompt : '' });
      }
    }
    const id = randomId('cmpl-');
    if (bool(field(body, 'stream'))) {
      // vllm-project/vllm vllm/entrypoints/openai/serving_completion.py OpenAIServingCompletion.completion_stream_generator: per-token chunks, a finish chunk, usage if asked, then [DONE].
      const events: unknown[] = [];
      for (const c of streamPieces) {
        const texts = c.echo ? [c.echo, ...c.pieces] : c.pieces;
        for (const t of texts)
          events.push({ id, object: 'text_completion', created, model: served, choices: [{ index: c.index, text: t, logprobs: null, finish_reason: null, stop_reason: null }] });
        events.push({ id, object: 'text_completion', created, model: served, choices: [{ index: c.index, text: '', logprobs: null, ...finishOf(c.g) }] });
      }
      if (bool(field(field(body, 'stream_options'), 'include_usage')))
        events.push({ id, object: 'text_completion', created, model: served, choices: [], usage: usage(promptTotal, completionTotal) });
      return reply.sse(events, 'data: [DONE]\n\n');
    }
    reply.json(200, {
      id,
      object: 'text_completion',
      created,
      model: served,
      choices,
      usage: usage(promptTotal, completionTotal),
      service_tier: null,
      system_fingerprint: null,
      kv_transfer_params: null,
    });
  }

  async function chat(req: Incoming, reply: Reply): Promise<void> {
    const body = req.body;
    const requested = str(field(body, 'model'));
    if (requested !== undefined && requested !== served) return vllmError(reply, 404, `The model \`${requested}\` does not exist.`, 'NotFoundError', 'model');
    const rawMessages = field(body, 'messages');
    if (!Array.isArray(rawMessages)) return vllmError(reply, 400, "Field required: 'messages'");
    const messages: ChatMessage[] = rawMessages.map((m) => ({ role: (str(field(m, 'role')) ?? 'user') as ChatMessage['role'], content: str(field(m, 'content')) ?? '' }));
    // vllm-project/vllm vllm/entrypoints/chat_utils.py apply_hf_chat_template: a tokenizer without chat_template cannot be chatted with (transformers ≥ 4.44 raises; served as 400).
    if (!model.chatTemplate || !family.chat) {
      return vllmError(
        reply,
        400,
        'As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat template if the tokenizer does not define one.',
      );
    }
    const prompt = renderChat(family.chat, messages, {
      defaultSystem: family.chat === 'chatml' && family.id === 'qwen2.5-coder' ? 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' : undefined,
    });
    const s = segs(prompt);
    const pt = tokenCount(prompt);
    // vllm-project/vllm vllm/entrypoints/openai/protocol.py ChatCompletionRequest.max_tokens defaults to None ⇒ the rest of the context.
    const sp = sampling(body, pt, undefined);
    if (typeof sp === 'string') return vllmError(reply, 400, sp);
    const gens: Generated[] = [];
    for (let k = 0; k < sp.n; k++) {
      const g = generate({ model, brain: opts.brain, segments: s, maxTokens: sp.max, stop: sp.stop, fimRunOnLines: opts.fimRunOnLines });
      state.noteRun(req.path, prompt, g);
      gens.push(g);
    }
    const id = randomId('chatcmpl-');
    const completionTokens = gens.reduce((a, g) => a + g.tokens, 0);
    if (bool(field(body, 'stream'))) {
      // vllm-project/vllm vllm/entrypoints/openai/serving_chat.py OpenAIServingChat.chat_completion_stream_generator: role chunk, content deltas, finish chunk, [DONE].
      const events: unknown[] = [];
      const chunk = (index: number, delta: Record<string, unknown>, fin: Record<string, unknown>) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model: served,
        choices: [{ index, delta, logprobs: null, finish_reason: null, ...fin }],
      });
      gens.forEach((g, i) => {
        events.push(chunk(i, { role: 'assistant', content: '' }, {}));
        for (const p of g.pieces) events.push(chunk(i, { content: p }, {}));
        events.push(chunk(i, { content: '' }, finishOf(g)));
      });
      if (bool(field(field(body, 'stream_options'), 'include_usage')))
        events.push({ id, object: 'chat.completion.chunk', created, model: served, choices: [], usage: usage(pt, completionTokens) });
      return reply.sse(events, 'data: [DONE]\n\n');
    }
    reply.json(200, {
      id,
      object: 'chat.completion',
      created,
      model: served,
      choices: gens.map((g, index) => ({
        index,
        message: { role: 'assistant', content: g.text, refusal: null, reasoning_content: null, tool_calls: [] },
        logprobs: null,
        ...finishOf(g),
      })),
      usage: usage(pt, completionTokens),
      prompt_logprobs: null,
      kv_transfer_params: null,
    });
  }

  return startHttp(
    state,
    async (req, reply) => {
      // vllm-project/vllm vllm/entrypoints/openai/api_server.py AuthenticationMiddleware (--api-key): /v1 routes without the key answer 401 {"error": "Unauthorized"}.
      if (opts.apiKey && req.path.startsWith('/v1') && bearer(req) !== opts.apiKey) return reply.json(401, { error: 'Unauthorized' });
      // vllm-project/vllm vllm/entrypoints/openai/api_server.py health (200, empty body) and show_version ({"version": …}).
      if (req.method === 'GET' && req.path === '/health') return reply.text(200, '');
      if (req.method === 'GET' && req.path === '/version') return reply.json(200, { version: opts.version ?? '0.10.1' });
      if (req.method === 'GET' && req.path === '/v1/models') {
        // vllm-project/vllm vllm/entrypoints/openai/serving_models.py OpenAIServingModels.show_available_models → protocol.py ModelCard: owned_by "vllm", root = the model path, max_model_len.
        return reply.json(200, {
          object: 'list',
          data: [
            {
              id: served,
              object: 'model',
              created,
              owned_by: 'vllm',
              root: model.name,
              parent: null,
              max_model_len: maxModelLen,
              permission: [
                {
                  id: randomId('modelperm-'),
                  object: 'model_permission',
                  created,
                  allow_create_engine: false,
                  allow_sampling: true,
                  allow_logprobs: true,
                  allow_search_indices: false,
                  allow_view: true,
                  allow_fine_tuning: false,
                  organization: '*',
                  group: null,
                  is_blocking: false,
                },
              ],
            },
          ],
        });
      }
      if (req.method === 'POST' && (req.path === '/v1/completions' || req.path === '/v1/chat/completions')) {
        // vllm-project/vllm vllm/entrypoints/openai/api_server.py validation_exception_handler: a body that fails validation is a 400 ErrorResponse (message wording not reproduced).
        if (req.badJson || typeof req.body !== 'object' || req.body === null) return vllmError(reply, 400, 'JSON decode error');
        return req.path === '/v1/completions' ? completions(req, reply) : chat(req, reply);
      }
      reply.json(404, { detail: 'Not Found' });
    },
    '/v1',
  );
}
