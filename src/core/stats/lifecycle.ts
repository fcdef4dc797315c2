/**
 * The life of a shown suggestion after it is shown, in pure form: whether the person typed
 * through it, typed over it, moved away, or accepted it; and where accepted text went as the
 * document changed afterwards (for accepted-and-retained characters).
 */
import type { DismissReason } from './events';
import { lcsLength } from './metrics';

/** One content change, in offsets of the document before the change. */
export interface TextChange {
  offset: number;
  removed: number;
  inserted: string;
}

export interface TrackedRange {
  start: number;
  end: number;
}

/**
 * The range after a change. Text inserted exactly at the start or the end is outside the range;
 * a change that overlaps it widens it to cover the replacement.
 */
export function shiftRange(r: TrackedRange, c: TextChange): TrackedRange {
  const cs = c.offset;
  const ce = c.offset + c.removed;
  const delta = c.inserted.length - c.removed;
  if (ce <= r.start) return { start: r.start + delta, end: r.end + delta };
  if (cs >= r.end) return r;
  return { start: Math.min(r.start, cs), end: Math.max(r.end, ce) + delta };
}

/** Characters of the accepted text still present: LCS of what was accepted and what is there now. */
export function retainedChars(accepted: string, current: string): number {
  // Bounded work: accepted text is at most a few thousand characters.
  return lcsLength(accepted.slice(0, 4000), current.slice(0, 16000));
}

export interface ShownSuggestion {
  id: string;
  uri: string;
  /** Offset of the cursor where it was shown. */
  offset: number;
  text: string;
}

export type LifecycleOutcome = { kind: 'dismissed'; id: string; reason: DismissReason } | { kind: 'typed-through'; id: string } | undefined;

/**
 * Tracks the one suggestion on screen. Typing its next characters keeps it alive; any other
 * edit, a cursor move elsewhere or switching editors dismisses it; a new suggestion that is not
 * the rest of it replaces (dismisses) it. Acceptance is reported by the accept command.
 */
export class SuggestionLifecycle {
  private pending: (ShownSuggestion & { typed: number }) | undefined;

  get current(): (ShownSuggestion & { typed: number }) | undefined {
    return this.pending;
  }

  shown(s: ShownSuggestion): LifecycleOutcome {
    const p = this.pending;
    this.pending = { ...s, typed: 0 };
    if (!p || p.id === s.id) return undefined;
    const continues = p.uri === s.uri && s.offset === p.offset + p.typed && p.text.slice(p.typed).startsWith(s.text);
    if (continues) return undefined;
    return { kind: 'dismissed', id: p.id, reason: 'replaced' };
  }

  accepted(id: string): void {
    if (this.pending?.id === id || id === 'unknown') this.pending = undefined;
  }

  changed(uri: string, changes: readonly TextChange[]): LifecycleOutcome {
    const p = this.pending;
    if (!p || p.uri !== uri || changes.length === 0) return undefined;
    if (changes.length === 1) {
      const c = changes[0];
      const rest = p.text.slice(p.typed);
      if (c.removed === 0 && c.offset === p.offset + p.typed && c.inserted.length > 0 && rest.startsWith(c.inserted)) {
        p.typed += c.inserted.length;
        if (p.typed < p.text.length) return undefined;
        this.pending = undefined;
        return { kind: 'typed-through', id: p.id };
      }
    }
    this.pending = undefined;
    return { kind: 'dismissed', id: p.id, reason: 'typed-over' };
  }

  cursor(uri: string, offset: number): LifecycleOutcome {
    const p = this.pending;
    if (!p || (p.uri === uri && offset === p.offset + p.typed)) return undefined;
    if (p.uri !== uri) return undefined;
    this.pending = undefined;
    return { kind: 'dismissed', id: p.id, reason: 'cursor-moved' };
  }

  editorChanged(uri: string | undefined): LifecycleOutcome {
    const p = this.pending;
    if (!p || p.uri === uri) return undefined;
    this.pending = undefined;
    return { kind: 'dismissed', id: p.id, reason: 'editor-changed' };
  }
}
