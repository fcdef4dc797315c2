/** Keeps an edit's target range true while its document changes (core/edit/rebase). */
import * as vscode from 'vscode';
import { rebaseRange, type OffsetRange } from '../../core/edit/rebase';

export class RangeTracker implements vscode.Disposable {
  private current: OffsetRange | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** Set once a change lands on the range, or the document closes. */
  stale: 'overlap' | 'closed' | undefined;
  /** Whether anything changed outside the range (the range was rebased). */
  moved = false;
  /** The review's own replacement of the whole range is on its way: the text it will hold. */
  private expected: string | undefined;

  constructor(
    private readonly doc: vscode.TextDocument,
    range: OffsetRange,
    private readonly onStale?: (why: 'overlap' | 'closed') => void,
  ) {
    this.current = range;
    this.subs.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.doc || !this.current || e.contentChanges.length === 0) return;
        if (this.expected !== undefined && this.tookExpected(this.current, this.expected, e)) return;
        this.expected = undefined;
        const r = rebaseRange(
          this.current,
          e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })),
        );
        if (r.ok) {
          if (r.range.start !== this.current.start || r.range.end !== this.current.end) this.moved = true;
          this.current = r.range;
        } else this.markStale('overlap');
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.doc) this.markStale('closed');
      }),
    );
  }

  /**
   * The next change is the review putting `text` in place of the whole range (its proposal, or the
   * original back): the range then holds `text`, and is not stale. Any other change is judged as usual.
   */
  expect(text: string): void {
    this.expected = text;
  }

  /** Whether the change event put `text` in place of `range` and nothing else (the range now holds it). */
  private tookExpected(range: OffsetRange, text: string, e: vscode.TextDocumentChangeEvent): boolean {
    this.expected = undefined;
    const delta = e.contentChanges.reduce((n, c) => n + c.text.length - c.rangeLength, 0);
    const inside = e.contentChanges.every((c) => c.rangeOffset >= range.start && c.rangeOffset + c.rangeLength <= range.end);
    if (!inside || delta !== text.length - (range.end - range.start)) return false;
    const next = { start: range.start, end: range.start + text.length };
    if (e.document.getText(new vscode.Range(e.document.positionAt(next.start), e.document.positionAt(next.end))) !== text) return false;
    this.current = next;
    return true;
  }

  /** The range now, or undefined when it is stale. */
  get range(): OffsetRange | undefined {
    return this.stale ? undefined : this.current;
  }

  get vscodeRange(): vscode.Range | undefined {
    const r = this.range;
    return r ? new vscode.Range(this.doc.positionAt(r.start), this.doc.positionAt(r.end)) : undefined;
  }

  private markStale(why: 'overlap' | 'closed'): void {
    if (this.stale) return;
    this.stale = why;
    this.current = undefined;
    this.onStale?.(why);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
