/**
 * The typing replay's model: answers every completion request with the true continuation of the
 * text at the cursor (the rest of the line and the lines after it, up to max_tokens), after a
 * latency with jitter, streamed. It finds the cursor by locating the prompt's prefix in the
 * original file of the session named by the `x-bench-session` header. Qwen FIM prompts.
 */
import { BREAK } from '../core/model/families';
import type { RecordedRequest, Reply } from '../../test/server/openaiServer';

export const SESSION_HEADER = 'x-bench-session';

export interface OracleFile {
  /** The file as it is on disk (what the person is retyping a part of). */
  text: string;
  /** Offsets in `text` between which the person types (the region removed from the document). */
  start: number;
  end: number;
}

export interface OracleHit {
  session: string;
  /** Characters of the region typed when the request was made (cursor = start + k). */
  k: number;
  rec: RecordedRequest;
}

export class TypingOracle {
  private readonly files = new Map<string, OracleFile>();
  /** Every answered request, in arrival order. */
  readonly hits: OracleHit[] = [];

  constructor(
    private readonly latencyMs: number,
    private readonly jitterMs: number,
    private readonly random: () => number,
    /** Time between streamed tokens (4 characters each), ms: a model's decoding speed (0: the whole answer at once). */
    private readonly tokenMs = 0,
  ) {}

  register(session: string, file: OracleFile): void {
    this.files.set(session, file);
  }

  readonly respond = (rec: RecordedRequest): Reply => {
    const raw = rec.headers[SESSION_HEADER];
    const session = Array.isArray(raw) ? raw[0] : raw;
    const file = session ? this.files.get(session) : undefined;
    const delayMs = Math.max(0, Math.round(this.latencyMs + (this.random() * 2 - 1) * this.jitterMs));
    if (!file || !session) return { text: '', delayMs };
    const cursor = locateCursor(rec.prompt, file);
    if (cursor === undefined) return { text: '', delayMs };
    this.hits.push({ session, k: cursor - file.start, rec });
    const maxTokens = typeof rec.body.max_tokens === 'number' ? rec.body.max_tokens : 64;
    if (maxTokens <= 1) return { text: '', delayMs };
    return { text: file.text.slice(cursor, cursor + maxTokens * 4), delayMs, chunkChars: 4, chunkDelayMs: this.tokenMs || undefined };
  };
}

/** The cursor offset in the original file: where the prompt's prefix section ends. */
export function locateCursor(rawPrompt: string, file: OracleFile): number | undefined {
  // File text that spells a control token reaches the server broken by a zero-width space (families.ts neutralize).
  const prompt = rawPrompt.replaceAll(BREAK, '');
  // The file may itself hold FIM markers (a file of prompt templates): try each `<|fim_suffix|>`
  // as the boundary, preferring one followed by the document's text after the region.
  const marker = '<|fim_suffix|>';
  const afterRegion = file.text.slice(file.end, file.end + 48);
  const boundaries: number[] = [];
  for (let j = prompt.indexOf(marker); j >= 0; j = prompt.indexOf(marker, j + 1)) boundaries.push(j);
  const suffixFits = (j: number) => prompt.startsWith(afterRegion.slice(0, Math.max(1, afterRegion.trimEnd().length)), j + marker.length);
  const ordered = [...boundaries.filter(suffixFits), ...boundaries.filter((j) => !suffixFits(j))];
  for (const j of ordered) {
    const before = prompt.slice(0, j);
    // The document before the cursor is the file up to the cursor (the person types the true text);
    // its last 256 characters place the cursor (the prompt's window may start later than the file).
    for (let p = file.end; p >= file.start; p--) {
      const tail = file.text.slice(Math.max(0, p - 256), p);
      if (before.endsWith(tail)) return p;
    }
  }
  return undefined;
}
