/**
 * A proposal put in the document for review, as VS Code's inline chat does: its lines are real
 * lines (they push the code below down instead of being painted over it), and Reject takes them
 * back exactly. Taking back is Undo when the review's edit is still the document's last change
 * and its editor can take the focus (text, dirty state and undo stack as before the review);
 * otherwise an edit that puts the original text back over the proposal. Text the person typed
 * into the proposal is never taken back.
 */
import * as vscode from 'vscode';
import type { RangeTracker } from './tracker';

/** `text` with the document's line ends (VS Code turns inserted line ends into the document's own). */
export function withEol(text: string, eol: vscode.EndOfLine): string {
  return text.replace(/\r?\n/g, eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
}

export class PendingEdit {
  private constructor(
    readonly doc: vscode.TextDocument,
    private readonly tracker: RangeTracker,
    /** The region's text before the review, and the proposal as the document holds it. */
    private readonly original: string,
    readonly text: string,
    /** The whole document before and after the proposal was put in. */
    readonly before: string,
    private readonly after: string,
    private readonly version: number,
  ) {}

  /**
   * Puts the proposal in place of the tracked region, which must still hold `original`. Undefined
   * when the document refused the edit or changed meanwhile (then it is as it was).
   */
  static async apply(doc: vscode.TextDocument, tracker: RangeTracker, original: string, proposal: string): Promise<PendingEdit | undefined> {
    const range = tracker.vscodeRange;
    if (!range || doc.getText(range) !== original) return undefined;
    const before = doc.getText();
    const text = withEol(proposal, doc.eol);
    tracker.expect(text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, range, text);
    if (!(await vscode.workspace.applyEdit(edit))) return undefined;
    const at = tracker.range;
    if (!at || doc.getText().slice(at.start, at.end) !== text) return undefined;
    // The selection the edit was asked with now spans part of the proposal: a key typed would replace it.
    const start = doc.positionAt(at.start);
    for (const e of vscode.window.visibleTextEditors) if (e.document === doc && !e.selection.isEmpty) e.selection = new vscode.Selection(start, start);
    return new PendingEdit(doc, tracker, original, text, before, doc.getText(), doc.version);
  }

  /** The document holds the proposal where it was put, unchanged. */
  get intact(): boolean {
    const r = this.tracker.range;
    return !this.doc.isClosed && r !== undefined && this.doc.getText().slice(r.start, r.end) === this.text;
  }

  /** The document is as it was before the review (the person pressed Undo). */
  get undone(): boolean {
    return !this.doc.isClosed && this.doc.getText() === this.before;
  }

  /**
   * Puts the original text back. False when it could not: the proposal was changed by the person
   * (their text stays) or the document refused the edit.
   */
  async revert(): Promise<boolean> {
    if (this.undone) return true;
    if (!this.intact) return false;
    if (this.doc.version === this.version && (await this.undo())) return true;
    if (!this.intact) return false;
    const range = this.tracker.vscodeRange;
    if (!range) return false;
    this.tracker.expect(this.original);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(this.doc.uri, range, this.original);
    if (!(await vscode.workspace.applyEdit(edit))) return false;
    const r = this.tracker.range;
    return r !== undefined && this.doc.getText().slice(r.start, r.end) === this.original;
  }

  /** Undo in the document's editor; true when it gave back exactly the text from before the review. */
  private async undo(): Promise<boolean> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
    if (!editor) return false;
    await vscode.window.showTextDocument(this.doc, { viewColumn: editor.viewColumn, preserveFocus: false, preview: false });
    const active = vscode.window.activeTextEditor;
    if (active?.document !== this.doc || this.doc.version !== this.version) return false;
    this.tracker.expect(this.original);
    await vscode.commands.executeCommand('undo');
    if (this.undone) return true;
    // Undo did something else (or nothing) here: step back to the proposal, then take it back by an edit.
    if (this.doc.version !== this.version && this.doc.getText() !== this.after) {
      this.tracker.expect(this.text);
      await vscode.commands.executeCommand('redo');
    }
    return false;
  }
}
