/**
 * Review in a diff editor: the document on the left, a read-only virtual copy with the proposal
 * applied on the right; unknown names are warnings (squiggles) on the right side. Accept and
 * Reject close the diff and go back to the document.
 */
import * as vscode from 'vscode';
import type { PendingProposal, Review } from './proposal';

export const PROPOSAL_SCHEME = 'intent-complete-edit';

export class DiffReview implements Review {
  private current: { p: PendingProposal; uri: vscode.Uri } | undefined;
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('intent-complete-edit');
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: (uri) => this.texts.get(uri.toString()) ?? '',
      }),
    ];
  }

  /** The URI of the right-hand side of the pending diff (tests). */
  get proposalUri(): vscode.Uri | undefined {
    return this.current?.uri;
  }

  async show(p: PendingProposal): Promise<boolean> {
    const range = p.tracker.range;
    if (!range) return false;
    const text = p.doc.getText();
    const full = text.slice(0, range.start) + p.proposal + text.slice(range.end);
    const name = p.doc.uri.path.split('/').pop() || 'untitled';
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${p.id}/${name}`, query: p.doc.uri.toString() });
    this.texts.set(uri.toString(), full);
    this.current = { p, uri };
    this.changed.fire(uri);
    const startLine = p.doc.positionAt(range.start).line;
    const lines = p.proposal.split(/\r?\n/);
    this.diagnostics.set(
      uri,
      p.unknown
        .map((u) => {
          const d = new vscode.Diagnostic(
            new vscode.Range(startLine + u.line, u.character, startLine + u.line, u.character + u.name.length),
            `Unknown name "${u.name}": not found in this file or its context. Check it before accepting.`,
            vscode.DiagnosticSeverity.Warning,
          );
          d.source = 'Intent Complete';
          return d;
        })
        .filter((d) => d.range.start.line - startLine < lines.length),
    );
    await vscode.commands.executeCommand('vscode.diff', p.doc.uri, uri, `${name} ↔ proposed edit (Tab accept · Esc reject)`, {
      preview: true,
      selection: new vscode.Range(startLine, 0, startLine, 0),
    });
    return true;
  }

  /** The document was never changed: there is nothing to keep or take back. */
  async clear(): Promise<boolean> {
    const c = this.current;
    if (!c) return true;
    this.current = undefined;
    this.diagnostics.delete(c.uri);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === c.uri.toString());
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    this.texts.delete(c.uri.toString());
    if (!c.p.doc.isClosed) await vscode.window.showTextDocument(c.p.doc, { preview: false });
    return true;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}
