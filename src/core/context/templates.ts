/**
 * FIM templates: how a prefix, a suffix and related snippets become the text a model expects.
 * Chosen from the model name unless a setting overrides it. Every template's sentinels are stop
 * words, so they never leak into a suggestion.
 */
import type { FimTemplateName, ResolvedApi } from '../config';
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
  name: Exclude<FimTemplateName, 'auto'>;
  render(input: TemplateInput): RenderedPrompt;
}

/** Related snippets as comments under their paths, for templates with no repo-level form. */
export function snippetsAsComments(snippets: Snippet[], languageId: string): string {
  if (snippets.length === 0) return '';
  const c = lineComment(languageId);
  return snippets
    .map((s) => `${c} Path: ${s.path}\n${s.text.split('\n').map((l) => `${c} ${l}`).join('\n')}\n`)
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

function simple(name: FimTemplate['name'], pre: string, suf: string, mid: string, extraStops: string[]): FimTemplate {
  return {
    name,
    render: (i) => ({
      prompt: `${pre}${snippetsAsComments(i.snippets, i.languageId)}${i.prefix}${suf}${i.suffix}${mid}`,
      stop: [pre, suf, mid, ...extraStops],
    }),
  };
}

/** Qwen2.5/Qwen3-Coder, with the repo-level form when there are related files. */
const qwen: FimTemplate = {
  name: 'qwen',
  render: (i) => {
    const stop = ['<|endoftext|>', '<|file_sep|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|repo_name|>', '<|fim_pad|>', '<|im_end|>'];
    if (i.snippets.length === 0) {
      return { prompt: `<|fim_prefix|>${i.prefix}<|fim_suffix|>${i.suffix}<|fim_middle|>`, stop };
    }
    const files = i.snippets.map((s) => `<|file_sep|>${s.path}\n${s.text}\n`).join('');
    return {
      prompt: `<|repo_name|>${i.repoName}\n${files}<|file_sep|>${i.path}\n<|fim_prefix|>${i.prefix}<|fim_suffix|>${i.suffix}<|fim_middle|>`,
      stop,
    };
  },
};

/** StarCoder2 (also StarCoder/SantaCoder), repo-level form when there are related files. */
const starcoder: FimTemplate = {
  name: 'starcoder',
  render: (i) => {
    const stop = ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<repo_name>', '<fim_pad>'];
    if (i.snippets.length === 0) return { prompt: `<fim_prefix>${i.prefix}<fim_suffix>${i.suffix}<fim_middle>`, stop };
    const files = i.snippets.map((s) => `<file_sep>${s.path}\n${s.text}\n`).join('');
    return {
      prompt: `<repo_name>${i.repoName}${files}<file_sep>${i.path}\n<fim_prefix>${i.prefix}<fim_suffix>${i.suffix}<fim_middle>`,
      stop,
    };
  },
};

const deepseek = simple('deepseek', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', ['<｜end▁of▁sentence｜>', '<|EOT|>']);

const codellama: FimTemplate = {
  name: 'codellama',
  render: (i) => ({
    prompt: `<PRE> ${snippetsAsComments(i.snippets, i.languageId)}${i.prefix} <SUF>${i.suffix} <MID>`,
    stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'],
  }),
};

const codestral: FimTemplate = {
  name: 'codestral',
  render: (i) => ({
    prompt: `[SUFFIX]${i.suffix}[PREFIX]${snippetsAsComments(i.snippets, i.languageId)}${i.prefix}`,
    stop: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]', '</s>'],
  }),
};

const codegemma = simple('codegemma', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', ['<|file_separator|>', '<end_of_turn>', '<eos>']);

/** OpenAI-style: the prompt is the prefix, the suffix goes in the `suffix` field. */
const suffixStyle: FimTemplate = {
  name: 'suffix',
  render: (i) => ({
    prompt: `${snippetsAsComments(i.snippets, i.languageId)}${i.prefix}`,
    suffix: i.suffix,
    stop: [],
  }),
};

export const HOLE = '<<<FILL>>>';

/** Chat-only models: ask for exactly the text that fills the hole, nothing else. */
const chat: FimTemplate = {
  name: 'chat',
  render: (i) => {
    const related = i.snippets.map((s) => `File ${s.path}:\n\`\`\`\n${s.text}\n\`\`\`\n`).join('\n');
    const system =
      'You are a code completion engine. Reply with only the text that replaces ' +
      `${HOLE} in the user's file: no explanation, no markdown fences, no repetition of the surrounding code. ` +
      'Use only names that exist in the file or the related files. If nothing fits, reply with nothing.';
    const user = `${related ? `Related code:\n${related}\n` : ''}File ${i.path} (${i.languageId}):\n${i.prefix}${HOLE}${i.suffix}`;
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

export const TEMPLATES: Record<FimTemplate['name'], FimTemplate> = {
  qwen,
  starcoder,
  deepseek,
  codellama,
  codestral,
  codegemma,
  suffix: suffixStyle,
  chat,
};

/**
 * Chooses a template from the model name; unknown names get the OpenAI-style `suffix` field. With
 * llama.cpp's /infill the server renders the model's own template, but the chosen one still
 * supplies the stop words (its sentinels) and the budget's overhead.
 */
export function templateFor(model: string, override: FimTemplateName, api: ResolvedApi): FimTemplate {
  if (api === 'chat') return chat;
  if (override !== 'auto') return TEMPLATES[override];
  const m = model.toLowerCase();
  if (m.includes('qwen')) return qwen;
  if (m.includes('starcoder') || m.includes('santacoder') || m.includes('stable-code') || m.includes('refact')) return starcoder;
  if (m.includes('deepseek')) return deepseek;
  if (m.includes('codellama') || m.includes('code-llama') || m.includes('codeqwen-chat')) return codellama;
  if (m.includes('codestral') || m.includes('mistral')) return codestral;
  if (m.includes('codegemma')) return codegemma;
  return suffixStyle;
}

/** Models that only speak chat (used when apiStyle is auto). */
export function looksChatOnly(model: string): boolean {
  const m = model.toLowerCase();
  if (/coder|code|starcoder|codestral|fim|base/.test(m)) return false;
  return /^(gpt-4|gpt-3\.5-turbo|gpt-5|o\d|claude|gemini)|instruct|chat/.test(m);
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
export function infillBody(
  p: { prefix: string; suffixText: string; snippets: readonly Snippet[] },
  opts: { cachePrompt?: boolean; nPredict?: number } = {},
): InfillBody {
  return {
    input_prefix: p.prefix,
    input_suffix: p.suffixText,
    input_extra: p.snippets.map((s) => ({ filename: s.path, text: s.text })),
    prompt: '',
    ...(opts.cachePrompt !== undefined ? { cache_prompt: opts.cachePrompt } : {}),
    ...(opts.nPredict !== undefined ? { n_predict: opts.nPredict } : {}),
  };
}
