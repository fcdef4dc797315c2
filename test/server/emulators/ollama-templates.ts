/**
 * What the emulated Ollama does with a tag's Go template (ollama/ollama template/template.go
 * Template.Execute) and what /api/show and /api/tags report about a tag. Templates are not
 * interpreted; each tag's rendering is written out from its template text in catalogue.ts.
 */
import { FAMILIES, OLLAMA_ALIASES, OLLAMA_MODELS, type OllamaModel } from './catalogue';
import { renderChat, type ChatMessage } from './chat';

/** The values template.Execute receives (template/template.go Values). */
export interface TemplateValues {
  readonly prompt?: string;
  readonly suffix?: string;
  readonly messages?: readonly ChatMessage[];
  /** Think enabled, and whether the request set `think` at all (Values.Think / Values.IsThinkSet). */
  readonly think: boolean;
  readonly isThinkSet: boolean;
}

/** The full name Ollama prints in capability errors (model.ParseName(...).String()). */
export function fullName(m: OllamaModel): string {
  return `registry.ollama.ai/library/${m.name}`;
}

/** Resolves a requested name the way Ollama does: a missing tag means ":latest"; known aliases share a manifest. */
export function findOllamaModel(name: string, pulled: readonly OllamaModel[]): OllamaModel | undefined {
  const withTag = name.includes(':') ? name : `${name}:latest`;
  const canonical = OLLAMA_ALIASES[name] ?? OLLAMA_ALIASES[withTag] ?? withTag;
  return pulled.find((m) => m.name === canonical || m.name === name);
}

/**
 * Renders the prompt. template.go Execute: Prompt and Suffix both set ⇒ the template runs with
 * them (the Suffix branch); otherwise a template using .Messages gets the messages, and an older
 * {{ .Prompt }}-only template gets the last user message as Prompt (system dropped if unused).
 */
export function renderTemplate(m: OllamaModel, v: TemplateValues): string {
  const messages = v.messages ?? [{ role: 'user', content: v.prompt ?? '' }];
  const lastUser = [...messages].reverse().find((x) => x.role === 'user')?.content ?? '';
  const fim = v.prompt !== undefined && v.prompt !== '' && v.suffix !== undefined && v.suffix !== '';
  switch (m.render) {
    case 'qwen-coder-instruct':
      if (fim) return `<|fim_prefix|>${v.prompt}<|fim_suffix|>${v.suffix}<|fim_middle|>`;
      return renderChat('chatml', messages);
    case 'prompt-only':
      return lastUser;
    case 'starcoder2':
      // "<file_sep>\n{{- if .Suffix }}<fim_prefix>\n{{ .Prompt }}<fim_suffix>{{ .Suffix }}<fim_middle>\n{{- else }}{{ .Prompt }}\n{{- end }}<|end_of_text|>"
      // ({{- trims the newline before it; <|end_of_text|> is not a StarCoder2 token, so it stays text).
      if (fim) return `<file_sep><fim_prefix>\n${v.prompt}<fim_suffix>${v.suffix}<fim_middle><|end_of_text|>`;
      return `<file_sep>${lastUser}<|end_of_text|>`;
    case 'codellama-code':
      if (fim) return `<PRE> ${v.prompt} <SUF>${v.suffix} <MID>`;
      return lastUser;
    case 'codestral':
      if (fim) return `[SUFFIX]${v.suffix}[PREFIX] ${v.prompt}`;
      return renderChat('mistral-inst', messages);
    case 'deepseek-coder-v2':
      if (fim) return `<｜fim▁begin｜>${v.prompt}<｜fim▁hole｜>${v.suffix}<｜fim▁end｜>`;
      return renderChat('deepseek-v2', messages);
    case 'qwen3':
      return renderChat('chatml', messages, { thinkDisabled: v.isThinkSet && !v.think });
    case 'qwen3-coder':
      return renderChat('chatml', messages);
    case 'embedding':
      return lastUser;
  }
}

/** True when the tag's template carries think tags (thinking.InferTags), so Ollama splits thinking out. */
export function templateThinks(m: OllamaModel): boolean {
  return m.capabilities.includes('thinking') && FAMILIES[m.family].thinking !== undefined;
}

const MODIFIED_AT = '2025-06-01T10:00:00.000000000Z';

function digestOf(name: string): string {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}

/** api/types.go ModelDetails. */
export function detailsOf(m: OllamaModel): Record<string, unknown> {
  return {
    parent_model: '',
    format: 'gguf',
    family: m.details.family,
    families: [m.details.family],
    parameter_size: m.details.parameter_size,
    quantization_level: m.details.quantization_level,
  };
}

/** api/types.go ListModelResponse, as /api/tags lists it. */
export function tagEntry(m: OllamaModel): Record<string, unknown> {
  return { name: m.name, model: m.name, modified_at: MODIFIED_AT, size: m.size, digest: digestOf(m.name), details: detailsOf(m) };
}

/** openai/openai.go ToListCompletion: id = model, owned_by = the name's namespace ("library"). */
export function openAiModelEntry(m: OllamaModel): Record<string, unknown> {
  return { id: m.name, object: 'model', created: Math.floor(Date.parse(MODIFIED_AT) / 1000), owned_by: 'library' };
}

/** api/types.go ShowResponse for /api/show (server/routes.go ShowHandler / GetModelInfo). */
export function showResponse(m: OllamaModel): Record<string, unknown> {
  const arch = m.details.family;
  const stops = FAMILIES[m.family].chat === 'chatml' ? ['<|im_start|>', '<|im_end|>'] : m.family === 'codellama' ? ['<EOT>'] : [];
  const parameters = stops.map((s) => `stop                           "${s}"`).join('\n');
  const modelfile = `# Modelfile generated by "ollama show"\n# To build a new Modelfile based on this, replace FROM with:\n# FROM ${m.name}\n\nFROM /usr/share/ollama/.ollama/models/blobs/sha256-${digestOf(m.name)}\nTEMPLATE """${m.template}"""\n${m.system ? `SYSTEM ${m.system}\n` : ''}${stops.map((s) => `PARAMETER stop ${s}\n`).join('')}`;
  return {
    modelfile,
    parameters,
    template: m.template,
    ...(m.system ? { system: m.system } : {}),
    details: detailsOf(m),
    model_info: {
      'general.architecture': arch,
      'general.parameter_count': Math.round(parseFloat(m.details.parameter_size) * (m.details.parameter_size.endsWith('M') ? 1e6 : 1e9)),
      [`${arch}.context_length`]: m.contextLength,
      ...(m.embedding ? { [`${arch}.pooling_type`]: 1 } : {}),
    },
    capabilities: m.capabilities,
    modified_at: MODIFIED_AT,
  };
}

/** All catalogue tags (the default "pulled" set). */
export const ALL_OLLAMA_MODELS: readonly OllamaModel[] = OLLAMA_MODELS;
