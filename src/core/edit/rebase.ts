/**
 * Keeping an edit's target range true while the document changes under it (during the request
 * and during review). A change entirely outside the range shifts it; a change that overlaps or
 * touches it makes the proposal stale: it must never be applied over text the person typed.
 */

/** A half-open range of UTF-16 offsets [start, end). */
export interface OffsetRange {
  start: number;
  end: number;
}

/** One content change, in the coordinates of the document before the change event. */
export interface TextChange {
  offset: number;
  length: number;
  text: string;
}

export type RebaseResult = { ok: true; range: OffsetRange } | { ok: false; reason: 'overlap' };

/**
 * Rebases a range over one change event. The changes of one event (as VS Code reports them)
 * all refer to the document before the event and do not overlap each other.
 */
export function rebaseRange(range: OffsetRange, changes: readonly TextChange[]): RebaseResult {
  let shift = 0;
  for (const c of changes) {
    const cEnd = c.offset + c.length;
    if (cEnd < range.start) shift += c.text.length - c.length;
    else if (c.offset > range.end) continue;
    // Touching counts as overlapping: typing right at the edge of the region changes its lines.
    else return { ok: false, reason: 'overlap' };
  }
  return { ok: true, range: { start: range.start + shift, end: range.end + shift } };
}

/** Rebases over several events in order; stops at the first overlap. */
export function rebaseOver(range: OffsetRange, events: readonly (readonly TextChange[])[]): RebaseResult {
  let r: RebaseResult = { ok: true, range };
  for (const e of events) {
    if (!r.ok) return r;
    r = rebaseRange(r.range, e);
  }
  return r;
}
