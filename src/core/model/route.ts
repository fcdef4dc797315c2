/**
 * How to talk to this server about this model: the way (transport), the prompt template, where the
 * request goes, how many stop words it takes and whether a warm-up helps. Chosen from what the
 * probe found (model/server.ts), the model's family (model/families.ts) and the person's explicit
 * settings; a style the server turned down (model/client.ts remembers it) is skipped for the next
 * candidate. Pure.
 */
import type { ResolvedApi, Settings, TemplateName } from '../config';
import { familyFor, isEmbeddingModel, looksInstruct, type FimFamily } from './families';
import type { ServerInfo } from './server';
import { looksChatOnly } from '../context/templates';

export interface Route {
  api: ResolvedApi;
  template: TemplateName;
  /** Path or URL of the generation request when it is not the API's usual one (DeepSeek's beta). */
  path?: string;
  /** Stop words the server takes at most; the rest are applied to the answer here. */
  stopCap?: number;
  /** Prime the server before the first keystroke: llama.cpp's prompt cache, Ollama's model load. */
  warmup?: 'llamacpp' | 'ollama';
  /** Ollama: the model thinks by default; ask it not to. */
  noThink?: boolean;
  /**
   * The built-in engine: each request names its document (an opaque id, model/documentId.ts) so
   * the engine keeps that document's KV state. Never set for any other server.
   */
  perDocument?: boolean;
  /** One line for the status bar and the log: "Ollama 0.12.3 · qwen2.5-coder:7b · FIM through /api/generate raw (Qwen2.5-Coder)". */
  describe: string;
  /** Why this path, when it is a fallback (unknown family, a style turned down). */
  note?: string;
  /** The model cannot complete text at all (an embedding model): what to tell the person. */
  unusable?: string;
}

/** A way and template, as remembered when a server turns it down. */
export const styleKey = (api: ResolvedApi, template: TemplateName): string => `${api}/${template}`;

interface Candidate {
  api: ResolvedApi;
  template: TemplateName;
  path?: string;
}

/** OpenAI's own API takes at most 4 stop words; so do servers we know nothing of. */
const OPENAI_STOP_CAP = 4;
/** DeepSeek's API documents up to 16. */
const DEEPSEEK_STOP_CAP = 16;

/** The route for these settings on this server, skipping styles in `refused`. */
export function chooseRoute(settings: Settings, server: ServerInfo | undefined, refused: ReadonlySet<string> = new Set()): Route {
  const model = settings.model;
  const family = familyFor(model);
  const label = server?.label ?? 'endpoint';
  const unusable = server?.model.embedding || (server?.model.embedding === undefined && isEmbeddingModel(model));
  const all = candidates(settings, server, family);
  const wanted = explicitCandidates(settings, all, family);
  const fresh = wanted.filter((c) => !refused.has(styleKey(c.api, c.template)));
  const pick = fresh[0] ?? wanted[0];
  const how = describeStyle(pick, family, server);
  const notes: string[] = [];
  if (!family && (pick.template === 'plain' || (pick.api === 'ollama' && pick.template === 'suffix')))
    notes.push(`no known FIM family for "${model}": ${pick.template === 'plain' ? 'sending the prefix only' : "using the model's own template"}`);
  if (server?.model.listed === false) notes.push(`${label} does not list a model named "${model}": check intentComplete.model`);
  if (fresh[0] !== wanted[0] && refused.size > 0) notes.push(`the server turned down ${[...refused].join(', ')}`);
  return {
    ...pick,
    stopCap: stopCap(server, pick),
    warmup: warmupFor(server, pick),
    noThink: server?.kind === 'ollama' && (server.model.capabilities?.includes('thinking') ?? false) ? true : undefined,
    perDocument: server?.kind === 'intent-complete' ? true : undefined,
    describe: `${label} · ${model} · ${how}`,
    note: notes.length ? notes.join('; ') : undefined,
    unusable: unusable ? `${model} is an embedding model: choose a code model that generates text` : undefined,
  };
}

/** The styles to try, best first, for this server and model. */
function candidates(settings: Settings, server: ServerInfo | undefined, family: FimFamily | undefined): Candidate[] {
  const model = settings.model;
  const chatOnly = looksChatOnly(model);
  const fim = (api: ResolvedApi): Candidate[] => (family ? [{ api, template: family.id }] : []);
  const chat: Candidate = { api: 'chat', template: family?.chatSystem ? family.id : 'chat' };
  // A family whose FIM goes through chat (Qwen3-Coder) is asked through chat first everywhere.
  const chatFirst = family?.chatSystem ? [chat] : chatOnly && !family ? [chat] : [];
  switch (server?.kind) {
    case 'llamacpp': {
      // /infill builds the PSM order (SPM only with the server-wide --spm-infill): SPM families
      // (Codestral, Mellum, Seed-Coder) get their own FIM string through /v1/completions instead.
      const infill: Candidate[] = server.model.infill && family?.order !== 'spm' ? [{ api: 'llamacpp-infill', template: family?.id ?? 'suffix' }] : [];
      // A model without FIM tokens (infill false) cannot read sentinels: its prefix alone.
      const raw = server.model.infill === false ? [] : fim('completions');
      // A chat-only name goes to chat first unless the model has FIM tokens after all.
      const first = family?.chatSystem || !server.model.infill ? chatFirst : [];
      return dedupe([...first, ...infill, ...raw, { api: 'completions', template: 'plain' }, chat]);
    }
    case 'ollama': {
      const caps = server.model.capabilities;
      const insert: Candidate[] = !caps || caps.includes('insert') ? [{ api: 'ollama', template: 'suffix' }] : [];
      const raw = family && !family.chatSystem ? fim('ollama') : [];
      // Chat through Ollama's own /api/chat, where a thinking model can be told not to think.
      const native: Candidate = { ...chat, api: 'ollama' };
      const first = chatFirst.length > 0 ? [native] : [];
      const last: Candidate[] = looksInstruct(model) || chatOnly ? [native, { api: 'ollama', template: 'plain' }] : [{ api: 'ollama', template: 'plain' }, native];
      return dedupe([...raw, ...first, ...insert, ...last, chat]);
    }
    case 'mistral':
      return server.model.fim === false ? [chat] : [{ api: 'mistral-fim', template: 'suffix' }, chat];
    case 'deepseek':
      return [{ api: 'completions', template: 'suffix', path: '/beta/completions' }, chat];
    case 'openai':
      return [chat];
    case 'intent-complete': {
      // The engine reads FIM sentinels in the prompt as tokens; with FIM tokens but no known
      // family it applies the model's own (the `suffix` field); without them, the prefix alone.
      // Chat only with a chat template.
      const raw = server.model.fim === false ? [] : fim('completions');
      const own: Candidate[] = server.model.fim ? [{ api: 'completions', template: 'suffix' }] : [];
      const canChat = server.model.chat !== false;
      return dedupe([...(canChat ? chatFirst : []), ...raw, ...own, { api: 'completions', template: 'plain' }, ...(canChat ? [chat] : [])]);
    }
    default:
      // vLLM, SGLang, LM Studio, any other OpenAI-compatible server: the FIM string in the prompt,
      // never the `suffix` field (vLLM and llama.cpp refuse it). A hosted FIM model's own route
      // comes next, for a provider behind a host we do not know (a proxy, a gateway).
      const hosted = hostedFim(model);
      return dedupe([...(hosted.length > 0 ? [] : chatFirst), ...fim('completions'), ...hosted, { api: 'completions', template: 'plain' }, chat]);
  }
}

/**
 * The candidates the person's explicit settings leave: with a template chosen, those rendering it
 * (else that template on the first way offered); with a way chosen, those going that way (else that
 * way with its usual template). Never empty.
 */
function explicitCandidates(settings: Settings, all: Candidate[], family: FimFamily | undefined): Candidate[] {
  const { apiStyle, fimTemplate } = settings;
  if (fimTemplate !== 'auto') {
    const same = all.filter((c) => c.template === fimTemplate && (apiStyle === 'auto' || c.api === apiStyle));
    if (same.length > 0) return same;
    const api = apiStyle !== 'auto' ? apiStyle : fimTemplate === 'chat' ? 'chat' : (all.find((c) => c.api !== 'chat')?.api ?? 'completions');
    return [{ api, template: fimTemplate, path: all.find((c) => c.api === api)?.path }];
  }
  if (apiStyle !== 'auto') {
    const same = all.filter((c) => c.api === apiStyle);
    return same.length > 0 ? same : [{ api: apiStyle, template: defaultTemplate(apiStyle, family) }];
  }
  return all.length > 0 ? all : [{ api: 'completions', template: family?.id ?? 'plain' }];
}

/** The FIM routes of hosted models by their API names: Codestral's /v1/fim, DeepSeek's beta completions. */
function hostedFim(model: string): Candidate[] {
  if (/codestral/i.test(model)) return [{ api: 'mistral-fim', template: 'suffix' }];
  if (/^deepseek-(chat|coder|reasoner)$/i.test(model)) return [{ api: 'completions', template: 'suffix', path: '/beta/completions' }];
  return [];
}

function defaultTemplate(api: ResolvedApi, family: FimFamily | undefined): TemplateName {
  if (api === 'chat') return family?.chatSystem ? family.id : 'chat';
  if (api === 'mistral-fim') return 'suffix';
  return family?.id ?? (api === 'completions' ? 'plain' : 'suffix');
}

function dedupe(cs: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return cs.filter((c) => {
    const k = styleKey(c.api, c.template);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describeStyle(c: Candidate, family: FimFamily | undefined, server: ServerInfo | undefined): string {
  const fam = family ? ` (${family.label})` : '';
  switch (c.api) {
    case 'llamacpp-infill':
      return "FIM through /infill (the server's template)";
    case 'ollama':
      if (c.template === 'chat') return 'fill-the-hole prompt through /api/chat';
      if (family?.chatSystem && c.template === family.id) return `FIM in a chat message through /api/chat${fam}`;
      return c.template === 'suffix'
        ? "FIM through /api/generate suffix (the model's template)"
        : c.template === 'plain'
          ? 'prefix only through /api/generate raw'
          : `FIM through /api/generate raw${fam}`;
    case 'mistral-fim':
      return 'FIM through /v1/fim/completions';
    case 'chat':
      return c.template === 'chat' ? 'fill-the-hole prompt through /v1/chat/completions' : `FIM in a chat message through /v1/chat/completions${fam}`;
    case 'completions':
      if (c.template === 'suffix') return `prompt and suffix through ${c.path ?? '/v1/completions'}`;
      if (c.template === 'plain') return `prefix only through /v1/completions${server ? '' : ' (server not identified yet)'}`;
      return `FIM prompt through /v1/completions${fam}`;
  }
}

function stopCap(server: ServerInfo | undefined, c: Candidate): number | undefined {
  if (c.api === 'llamacpp-infill' || c.api === 'ollama') return undefined;
  switch (server?.kind) {
    case 'llamacpp':
    case 'vllm':
    case 'sglang':
    case 'lmstudio':
    case 'ollama':
    case 'mistral':
    case 'intent-complete':
      return undefined;
    case 'deepseek':
      return DEEPSEEK_STOP_CAP;
    default:
      return OPENAI_STOP_CAP;
  }
}

function warmupFor(server: ServerInfo | undefined, c: Candidate): Route['warmup'] {
  if (!server?.local || server.hosted) return undefined;
  if (server.kind === 'llamacpp' && (c.api === 'llamacpp-infill' || c.api === 'completions')) return 'llamacpp';
  if (server.kind === 'ollama') return 'ollama';
  return undefined;
}
