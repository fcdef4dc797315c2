/**
 * When to close the stream: read only until the suggestion is decided.
 * - single-line: the first line is complete (a non-blank line followed by a line break);
 * - multi-line: the block the person opened is closed, or the line cap is passed. On the line that
 *   opens it (`if (x) {|`), the block is closed by a line indented at or left of that line. On an
 *   empty line inside it (after `{` + Enter, auto-indented or not), the block's body is where the
 *   suggestion's first line starts, and a line indented left of the body closes it.
 * The caller (the model client) cuts the returned text itself; the filter trims what follows.
 */
import { suggestionStart } from '../filter/cleanup';
import type { Candidate } from '../types';

export interface EarlyStopInput {
  multiline: boolean;
  maxLines: number;
  /** Text of the current line before the cursor (for the indentation of the opening line). */
  lineBefore: string;
}

export function earlyStopRule(i: EarlyStopInput): (textSoFar: string) => boolean {
  const rule = earlyStopOnVisible(i);
  // Control tokens, a <think> block, chat and the fence before the code are not the suggestion:
  // decide on what follows (the clean-up's reading of an answer's start).
  return (t) => {
    const visible = suggestionStart(t);
    return visible !== undefined && rule(visible);
  };
}

function earlyStopOnVisible(i: EarlyStopInput): (textSoFar: string) => boolean {
  if (!i.multiline) return (t) => /\S[^\n]*\n/.test(t);
  const onEmptyLine = i.lineBefore.trim() === '';
  return (t) => {
    const lines = t.split('\n');
    if (lines.length > i.maxLines + 1) return true;
    // The first line continues the cursor's; only complete lines decide (the last piece may still grow).
    const lineAt = (k: number) => (k === 0 ? i.lineBefore + lines[0] : lines[k]);
    const body = onEmptyLine ? firstNonBlank(lines.length, lineAt) : { at: 0, indent: indentOf(i.lineBefore) + 1 };
    if (!body) return false;
    for (let k = Math.max(1, body.at + 1); k < lines.length - 1; k++) {
      const line = lines[k];
      if (line.trim() !== '' && indentOf(line) < body.indent) return true;
    }
    return false;
  };
}

/** The first line with text in it (its index and indentation), or undefined while there is none. */
function firstNonBlank(count: number, lineAt: (k: number) => string): { at: number; indent: number } | undefined {
  for (let k = 0; k < count; k++) {
    const line = lineAt(k);
    if (line.trim() !== '') return { at: k, indent: indentOf(line) };
  }
  return undefined;
}

/**
 * What of a candidate is decided text: a stream that was cut — by our early stop, the token cap or
 * a server's time limit — ends in a piece of a line that was still being written (`c` of `count`),
 * which must be neither shown nor checked as a name. Such a candidate keeps its complete lines; one
 * that has no complete line keeps its text up to the last word, which may be cut too.
 */
export function withoutCutLine(c: Pick<Candidate, 'text' | 'finishReason'>): string {
  if (c.finishReason === 'stop' || c.finishReason === 'unknown') return c.text;
  const nl = c.text.lastIndexOf('\n');
  if (nl >= 0) return c.text.slice(0, nl);
  return c.text.replace(/[\p{L}\p{N}_$]+$/u, '');
}

function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n++;
    else if (ch === '\t') n += 4;
    else break;
  }
  return n;
}
