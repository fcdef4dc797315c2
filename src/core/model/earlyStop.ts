/**
 * When to close the stream: read only until the suggestion is decided.
 * - single-line: the first line is complete (a non-blank line followed by a line break);
 * - multi-line: the block that the cursor opens is closed (a line indented at or left of the
 *   line that opened it), or the line cap is passed.
 * The caller (the model client) cuts the returned text itself; the filter trims what follows.
 */
export interface EarlyStopInput {
  multiline: boolean;
  maxLines: number;
  /** Text of the current line before the cursor (for the indentation of the opening line). */
  lineBefore: string;
}

export function earlyStopRule(i: EarlyStopInput): (textSoFar: string) => boolean {
  const rule = earlyStopOnVisible(i);
  // A <think> block or an opening markdown fence is not the suggestion: decide on what follows.
  return (t) => {
    if (/^\s*<think>/.test(t) && !t.includes('</think>')) return false;
    const visible = t.replace(/^\s*<think>[\s\S]*?<\/think>\s*/, '');
    const fence = /^\s*```[^\n]*\n/.exec(visible);
    if (/^\s*`{1,3}[^\n]*$/.test(visible)) return false;
    return rule(fence ? visible.slice(fence[0].length) : visible);
  };
}

function earlyStopOnVisible(i: EarlyStopInput): (textSoFar: string) => boolean {
  if (!i.multiline) return (t) => /\S[^\n]*\n/.test(t);
  const openIndent = indentOf(i.lineBefore);
  return (t) => {
    const lines = t.split('\n');
    if (lines.length > i.maxLines + 1) return true;
    // Only complete lines decide (the last piece may still grow); the first line continues the cursor's.
    for (let k = 1; k < lines.length - 1; k++) {
      const line = lines[k];
      if (line.trim() === '') continue;
      if (indentOf(line) <= openIndent) return true;
    }
    return false;
  };
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
