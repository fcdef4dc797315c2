/**
 * Where an inline suggestion goes on the cursor's line: when the rest of the line after the cursor
 * is text the editor closed for the person (`)`, `")`, `))`, `]`, `}`), and the suggestion closes
 * the same brackets, the suggestion replaces that rest instead of being inserted before it, so no
 * line ends up `min);))`. Pure: the VS Code adapter (vscode/inlineItem.ts, inlineProvider.ts) and
 * the CLI (`filter --as-is`) both decide the range here.
 */

const CLOSE_OF: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const OPEN_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const QUOTES = new Set(['"', "'", '`']);
/** Text the editor closes for the person: closing brackets and quotes, `;` and `,`, spaces. */
const AUTO_CLOSED = /^[)\]}"'`;,\s]+$/;
/** The closing run at the end of a suggestion. */
const CLOSING_RUN = /[)\]}"'`;,\s]*$/;

interface Balance {
  /** Closing brackets without an opening one before them. */
  unmatched: number;
  /** Brackets still open at the end, innermost last. */
  open: string[];
  /** The quote of a string still open at the end. */
  inString?: string;
}

/** Brackets and quotes of code, strings skipped (escapes honoured). */
function balance(s: string): Balance {
  const open: string[] = [];
  let unmatched = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote || (c === '\n' && quote !== '`')) quote = undefined;
      continue;
    }
    if (QUOTES.has(c)) quote = c;
    else if (CLOSE_OF[c]) open.push(c);
    else if (OPEN_OF[c]) {
      if (open.at(-1) === OPEN_OF[c]) open.pop();
      else unmatched++;
    }
  }
  return { unmatched, open, inString: quote };
}

/** Whether `small`'s characters appear in `big` in order (the ghost text only adds characters). */
function subsequence(small: string, big: string): boolean {
  let j = 0;
  for (let i = 0; i < big.length && j < small.length; i++) if (big[i] === small[j]) j++;
  return j === small.length;
}

/**
 * When the rest of the line (`restOfLine`) is auto-closed text that the suggestion closes too:
 * the text to put over it and how many characters after the cursor it replaces. Undefined: insert
 * the suggestion before the rest as it is (the rest is not closing text, or inserting leaves the
 * brackets of the line as they were).
 *
 * The line must come out no worse than it was: no more closing brackets without an opening one, no
 * more brackets left open, no string left open. When the suggestion closes fewer or others than
 * the rest does (`min);` before `))`), its closing run is merged with the rest's: the brackets the
 * line still has open are closed, then the suggestion's `;` or `,`.
 */
export function closingRange(lineBefore: string, suggestion: string, restOfLine: string): { text: string; replace: number } | undefined {
  const rest = restOfLine.trimEnd();
  if (!suggestion || !rest || !AUTO_CLOSED.test(rest) || !/[)\]}"'`]/.test(rest)) return undefined;
  const base = balance(lineBefore + rest);
  const fits = (b: Balance) => b.unmatched <= base.unmatched && b.open.length <= base.open.length && (b.inString === undefined || b.inString === base.inString);
  // Inserting before the rest leaves the line as balanced as it was: the model left the closing to the editor.
  const inserted = balance(lineBefore + suggestion + restOfLine);
  if (inserted.unmatched <= base.unmatched && (inserted.inString === undefined || inserted.inString === base.inString)) return undefined;
  const kept = rest.replace(/\s+/g, '');
  const ok = (text: string) => fits(balance(lineBefore + text)) && subsequence(kept, text);
  const trimmed = suggestion.trimEnd();
  if (ok(trimmed)) return { text: trimmed, replace: rest.length };
  // Merge: the suggestion without its closing run, the brackets (and string) still open, its `;`/`,`.
  const run = CLOSING_RUN.exec(trimmed)?.[0] ?? '';
  const body = trimmed.slice(0, trimmed.length - run.length);
  const punct = /[;,]*$/.exec(run)?.[0] ?? '';
  const b = balance(lineBefore + body);
  const closers = (rest.match(/[)\]}]/g) ?? []).length;
  let merged = body + (b.inString ?? '');
  for (const o of b.open.slice(-closers).reverse()) merged += CLOSE_OF[o];
  merged += punct;
  if (merged !== body && ok(merged)) return { text: merged, replace: rest.length };
  return undefined;
}

/** The replace decision at a cursor in a document: the text put over the range and the text the range held ('' when none). */
export interface ReplaceAt {
  /** What is inserted at the cursor (the suggestion, or its merged closing run). */
  text: string;
  /** The text after the cursor the insertion replaces ('' when it is inserted before the rest). */
  range: string;
}

/** `closingRange` at an offset in a document: the cursor's line is split there as the editor splits it. */
export function replaceAt(docText: string, offset: number, suggestion: string): ReplaceAt {
  const lineStart = docText.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = docText.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = docText.length;
  const lineBefore = docText.slice(lineStart, offset);
  const rest = docText.slice(offset, lineEnd).replace(/\r$/, '');
  const closing = closingRange(lineBefore, suggestion, rest);
  return closing ? { text: closing.text, range: rest.slice(0, closing.replace) } : { text: suggestion, range: '' };
}
