/**
 * The filter stage of the pipeline on a model's answer, as one function: the pipeline calls it on
 * what the model decided, and the CLI (`filter --as-is`, filter/asIs.ts) on a recorded answer, so
 * both judge a suggestion the same way.
 */
import type { ConsistencyFilter } from './consistency';
import type { FilterInput } from './types';
import type { FilterResult } from '../types';

/** Where the answer is shown and how: everything of a filter input but its text. */
export type AnswerPlace = Omit<FilterInput, 'text'> & {
  /** The person's setting: off, clean-up still applies but the name check does not. */
  consistencyFilter: boolean;
};

/** The best of the candidates (several when n > 1), cleaned up and checked, as the ghost text would show it. */
export function judgeAnswer(filter: ConsistencyFilter, candidates: readonly string[], place: AnswerPlace): FilterResult {
  const { consistencyFilter, ...at } = place;
  const r = filter.best(candidates.map((text) => ({ ...at, text })));
  if (!consistencyFilter && r.verdict !== 'keep') {
    // Filter off: clean-up still applies, the name check does not.
    return { ...r, verdict: 'keep', shown: r.shown || (candidates[0] ?? '').split('\n')[0], unknown: [] };
  }
  return r;
}
