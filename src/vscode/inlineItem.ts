/**
 * What the inline item puts where, in pure form (no 'vscode'; inlineProvider.ts turns it into an
 * InlineCompletionItem):
 *
 * - While VS Code's suggestion list is open, the request is made for the document as if the
 *   selected item were inserted (`withSelectedItem`), and the ghost text is that item's text
 *   followed by the suggestion, over the item's range: VS Code shows only suggestions that extend
 *   the selected item.
 * - When the rest of the line after the cursor is text the editor closed for the person (`)`,
 *   `")`, `))`, `]`, `}`), and the suggestion closes the same brackets, the item replaces that rest
 *   instead of inserting before it (`closingRange`), so no line ends up `min);))`.
 */

/** The selected IntelliSense item: the document range it replaces (offsets) and its text. */
export interface SelectedItem {
  start: number;
  end: number;
  text: string;
}

/**
 * The document and cursor as if the selected item were inserted; undefined when the item is not
 * one piece of text around the cursor on one line (a snippet over lines, a range elsewhere).
 */
export function withSelectedItem(text: string, offset: number, sel: SelectedItem): { text: string; offset: number } | undefined {
  if (sel.text.includes('\n') || sel.start > offset || sel.end < offset || sel.start < 0 || sel.end > text.length) return undefined;
  if (text.slice(sel.start, sel.end).includes('\n')) return undefined;
  return { text: text.slice(0, sel.start) + sel.text + text.slice(sel.end), offset: sel.start + sel.text.length };
}

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
