/**
 * False drops of a replay evaluation: holes where the model's proposal (after clean-up, before the
 * consistency filter) was correct — an exact match of the removed text, the criterion of
 * `correctKeptRate` — and the ghost text after the filter no longer was. The filter cost a correct
 * answer there; each is listed with the filter's verdict and its reason, so it can be fixed.
 *
 * The hole is the rest of one line and only the first line is scored, so a truncation that keeps
 * that line intact cost nothing and is not listed. Their number is `correctBefore - correctKept`.
 */
import type { HoleCase } from '../eval/holes';
import type { FilterResult } from '../types';

export interface FalseDrop {
  /** Path relative to the repository, `/` separators. */
  file: string;
  /** 1-based, as an editor shows them. */
  line: number;
  character: number;
  /** The correct proposal before the filter; absent when code text is not recorded. */
  proposal?: string;
  /** What the ghost text showed instead ('' for nothing); absent when code text is not recorded. */
  shown?: string;
  verdict: 'keep' | 'truncate' | 'drop' | 'none';
  /** Why the text changed: the unknown names, else the clean-up rules, else that no rule was named. */
  reason: string;
  /** The names (or prose words) the filter found unknown. */
  unknown: string[];
}

export interface HoleVerdict {
  hole: HoleCase;
  /** The proposal before the filter, cleaned up. */
  proposal: string;
  shown: string;
  filter: FilterResult | undefined;
  /** The proposal before the filter was an exact match. */
  correctBefore: boolean;
  /** The ghost text was still an exact match. */
  correctAfter: boolean;
}

/** Why the filter changed a text, in words. */
export function filterReason(filter: FilterResult | undefined): string {
  if (!filter) return 'no filter result (the answer did not reach the filter)';
  if (filter.unknown.length) return `unknown: ${filter.unknown.join(', ')}`;
  if (filter.cleanups.length) return `clean-up: ${filter.cleanups.join(', ')}`;
  return 'the ghost text differs from the proposal; no filter rule named';
}

/** The false drop at a hole, or undefined when the filter did not cost a correct answer there. */
export function falseDropOf(v: HoleVerdict): FalseDrop | undefined {
  if (!v.correctBefore || v.correctAfter) return undefined;
  return {
    file: v.hole.file,
    line: v.hole.line + 1,
    character: v.hole.character + 1,
    proposal: v.proposal,
    shown: v.shown,
    verdict: v.filter?.verdict ?? 'none',
    reason: filterReason(v.filter),
    unknown: v.filter?.unknown ?? [],
  };
}

/** The false drops without their code text (stored unless code recording is on). */
export function withoutCode(drops: readonly FalseDrop[]): FalseDrop[] {
  return drops.map(({ proposal: _p, shown: _s, ...rest }) => rest);
}

/** `file:line:character`, as editors and terminals link it. */
export const dropPlace = (d: FalseDrop): string => `${d.file}:${d.line}:${d.character}`;
