/** Small helpers shared by unit suites. */
import type { CompletionRequest } from '../../src/core/types';

/** A completion request for `text` with the cursor at `offset` (line/character computed). */
export function requestAt(text: string, offset: number, opts: { uri?: string; languageId?: string; version?: number; explicit?: boolean; fsPath?: string } = {}): CompletionRequest {
  const before = text.slice(0, offset);
  return {
    doc: { uri: opts.uri ?? 'file:///w/file.ts', fsPath: opts.fsPath, languageId: opts.languageId ?? 'typescript', text, version: opts.version ?? 1 },
    cursor: { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1, offset },
    explicit: opts.explicit ?? false,
  };
}

/** Resolves once `cond()` holds; rejects after `ms`. */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
