/**
 * Knowing the server: one probe sequence per endpoint that tells which server answers there and
 * what it knows of the model, so model/route.ts can talk to it the way it really works. Hosted
 * providers are known by their host; everything else by the routes only it answers:
 *   llama.cpp  GET /props (default_generation_settings), then a `n_predict: 0` /infill (501 without FIM tokens)
 *   Ollama     GET /api/version, then POST /api/show (capabilities, template family)
 *   SGLang     GET /get_model_info, or /v1/models owned_by "sglang"
 *   LM Studio  GET /api/v0/models (type llm / embeddings)
 *   vLLM       GET /v1/models owned_by "vllm" (GET /version for its version)
 *   Mistral / DeepSeek  /v1/models owned_by "mistralai" / "deepseek" (also when reached by another host)
 *   the built-in engine  /v1/models owned_by "intent-complete" (src/engine/server.ts), its card's
 *              `meta` saying whether the model has FIM tokens and a chat template
 * Nothing of the user's code is sent; every probe has its own short deadline; never throws.
 */
import type OpenAI from 'openai';
import { ENGINE_OWNER } from './documentId';
import { deadlineController, toModelError } from './http';

export type ServerKind = 'llamacpp' | 'ollama' | 'vllm' | 'sglang' | 'lmstudio' | 'mistral' | 'deepseek' | 'openai' | 'intent-complete' | 'openai-compatible';

export interface ModelFacts {
  /** The server lists the model (undefined: it lists none, or was not asked). */
  listed?: boolean;
  /** llama.cpp: its /infill accepts a request (the model has FIM tokens). */
  infill?: boolean;
  /** Ollama: the model's capabilities (completion, insert, thinking, embedding, tools, vision). */
  capabilities?: string[];
  /** Ollama: the model's architecture family (qwen2, starcoder2, llama…). */
  family?: string;
  /** Mistral, the built-in engine: the model card says it fills in the middle. */
  fim?: boolean;
  /** The built-in engine: the model has a chat template (false: it cannot chat). */
  chat?: boolean;
  /** The server says the model makes embeddings. */
  embedding?: boolean;
}

export interface ServerInfo {
  kind: ServerKind;
  /** What the status bar and the log call it: "Ollama 0.12.3", "llama.cpp b6500", "vLLM 0.10.1". */
  label: string;
  version?: string;
  /** On this machine or the local network: warm-ups and uncapped stop lists are fine. */
  local: boolean;
  /** A billed hosted API: never warmed up. */
  hosted: boolean;
  model: ModelFacts;
  /** Some probe got an answer (false: nothing answered; probe again later). */
  reached: boolean;
}

/** Hosted providers by host name. */
const HOSTS: readonly { re: RegExp; kind: ServerKind; label: string }[] = [
  { re: /(^|\.)mistral\.ai$/, kind: 'mistral', label: 'Mistral API' },
  { re: /(^|\.)deepseek\.com$/, kind: 'deepseek', label: 'DeepSeek API' },
  { re: /(^|\.)openai\.com$/, kind: 'openai', label: 'OpenAI API' },
];

const LABELS: Record<ServerKind, string> = {
  llamacpp: 'llama.cpp',
  ollama: 'Ollama',
  vllm: 'vLLM',
  sglang: 'SGLang',
  lmstudio: 'LM Studio',
  mistral: 'Mistral API',
  deepseek: 'DeepSeek API',
  openai: 'OpenAI API',
  'intent-complete': 'built-in engine',
  'openai-compatible': 'OpenAI-compatible server',
};

/** Loopback, private and link-local addresses, and .local names. */
export function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h.endsWith('.local') ||
    h === '::1' ||
    /^127\./.test(h) ||
    /^10\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h) ||
    /^169\.254\./.test(h) ||
    /^f[cd][0-9a-f]{2}:/.test(h) ||
    h === '0.0.0.0' ||
    h === 'host.docker.internal'
  );
}

/** This machine's own addresses only (the built-in engine listens on nothing else). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** The server root: native routes (llama.cpp /props, Ollama /api, DeepSeek /beta) are not under /v1. */
export function serverRoot(baseURL: string): string {
  return baseURL.replace(/\/+$/, '').replace(/\/(v1|beta|api)$/, '');
}

type Json = Record<string, unknown>;

/** GET or POST returning the JSON body, or undefined on any failure (status, timeout, not JSON). */
async function ask(
  http: OpenAI,
  method: 'get' | 'post',
  url: string,
  timeoutMs: number,
  headers: Record<string, string> | undefined,
  body?: unknown,
  signal?: AbortSignal,
): Promise<{ ok: true; json: unknown } | { ok: false; status?: number }> {
  const { controller, cleanup } = deadlineController(timeoutMs, signal);
  try {
    const opts = { signal: controller.signal, timeout: timeoutMs, maxRetries: 0, headers, ...(body !== undefined ? { body } : {}) };
    const json = method === 'get' ? await http.get<unknown>(url, opts) : await http.post<unknown>(url, opts);
    return { ok: true, json };
  } catch (e) {
    const err = toModelError(e, controller.signal, 0, timeoutMs, signal);
    return { ok: false, status: err.status };
  } finally {
    cleanup();
  }
}

const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x.length > 0 ? x : undefined);

/** The model list of an OpenAI-style /models answer: ids and owners. */
function modelList(json: unknown): { id: string; owner?: string; card: Json }[] | undefined {
  const data = obj(json)?.data;
  if (!Array.isArray(data)) return undefined;
  return data.flatMap((d) => {
    const o = obj(d);
    const id = str(o?.id);
    return o && id ? [{ id, owner: str(o.owned_by), card: o }] : [];
  });
}

export interface ProbeOptions {
  baseURL: string;
  model: string;
  /** Per probe request, ms. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Finds out what server answers at baseURL and what it knows of the model. Never throws. */
export async function probeServer(http: OpenAI, o: ProbeOptions): Promise<ServerInfo> {
  const t = o.timeoutMs ?? 2000;
  const root = serverRoot(o.baseURL);
  const base = o.baseURL.replace(/\/+$/, '');
  let host = '';
  try {
    host = new URL(o.baseURL).hostname;
  } catch {
    /* not a URL: nothing answers */
  }
  const local = isLocalHost(host);
  const hostedBy = HOSTS.find((h) => h.re.test(host));
  const get = (url: string) => ask(http, 'get', url, t, o.headers, undefined, o.signal);
  const info = (kind: ServerKind, model: ModelFacts, reached: boolean, version?: string): ServerInfo => ({
    kind,
    label: version ? `${LABELS[kind]} ${version}` : (hostedBy?.label ?? LABELS[kind]),
    version,
    local,
    hosted: hostedBy !== undefined || kind === 'mistral' || kind === 'deepseek' || kind === 'openai' ? !local : false,
    model,
    reached,
  });

  // The model list under the base URL, else at the root (DeepSeek serves it at both).
  const models = get(`${base}/models`).then((r) => (r.ok || base === root ? r : get(`${root}/models`).then((r2) => (r2.ok ? r2 : r))));
  if (hostedBy) {
    const m = await models;
    return info(hostedBy.kind, m.ok ? listedFacts(m.json, o.model) : {}, m.ok || m.status !== undefined);
  }
  const [props, ollama, sglang, lmstudio, list] = await Promise.all([
    get(`${root}/props`),
    get(`${root}/api/version`),
    get(`${root}/get_model_info`),
    get(`${root}/api/v0/models`),
    models,
  ]);
  const reached = [props, ollama, sglang, lmstudio, list].some((r) => r.ok || r.status !== undefined);
  const listed = list.ok ? listedFacts(list.json, o.model) : {};
  const owners = new Set((list.ok ? (modelList(list.json) ?? []) : []).map((m) => m.owner));

  const gen = obj(props.ok ? props.json : undefined);
  if (gen && 'default_generation_settings' in gen) {
    const infill = await probeInfill(http, root, o);
    return info('llamacpp', { ...listed, infill }, true, str(gen.build_info)?.split('-')[0]);
  }
  const ov = str(obj(ollama.ok ? ollama.json : undefined)?.version);
  if (ov) return info('ollama', { ...listed, ...(await ollamaFacts(http, root, o)) }, true, ov);
  if (str(obj(sglang.ok ? sglang.json : undefined)?.model_path) || owners.has('sglang')) return info('sglang', listed, true);
  const lms = lmStudioFacts(lmstudio.ok ? lmstudio.json : undefined, o.model);
  if (lms) return info('lmstudio', { ...listed, ...lms }, true);
  if (owners.has('vllm')) {
    const v = await get(`${root}/version`);
    return info('vllm', listed, true, str(obj(v.ok ? v.json : undefined)?.version));
  }
  // The engine listens on 127.0.0.1 only: elsewhere a card saying so is some other server's.
  if (owners.has(ENGINE_OWNER) && isLoopback(host)) return info('intent-complete', listed, true);
  if (owners.has('llamacpp')) return info('llamacpp', { ...listed, infill: await probeInfill(http, root, o) }, true);
  if (owners.has('mistralai')) return info('mistral', listed, true);
  if (owners.has('deepseek')) return info('deepseek', listed, true);
  if (owners.has('library') || owners.has('ollama')) return info('ollama', listed, true);
  return info('openai-compatible', listed, reached);
}

/** What an OpenAI-style model list says of one model (Mistral's cards carry capabilities). */
function listedFacts(json: unknown, model: string): ModelFacts {
  const list = modelList(json);
  if (!list || list.length === 0) return {};
  const m = list.find((x) => x.id === model || obj(x.card)?.aliases === model || (Array.isArray(x.card.aliases) && x.card.aliases.includes(model)));
  if (!m) return { listed: false };
  const caps = obj(m.card.capabilities);
  if (m.owner === ENGINE_OWNER) return { listed: true, ...engineFacts(obj(m.card.meta)) };
  const fim = caps && typeof caps.completion_fim === 'boolean' ? caps.completion_fim : undefined;
  return { listed: true, ...(fim !== undefined ? { fim } : {}) };
}

/** The built-in engine's card: `meta.fim` and `meta.chat` (src/engine/server.ts modelList). */
function engineFacts(meta: Json | undefined): ModelFacts {
  const facts: ModelFacts = {};
  if (typeof meta?.fim === 'boolean') facts.fim = meta.fim;
  if (typeof meta?.chat === 'boolean') facts.chat = meta.chat;
  return facts;
}

/** llama.cpp: whether /infill takes a request for this model (501 when it has no FIM tokens). */
async function probeInfill(http: OpenAI, root: string, o: ProbeOptions): Promise<boolean | undefined> {
  const body = { model: o.model, input_prefix: '', input_suffix: '', input_extra: [], prompt: '', n_predict: 0, cache_prompt: false, stream: false };
  const r = await ask(http, 'post', `${root}/infill`, o.timeoutMs ?? 2000, o.headers, body, o.signal);
  if (r.ok) return true;
  return r.status !== undefined ? false : undefined;
}

/** Ollama: the model's capabilities and family (POST /api/show). */
async function ollamaFacts(http: OpenAI, root: string, o: ProbeOptions): Promise<ModelFacts> {
  // `name` for servers before `model` replaced it.
  const r = await ask(http, 'post', `${root}/api/show`, o.timeoutMs ?? 2000, o.headers, { model: o.model, name: o.model }, o.signal);
  if (!r.ok) return r.status === 404 ? { listed: false } : {};
  const j = obj(r.json) ?? {};
  const caps = Array.isArray(j.capabilities) ? j.capabilities.filter((c): c is string => typeof c === 'string') : undefined;
  const info = obj(j.model_info);
  const family = str(info?.['general.architecture']) ?? str(obj(j.details)?.family);
  return { listed: true, capabilities: caps, family, embedding: caps ? caps.includes('embedding') && !caps.includes('completion') : undefined };
}

/** LM Studio's own model list (GET /api/v0/models): present only on LM Studio. */
function lmStudioFacts(json: unknown, model: string): ModelFacts | undefined {
  const data = obj(json)?.data;
  if (!Array.isArray(data) || data.length === 0 || !data.every((d) => typeof obj(d)?.type === 'string')) return undefined;
  const m = data.map(obj).find((d) => d?.id === model);
  return m ? { listed: true, embedding: m.type === 'embeddings' } : { listed: false };
}
