/**
 * Chat templates as the real servers apply them (Ollama's Go templates, the HF Jinja templates
 * vLLM and llama.cpp run), rendered to the final text the model sees. Only the shapes that decide
 * what the model does are reproduced: the turn markers, the default system prompt, the assistant
 * header a chat model answers after, and Qwen3's empty think block.
 */
import type { ChatStyle } from './catalogue';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRenderOptions {
  /** A system prompt the template adds when the request has none (Qwen's default, an Ollama Modelfile SYSTEM). */
  readonly defaultSystem?: string;
  /** Qwen3: think explicitly disabled ⇒ the template writes an empty think block after the assistant header. */
  readonly thinkDisabled?: boolean;
  readonly bos?: string;
}

/** Renders `messages` with the family's chat template and the generation prompt (assistant header) last. */
export function renderChat(style: ChatStyle, messages: readonly ChatMessage[], opts: ChatRenderOptions = {}): string {
  const hasSystem = messages.some((m) => m.role === 'system');
  const all: ChatMessage[] = !hasSystem && opts.defaultSystem ? [{ role: 'system', content: opts.defaultSystem }, ...messages] : [...messages];
  switch (style) {
    case 'chatml': {
      // ChatML as in Qwen's tokenizer_config.json chat_template and Ollama's qwen templates.
      let out = all.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('');
      out += '<|im_start|>assistant\n';
      if (opts.thinkDisabled) out += '<think>\n\n</think>\n\n';
      return out;
    }
    case 'mistral-inst': {
      // Mistral v3 tokenizer layout: system text is folded into the last user turn.
      const system = all
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n\n');
      const turns = all.filter((m) => m.role !== 'system');
      let out = opts.bos ?? '';
      turns.forEach((m, i) => {
        const last = i === turns.length - 1;
        if (m.role === 'user') out += `[INST] ${last && system ? `${system}\n\n` : ''}${m.content}[/INST]`;
        else out += ` ${m.content}</s>`;
      });
      return out;
    }
    case 'deepseek-v2': {
      // ollama/ollama PR #5207 deepseek-coder-v2 template: "User: …\n\nAssistant:" in plain text.
      let out = opts.bos ?? '';
      const system = all
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n\n');
      if (system) out += `${system}\n\n`;
      for (const m of all) {
        if (m.role === 'user') out += `User: ${m.content}\n\n`;
        else if (m.role === 'assistant') out += `Assistant: ${m.content}<｜end▁of▁sentence｜>`;
      }
      return `${out}Assistant:`;
    }
    case 'llama3': {
      let out = opts.bos ?? '';
      for (const m of all) out += `<|start_header_id|>${m.role}<|end_header_id|>\n\n${m.content}<|eot_id|>`;
      return `${out}<|start_header_id|>assistant<|end_header_id|>\n\n`;
    }
  }
}

/** Where the last user turn sits in a rendered chat, if the text ends with the assistant header. */
export interface ChatShape {
  readonly userFrom: number;
  readonly userTo: number;
  /** Offsets of the markers that must be control tokens for the text to be a chat to the model. */
  readonly markers: readonly { readonly at: number; readonly token: string }[];
}

/** Recognises a rendered chat prompt of `style` awaiting an assistant answer (string offsets). */
export function chatShape(style: ChatStyle, text: string): ChatShape | undefined {
  switch (style) {
    case 'chatml': {
      const header = text.lastIndexOf('<|im_start|>assistant\n');
      if (header < 0) return undefined;
      const rest = text.slice(header + '<|im_start|>assistant\n'.length);
      if (rest !== '' && rest !== '<think>\n\n</think>\n\n') return undefined;
      const user = text.lastIndexOf('<|im_start|>user\n', header);
      if (user < 0) return undefined;
      const from = user + '<|im_start|>user\n'.length;
      const end = text.indexOf('<|im_end|>', from);
      if (end < 0 || end > header) return undefined;
      return {
        userFrom: from,
        userTo: end,
        markers: [
          { at: user, token: '<|im_start|>' },
          { at: end, token: '<|im_end|>' },
          { at: header, token: '<|im_start|>' },
        ],
      };
    }
    case 'mistral-inst': {
      const trimmed = text.trimEnd();
      if (!trimmed.endsWith('[/INST]')) return undefined;
      const close = trimmed.length - '[/INST]'.length;
      const open = text.lastIndexOf('[INST]', close);
      if (open < 0) return undefined;
      const from = open + '[INST]'.length + (text[open + '[INST]'.length] === ' ' ? 1 : 0);
      return {
        userFrom: from,
        userTo: close,
        markers: [
          { at: open, token: '[INST]' },
          { at: close, token: '[/INST]' },
        ],
      };
    }
    case 'deepseek-v2': {
      if (!text.trimEnd().endsWith('Assistant:')) return undefined;
      const end = text.lastIndexOf('\n\nAssistant:');
      const user = text.lastIndexOf('User: ', end);
      if (end < 0 || user < 0) return undefined;
      return { userFrom: user + 'User: '.length, userTo: end, markers: [] };
    }
    case 'llama3': {
      const header = '<|start_header_id|>assistant<|end_header_id|>\n\n';
      if (!text.endsWith(header)) return undefined;
      const u = '<|start_header_id|>user<|end_header_id|>\n\n';
      const user = text.lastIndexOf(u);
      const end = text.indexOf('<|eot_id|>', user);
      if (user < 0 || end < 0) return undefined;
      return {
        userFrom: user + u.length,
        userTo: end,
        markers: [
          { at: user, token: '<|start_header_id|>' },
          { at: end, token: '<|eot_id|>' },
        ],
      };
    }
  }
}

/** A language tag for a code fence, guessed the way a chat model would from the code itself. */
function fenceLanguage(code: string): string {
  if (/^\s*(def |import |from \S+ import )/m.test(code)) return 'python';
  if (/\b(const|let|function|interface|=>)\b/.test(code)) return 'typescript';
  if (/\bfn\s+\w+\(/.test(code)) return 'rust';
  return '';
}

/**
 * What a chat-tuned model writes when handed code in a user turn: an explanation wrapped around a
 * fenced copy of the line it completed — never the bare fill a completion client wants.
 */
export function chatProse(prefix: string, fill: string): string {
  const lastLine = prefix.slice(prefix.lastIndexOf('\n') + 1);
  if (fill.length === 0) {
    return "I'm not sure what should go at the cursor. Could you share more of the surrounding code and describe what you want it to do?";
  }
  const lang = fenceLanguage(prefix);
  return `Here is the completed code:\n\`\`\`${lang}\n${lastLine}${fill}\n\`\`\`\nThis fills in the rest of the line so the code is complete.`;
}
