/**
 * Model families as data: how each family of code models wants a fill-in-the-middle prompt (its
 * sentinel tokens, their order, its repository-level form), the words that end its answer, and the
 * special tokens its tokenizer would read out of plain text. A model name is matched to a family by
 * the patterns below (first match wins); a name no family claims gets the safest path the server
 * supports (model/route.ts). Sources: each family's model card and tokenizer configuration, and
 * the FIM token table of llama.cpp (src/llama-vocab.cpp).
 */

export type FamilyId = 'qwen' | 'qwen3' | 'codeqwen' | 'starcoder' | 'granite' | 'deepseek' | 'codellama' | 'codestral' | 'codegemma' | 'mellum' | 'seedcoder';

export interface FimFamily {
  id: FamilyId;
  /** What the log and the status bar call it. */
  label: string;
  /** Model names of this family (lower-cased name, tag included). */
  match: RegExp;
  prefix: string;
  suffix: string;
  middle: string;
  /** PSM: prefix, suffix, middle. SPM: suffix first, then prefix, then middle. */
  order: 'psm' | 'spm';
  /** Glue after the prefix sentinel and before the suffix/middle sentinels (CodeLlama's spaces). */
  glue?: { afterPrefix?: string; beforeSuffix?: string; beforeMiddle?: string };
  /**
   * Repository-level form: related files each under a file separator with its path, the current
   * file last (Qwen2.5-Coder, StarCoder2, CodeQwen1.5, Mellum). Without it, related files go in as
   * comments in the prefix.
   */
  repo?: { repoName?: string; fileSep: string; /** Newline after the repository name. */ repoNameNewline?: boolean };
  /** End-of-answer tokens besides the sentinels. */
  ends: string[];
  /** Other special tokens of the tokenizer that plain text must never spell (chat markers…). */
  specials: string[];
  /**
   * The family's FIM string goes inside a chat message (Qwen3-Coder: its card shows FIM through the
   * chat template with this system message).
   */
  chatSystem?: string;
}

const QWEN_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>'];
const STARCODER_SPECIALS = [
  '<|endoftext|>',
  '<fim_pad>',
  '<filename>',
  '<gh_stars>',
  '<issue_start>',
  '<issue_comment>',
  '<issue_closed>',
  '<jupyter_start>',
  '<jupyter_text>',
  '<jupyter_code>',
  '<jupyter_output>',
  '<empty_output>',
  '<commit_before>',
  '<commit_msg>',
  '<commit_after>',
  '<reponame>',
  '<repo_name>',
  '<file_sep>',
];

/** Qwen2.5-Coder's and Qwen3-Coder's tokens and repository-level form (one tokenizer). */
const QWEN_FIM = {
  prefix: '<|fim_prefix|>',
  suffix: '<|fim_suffix|>',
  middle: '<|fim_middle|>',
  order: 'psm',
  repo: { repoName: '<|repo_name|>', fileSep: '<|file_sep|>', repoNameNewline: true },
  ends: ['<|endoftext|>', '<|im_end|>'],
  specials: QWEN_SPECIALS,
} as const satisfies Partial<FimFamily>;

/** Known families, most specific patterns first. */
export const FAMILIES: readonly FimFamily[] = [
  {
    ...QWEN_FIM,
    id: 'qwen3',
    label: 'Qwen3-Coder',
    match: /qwen3[-._ ]?coder/,
    chatSystem: 'You are a code completion assistant.',
  },
  {
    id: 'codeqwen',
    label: 'CodeQwen1.5',
    match: /codeqwen/,
    prefix: '<fim_prefix>',
    suffix: '<fim_suffix>',
    middle: '<fim_middle>',
    order: 'psm',
    repo: { repoName: '<reponame>', fileSep: '<file_sep>', repoNameNewline: true },
    ends: ['<|endoftext|>', '<|im_end|>'],
    specials: [...STARCODER_SPECIALS, '<|im_start|>', '<|im_end|>'],
  },
  {
    ...QWEN_FIM,
    id: 'qwen',
    label: 'Qwen2.5-Coder',
    match: /qwen2(\.5)?[-._ ]?coder|qwen-?2\.5-?coder/,
  },
  {
    id: 'granite',
    label: 'Granite Code',
    match: /granite[-._ ]?(\d+(\.\d+)?b[-._ ])?code|granite-\d+b-code/,
    prefix: '<fim_prefix>',
    suffix: '<fim_suffix>',
    middle: '<fim_middle>',
    order: 'psm',
    ends: ['<|endoftext|>'],
    specials: STARCODER_SPECIALS,
  },
  {
    id: 'mellum',
    label: 'Mellum',
    match: /mellum/,
    prefix: '<fim_prefix>',
    suffix: '<fim_suffix>',
    middle: '<fim_middle>',
    order: 'spm',
    repo: { fileSep: '<filename>' },
    ends: ['<|endoftext|>'],
    specials: STARCODER_SPECIALS,
  },
  {
    id: 'starcoder',
    label: 'StarCoder',
    match: /starcoder|santacoder|stable[-_ ]?code|refact/,
    prefix: '<fim_prefix>',
    suffix: '<fim_suffix>',
    middle: '<fim_middle>',
    order: 'psm',
    repo: { repoName: '<repo_name>', fileSep: '<file_sep>' },
    ends: ['<|endoftext|>'],
    specials: STARCODER_SPECIALS,
  },
  {
    id: 'deepseek',
    label: 'DeepSeek-Coder',
    match: /deepseek[-_ ]?coder/,
    prefix: '<｜fim▁begin｜>',
    suffix: '<｜fim▁hole｜>',
    middle: '<｜fim▁end｜>',
    order: 'psm',
    ends: ['<｜end▁of▁sentence｜>', '<|EOT|>'],
    specials: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<|EOT|>'],
  },
  {
    id: 'codellama',
    label: 'CodeLlama',
    match: /code[-_ ]?llama/,
    prefix: '<PRE>',
    suffix: '<SUF>',
    middle: '<MID>',
    order: 'psm',
    glue: { afterPrefix: ' ', beforeSuffix: ' ', beforeMiddle: ' ' },
    ends: ['<EOT>', '</s>'],
    specials: ['<s>', '</s>', '<EOT>'],
  },
  {
    id: 'codestral',
    label: 'Codestral',
    match: /codestral/,
    prefix: '[PREFIX]',
    suffix: '[SUFFIX]',
    // The middle follows the prefix with no sentinel of its own (Mistral's FIM encoding); the
    // prefix starts after a space, as SentencePiece encodes it (Ollama's codestral template too).
    middle: '',
    order: 'spm',
    glue: { afterPrefix: ' ' },
    ends: ['</s>'],
    specials: ['<s>', '</s>', '[INST]', '[/INST]', '[MIDDLE]'],
  },
  {
    id: 'codegemma',
    label: 'CodeGemma',
    match: /codegemma/,
    prefix: '<|fim_prefix|>',
    suffix: '<|fim_suffix|>',
    middle: '<|fim_middle|>',
    order: 'psm',
    ends: ['<|file_separator|>', '<end_of_turn>', '<eos>'],
    specials: ['<|file_separator|>', '<start_of_turn>', '<end_of_turn>', '<bos>', '<eos>'],
  },
  {
    id: 'seedcoder',
    label: 'Seed-Coder',
    match: /seed[-_ ]?coder/,
    prefix: '<[fim-prefix]>',
    suffix: '<[fim-suffix]>',
    middle: '<[fim-middle]>',
    order: 'spm',
    ends: ['<[end▁of▁sentence]>'],
    specials: ['<[begin▁of▁sentence]>', '<[end▁of▁sentence]>'],
  },
];

/** The family a model name belongs to, or undefined. */
export function familyFor(model: string): FimFamily | undefined {
  const m = model.toLowerCase();
  return FAMILIES.find((f) => f.match.test(m));
}

export function familyById(id: FamilyId): FimFamily {
  const f = FAMILIES.find((x) => x.id === id);
  if (!f) throw new Error(`no FIM family ${id}`);
  return f;
}

const tokensOf = new WeakMap<FimFamily, readonly string[]>();

/** Every sentinel and special token of a family: what plain text must not spell (one array per family). */
export function controlTokens(f: FimFamily): readonly string[] {
  let t = tokensOf.get(f);
  if (!t) tokensOf.set(f, (t = unique([f.prefix, f.suffix, f.middle, f.repo?.repoName, f.repo?.fileSep, ...f.ends, ...f.specials])));
  return t;
}

/** Words that end the family's answer: its sentinels and end tokens. */
export function stopWords(f: FimFamily): string[] {
  return unique([...f.ends, f.prefix, f.suffix, f.middle, f.repo?.fileSep, f.repo?.repoName]);
}

/**
 * Control tokens of the common families together, for text going to a model whose family is not
 * known (or through a server's own template): the chat markers and FIM sentinels a tokenizer with
 * special-token parsing would read. `<s>` and `</s>` are left out: they are ordinary HTML.
 */
export const COMMON_CONTROL_TOKENS: readonly string[] = unique([
  ...FAMILIES.flatMap(controlTokens),
  '<|im_start|>',
  '<|im_end|>',
  '<|eot_id|>',
  '<|start_header_id|>',
  '<|end_header_id|>',
  '<|begin_of_text|>',
  '<|end_of_text|>',
  '<|user|>',
  '<|assistant|>',
  '<|system|>',
  '<|code_prefix|>',
  '<|code_suffix|>',
  '<|code_middle|>',
]).filter((t) => t !== '<s>' && t !== '</s>');

/** Models that make embeddings, not text: never offered for completion. */
export function isEmbeddingModel(model: string): boolean {
  return /embed|(^|[/_-])(bge|e5|gte)[-_]|minilm|mxbai|arctic-embed|rerank/i.test(model);
}

/**
 * A tag or name that says the model was tuned for chat: HF "-Instruct"/"-Chat"/"-it", Ollama's
 * "instruct"/"chat" tags. Ollama's bare tags of code models (`qwen2.5-coder:7b`) are instruct
 * models too, which is why `raw` matters there (model/route.ts).
 */
export function looksInstruct(model: string): boolean {
  return /instruct|chat|[-_]it\b|:latest$/i.test(model) || /:\d+(\.\d+)?b$/i.test(model);
}

/** A tag or name that says base (pretrained) weights: what fills in the middle best. */
export function looksBase(model: string): boolean {
  return /base|[-_:]code\b|-code$/i.test(model);
}

/** Every control token we ever break, for putting them back together in a model's answer. */
const ALL_CONTROL_TOKENS: readonly string[] = unique([...FAMILIES.flatMap(controlTokens), ...COMMON_CONTROL_TOKENS]);
let brokenTokens: RegExp | undefined;

/**
 * A model's answer with every control token we broke (neutralize) whole again: a model that copies
 * file text spelling `<|im_end|>` copies it broken, and the person's file must get it back as it was.
 */
export function restoreControlTokens(text: string): string {
  if (!text.includes(BREAK)) return text;
  brokenTokens ??= new RegExp(
    [...ALL_CONTROL_TOKENS]
      .sort((a, b) => b.length - a.length)
      .map((t) => escapeRegExp(t[0] + BREAK + t.slice(1)))
      .join('|'),
    'g',
  );
  return text.replace(brokenTokens, (t) => t[0] + t.slice(2));
}

/** What is put inside a control token's text so a tokenizer reads it as plain characters. */
export const BREAK = '\u200b';

const patterns = new Map<readonly string[], RegExp>();

/**
 * File text with every spelling of these control tokens broken by a zero-width space after its
 * first character, so a server that parses special tokens in prompt text (llama.cpp, Ollama, HF
 * tokenizers) reads it as text: a file about FIM templates cannot add sentinels to the prompt.
 */
export function neutralize(text: string, tokens: readonly string[]): string {
  if (tokens.length === 0 || !mayHoldToken(text)) return text;
  let re = patterns.get(tokens);
  if (!re) {
    re = new RegExp(
      [...tokens]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    patterns.set(tokens, re);
  }
  return text.replace(re, (t) => t[0] + BREAK + t.slice(1));
}

/** Every control token starts with '<' or '['; text without either needs no scan. */
function mayHoldToken(text: string): boolean {
  return text.includes('<') || text.includes('[');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unique(xs: readonly (string | undefined)[]): string[] {
  return [...new Set(xs.filter((x): x is string => typeof x === 'string' && x.length > 0))];
}
