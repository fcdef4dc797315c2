/**
 * One edit request: the chat endpoint, streamed, with the edit's own deadline and cancellation;
 * the answer cut down to the code that replaces the region. Errors come back as values with one
 * message a person can act on.
 */
import type { GenerateOptions, GenerateResult } from '../model/client';
import type { BuiltPrompt, ModelErrorInfo } from '../types';
import { extractProposal } from './extract';

/** The part of ModelClient an edit uses. */
export interface EditModel {
  generate(prompt: BuiltPrompt, opts: GenerateOptions): Promise<GenerateResult>;
}

export interface EditRequestOptions {
  model: string;
  timeoutMs: number;
  maxTokens: number;
  signal?: AbortSignal;
  /** The answer so far, as it streams. */
  onPartial?: (textSoFar: string) => void;
}

export type EditAnswer =
  | { ok: true; proposal: string; raw: string; stripped: string[]; ms: number }
  | { ok: false; error: ModelErrorInfo | { kind: 'empty' | 'unchanged'; message: string }; message: string; ms: number };

export async function requestEdit(model: EditModel, prompt: BuiltPrompt, original: string, opts: EditRequestOptions): Promise<EditAnswer> {
  const r = await model.generate(prompt, {
    model: opts.model,
    api: 'chat',
    maxTokens: opts.maxTokens,
    timeoutMs: opts.timeoutMs,
    temperature: 0.1,
    signal: opts.signal,
    stream: true,
    onPartial: opts.onPartial,
  });
  if (!r.ok) return { ok: false, error: r.error, message: editErrorMessage(r.error), ms: r.ms };
  // A stream can end quietly when it is aborted: what came so far is not an answer.
  if (opts.signal?.aborted) {
    const error = { kind: 'cancelled' as const, message: 'cancelled' };
    return { ok: false, error, message: editErrorMessage(error), ms: r.ms };
  }
  const raw = r.candidates[0]?.text ?? '';
  const { text, stripped } = extractProposal(raw, original);
  if (text.trim() === '') {
    const error = { kind: 'empty' as const, message: 'the model returned no code' };
    return { ok: false, error, message: 'Intent Complete: the model returned no code for this edit. Try rephrasing the instruction.', ms: r.ms };
  }
  if (text === original) {
    const error = { kind: 'unchanged' as const, message: 'the model proposed no change' };
    return { ok: false, error, message: 'Intent Complete: the model proposed no change.', ms: r.ms };
  }
  return { ok: true, proposal: text, raw, stripped, ms: r.ms };
}

/** One message per failure, saying what to do. */
export function editErrorMessage(e: ModelErrorInfo): string {
  switch (e.kind) {
    case 'cancelled':
      return 'Intent Complete: edit cancelled.';
    case 'timeout':
      return `Intent Complete: the edit took too long (${e.message}). Try a smaller selection or raise intentComplete.editTimeoutMs.`;
    case 'unreachable':
      return `Intent Complete: ${e.message}. Start your model server or change intentComplete.endpoint.`;
    case 'auth':
      return `Intent Complete: ${e.message}. Set the key with "Intent Complete: Set API Key".`;
    case 'rate-limited':
      return `Intent Complete: ${e.message}.`;
    case 'not-configured':
      return 'Intent Complete: no endpoint configured. Run "Intent Complete: Configure Endpoint".';
    default:
      return `Intent Complete: the edit failed: ${e.message}. Check intentComplete.endpoint and intentComplete.editModel / intentComplete.model.`;
  }
}
