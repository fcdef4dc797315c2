/**
 * The "weights" plugged into every emulated server: given the final prefix/suffix the model sees,
 * what would the model write? Tests plug in {@link fileOracle} (the true rest of the line from known
 * files) or their own function. Independent of the product code on purpose: nothing here imports
 * src/, so a client that builds the wrong prompt gets the wrong answer.
 */

/** Everything a brain is told: the text before the hole, the text after it (FIM only), a budget. */
export interface BrainInput {
  /** Text before the cursor as the model sees it (for repo-level FIM: the text after the prefix sentinel). */
  readonly prefix: string;
  /** Text after the hole for fill-in-the-middle; undefined for plain left-to-right continuation. */
  readonly suffix: string | undefined;
  /** Most characters worth returning (the server's token budget × ~4 chars/token). */
  readonly maxChars: number;
}

/**
 * The true fill for a prefix/suffix: what a perfect model writes at the cursor. The optional `tail`
 * gives everything after the cursor (to the end of the file), used when a base model is not stopped
 * and keeps writing the file past the hole; without it the model ends after the fill.
 */
export type ModelBrain = ((input: BrainInput) => string) & {
  readonly tail?: (input: BrainInput) => string | undefined;
};

/** How many trailing characters of the prefix locate the cursor (the brief's "last ≤256 characters"). */
const NEEDLE_CHARS = 256;
/** A shorter trailing match than this is trusted only when the suffix confirms it. */
const MIN_TRUSTED_CHARS = 24;
/** The shortest prefix tail worth confirming by the suffix. */
const MIN_PROBE_CHARS = 8;
/** How many leading characters of the suffix are compared with the file after the hole line. */
const SUFFIX_PROBE_CHARS = 64;

interface Located {
  readonly file: string;
  readonly cursor: number;
}

/** Every position in `files` right after an occurrence of `needle`. */
function occurrences(files: readonly string[], needle: string): Located[] {
  const out: Located[] = [];
  for (const file of files) {
    for (let at = file.indexOf(needle); at >= 0; at = file.indexOf(needle, at + 1)) out.push({ file, cursor: at + needle.length });
  }
  return out;
}

const occursIn = (files: readonly string[], needle: string): boolean => files.some((f) => f.includes(needle));

/**
 * The longest tail of the prefix (≤256 chars) found in some file. Prompts often carry other
 * context (other files, a repo header) before the current file's text, so the last 256 characters
 * can straddle that boundary; a real model is not thrown by it, and neither is the oracle.
 * (Any shorter tail of a found tail is found too, so the length can be bisected.)
 */
function longestTail(files: readonly string[], prefix: string): number {
  let lo = 0;
  let hi = Math.min(NEEDLE_CHARS, prefix.length);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (occursIn(files, prefix.slice(-mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** End of the line holding `cursor` (index of its '\n', or the file length). */
function lineEnd(file: string, cursor: number): number {
  const nl = file.indexOf('\n', cursor);
  return nl < 0 ? file.length : nl;
}

/**
 * True when the file text after the hole line starts like `suffix`: the suffix either begins with
 * the newline that ends the hole line or right after it (blank lines count, so a cursor on an empty
 * line just above is not mistaken for the hole).
 */
function suffixLinesUp(loc: Located, suffix: string): boolean {
  const want = suffix.slice(0, SUFFIX_PROBE_CHARS);
  if (want.replace(/\s+/g, '').length === 0) return true;
  // Compared in place: a candidate list can be long, and slicing the file per candidate is not.
  const end = lineEnd(loc.file, loc.cursor);
  return loc.file.startsWith(want, end) || loc.file.startsWith(want, end + 1);
}

/**
 * The cursor the oracle believes in: after the longest trailing match of the prefix, preferring a
 * position whose following lines agree with the suffix (then trying shorter tails, which the suffix
 * must confirm); without a suffix, the first position of a long enough tail.
 */
function locate(files: readonly string[], input: BrainInput): Located | undefined {
  const longest = longestTail(files, input.prefix);
  const all = longest > 0 ? occurrences(files, input.prefix.slice(-longest)) : [];
  if (input.suffix !== undefined && input.suffix.trim().length > 0) {
    const suffix = input.suffix;
    // Tails shorter than MIN_PROBE_CHARS match nearly everywhere and say nothing.
    for (let len = longest, cands = all; len >= MIN_PROBE_CHARS; len = Math.floor(len / 2), cands = occurrences(files, input.prefix.slice(-len))) {
      const lined = cands.find((c) => suffixLinesUp(c, suffix));
      if (lined) return lined;
    }
    // The hole may open a file whose text follows other context in the prompt: try each file's start.
    const atStart = input.prefix.endsWith('\n') || input.prefix.length === 0 ? files.map((file) => ({ file, cursor: 0 })).find((c) => suffixLinesUp(c, suffix)) : undefined;
    if (atStart) return atStart;
  }
  return longest > 0 && longest >= Math.min(MIN_TRUSTED_CHARS, input.prefix.length) ? all[0] : undefined;
}

/**
 * A brain that knows the original files: it finds the cursor by the last ≤256 characters of the
 * prefix (the longest such tail found in a file — context before the file text is tolerated —
 * preferring a match whose following lines agree with the suffix, or a file's start when the suffix
 * says so) and answers the rest of that line, or '' when it cannot place the cursor. `tail` answers
 * the rest of the file from the cursor.
 */
export function fileOracle(files: readonly string[]): ModelBrain {
  const brain = (input: BrainInput): string => {
    const loc = locate(files, input);
    if (!loc) return '';
    return loc.file.slice(loc.cursor, lineEnd(loc.file, loc.cursor)).slice(0, Math.max(0, input.maxChars));
  };
  const tail = (input: BrainInput): string | undefined => {
    const loc = locate(files, input);
    return loc ? loc.file.slice(loc.cursor) : undefined;
  };
  return Object.assign(brain, { tail });
}
