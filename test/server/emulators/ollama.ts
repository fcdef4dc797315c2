/**
 * Ollama (ollama/ollama server/routes.go, openai/openai.go, middleware/openai.go, api/types.go,
 * template/template.go, llm/llama_server.go), emulated rule by rule. Base URL as users configure
 * it: the server root (http://127.0.0.1:PORT); the OpenAI-compatible routes live under /v1.
 */
import type { ModelBrain } from './brain';
import { FAMILIES, type OllamaModel } from './catalogue';
import type { ChatMessage } from './chat';
import { EmulatorState, field, num, startHttp, str, type EmulatorHandle, type Incoming, type Reply } from './http';
import { generate, render, segmentTokens, splitThinking, tokenize, truncateMiddle, type Generated } from './model';
import { ALL_OLLAMA_MODELS, findOllamaModel, fullName, openAiModelEntry, renderTemplate, showResponse, tagEntry, templateThinks } from './ollama-templates';

export interface OllamaOptions {
  readonly brain: ModelBrain;
  /** Tags that are pulled (default: every catalogue tag). */
  readonly models?: readonly string[];
  readonly version?: string;
  /** Default num_ctx when a request sets none (OLLAMA_CONTEXT_LENGTH; 4k on small machines). */
  readonly numCtx?: number;
  /** Characters a thinking model thinks before answering. */
  readonly thinkChars?: number;
  /** Lines a base FIM model writes past the fill when not stopped (default 1; 0 = stop at the fill). */
  readonly fimRunOnLines?: number;
}

/** A generate/chat request after the OpenAI middleware (if any) mapped it to Ollama's native form. */
interface NativeRequest {
  readonly model: string;
  readonly prompt?: string;
  readonly suffix?: string;
  readonly messages?: ChatMessage[];
  readonly system?: string;
  readonly template?: string;
  readonly context?: unknown;
  readonly raw: boolean;
  readonly think: boolean | undefined;
  readonly keepAlive: unknown;
  readonly options: Record<string, unknown>;
}

type Native =
  { ok: true; model: OllamaModel; g: Generated; thinking: string; content: string; prompt: string } | { ok: false; status: number; error: string; kind?: 'load' | 'unload' };

/** api.ThinkValue.Bool(): booleans as given, level strings ("low"/"medium"/"high") mean on. */
function thinkValue(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== '' && v !== 'false';
  return undefined;
}

export async function startOllamaEmulator(opts: OllamaOptions): Promise<EmulatorHandle> {
  const pulled = opts.models ? opts.models.map((n) => findOllamaModel(n, ALL_OLLAMA_MODELS)).filter((m): m is OllamaModel => m !== undefined) : ALL_OLLAMA_MODELS;
  const state = new EmulatorState();
  const now = (): string => new Date().toISOString();

  /**
   * ollama/ollama server/routes.go Server.GenerateHandler / Server.ChatHandler, in their order:
   * model lookup, unload/load, raw checks, thinking, capabilities, templating, generation.
   */
  function run(path: string, r: NativeRequest, chatRoute: boolean): Native {
    // GenerateHandler: getExistingName/getModel fail ⇒ 404 "model '<name>' not found".
    const m = findOllamaModel(r.model, pulled);
    if (!m) return { ok: false, status: 404, error: `model '${r.model}' not found` };
    const isGenerate = !chatRoute;
    // GenerateHandler: empty prompt with keep_alive 0 ⇒ done_reason "unload" (expireRunner).
    if (isGenerate && !r.prompt && (r.keepAlive === 0 || r.keepAlive === '0' || r.keepAlive === '0s')) return { ok: false, status: 200, error: '', kind: 'unload' };
    // GenerateHandler: raw with template/system/context ⇒ 400.
    if (isGenerate && r.raw && (r.template || r.system || r.context !== undefined))
      return { ok: false, status: 400, error: 'raw mode does not support template, system, or context' };
    // GenerateHandler: a thinking-capable model thinks unless `think` is false (req.Think = true when nil);
    // `think: true` on a model without the capability ⇒ 400 "%q does not support thinking" (think:false is fine).
    let think = r.think;
    if (m.capabilities.includes('thinking')) think ??= true;
    else if (think === true) return { ok: false, status: 400, error: `"${r.model}" does not support thinking` };
    // scheduleRunner → server/images.go Model.CheckCapabilities: no completion ⇒ GenerateHandler's
    // "%q does not support generate" (ChatHandler: "… chat"); embedding models have no completion.
    if (!m.capabilities.includes('completion')) return { ok: false, status: 400, error: `"${r.model}" does not support ${chatRoute ? 'chat' : 'generate'}` };
    // caps gets CapabilityInsert whenever suffix != "" — raw included, although raw then ignores the
    // suffix — and handleScheduleError answers "<full name> does not support insert".
    if (isGenerate && r.suffix && !m.capabilities.includes('insert')) return { ok: false, status: 400, error: `${fullName(m)} does not support insert` };
    // GenerateHandler: an empty prompt only loads the model ⇒ done_reason "load".
    if (isGenerate && !r.prompt) return { ok: false, status: 200, error: '', kind: 'load' };
    const family = FAMILIES[m.family];
    let prompt: string;
    let viaChat = false;
    // GenerateHandler: raw ⇒ the prompt as sent; a suffix ⇒ template.Values{Prompt, Suffix}; otherwise
    // messages (req.System or the Modelfile SYSTEM, then the user prompt) through the template/chatPrompt.
    if (isGenerate && r.raw) prompt = r.prompt ?? '';
    else if (isGenerate && r.suffix) prompt = renderTemplate(m, { prompt: r.prompt, suffix: r.suffix, think: think === true, isThinkSet: r.think !== undefined });
    else {
      const msgs: ChatMessage[] = r.messages ? [...r.messages] : [{ role: 'user', content: r.prompt ?? '' }];
      const system = r.system ?? m.system;
      if (system && !msgs.some((x) => x.role === 'system')) msgs.unshift({ role: 'system', content: system });
      prompt = renderTemplate(m, { messages: msgs, think: think === true, isThinkSet: r.think !== undefined });
      viaChat = family.chat !== undefined && m.render !== 'prompt-only' && m.render !== 'codellama-code' && m.render !== 'starcoder2';
    }
    // llm/llama_server.go llamaServerRunner.Completion sends the rendered string as `prompt` to
    // llama-server /completion, which tokenizes it with parse_special=true: sentinel text becomes tokens.
    let segs = tokenize(prompt, family.specials, true);
    const numCtx = num(r.options.num_ctx) ?? opts.numCtx ?? 4096;
    if (segmentTokens(segs) > numCtx - 1) {
      // llm/llama_server.go completionPromptForRequest: without context shift (server/sched.go
      // supportsContextShift: not deepseek2) ⇒ 400; otherwise keep num_keep tokens and the end, up to
      // contextShiftPromptLimit(num_ctx, num_keep). A FIM prompt can lose its structure here.
      if (m.details.family === 'deepseek2')
        return {
          ok: false,
          status: 400,
          error:
            'the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length',
        };
      const nKeep = num(r.options.num_keep) ?? 4;
      segs = truncateMiddle(segs, nKeep, numCtx - Math.max(Math.floor((numCtx - nKeep) / 2), 1));
    }
    // llm/llama_server.go boundedNumPredict: num_predict unset/≤ 0 ⇒ generate until a stop condition;
    // options.stop is passed to llama-server as its `stop` list (every entry honoured, stop text cut).
    const np = num(r.options.num_predict);
    const stopOpt = r.options.stop;
    const stop = Array.isArray(stopOpt) ? stopOpt.filter((s): s is string => typeof s === 'string') : typeof stopOpt === 'string' ? [stopOpt] : [];
    // The weights think when answering a chat turn with thinking on; temperature etc. are accepted and
    // recorded but the brain is deterministic.
    const thinks = templateThinks(m) && think === true && viaChat;
    const g = generate({
      model: m,
      brain: opts.brain,
      segments: segs,
      maxTokens: np !== undefined && np > 0 ? np : undefined,
      stop,
      think: thinks,
      thinkChars: opts.thinkChars,
      fimRunOnLines: opts.fimRunOnLines,
    });
    state.noteRun(path, render(segs), g);
    // GenerateHandler: with think on and think tags in the template (thinking.InferTags), thinking.Parser
    // moves <think>…</think> into `thinking` (raw mode included); the tokens it used count against num_predict.
    const split =
      templateThinks(m) && think === true ? splitThinking(g.text, family.thinking?.open ?? '<think>', family.thinking?.close ?? '</think>') : { thinking: '', content: g.text };
    return { ok: true, model: m, g, thinking: split.thinking, content: split.content, prompt: render(segs) };
  }

  const doneReason = (g: Generated): string => (g.finish === 'limit' ? 'length' : 'stop');
  const metrics = (g: Generated) => ({
    total_duration: 1_000_000 + g.tokens * 20_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: g.promptTokens,
    prompt_eval_duration: 1_000_000,
    eval_count: g.tokens,
    eval_duration: g.tokens * 20_000_000,
  });

  function nativeGenerate(req: Incoming): NativeRequest {
    const b = req.body;
    const options = field(b, 'options');
    return {
      model: str(field(b, 'model')) ?? '',
      prompt: str(field(b, 'prompt')),
      suffix: str(field(b, 'suffix')) || undefined,
      system: str(field(b, 'system')) || undefined,
      template: str(field(b, 'template')) || undefined,
      context: field(b, 'context'),
      raw: field(b, 'raw') === true,
      think: thinkValue(field(b, 'think')),
      keepAlive: field(b, 'keep_alive'),
      options: typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {},
    };
  }

  function messagesOf(v: unknown): ChatMessage[] {
    return Array.isArray(v) ? v.map((x) => ({ role: (str(field(x, 'role')) ?? 'user') as ChatMessage['role'], content: str(field(x, 'content')) ?? '' })) : [];
  }

  /** POST /api/generate and /api/chat (server/routes.go GenerateHandler/ChatHandler → streamResponse): NDJSON by default (req.Stream nil), one object with stream:false. */
  function nativeRoute(req: Incoming, reply: Reply, chatRoute: boolean): void {
    if (req.rawBody.length === 0) return reply.json(400, { error: 'missing request body' });
    if (req.badJson) return reply.json(400, { error: 'invalid character in request body' });
    const base = nativeGenerate(req);
    const r: NativeRequest = chatRoute ? { ...base, messages: messagesOf(field(req.body, 'messages')) } : base;
    const out = run(req.path, r, chatRoute);
    if (!out.ok) {
      if (out.kind) return reply.json(200, { model: r.model, created_at: now(), response: '', done: true, done_reason: out.kind });
      return reply.json(out.status, { error: out.error });
    }
    const { g } = out;
    const stream = field(req.body, 'stream') !== false;
    const shape = (response: string, thinking: string, done: boolean): Record<string, unknown> =>
      chatRoute
        ? { model: r.model, created_at: now(), message: { role: 'assistant', content: response, ...(thinking ? { thinking } : {}) }, done }
        : { model: r.model, created_at: now(), response, ...(thinking ? { thinking } : {}), done };
    // The final object (api/types.go GenerateResponse): done_reason (llm DoneReason: stop|length), metrics, and — generate without raw — `context`.
    const final = (response: string, thinking: string) => ({
      ...shape(response, thinking, true),
      done_reason: doneReason(g),
      ...(!chatRoute && !r.raw ? { context: Array.from({ length: g.promptTokens + g.tokens }, (_, i) => i + 1) } : {}),
      ...metrics(g),
    });
    if (!stream) return reply.json(200, final(out.content, out.thinking));
    const lines: unknown[] = [];
    // Streamed pieces: thinking pieces carry `thinking` with an empty response, then the answer.
    for (let i = 0; i < out.thinking.length; i += 16) lines.push(shape('', out.thinking.slice(i, i + 16), false));
    for (let i = 0; i < out.content.length; i += 4) lines.push(shape(out.content.slice(i, i + 4), '', false));
    lines.push(final('', ''));
    reply.ndjson(lines);
  }

  /** ollama/ollama middleware/openai.go BaseWriter.writeError + openai/openai.go NewError: the native error re-wrapped (400 ⇒ invalid_request_error, 404 ⇒ not_found_error, else api_error). */
  function openAiError(reply: Reply, status: number, message: string): void {
    const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
    reply.json(status, { error: { message, type, param: null, code: null } });
  }

  /** ollama/ollama middleware/openai.go CompletionsMiddleware → openai/openai.go FromCompleteRequest → GenerateHandler → CompleteWriter. Never sets raw or think; passes suffix. */
  function v1Completions(req: Incoming, reply: Reply): void {
    if (req.badJson || typeof req.body !== 'object' || req.body === null) return openAiError(reply, 400, 'invalid request body');
    const b = req.body;
    const promptV = field(b, 'prompt');
    // openai/openai.go CompletionRequest.Prompt is a Go string: an array prompt fails ShouldBindJSON ⇒ 400.
    if (promptV !== undefined && typeof promptV !== 'string')
      return openAiError(reply, 400, `json: cannot unmarshal ${Array.isArray(promptV) ? 'array' : typeof promptV} into Go struct field CompletionRequest.prompt of type string`);
    const stopV = field(b, 'stop');
    // openai/openai.go FromCompleteRequest: a non-string stop entry ⇒ 400 "invalid type for 'stop' field: %T"; max_tokens ⇒ num_predict; temperature defaults to 1.0.
    if (Array.isArray(stopV) && stopV.some((s) => typeof s !== 'string')) return openAiError(reply, 400, `invalid type for 'stop' field: float64`);
    const options: Record<string, unknown> = { stop: typeof stopV === 'string' ? [stopV] : stopV, temperature: num(field(b, 'temperature')) ?? 1.0 };
    if (num(field(b, 'max_tokens')) !== undefined) options.num_predict = num(field(b, 'max_tokens'));
    const r: NativeRequest = {
      model: str(field(b, 'model')) ?? '',
      prompt: str(promptV),
      suffix: str(field(b, 'suffix')) || undefined,
      raw: false,
      think: undefined,
      keepAlive: undefined,
      options,
    };
    const out = run(req.path, r, false);
    if (!out.ok)
      return out.kind
        ? reply.json(200, {
            id: 'cmpl-0',
            object: 'text_completion',
            created: 0,
            model: r.model,
            system_fingerprint: 'fp_ollama',
            choices: [{ text: '', index: 0, finish_reason: out.kind }],
            usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
          })
        : openAiError(reply, out.status, out.error);
    const id = `cmpl-${Math.floor(Math.random() * 999)}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: out.g.promptTokens, completion_tokens: out.g.tokens, total_tokens: out.g.promptTokens + out.g.tokens };
    // openai/openai.go ToCompletion / ToCompleteChunk read only `response`: thinking text is dropped; stream ends with data: [DONE] (CompleteWriter.writeResponse).
    if (field(b, 'stream') === true) {
      const chunk = (text: string, finish: string | null) => ({
        id,
        object: 'text_completion',
        created,
        choices: [{ text, index: 0, finish_reason: finish }],
        model: r.model,
        system_fingerprint: 'fp_ollama',
      });
      const events: unknown[] = [];
      for (let i = 0; i < out.content.length; i += 4) events.push(chunk(out.content.slice(i, i + 4), null));
      events.push(chunk('', doneReason(out.g)));
      if (field(field(b, 'stream_options'), 'include_usage') === true) events.push({ ...chunk('', null), choices: [], usage });
      return reply.sse(events, 'data: [DONE]\n\n');
    }
    reply.json(200, {
      id,
      object: 'text_completion',
      created,
      model: r.model,
      system_fingerprint: 'fp_ollama',
      choices: [{ text: out.content, index: 0, finish_reason: doneReason(out.g) }],
      usage,
    });
  }

  /** ollama/ollama middleware/openai.go ChatMiddleware → openai/openai.go FromChatRequest → ChatHandler → ChatWriter (reasoning_effort ⇒ think). */
  function v1Chat(req: Incoming, reply: Reply): void {
    if (req.badJson || typeof req.body !== 'object' || req.body === null) return openAiError(reply, 400, 'invalid request body');
    const b = req.body;
    const messages = messagesOf(field(b, 'messages'));
    if (messages.length === 0) return openAiError(reply, 400, "[] is too short - 'messages'");
    const stopV = field(b, 'stop');
    const options: Record<string, unknown> = { stop: typeof stopV === 'string' ? [stopV] : Array.isArray(stopV) ? stopV.filter((s) => typeof s === 'string') : undefined };
    if (num(field(b, 'max_tokens')) !== undefined) options.num_predict = num(field(b, 'max_tokens'));
    const effort = str(field(b, 'reasoning_effort'));
    const r: NativeRequest = {
      model: str(field(b, 'model')) ?? '',
      messages,
      raw: false,
      think: effort === undefined ? undefined : effort !== 'none',
      keepAlive: undefined,
      options,
    };
    const out = run(req.path, r, true);
    if (!out.ok) return openAiError(reply, out.status, out.error);
    const id = `chatcmpl-${Math.floor(Math.random() * 999)}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = doneReason(out.g);
    const usage = { prompt_tokens: out.g.promptTokens, completion_tokens: out.g.tokens, total_tokens: out.g.promptTokens + out.g.tokens };
    if (field(b, 'stream') === true) {
      const chunk = (delta: Record<string, unknown>, fin: string | null) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model: r.model,
        system_fingerprint: 'fp_ollama',
        choices: [{ index: 0, delta, finish_reason: fin }],
      });
      const events: unknown[] = [chunk({ role: 'assistant', content: '', ...(out.thinking ? { reasoning: out.thinking } : {}) }, null)];
      for (let i = 0; i < out.content.length; i += 4) events.push(chunk({ content: out.content.slice(i, i + 4) }, null));
      events.push(chunk({ content: '' }, finish));
      return reply.sse(events, 'data: [DONE]\n\n');
    }
    reply.json(200, {
      id,
      object: 'chat.completion',
      created,
      model: r.model,
      system_fingerprint: 'fp_ollama',
      choices: [{ index: 0, message: { role: 'assistant', content: out.content, ...(out.thinking ? { reasoning: out.thinking } : {}) }, finish_reason: finish }],
      usage,
    });
  }

  return startHttp(
    state,
    (req, reply) => {
      const key = `${req.method} ${req.path}`;
      switch (key) {
        case 'GET /':
        case 'HEAD /':
          return reply.text(200, 'Ollama is running');
        case 'GET /api/version':
          return reply.json(200, { version: opts.version ?? '0.11.4' });
        case 'GET /api/tags':
          return reply.json(200, { models: pulled.map(tagEntry) });
        case 'POST /api/show': {
          const name = str(field(req.body, 'model')) || str(field(req.body, 'name'));
          if (!name) return reply.json(400, { error: 'model is required' });
          const m = findOllamaModel(name, pulled);
          return m ? reply.json(200, showResponse(m)) : reply.json(404, { error: `model '${name}' not found` });
        }
        case 'POST /api/generate':
          return nativeRoute(req, reply, false);
        case 'POST /api/chat':
          return nativeRoute(req, reply, true);
        case 'POST /api/embed': {
          const m = findOllamaModel(str(field(req.body, 'model')) ?? '', pulled);
          if (!m) return reply.json(404, { error: `model '${str(field(req.body, 'model'))}' not found` });
          const input = field(req.body, 'input');
          const inputs = Array.isArray(input) ? input : [input];
          return reply.json(200, {
            model: m.name,
            embeddings: inputs.map(() => Array.from({ length: 8 }, (_, i) => (i + 1) / 10)),
            total_duration: 1_000_000,
            load_duration: 1_000_000,
            prompt_eval_count: 4,
          });
        }
        case 'GET /v1/models':
          return reply.json(200, { object: 'list', data: pulled.map(openAiModelEntry) });
        case 'POST /v1/completions':
          return v1Completions(req, reply);
        case 'POST /v1/chat/completions':
          return v1Chat(req, reply);
        default:
          // server/routes.go GenerateRoutes uses gin: unknown routes get gin's default 404 body.
          return reply.text(404, '404 page not found');
      }
    },
    '',
  );
}
