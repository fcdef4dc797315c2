/**
 * Mistral La Plateforme's FIM and chat API (docs.mistral.ai "FIM" endpoint POST /v1/fim/completions;
 * request/response shapes from mistralai/client-python src/mistralai/models/fimcompletionrequest.py,
 * basemodelcard.py, modelcapabilities.py). Base URL as users configure it: …/v1.
 */
import type { ModelBrain } from './brain';
import { MISTRAL_MODELS, type HostedModel } from './catalogue';
import { EmulatorState, bearer, field, num, randomId, startHttp, stopList, str, type EmulatorHandle, type Incoming, type Reply } from './http';
import { generate, type Generated } from './model';

export interface MistralOptions {
  readonly brain: ModelBrain;
  /** The key the server accepts (default 'test-key'). */
  readonly apiKey?: string;
}

export async function startMistralEmulator(opts: MistralOptions): Promise<EmulatorHandle> {
  const key = opts.apiKey ?? 'test-key';
  const state = new EmulatorState();
  const created = Math.floor(Date.now() / 1000);

  /**
   * Unknown model. The shape {"object":"error", …, "type":"invalid_model", "code":"1500"} is how
   * La Plateforme answers in public bug reports; not confirmed from an official document.
   */
  const invalidModel = (reply: Reply, name: string): void =>
    reply.json(400, { object: 'error', message: `Invalid model: ${name}`, type: 'invalid_model', param: null, code: '1500' });

  const finish = (g: Generated): string => (g.finish === 'limit' ? 'length' : 'stop');
  const usage = (g: Generated) => ({ prompt_tokens: g.promptTokens, completion_tokens: g.tokens, total_tokens: g.promptTokens + g.tokens });

  /** FIM and chat answer in the same chat.completion shape (client-python: FIMCompletionResponse = ChatCompletionResponse). */
  function respond(reply: Reply, m: HostedModel, g: Generated, stream: boolean): void {
    const id = randomId('');
    if (!stream) {
      return reply.json(200, {
        id,
        object: 'chat.completion',
        model: m.name,
        usage: usage(g),
        created,
        choices: [{ index: 0, message: { role: 'assistant', content: g.text, tool_calls: null, prefix: false }, finish_reason: finish(g) }],
      });
    }
    // CompletionEvent stream: role chunk, content deltas, a last chunk with finish_reason and usage, then [DONE].
    const chunk = (delta: Record<string, unknown>, fin: string | null, extra: Record<string, unknown> = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: m.name,
      choices: [{ index: 0, delta, finish_reason: fin }],
      ...extra,
    });
    const events: unknown[] = [chunk({ role: 'assistant', content: '' }, null)];
    for (const piece of g.pieces) events.push(chunk({ content: piece }, null));
    events.push(chunk({ content: '' }, finish(g), { usage: usage(g) }));
    reply.sse(events, 'data: [DONE]\n\n');
  }

  function fim(req: Incoming, reply: Reply): void {
    const b = req.body;
    const name = str(field(b, 'model')) ?? '';
    const m = MISTRAL_MODELS.find((x) => x.name === name);
    if (!m || !m.fimApi) return invalidModel(reply, name);
    const prompt = str(field(b, 'prompt'));
    if (prompt === undefined) {
      // Request validation (FastAPI/pydantic style 422): prompt is required.
      return reply.json(422, {
        object: 'error',
        message: { detail: [{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required', input: b }] },
        type: 'invalid_request_error',
        param: null,
        code: null,
      });
    }
    const suffix = str(field(b, 'suffix'));
    // The server applies Codestral's FIM template itself: prompt/suffix are text, sentinel strings in them stay text.
    // Without a suffix "the model will simply execute completion starting with prompt" (fimcompletionrequest.py).
    const g = generate({
      model: m,
      brain: opts.brain,
      segments: [],
      hostedFim: { prefix: prompt, suffix: suffix === '' ? undefined : suffix },
      maxTokens: num(field(b, 'max_tokens')),
      stop: stopList(field(b, 'stop')),
    });
    state.noteRun(req.path, `[SUFFIX]${suffix ?? ''}[PREFIX]${prompt}`, g);
    respond(reply, m, g, field(b, 'stream') === true);
  }

  function chat(req: Incoming, reply: Reply): void {
    const b = req.body;
    const name = str(field(b, 'model')) ?? '';
    const m = MISTRAL_MODELS.find((x) => x.name === name);
    if (!m || !m.chatApi) return invalidModel(reply, name);
    const msgs = field(b, 'messages');
    const user = Array.isArray(msgs)
      ? ([...msgs]
          .reverse()
          .map((x) => ({ role: str(field(x, 'role')), content: str(field(x, 'content')) }))
          .find((x) => x.role === 'user')?.content ?? '')
      : '';
    // Chat-tuned Codestral answers a user turn with prose; the hosted tokenizer never turns user text into control tokens.
    const g = generate({ model: m, brain: opts.brain, segments: [], hostedChat: { user }, maxTokens: num(field(b, 'max_tokens')), stop: stopList(field(b, 'stop')) });
    state.noteRun(req.path, `[INST] ${user}[/INST]`, g);
    respond(reply, m, g, field(b, 'stream') === true);
  }

  return startHttp(
    state,
    (req, reply) => {
      // Every route needs a valid bearer key; public reports show {"detail":"Unauthorized"} (older: {"message":"Unauthorized","request_id":…}).
      if (bearer(req) !== key) return reply.json(401, { detail: 'Unauthorized' });
      const k = `${req.method} ${req.path}`;
      if (k === 'GET /v1/models') {
        // basemodelcard.py: owned_by "mistralai", type "base", capabilities {completion_chat, completion_fim, …}.
        return reply.json(200, {
          object: 'list',
          data: MISTRAL_MODELS.map((m) => ({
            id: m.name,
            object: 'model',
            created,
            owned_by: 'mistralai',
            capabilities: { completion_chat: m.chatApi, completion_fim: m.fimApi, function_calling: true, fine_tuning: false, vision: false, classification: false },
            name: m.name,
            description: m.fimApi ? 'Our cutting-edge language model for coding.' : 'Mistral Small',
            max_context_length: m.maxContext,
            aliases: [],
            deprecation: null,
            default_model_temperature: 0.3,
            type: 'base',
          })),
        });
      }
      if (req.method === 'POST' && (req.badJson || typeof req.body !== 'object' || req.body === null))
        return reply.json(400, { object: 'error', message: 'Invalid JSON body', type: 'invalid_request_error', param: null, code: null });
      if (k === 'POST /v1/fim/completions') return fim(req, reply);
      if (k === 'POST /v1/chat/completions') return chat(req, reply);
      // No OpenAI legacy /v1/completions (nor anything else): 404. Body shape not confirmed.
      reply.json(404, { detail: 'Not Found' });
    },
    '/v1',
  );
}
