/**
 * The prompt's budget: how many characters a token stands for, how the budget is shared between
 * the parts of the prompt, and the rooms sized by the document that stay put while the person types.
 */

/** A token is taken as 4 characters of prompt text: an estimate for budgeting, not a tokenizer. */
export const CHARS_PER_TOKEN = 4;

/**
 * How the budget is shared. With the whole current file fitting, related declarations add the most
 * identifiers per character; the suffix adds least past its first lines, and in a
 * prefix-suffix-middle prompt everything after the cursor is re-sent on each request (no server
 * prefix cache covers it), so its share is small. `related` is a floor: when the current file is
 * short, related context gets what the file does not use. Measured shares: docs/benchmarks.md.
 */
export interface BudgetSplit {
  /** Max share of the suffix. */
  suffix: number;
  /** Min share of related declarations (more when the file is short). */
  related: number;
  /** Part of the related share for usage windows similar to the code above the cursor (names no index defines: library APIs). */
  similar: number;
  /** Share of each related part the best pieces for the position always get (the rest may be kept from earlier requests of the document). */
  fresh: number;
}

export const DEFAULT_SPLIT: Readonly<BudgetSplit> = { suffix: 0.05, related: 0.45, similar: 0.2, fresh: 0.5 };

/** Slack unit for the rooms sized by the document (`keptRoom`: they change at most once per bucket typed). */
const DOC_BUCKET = 1024;
/** Max share of the outline of the current file's declarations outside the window. */
export const OWN_OUTLINE_SHARE = 0.12;
/**
 * Extra room, as a share of the budget, for the enclosing function's locals above the window
 * (lang/locals.ts), taken only as far as they need it.
 */
export const LOCALS_SHARE = 0.06;
/**
 * Share of the budget for the code right after the suffix, shown verbatim in the current file's
 * outline (the part of the prompt before the prefix, so it stays put while the person types; a
 * longer FIM suffix would come after the prefix and be re-sent on every keystroke).
 */
export const OWN_BELOW_CODE_SHARE = 0.1;

/** Rooms that depend on the document's size, remembered per document. */
export interface Rooms {
  related: number;
  /** Unset when the prefix window was cut (the code below then has its fixed share). */
  below?: number;
}

/**
 * A room sized by what the document leaves of the budget (`free` less the `used` part): the last
 * prompt's (`kept`) while it still fits, so typing does not change it, nor everything after it in
 * the prompt; when it stops fitting, one that leaves a whole bucket to type into before it changes
 * again. A new one (no kept room, or the document left far more room than it did: text deleted,
 * less related context) leaves half a bucket, as much on average as rounding the document's size up
 * to a bucket did, but without the change at the next bucket boundary however close it was.
 */
export function keptRoom(kept: number | undefined, free: number, used: number, max: number): number {
  const room = (slack: number) => Math.min(max, free - used - slack);
  if (kept === undefined || room(DOC_BUCKET / 2) >= kept + 2 * DOC_BUCKET) return room(DOC_BUCKET / 2);
  if (kept <= max && used + kept <= free) return kept;
  return room(DOC_BUCKET);
}
