/**
 * What the inline item puts where, in pure form (no 'vscode'; inlineProvider.ts turns it into an
 * InlineCompletionItem):
 *
 * - While VS Code's suggestion list is open, the request is made for the document as if the
 *   selected item were inserted (`withSelectedItem`), and the ghost text is that item's text
 *   followed by the suggestion, over the item's range: VS Code shows only suggestions that extend
 *   the selected item.
 * - When the rest of the line is auto-closed text the suggestion closes too, the item replaces it
 *   (`closingRange`, core/filter/replaceRange.ts: the CLI decides the range the same way).
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

export { closingRange } from '../core/filter/replaceRange';
