/** A proposal waiting for review, and the warning text for its unknown names. */
import type * as vscode from 'vscode';
import type { Hunk } from '../../core/edit/diff';
import type { UnknownName } from '../../core/edit/names';
import type { PendingEdit } from './pendingEdit';
import type { RangeTracker } from './tracker';

export interface PendingProposal {
  readonly id: number;
  readonly doc: vscode.TextDocument;
  readonly tracker: RangeTracker;
  readonly original: string;
  readonly proposal: string;
  readonly hunks: readonly Hunk[];
  readonly unknown: readonly UnknownName[];
  /** Shown before accepting when the proposal names things the filter does not know. */
  readonly warning: string | undefined;
}

export function unknownWarning(unknown: readonly UnknownName[]): string | undefined {
  if (unknown.length === 0) return undefined;
  const names = unknown.map((u) => u.name);
  const list = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
  return `The proposal uses ${names.length === 1 ? 'a name' : 'names'} not found in this file or its context: ${list}. Check before accepting.`;
}

/** A review shows a proposal in one way (in place, or in a diff editor) until it is cleared. */
export interface Review extends vscode.Disposable {
  /** False when the proposal could not be shown (the document refused it or changed meanwhile). */
  show(p: PendingProposal): Promise<boolean>;
  /**
   * Ends the review. A review that put the proposal in the document leaves it there when `keep`
   * (Accept), else takes it back; false when it could not (the person changed it: it stays).
   */
  clear(keep?: boolean): Promise<boolean>;
  /** The proposal as it stands in the document, for a review that puts it there (inline). */
  readonly applied?: PendingEdit;
}
