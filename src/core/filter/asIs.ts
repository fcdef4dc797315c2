/**
 * A recorded model answer judged the way the extension judges it at a cursor in a document as it
 * is (the rest of the cursor's line kept): the single/multi-line choice of the context engine (context/multiline.ts)
 * (`wantsMultiline`), the stream read until the suggestion is decided (`earlyStopRule`, then
 * `withoutCutLine`), the pipeline's filter stage (`judgeAnswer`) and the editor's replace range
 * (`replaceAt`). The CLI's `filter --as-is` runs it on each case.
 */
import type { MultilineMode } from '../config';
import { wantsMultiline } from '../context/multiline';
import { earlyStopRule, withoutCutLine } from '../model/earlyStop';
import type { FilterResult } from '../types';
import { judgeAnswer } from './answer';
import type { ConsistencyFilter } from './consistency';
import { replaceAt } from './replaceRange';

export interface AsIsCase {
  /** The document as the editor has it. */
  docText: string;
  /** UTF-16 offset of the cursor in it. */
  offset: number;
  /** VS Code's language id (languageIds.ts). */
  languageId: string;
  /** The model's whole answer, as the server sent it. */
  completion: string;
  docPath?: string;
  multilineMode: MultilineMode;
  maxLines: number;
  /** The prompt's stop words (none when the template is not known). */
  stop?: readonly string[];
  /** Why the server ended the answer: 'length' (token cap, time limit) cuts its last line. */
  finish?: 'stop' | 'length';
}

export interface AsIsVerdict extends FilterResult {
  /** A multi-line suggestion was allowed at this cursor. */
  multiline: boolean;
  /** What of the answer the pipeline would have read before deciding (the filter's input). */
  decided: string;
  /** What the ghost text inserts at the cursor, over `range`. */
  insert: string;
  /** The text after the cursor the suggestion replaces ('' when inserted before it). */
  range: string;
}

/**
 * What the pipeline would have read of a whole answer: the stream closes once the early-stop rule
 * decides (read character by character, the earliest a server's chunks allow), and a line the
 * close cut in the middle is left out.
 */
export function decidedAnswer(completion: string, decide: (textSoFar: string) => boolean, finish: 'stop' | 'length' = 'stop'): string {
  for (let k = 1; k <= completion.length; k++) {
    const soFar = completion.slice(0, k);
    if (decide(soFar)) return withoutCutLine({ text: soFar, finishReason: 'early-stop' });
  }
  return withoutCutLine({ text: completion, finishReason: finish });
}

export function judgeAsIs(filter: ConsistencyFilter, c: AsIsCase): AsIsVerdict {
  const docPrefix = c.docText.slice(0, c.offset);
  const docSuffix = c.docText.slice(c.offset);
  const multiline = wantsMultiline(docPrefix, docSuffix, c.multilineMode);
  const lineBefore = docPrefix.slice(docPrefix.lastIndexOf('\n') + 1);
  const decided = decidedAnswer(c.completion, earlyStopRule({ multiline, maxLines: c.maxLines, lineBefore }), c.finish);
  const r = judgeAnswer(filter, [decided], {
    docPrefix,
    docSuffix,
    languageId: c.languageId,
    stop: c.stop ?? [],
    multiline,
    maxLines: c.maxLines,
    docPath: c.docPath,
    consistencyFilter: true,
  });
  const place = r.shown ? replaceAt(c.docText, c.offset, r.shown) : { text: '', range: '' };
  return { ...r, multiline, decided, insert: place.text, range: place.range };
}
