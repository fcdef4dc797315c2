/**
 * How long to wait after a keystroke before asking the model. Zero for an explicit request
 * (Alt+\). Shorter where a suggestion is likely wanted (end of line, after `(` or `.`, an empty
 * line in a new block); longer in the middle of a word. Adapted to the person's typing speed: the
 * wait in a word is a little longer than the person's usual gap between keys, so a request goes
 * out when they pause, not at every key.
 */
export interface DebounceInput {
  explicit: boolean;
  /** Text of the current line before the cursor. */
  lineBefore: string;
  /** Text of the current line after the cursor. */
  lineAfter: string;
  /** Recent typical interval between keystrokes, ms (undefined when unknown). */
  typingIntervalMs?: number;
}

/** Bounds of any non-explicit wait, ms. */
export const MIN_DEBOUNCE_MS = 15;
export const MAX_DEBOUNCE_MS = 400;

export type DebouncePosition = 'explicit' | 'trigger' | 'empty-line' | 'end-of-word' | 'mid-word' | 'other';

/** Where the cursor is, as far as the wait is concerned. */
export function debouncePosition(i: DebounceInput): DebouncePosition {
  if (i.explicit) return 'explicit';
  const last = i.lineBefore.slice(-1);
  const after = i.lineAfter.trim();
  const atEnd = after === '' || /^[)\]}'"`;,>]*$/.test(after);
  if (i.lineBefore.trim() === '') return atEnd ? 'empty-line' : 'other';
  if (/[(.[{,=:>]/.test(last) || (last === ' ' && atEnd)) return 'trigger';
  if (/[A-Za-z0-9_$]/.test(last)) return atEnd ? 'end-of-word' : 'mid-word';
  return 'other';
}

export function debounceDelay(i: DebounceInput): number {
  const pos = debouncePosition(i);
  if (pos === 'explicit') return 0;
  const base: Record<Exclude<DebouncePosition, 'explicit'>, number> = {
    trigger: 25,
    'empty-line': 25,
    'end-of-word': 90,
    other: 120,
    'mid-word': 220,
  };
  let ms = base[pos];
  const gap = i.typingIntervalMs;
  if (gap !== undefined && (pos === 'end-of-word' || pos === 'mid-word' || pos === 'other')) {
    // Wait a bit longer than this person's usual gap: a key that comes within it is typing, not a pause.
    ms = Math.max(ms, Math.round(gap * 1.4));
    if (pos === 'end-of-word') ms = Math.min(ms, 250);
  }
  return Math.max(MIN_DEBOUNCE_MS, Math.min(MAX_DEBOUNCE_MS, Math.round(ms)));
}
