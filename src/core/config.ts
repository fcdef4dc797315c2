/**
 * Settings: one typed object, defaults in one place. package.json `contributes.configuration`
 * must agree with DEFAULTS (a unit test checks it). Values from outside (a settings.json, CLI
 * flags) go through `normalizeSettings`, which never throws: a malformed value falls back to the
 * default and is reported in `problems`.
 */
import * as path from 'node:path';

/** How requests are sent (model/transports): one value per way of talking to a server. */
export const API_STYLES = ['auto', 'completions', 'chat', 'llamacpp-infill', 'ollama', 'mistral-fim'] as const;
export type ApiStyle = (typeof API_STYLES)[number];
/** The API a request is actually sent with (apiStyle with auto resolved). */
export type ResolvedApi = Exclude<ApiStyle, 'auto'>;
/** Prompt templates: one per model family (model/families.ts), the server's own FIM (`suffix`), no FIM (`plain`), chat. */
export const TEMPLATE_NAMES = [
  'qwen',
  'qwen3',
  'codeqwen',
  'starcoder',
  'granite',
  'deepseek',
  'codellama',
  'codestral',
  'codegemma',
  'mellum',
  'seedcoder',
  'suffix',
  'plain',
  'chat',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type FimTemplateName = 'auto' | TemplateName;
export type MultilineMode = 'auto' | 'always' | 'never';
export type EditReviewMode = 'inline' | 'diffEditor';

export interface Settings {
  /** Master switch for ghost text. */
  enable: boolean;
  /** Per-language switch; `*` is the fallback. */
  languages: Record<string, boolean>;
  /** Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1. Empty: not configured. */
  endpoint: string;
  /** Model name sent to the endpoint. */
  model: string;
  /**
   * Which API the endpoint is called with; auto = completions unless the model looks chat-only, or
   * llama.cpp's /infill when the endpoint was detected as a llama.cpp server with a FIM model.
   */
  apiStyle: ApiStyle;
  /** Prompt template; auto = chosen from the model name. */
  fimTemplate: FimTemplateName;
  /** Hard deadline per ghost-text request, in ms. */
  timeoutMs: number;
  /** Maximum tokens the model may generate for one suggestion. */
  maxTokens: number;
  /** Prompt budget in tokens (a token is 4 characters). */
  contextBudget: number;
  /** Multi-line suggestions: auto = only where a block is being started. */
  multiline: MultilineMode;
  /** Maximum lines of a multi-line suggestion. */
  maxLines: number;
  /** Drop or truncate suggestions that name entities absent from context. */
  consistencyFilter: boolean;
  /** Send a tiny request on file open/focus so the server's prompt cache is warm. */
  warmup: boolean;
  /** Model for Ctrl+I edits; empty = same as `model`. */
  editModel: string;
  /** Deadline for a Ctrl+I edit, in ms. */
  editTimeoutMs: number;
  /** How an edit proposal is reviewed. */
  editReview: EditReviewMode;
  /** Ctrl+I runs our edit command (false gives the key back to VS Code). */
  editKeybinding: boolean;
  /** Keep the text of suggestions in the local quality log (never sent anywhere). */
  recordCode: boolean;
  /** Ghost text (and Edit Selection) use the built-in engine instead of `endpoint`. */
  'localEngine.enabled': boolean;
  /** The built-in engine's model: a catalogue id (src/engine/catalogue.ts). */
  'localEngine.model': string;
  /** An absolute path to a .gguf file; overrides `localEngine.model`. Empty: the catalogue model. */
  'localEngine.modelFile': string;
  /** CPU threads of the built-in engine; 0 = chosen from the machine's cores. */
  'localEngine.threads': number;
  /** Unload the built-in engine's model after this many idle minutes; 0 = never. */
  'localEngine.idleUnloadMinutes': number;
}

export const DEFAULTS: Readonly<Settings> = Object.freeze({
  enable: true,
  languages: { '*': true },
  endpoint: '',
  model: '',
  apiStyle: 'auto',
  fimTemplate: 'auto',
  timeoutMs: 1500,
  maxTokens: 128,
  contextBudget: 2048,
  multiline: 'auto',
  maxLines: 8,
  consistencyFilter: true,
  warmup: true,
  editModel: '',
  editTimeoutMs: 30000,
  editReview: 'inline',
  editKeybinding: true,
  recordCode: false,
  'localEngine.enabled': false,
  // The catalogue's DEFAULT_MODEL_ID (the core does not import the engine; a unit test checks they agree).
  'localEngine.model': 'qwen2.5-coder-1.5b-q8_0',
  'localEngine.modelFile': '',
  'localEngine.threads': 0,
  'localEngine.idleUnloadMinutes': 15,
});

/**
 * The built-in engine's settings: machine-scoped (package.json), read from the user's own settings
 * only, as a repository must not choose what runs or loads on this machine.
 */
export const LOCAL_ENGINE_KEYS: readonly (keyof Settings)[] = [
  'localEngine.enabled',
  'localEngine.model',
  'localEngine.modelFile',
  'localEngine.threads',
  'localEngine.idleUnloadMinutes',
];

/** Settings a repository's own .vscode/settings.json must never set (they decide where code goes). */
export const MACHINE_ONLY_KEYS: readonly (keyof Settings)[] = ['endpoint', 'model', 'editModel', 'apiStyle'];

const ENUMS: Partial<Record<keyof Settings, readonly string[]>> = {
  apiStyle: API_STYLES,
  fimTemplate: ['auto', ...TEMPLATE_NAMES],
  multiline: ['auto', 'always', 'never'],
  editReview: ['inline', 'diffEditor'],
};

const RANGES: Partial<Record<keyof Settings, [number, number]>> = {
  timeoutMs: [100, 60000],
  maxTokens: [1, 4096],
  contextBudget: [128, 32768],
  maxLines: [1, 200],
  editTimeoutMs: [1000, 600000],
  'localEngine.threads': [0, 256],
  // A week: an engine that should stay loaded longer is one that should never unload (0).
  'localEngine.idleUnloadMinutes': [0, 10080],
};

export interface NormalizedSettings {
  settings: Settings;
  /** Human-readable descriptions of values that were ignored. */
  problems: string[];
}

/** Builds Settings from loosely-typed input; never throws. */
export function normalizeSettings(raw: Record<string, unknown>): NormalizedSettings {
  const problems: string[] = [];
  const out: Record<string, unknown> = { ...DEFAULTS, languages: { ...DEFAULTS.languages } };
  for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const def = DEFAULTS[key];
    const bad = (why: string) => problems.push(`intentComplete.${key}: ${why}; using ${JSON.stringify(def)}`);
    if (typeof def === 'boolean') {
      if (typeof value === 'boolean') out[key] = value;
      else bad('expected true or false');
    } else if (typeof def === 'number') {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      const range = RANGES[key];
      if (typeof n !== 'number' || !Number.isFinite(n)) bad('expected a number');
      else if (range && (n < range[0] || n > range[1])) bad(`expected a number from ${range[0]} to ${range[1]}`);
      else out[key] = Math.round(n);
    } else if (typeof def === 'string') {
      const allowed = ENUMS[key];
      if (typeof value !== 'string') bad('expected a string');
      else if (allowed && !allowed.includes(value)) bad(`expected one of ${allowed.join(', ')}`);
      else if (key === 'endpoint' && value.trim() !== '' && !isHttpUrl(value.trim())) bad('expected an http(s) URL');
      else if (key === 'localEngine.modelFile' && modelFileProblem(value.trim())) bad(modelFileProblem(value.trim())!);
      else if (key === 'localEngine.model' && !/^[\w.-]+$/.test(value.trim())) bad('expected a model id of the catalogue, e.g. qwen2.5-coder-1.5b-q8_0');
      else out[key] = value.trim();
    } else if (key === 'languages') {
      if (typeof value === 'object' && !Array.isArray(value)) {
        const langs: Record<string, boolean> = { ...DEFAULTS.languages };
        for (const [lang, on] of Object.entries(value as Record<string, unknown>)) {
          if (typeof on === 'boolean') langs[lang] = on;
          else bad(`language ${JSON.stringify(lang)} must map to true or false`);
        }
        out[key] = langs;
      } else bad('expected an object of language id to true/false');
    }
  }
  return { settings: out as unknown as Settings, problems };
}

/** What is wrong with a `localEngine.modelFile` value (undefined: nothing; empty is allowed). */
export function modelFileProblem(file: string): string | undefined {
  if (file === '') return undefined;
  if (!isAbsolute(file)) return 'expected an absolute path to a .gguf file';
  if (!/\.gguf$/i.test(file)) return 'expected a file ending in .gguf';
  return undefined;
}

/** Absolute on this machine's own terms or on the other's (a Windows path read on Linux and back). */
function isAbsolute(p: string): boolean {
  return path.posix.isAbsolute(p) || path.win32.isAbsolute(p);
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether ghost text is on for a language, given the master switch and the per-language map. */
export function isEnabledFor(settings: Settings, languageId: string): boolean {
  if (!settings.enable) return false;
  const own = settings.languages[languageId];
  if (typeof own === 'boolean') return own;
  return settings.languages['*'] !== false;
}

/** Base URL normalised to end in /v1 (what the openai package expects) unless it already has a path. */
export function normalizeBaseUrl(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, '');
  try {
    const u = new URL(trimmed);
    if (u.pathname === '' || u.pathname === '/') return `${trimmed}/v1`;
  } catch {
    /* returned as is; the client reports it */
  }
  return trimmed;
}
