/**
 * The emulators' own model catalogue, written from model cards, tokenizer configs and Ollama
 * templates (never from the product's code): per family the FIM sentinels and their order, the
 * control tokens, the chat format; per served model name whether it is base or instruct, an
 * embedding model, a thinking model, and for Ollama its template and capabilities.
 */

export type FamilyId = 'qwen2.5-coder' | 'qwen3' | 'qwen3-coder' | 'starcoder2' | 'deepseek-coder' | 'codellama' | 'codestral' | 'deepseek-v3' | 'nomic-bert' | 'llama3';

/** FIM sentinel strings as they appear in text, and the order the model was trained on. */
export interface FimSentinels {
  readonly prefix: string;
  readonly suffix: string;
  /** Codestral has no middle sentinel: the middle starts right after the prefix (SPM). */
  readonly middle?: string;
  /** PSM: prefix, suffix, middle. SPM: suffix first, then prefix. */
  readonly order: 'PSM' | 'SPM';
  readonly repoName?: string;
  readonly fileSep?: string;
  /**
   * SentencePiece families (CodeLlama, Codestral) write one space after the prefix sentinel that the
   * tokenizer folds into the first piece; the model does not see it as part of the code.
   */
  readonly spaceAfterPrefix?: boolean;
  /** CodeLlama's later sentinels are the pieces "▁<SUF>"/"▁<MID>": the space written before them belongs to the sentinel. */
  readonly spaceBeforeSentinels?: boolean;
}

export type ChatStyle = 'chatml' | 'mistral-inst' | 'deepseek-v2' | 'llama3';

export interface Family {
  readonly id: FamilyId;
  readonly fim?: FimSentinels;
  /** Trained to fill the middle from the sentinels (Qwen3 has the tokens in its vocabulary but is not). */
  readonly fimTrained: boolean;
  /** Answers a correct FIM string inside a chat user turn with the bare fill (Qwen3-Coder-style). */
  readonly fimInChat: boolean;
  readonly bos?: string;
  /** End-of-text of the base model and of the chat-tuned model. */
  readonly eosBase: string;
  readonly eosInstruct: string;
  /** Strings that are single control tokens in this tokenizer (parsed as such where a server parses specials). */
  readonly specials: readonly string[];
  readonly chat?: ChatStyle;
  readonly thinking?: { readonly open: string; readonly close: string };
  /** Where these facts come from. */
  readonly source: string;
}

const QWEN_FIM: FimSentinels = {
  prefix: '<|fim_prefix|>',
  suffix: '<|fim_suffix|>',
  middle: '<|fim_middle|>',
  order: 'PSM',
  repoName: '<|repo_name|>',
  fileSep: '<|file_sep|>',
};
const QWEN_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>'];

export const FAMILIES: Readonly<Record<FamilyId, Family>> = {
  'qwen2.5-coder': {
    id: 'qwen2.5-coder',
    fim: QWEN_FIM,
    fimTrained: true,
    fimInChat: false,
    eosBase: '<|endoftext|>',
    eosInstruct: '<|im_end|>',
    specials: QWEN_SPECIALS,
    chat: 'chatml',
    source:
      'QwenLM/Qwen2.5-Coder README (file-level FIM, repository-level <|repo_name|>/<|file_sep|> format); Qwen/Qwen2.5-Coder-7B tokenizer_config.json added_tokens 151643-151664',
  },
  qwen3: {
    // Same tokenizer (so the FIM strings are control tokens) but a chat/thinking model not trained for FIM.
    id: 'qwen3',
    fim: QWEN_FIM,
    fimTrained: false,
    fimInChat: false,
    eosBase: '<|endoftext|>',
    eosInstruct: '<|im_end|>',
    specials: [...QWEN_SPECIALS, '<think>', '</think>'],
    chat: 'chatml',
    thinking: { open: '<think>', close: '</think>' },
    source: 'Qwen/Qwen3-8B model card (thinking in <think>…</think>, enable_thinking=False renders an empty think block); ollama/ollama thinking/ InferTags',
  },
  'qwen3-coder': {
    id: 'qwen3-coder',
    fim: QWEN_FIM,
    fimTrained: true,
    fimInChat: true,
    eosBase: '<|endoftext|>',
    eosInstruct: '<|im_end|>',
    specials: QWEN_SPECIALS,
    chat: 'chatml',
    source: 'QwenLM/Qwen3-Coder README FIM example (FIM string sent as the user turn of the chat template) — taken from the brief, not re-read here',
  },
  starcoder2: {
    id: 'starcoder2',
    fim: { prefix: '<fim_prefix>', suffix: '<fim_suffix>', middle: '<fim_middle>', order: 'PSM', repoName: '<repo_name>', fileSep: '<file_sep>' },
    fimTrained: true,
    fimInChat: false,
    eosBase: '<|endoftext|>',
    eosInstruct: '<|endoftext|>',
    specials: ['<|endoftext|>', '<fim_prefix>', '<fim_middle>', '<fim_suffix>', '<fim_pad>', '<repo_name>', '<file_sep>'],
    source: 'bigcode/starcoder2-7b tokenizer special tokens; StarCoder2 paper FIM format <fim_prefix>…<fim_suffix>…<fim_middle>',
  },
  'deepseek-coder': {
    id: 'deepseek-coder',
    fim: { prefix: '<｜fim▁begin｜>', suffix: '<｜fim▁hole｜>', middle: '<｜fim▁end｜>', order: 'PSM' },
    fimTrained: true,
    fimInChat: false,
    bos: '<｜begin▁of▁sentence｜>',
    eosBase: '<｜end▁of▁sentence｜>',
    eosInstruct: '<｜end▁of▁sentence｜>',
    specials: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
    chat: 'deepseek-v2',
    source:
      'deepseek-ai/DeepSeek-Coder README "Code Insertion" (<｜fim▁begin｜>…<｜fim▁hole｜>…<｜fim▁end｜>); ollama/ollama PR #5207 deepseek-coder-v2 template (User:/Assistant: chat)',
  },
  codellama: {
    id: 'codellama',
    fim: { prefix: '<PRE>', suffix: '<SUF>', middle: '<MID>', order: 'PSM', spaceAfterPrefix: true, spaceBeforeSentinels: true },
    fimTrained: true,
    fimInChat: false,
    bos: '<s>',
    eosBase: '<EOT>',
    eosInstruct: '</s>',
    specials: ['<s>', '</s>', '<PRE>', '<SUF>', '<MID>', '<EOT>'],
    source: 'facebookresearch/codellama generation.py infilling prompt "<PRE> {pre} <SUF>{suf} <MID>", <EOT> ends the middle; ollama/ollama docs/template.mdx (CodeLlama FIM)',
  },
  codestral: {
    id: 'codestral',
    fim: { prefix: '[PREFIX]', suffix: '[SUFFIX]', order: 'SPM', spaceAfterPrefix: true },
    fimTrained: true,
    fimInChat: false,
    bos: '<s>',
    eosBase: '</s>',
    eosInstruct: '</s>',
    specials: ['<s>', '</s>', '[INST]', '[/INST]', '[PREFIX]', '[SUFFIX]'],
    chat: 'mistral-inst',
    source: 'ollama/ollama docs/template.mdx Codestral "[SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}"; Mistral FIM docs (server applies the template)',
  },
  'deepseek-v3': {
    // Hosted only: the server builds the FIM prompt, so no sentinel strings are exposed to clients.
    id: 'deepseek-v3',
    fimTrained: true,
    fimInChat: false,
    eosBase: '<｜end▁of▁sentence｜>',
    eosInstruct: '<｜end▁of▁sentence｜>',
    specials: [],
    chat: undefined,
    source: 'DeepSeek API docs "FIM Completion (Beta)" (base_url https://api.deepseek.com/beta, prompt + suffix)',
  },
  'nomic-bert': {
    id: 'nomic-bert',
    fimTrained: false,
    fimInChat: false,
    eosBase: '[SEP]',
    eosInstruct: '[SEP]',
    specials: ['[CLS]', '[SEP]'],
    source: 'ollama.com/library/nomic-embed-text (nomic-bert, embedding only); ollama server/images.go ggufCapabilities (pooling_type ⇒ embedding, no completion)',
  },
  llama3: {
    id: 'llama3',
    fimTrained: false,
    fimInChat: false,
    bos: '<|begin_of_text|>',
    eosBase: '<|end_of_text|>',
    eosInstruct: '<|eot_id|>',
    specials: ['<|begin_of_text|>', '<|end_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'],
    chat: 'llama3',
    source: 'meta-llama/Llama-3.2-1B-Instruct tokenizer_config.json (no FIM tokens)',
  },
};

/** What a served model is, independent of the server that serves it. */
export interface ModelEntry {
  readonly name: string;
  readonly family: FamilyId;
  /** Chat-tuned (instruct) weights rather than base weights. */
  readonly instruct: boolean;
  readonly embedding: boolean;
  readonly thinking: boolean;
}

export type OllamaCapability = 'completion' | 'insert' | 'tools' | 'thinking' | 'embedding' | 'vision';

/** How the emulated Ollama renders this tag's Go template (see ollama.ts renderTemplate). */
export type OllamaRender = 'qwen-coder-instruct' | 'prompt-only' | 'starcoder2' | 'codellama-code' | 'codestral' | 'deepseek-coder-v2' | 'qwen3' | 'qwen3-coder' | 'embedding';

export interface OllamaModel extends ModelEntry {
  readonly render: OllamaRender;
  /** The template text /api/show returns (abbreviated where marked; the branches that matter are verbatim in spirit). */
  readonly template: string;
  readonly capabilities: readonly OllamaCapability[];
  readonly system?: string;
  readonly details: { readonly family: string; readonly parameter_size: string; readonly quantization_level: string };
  readonly contextLength: number;
  readonly size: number;
  readonly source: string;
}

const QWEN_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

/** Ollama library tags. Capabilities follow server/images.go goTemplateCapabilities (Suffix ⇒ insert, Tools ⇒ tools, think tags ⇒ thinking). */
export const OLLAMA_MODELS: readonly OllamaModel[] = [
  {
    name: 'qwen2.5-coder:7b',
    family: 'qwen2.5-coder',
    instruct: true,
    embedding: false,
    thinking: false,
    render: 'qwen-coder-instruct',
    capabilities: ['completion', 'tools', 'insert'],
    system: QWEN_SYSTEM,
    template:
      '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>\n{{- else if .Messages }}\n{{- if or .System .Tools }}<|im_start|>system\n{{ .System }}{{ if .Tools }} …tools… {{ end }}<|im_end|>\n{{ end }}\n{{- range $i, $_ := .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n{{- else }}…{{ end }}',
    details: { family: 'qwen2', parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
    contextLength: 32768,
    size: 4683087332,
    source: 'twinnydotdev/twinny#317 (`ollama show --template qwen2.5-coder:1.5b` starts with the Suffix branch); the template text as quoted by public clients',
  },
  {
    name: 'qwen2.5-coder:1.5b-base',
    family: 'qwen2.5-coder',
    instruct: false,
    embedding: false,
    thinking: false,
    render: 'prompt-only',
    capabilities: ['completion'],
    template: '{{ .Prompt }}',
    details: { family: 'qwen2', parameter_size: '1.5B', quantization_level: 'Q4_K_M' },
    contextLength: 32768,
    size: 986060385,
    source:
      'twinnydotdev/twinny#317 ("the base models doesn\'t have much of a template"); unconfirmed whether a Suffix branch was added since — the stricter reading (no insert) is used',
  },
  {
    name: 'codestral:22b',
    family: 'codestral',
    instruct: true,
    embedding: false,
    thinking: false,
    render: 'codestral',
    capabilities: ['completion', 'insert'],
    template:
      '{{- if .Suffix }}[SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}\n{{- else if .Messages }}{{- range .Messages }}{{ if eq .Role "user" }}[INST] {{ .Content }}[/INST]{{ else }} {{ .Content }}</s>{{ end }}{{ end }}\n{{- else }}[INST] {{ .Prompt }}[/INST]\n{{- end }}',
    details: { family: 'llama', parameter_size: '22.2B', quantization_level: 'Q4_0' },
    contextLength: 32768,
    size: 12569170041,
    source: 'ollama/ollama docs/template.mdx "Codestral 22B supports fill-in-middle: [SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}"',
  },
  {
    name: 'deepseek-coder-v2:latest',
    family: 'deepseek-coder',
    instruct: true,
    embedding: false,
    thinking: false,
    render: 'deepseek-coder-v2',
    capabilities: ['completion', 'insert'],
    template:
      '{{- if .Suffix }}<｜fim▁begin｜>{{ .Prompt }}<｜fim▁hole｜>{{ .Suffix }}<｜fim▁end｜>\n{{- else }}{{- range .Messages }}{{- if eq .Role "user" }}User: {{ .Content }}\n\n{{- else if eq .Role "assistant" }}Assistant: {{ .Content }}<｜end▁of▁sentence｜>{{- end }}{{- end }}Assistant:\n{{- end }}',
    details: { family: 'deepseek2', parameter_size: '15.7B', quantization_level: 'Q4_0' },
    contextLength: 163840,
    size: 8905126121,
    source: 'ollama/ollama PR #5207 (deepseek-coder-v2 merged messages + FIM template); milanglacier/minuet-ai.el#14 (Ollama has FIM for deepseek-coder-v2, not v1)',
  },
  {
    name: 'starcoder2:3b',
    family: 'starcoder2',
    instruct: false,
    embedding: false,
    thinking: false,
    render: 'starcoder2',
    capabilities: ['completion', 'insert'],
    template: '<file_sep>\n{{- if .Suffix }}<fim_prefix>\n{{ .Prompt }}<fim_suffix>{{ .Suffix }}<fim_middle>\n{{- else }}{{ .Prompt }}\n{{- end }}<|end_of_text|>',
    details: { family: 'starcoder2', parameter_size: '3B', quantization_level: 'Q4_0' },
    contextLength: 16384,
    size: 1708583319,
    source: 'ollama.com/library/starcoder2 template as returned by /api/show, quoted by two public clients (not in ollama/ollama itself)',
  },
  {
    name: 'codellama:7b-code',
    family: 'codellama',
    instruct: false,
    embedding: false,
    thinking: false,
    render: 'codellama-code',
    capabilities: ['completion', 'insert'],
    template: '{{- if .Suffix }}<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>\n{{- else }}{{ .Prompt }}\n{{- end }}',
    details: { family: 'llama', parameter_size: '7B', quantization_level: 'Q4_0' },
    contextLength: 16384,
    size: 3825910662,
    source: 'ollama/ollama docs/template.mdx (CodeLlama 7B code supports FIM) and PR #5207 merged codellama template',
  },
  {
    name: 'nomic-embed-text:latest',
    family: 'nomic-bert',
    instruct: false,
    embedding: true,
    thinking: false,
    render: 'embedding',
    capabilities: ['embedding'],
    template: '',
    details: { family: 'nomic-bert', parameter_size: '137M', quantization_level: 'F16' },
    contextLength: 2048,
    size: 274302450,
    source: 'ollama server/images.go ggufCapabilities: pooling_type present ⇒ embedding and no completion',
  },
  {
    name: 'qwen3:8b',
    family: 'qwen3',
    instruct: true,
    embedding: false,
    thinking: true,
    render: 'qwen3',
    capabilities: ['completion', 'tools', 'thinking'],
    template:
      '{{- range $i, $_ := .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n{{ if and $.IsThinkSet (not $.Think) }}<think>\n\n</think>\n\n{{ end }}',
    details: { family: 'qwen3', parameter_size: '8.2B', quantization_level: 'Q4_K_M' },
    contextLength: 40960,
    size: 5225388164,
    source: 'ollama/ollama server/routes.go GenerateHandler (thinking models think unless think=false); Qwen3 card (empty think block disables thinking)',
  },
  {
    name: 'qwen3-coder:30b',
    family: 'qwen3-coder',
    instruct: true,
    embedding: false,
    thinking: false,
    render: 'qwen3-coder',
    capabilities: ['completion', 'tools'],
    template: '{{- range $i, $_ := .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n',
    details: { family: 'qwen3moe', parameter_size: '30.5B', quantization_level: 'Q4_K_M' },
    contextLength: 262144,
    size: 18556701140,
    source: 'ollama/ollama#11621 "Qwen3-Coder missing Tools and FIM support in template" (no Suffix branch)',
  },
];

/** Aliases Ollama resolves to the same manifest (":latest" is implied when no tag is given). */
export const OLLAMA_ALIASES: Readonly<Record<string, string>> = {
  codestral: 'codestral:22b',
  'codestral:latest': 'codestral:22b',
  'deepseek-coder-v2': 'deepseek-coder-v2:latest',
  'nomic-embed-text': 'nomic-embed-text:latest',
};

/** Hugging Face repos served by vLLM (or SGLang): whether the tokenizer ships a chat template. */
export interface HfModel extends ModelEntry {
  readonly chatTemplate: boolean;
  readonly maxModelLen: number;
  readonly source: string;
}

export const HF_MODELS: readonly HfModel[] = [
  {
    name: 'Qwen/Qwen2.5-Coder-7B',
    family: 'qwen2.5-coder',
    instruct: false,
    embedding: false,
    thinking: false,
    chatTemplate: true,
    maxModelLen: 32768,
    source: 'Qwen/Qwen2.5-Coder-7B tokenizer_config.json (base weights, ChatML template still shipped)',
  },
  {
    name: 'Qwen/Qwen2.5-Coder-7B-Instruct',
    family: 'qwen2.5-coder',
    instruct: true,
    embedding: false,
    thinking: false,
    chatTemplate: true,
    maxModelLen: 32768,
    source: 'Qwen/Qwen2.5-Coder-7B-Instruct tokenizer_config.json (ChatML, default Qwen system prompt)',
  },
  {
    name: 'bigcode/starcoder2-7b',
    family: 'starcoder2',
    instruct: false,
    embedding: false,
    thinking: false,
    chatTemplate: false,
    maxModelLen: 16384,
    source: 'bigcode/starcoder2-7b tokenizer_config.json has no chat_template',
  },
  {
    name: 'deepseek-ai/deepseek-coder-6.7b-base',
    family: 'deepseek-coder',
    instruct: false,
    embedding: false,
    thinking: false,
    chatTemplate: true,
    maxModelLen: 16384,
    source: 'deepseek-ai/deepseek-coder-6.7b-base (FIM per DeepSeek-Coder README; chat_template presence not re-checked — assumed shipped)',
  },
  {
    name: 'Qwen/Qwen3-Coder-30B-A3B-Instruct',
    family: 'qwen3-coder',
    instruct: true,
    embedding: false,
    thinking: false,
    chatTemplate: true,
    maxModelLen: 262144,
    source: 'QwenLM/Qwen3-Coder README (FIM through the chat template)',
  },
];

/** GGUF files for the llama.cpp server. `fim` false means the vocab lacks FIM_PRE/SUF/MID. */
export interface GgufModel extends ModelEntry {
  readonly path: string;
  readonly nCtxTrain: number;
  readonly chatTemplate: string;
}

export const GGUF_MODELS: readonly GgufModel[] = [
  {
    name: 'qwen2.5-coder-1.5b-base',
    path: '/models/qwen2.5-coder-1.5b-base-q8_0.gguf',
    family: 'qwen2.5-coder',
    instruct: false,
    embedding: false,
    thinking: false,
    nCtxTrain: 32768,
    chatTemplate:
      "{%- for message in messages %}{{ '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}",
  },
  {
    name: 'codellama-7b-code',
    path: '/models/codellama-7b.Q4_K_M.gguf',
    family: 'codellama',
    instruct: false,
    embedding: false,
    thinking: false,
    nCtxTrain: 16384,
    chatTemplate: '',
  },
  {
    name: 'llama-3.2-1b-instruct',
    path: '/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    family: 'llama3',
    instruct: true,
    embedding: false,
    thinking: false,
    nCtxTrain: 131072,
    chatTemplate: '{{- bos_token }}…llama3…',
  },
];

/** Hosted models (Mistral La Plateforme, DeepSeek). */
export interface HostedModel extends ModelEntry {
  readonly fimApi: boolean;
  readonly chatApi: boolean;
  readonly maxContext: number;
}

export const MISTRAL_MODELS: readonly HostedModel[] = [
  { name: 'codestral-2501', family: 'codestral', instruct: true, embedding: false, thinking: false, fimApi: true, chatApi: true, maxContext: 262144 },
  { name: 'codestral-latest', family: 'codestral', instruct: true, embedding: false, thinking: false, fimApi: true, chatApi: true, maxContext: 262144 },
  { name: 'mistral-small-latest', family: 'codestral', instruct: true, embedding: false, thinking: false, fimApi: false, chatApi: true, maxContext: 131072 },
];

export const DEEPSEEK_MODELS: readonly HostedModel[] = [
  { name: 'deepseek-chat', family: 'deepseek-v3', instruct: true, embedding: false, thinking: false, fimApi: true, chatApi: true, maxContext: 65536 },
  { name: 'deepseek-reasoner', family: 'deepseek-v3', instruct: true, embedding: false, thinking: true, fimApi: false, chatApi: true, maxContext: 65536 },
];

export function familyOf(model: ModelEntry): Family {
  return FAMILIES[model.family];
}

/** The end-of-text token this model's weights emit (base vs chat-tuned). */
export function eosOf(model: ModelEntry): string {
  const f = familyOf(model);
  return model.instruct ? f.eosInstruct : f.eosBase;
}
