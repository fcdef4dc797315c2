/**
 * DeepSeek's hosted API (api-docs.deepseek.com: "FIM Completion (Beta)" — base_url
 * https://api.deepseek.com/beta, POST /completions with prompt + suffix, max tokens 4K, stop ≤ 16;
 * "Create Chat Completion"; "Lists Models"). Base URL as users configure it: the server root
 * (the emulated https://api.deepseek.com); FIM is then at …/beta/completions.
 */
import type { ModelBrain } from './brain';
import { DEEPSEEK_MODELS } from './catalogue';
import { EmulatorState, bearer, field, num, startHttp, stopList, str, type EmulatorHandle, type Incoming, type Reply } from './http';
import { generate, type Generated } from './model';

export interface DeepSeekOptions {
  readonly brain: ModelBrain;
  /** The key the server accepts (default 'test-key'). */
  readonly apiKey?: string;
}

/** The FIM beta's documented caps. */
const FIM_MAX_TOKENS = 4096;
const MAX_STOP = 16;

export async function startDeepSeekEmulator(opts: DeepSeekOptions): Promise<EmulatorHandle> {
  const key = opts.apiKey ?? 'test-key';
  const state = new EmulatorState();
  const created = Math.floor(Date.now() / 1000);

  /** OpenAI-style error object; `code` as DeepSeek returns it in public reports (a string). */
  const dsError = (reply: Reply, status: number, message: string, type = 'invalid_request_error'): void =>
    reply.json(status, { error: { message, type, param: null, code: 'invalid_request_error' } });

  const usage = (g: Generated) => ({
    prompt_tokens: g.promptTokens,
    completion_tokens: g.tokens,
    total_tokens: g.promptTokens + g.tokens,
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: g.promptTokens,
  });
  const finish = (g: Generated): string => (g.finish === 'limit' ? 'length' : 'stop');
  const id = (): string =>
    `${Math.random().toString(16).slice(2, 10)}-${Math.random().toString(16).slice(2, 6)}-4${Math.random().toString(16).slice(2, 5)}-a${Math.random().toString(16).slice(2, 5)}-${Math.random().toString(16).slice(2, 14)}`;

  /** POST /beta/completions: FIM with prompt + optional suffix; the server builds the FIM prompt itself. */
  function fim(req: Incoming, reply: Reply): void {
    const b = req.body;
    const name = str(field(b, 'model')) ?? '';
    const m = DEEPSEEK_MODELS.find((x) => x.name === name);
    // Docs: model "Possible values: [deepseek-chat]" for FIM. Message wording not confirmed.
    if (!m || !m.fimApi) return dsError(reply, 400, `Model Not Exist`);
    const prompt = str(field(b, 'prompt'));
    if (prompt === undefined) return dsError(reply, 422, 'Failed to deserialize the JSON body into the target type: missing field `prompt`');
    const maxTokens = num(field(b, 'max_tokens'));
    // "The max tokens of FIM completion is 4K" — beyond it the request is refused (wording not confirmed).
    if (maxTokens !== undefined && (maxTokens < 1 || maxTokens > FIM_MAX_TOKENS))
      return dsError(reply, 400, `Invalid max_tokens value, the valid range of max_tokens is [1, ${FIM_MAX_TOKENS}]`);
    const stop = stopList(field(b, 'stop'));
    // "a string or a list of up to 16 strings" (wording of the refusal not confirmed).
    if (stop.length > MAX_STOP) return dsError(reply, 400, `Invalid stop value, the maximum number of stop sequences is ${MAX_STOP}`);
    const suffix = str(field(b, 'suffix'));
    // Docs: echo cannot be combined with suffix or logprobs.
    if (field(b, 'echo') === true && suffix !== undefined) return dsError(reply, 400, 'echo is not supported together with suffix');
    const g = generate({
      model: m,
      brain: opts.brain,
      segments: [],
      hostedFim: { prefix: prompt, suffix: suffix === '' ? undefined : suffix },
      maxTokens: maxTokens ?? FIM_MAX_TOKENS,
      stop,
    });
    state.noteRun(req.path, `${prompt}<hole>${suffix ?? ''}`, g);
    const cid = id();
    const text = (field(b, 'echo') === true ? prompt : '') + g.text;
    if (field(b, 'stream') === true) {
      // SSE chunks of text_completion; the last chunk carries finish_reason and usage; then [DONE].
      const chunk = (t: string, fin: string | null, extra: Record<string, unknown> = {}) => ({
        id: cid,
        object: 'text_completion',
        created,
        model: m.name,
        system_fingerprint: 'fp_ds_fim',
        choices: [{ text: t, index: 0, logprobs: null, finish_reason: fin }],
        ...extra,
      });
      const events: unknown[] = g.pieces.map((p) => chunk(p, null));
      events.push(chunk('', finish(g), { usage: usage(g) }));
      return reply.sse(events, 'data: [DONE]\n\n');
    }
    reply.json(200, {
      id: cid,
      object: 'text_completion',
      created,
      model: m.name,
      system_fingerprint: 'fp_ds_fim',
      choices: [{ text, index: 0, logprobs: null, finish_reason: finish(g) }],
      usage: usage(g),
    });
  }

  function chat(req: Incoming, reply: Reply): void {
    const b = req.body;
    const name = str(field(b, 'model')) ?? '';
    const m = DEEPSEEK_MODELS.find((x) => x.name === name);
    if (!m) return dsError(reply, 400, 'Model Not Exist');
    const msgs = field(b, 'messages');
    const user = Array.isArray(msgs)
      ? ([...msgs]
          .reverse()
          .map((x) => ({ role: str(field(x, 'role')), content: str(field(x, 'content')) }))
          .find((x) => x.role === 'user')?.content ?? '')
      : '';
    const g = generate({ model: m, brain: opts.brain, segments: [], hostedChat: { user }, maxTokens: num(field(b, 'max_tokens')), stop: stopList(field(b, 'stop')) });
    state.noteRun(req.path, user, g);
    const cid = id();
    if (field(b, 'stream') === true) {
      const chunk = (delta: Record<string, unknown>, fin: string | null, extra: Record<string, unknown> = {}) => ({
        id: cid,
        object: 'chat.completion.chunk',
        created,
        model: m.name,
        system_fingerprint: 'fp_ds_chat',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: fin }],
        ...extra,
      });
      const events: unknown[] = [
        chunk({ role: 'assistant', content: '' }, null),
        ...g.pieces.map((p) => chunk({ content: p }, null)),
        chunk({ content: '' }, finish(g), { usage: usage(g) }),
      ];
      return reply.sse(events, 'data: [DONE]\n\n');
    }
    reply.json(200, {
      id: cid,
      object: 'chat.completion',
      created,
      model: m.name,
      system_fingerprint: 'fp_ds_chat',
      choices: [{ index: 0, message: { role: 'assistant', content: g.text }, logprobs: null, finish_reason: finish(g) }],
      usage: usage(g),
    });
  }

  return startHttp(
    state,
    (req, reply) => {
      // Every route needs a bearer key (public probes: 401 on /v1/models and /beta/models without one). Wording not confirmed.
      if (bearer(req) !== key) return dsError(reply, 401, 'Authentication Fails, Your api key is invalid', 'authentication_error');
      const k = `${req.method} ${req.path}`;
      if (k === 'GET /models' || k === 'GET /v1/models' || k === 'GET /beta/models') {
        return reply.json(200, { object: 'list', data: DEEPSEEK_MODELS.map((m) => ({ id: m.name, object: 'model', owned_by: 'deepseek' })) });
      }
      if (req.method === 'POST' && (req.badJson || typeof req.body !== 'object' || req.body === null)) return dsError(reply, 400, 'Failed to parse the request body as JSON');
      if (k === 'POST /beta/completions') return fim(req, reply);
      if (k === 'POST /chat/completions' || k === 'POST /v1/chat/completions' || k === 'POST /beta/chat/completions') return chat(req, reply);
      // FIM outside the beta base URL: clients report a 404 (intitni/CustomSuggestionServiceForCopilotForXcode#15); body not confirmed.
      reply.json(404, { error: { message: `Invalid URL (${req.method} ${req.path})`, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } });
    },
    '',
  );
}
