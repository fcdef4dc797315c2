/**
 * FIM templates: how a prefix, a suffix and related snippets become the text a model expects.
 * Chosen from the model's family (model/families.ts) and the API unless a setting overrides it.
 * Every template's sentinels are stop words, so they never leak into a suggestion; file text never
 * spells a control token (it is neutralised).
 */
import type { FimTemplateName, ResolvedApi, Settings, TemplateName } from '../config';
import { COMMON_CONTROL_TOKENS, controlTokens, FAMILIES, familyFor, neutralize, stopWords, type FamilyId, type FimFamily } from '../model/families';
import type { ChatMessage, Snippet } from '../types';

export interface TemplateInput {
  prefix: string;
  suffix: string;
  snippets: Snippet[];
  /** Path of the current file relative to the workspace (for repo-level templates). */
  path: string;
  /** Workspace folder name (repo-level templates). */
  repoName: string;
  languageId: string;
}

export interface RenderedPrompt {
  prompt: string;
  suffix?: string;
  messages?: ChatMessage[];
  stop: string[];
}

export interface FimTemplate {
  name: TemplateName;
  /** Related files go in as files of the repository (under file separators), not as comments. */
  repoLevel: boolean;
  render(input: TemplateInput): RenderedPrompt;
}

/** Related snippets as comments under their paths, for templates with no repo-level form. */
export function snippetsAsComments(snippets: Snippet[], languageId: string): string {
  if (snippets.length === 0) return '';
  const c = lineComment(languageId);
  return snippets
    .map(
      (s) =>
        `${c} Path: ${s.path}\n${s.text
          .split('\n')
          .map((l) => `${c} ${l}`)
          .join('\n')}\n`,
    )
    .join('');
}

export function lineComment(languageId: string): string {
  switch (languageId) {
    case 'python':
    case 'shellscript':
    case 'ruby':
    case 'perl':
    case 'r':
    case 'yaml':
    case 'toml':
    case 'dockerfile':
    case 'makefile':
    case 'powershell':
      return '#';
    case 'lua':
    case 'sql':
    case 'haskell':
      return '--';
    case 'markdown':
    case 'plaintext':
    case 'html':
    case 'xml':
      return '';
    default:
      return '//';
  }
}

/** Related files under their paths, each as the family's file separator, path, newline, text. */
function repoFiles(fileSep: string, snippets: readonly Snippet[], clean: (t: string) => string): string {
  return snippets.map((s) => `${fileSep}${clean(s.path)}\n${clean(s.text)}\n`).join('');
}

/**
 * A family's FIM template (model/families.ts): its sentinels in its order, the repository-level
 * form when it has one and there are related files (else related files as comments), and file
 * text with the family's control tokens broken so they stay text.
 */
export function familyTemplate(f: FimFamily): FimTemplate {
  const tokens = controlTokens(f);
  const clean = (t: string) => neutralize(t, tokens);
  const g = f.glue ?? {};
  const stop = stopWords(f);
  return {
    name: f.id,
    repoLevel: f.repo !== undefined,
    render: (i) => {
      const prefix = clean(i.prefix);
      const suffix = clean(i.suffix);
      let head = '';
      let comments = '';
      if (f.repo && i.snippets.length > 0) {
        const repoName = f.repo.repoName ? `${f.repo.repoName}${clean(i.repoName)}${f.repo.repoNameNewline ? '\n' : ''}` : '';
        head = `${repoName}${repoFiles(f.repo.fileSep, i.snippets, clean)}${f.repo.fileSep}${clean(i.path)}\n`;
      } else {
        comments = clean(snippetsAsComments(i.snippets, i.languageId));
      }
      const pre = `${f.prefix}${g.afterPrefix ?? ''}${comments}${prefix}`;
      const suf = `${g.beforeSuffix ?? ''}${f.suffix}${suffix}`;
      const body = f.order === 'psm' ? `${pre}${suf}${g.beforeMiddle ?? ''}${f.middle}` : `${suf}${pre}${f.middle}`;
      const prompt = `${head}${body}`;
      const messages: ChatMessage[] | undefined = f.chatSystem
        ? [
            { role: 'system', content: f.chatSystem },
            { role: 'user', content: prompt },
          ]
        : undefined;
      return { prompt, messages, stop };
    },
  };
}

/** Server-side FIM (a `suffix` field, Mistral FIM, Ollama's template): the prompt is the prefix. */
const suffixStyle: FimTemplate = {
  name: 'suffix',
  repoLevel: false,
  render: (i) => ({
    prompt: neutralize(`${snippetsAsComments(i.snippets, i.languageId)}${i.prefix}`, COMMON_CONTROL_TOKENS),
    suffix: neutralize(i.suffix, COMMON_CONTROL_TOKENS),
    stop: [],
  }),
};

/** No FIM at all (a model of no known family on a server without `suffix`): the prefix to continue. */
const plain: FimTemplate = {
  name: 'plain',
  repoLevel: false,
  render: (i) => ({
    prompt: neutralize(`${snippetsAsComments(i.snippets, i.languageId)}${i.prefix}`, COMMON_CONTROL_TOKENS),
    stop: [],
  }),
};

export const HOLE = '<<<FILL>>>';

/** Chat-only models: ask for exactly the text that fills the hole, nothing else. */
const chat: FimTemplate = {
  name: 'chat',
  repoLevel: false,
  render: (i) => {
    const clean = (t: string) => neutralize(t, COMMON_CONTROL_TOKENS);
    const related = i.snippets.map((s) => `File ${clean(s.path)}:\n\`\`\`\n${clean(s.text)}\n\`\`\`\n`).join('\n');
    const system =
      'You are a code completion engine. Reply with only the text that replaces ' +
      `${HOLE} in the user's file: no explanation, no markdown fences, no repetition of the surrounding code. ` +
      'Use only names that exist in the file or the related files. If nothing fits, reply with nothing.';
    const user = `${related ? `Related code:\n${related}\n` : ''}File ${clean(i.path)} (${i.languageId}):\n${clean(i.prefix)}${HOLE}${clean(i.suffix)}`;
    return {
      prompt: `${system}\n\n${user}`,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
      stop: [HOLE],
    };
  },
};

export const TEMPLATES: Record<TemplateName, FimTemplate> = {
  ...(Object.fromEntries(FAMILIES.map((f) => [f.id, familyTemplate(f)])) as Record<FamilyId, FimTemplate>),
  suffix: suffixStyle,
  plain,
  chat,
};

/**
 * The template for a model and API: a chosen one wins; else the model's family (Qwen3-Coder's
 * wraps its FIM string in chat messages); else, with no family known, the server's own FIM
 * (`suffix`) where the API renders it, or the plain prefix. With llama.cpp's /infill the server
 * renders the model's own template, but the chosen one still supplies the stop words and the
 * budget's overhead.
 */
export function templateFor(model: string, override: FimTemplateName, api: ResolvedApi): FimTemplate {
  const family = familyFor(model);
  if (api === 'chat') return override === 'auto' ? (family?.chatSystem ? TEMPLATES[family.id] : chat) : (TEMPLATES[override] ?? chat);
  if (override !== 'auto') return TEMPLATES[override];
  if (api === 'mistral-fim') return suffixStyle;
  if (family) return TEMPLATES[family.id];
  return api === 'llamacpp-infill' || api === 'ollama' ? suffixStyle : plain;
}

/** Models that only speak chat (used when apiStyle is auto). */
export function looksChatOnly(model: string): boolean {
  const m = model.toLowerCase();
  if (familyFor(m)?.chatSystem) return true;
  if (/coder|code|starcoder|codestral|fim|base/.test(m)) return false;
  return /^(gpt-4|gpt-3\.5-turbo|gpt-5|o\d|claude|gemini)|instruct|chat/.test(m);
}

/**
 * The API for these settings without a probe: the explicit apiStyle, else chat for chat-only models,
 * else /v1/completions. The pipeline passes settings already resolved by the endpoint's route
 * (model/route.ts), whose apiStyle is the way chosen for that server.
 */
export function resolveApi(settings: Settings): ResolvedApi {
  if (settings.apiStyle !== 'auto') return settings.apiStyle;
  if (looksChatOnly(settings.model) || settings.fimTemplate === 'chat') return 'chat';
  return 'completions';
}

/** A llama.cpp server `/infill` request body: related files go in `input_extra`, not in the prefix. */
export interface InfillBody {
  /** llama.cpp ignores it for a single model; a router (llama-server with several models, llama-swap) picks by it. */
  model?: string;
  input_prefix: string;
  input_suffix: string;
  input_extra: { filename: string; text: string }[];
  prompt: string;
  cache_prompt?: boolean;
  n_predict?: number;
  temperature?: number;
  stop?: string[];
  stream?: boolean;
}

/**
 * The `/infill` body for a built prompt (llama.cpp applies the model's own FIM template and
 * repo-level file separators server-side). `cache_prompt` lets it reuse the KV cache across
 * keystrokes: the related files come first and change rarely.
 */
export function infillBody(p: { prefix: string; suffixText: string; snippets: readonly Snippet[] }, opts: { cachePrompt?: boolean; nPredict?: number } = {}): InfillBody {
  return {
    input_prefix: p.prefix,
    input_suffix: p.suffixText,
    input_extra: p.snippets.map((s) => ({ filename: s.path, text: s.text })),
    prompt: '',
    ...(opts.cachePrompt !== undefined ? { cache_prompt: opts.cachePrompt } : {}),
    ...(opts.nPredict !== undefined ? { n_predict: opts.nPredict } : {}),
  };
}
