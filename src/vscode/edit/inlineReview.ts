/**
 * Review in place, as VS Code's inline chat does it: the proposal is put in the document while it
 * is under review (pendingEdit.ts), so new lines are real lines that push the code below down, on
 * an added-line background; names the filter does not know are underlined in the warning colour.
 * What a hunk removed is said at the end of its first new line (or of the line before a removal),
 * struck through in the removed colour, with all of it in the hover. A code lens over the region
 * offers Accept / Reject / Refine and repeats the warning. Reject takes the proposal back exactly;
 * Accept leaves it as it is.
 */
import * as vscode from 'vscode';
import { wholeNamePattern } from '../../core/lang/identifiers';
import type { Hunk } from '../../core/edit/diff';
import { PendingEdit } from './pendingEdit';
import type { PendingProposal, Review } from './proposal';

/** Characters of a removed line said at the end of a line (the hover has it whole). */
const MAX_NOTE = 120;

/** What a hunk removed, in one line: its first removed line, and how many more there are. */
export function removedNote(removed: readonly string[]): string {
  const first = removed.find((l) => l.trim() !== '')?.trim() ?? '';
  const shown = first.length > MAX_NOTE ? `${first.slice(0, MAX_NOTE - 1)}…` : first;
  const more = removed.length - 1;
  return `− ${shown || '(blank line)'}${more > 0 ? `  (+${more} more removed line${more === 1 ? '' : 's'}, hover for all)` : ''}`;
}

/** The document line each hunk's note goes on: its first new line, or the line before what it removed. */
export function noteLine(h: Hunk, base: number, lineCount: number): number {
  const at = h.inserted.length > 0 || h.bStart === 0 ? base + h.bStart : base + h.bStart - 1;
  return Math.max(0, Math.min(at, lineCount - 1));
}

export class InlineReview implements Review {
  private current: PendingProposal | undefined;
  private edit: PendingEdit | undefined;
  private readonly insertedLine = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly removedNote = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('gitDecoration.deletedResourceForeground'), margin: '0 0 0 2em', fontStyle: 'normal' },
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly unknownName = vscode.window.createTextEditorDecorationType({
    textDecoration: 'underline wavy',
    color: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      vscode.languages.registerCodeLensProvider(
        { pattern: '**' },
        {
          onDidChangeCodeLenses: this.lensEmitter.event,
          provideCodeLenses: (doc) => this.lenses(doc),
        },
      ),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
    ];
  }

  /** The proposal as it stands in the document while under review. */
  get applied(): PendingEdit | undefined {
    return this.edit;
  }

  async show(p: PendingProposal): Promise<boolean> {
    if (this.edit && !(await this.clear())) return false;
    const edit = await PendingEdit.apply(p.doc, p.tracker, p.original, p.proposal);
    if (!edit) return false;
    this.edit = edit;
    this.current = p;
    this.paint();
    this.lensEmitter.fire();
    return true;
  }

  async clear(keep = false): Promise<boolean> {
    const edit = this.edit;
    this.current = undefined;
    this.edit = undefined;
    this.paint();
    this.lensEmitter.fire();
    return !edit || keep || edit.revert();
  }

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const p = this.current;
    const range = p?.tracker.vscodeRange;
    if (!p || !range || doc !== p.doc) return [];
    const at = new vscode.Range(range.start.line, 0, range.start.line, 0);
    const lenses = [
      new vscode.CodeLens(at, { title: '$(check) Accept (Tab)', command: 'intentComplete.edit.accept' }),
      new vscode.CodeLens(at, { title: '$(close) Reject (Esc)', command: 'intentComplete.edit.reject' }),
      new vscode.CodeLens(at, { title: '$(edit) Refine…', command: 'intentComplete.edit.refine' }),
    ];
    if (p.warning) lenses.push(new vscode.CodeLens(at, { title: `$(warning) ${p.warning}`, command: 'intentComplete.edit.showWarning' }));
    return lenses;
  }

  private paint(): void {
    const p = this.current;
    const range = p?.tracker.vscodeRange;
    const types = [this.insertedLine, this.removedNote, this.unknownName];
    for (const editor of vscode.window.visibleTextEditors) {
      if (!p || !range || editor.document !== p.doc) {
        if (editor.document === p?.doc || !p) for (const t of types) editor.setDecorations(t, []);
        continue;
      }
      const d = decorations(p, range.start.line);
      editor.setDecorations(this.insertedLine, d.inserted);
      editor.setDecorations(this.removedNote, d.removed);
      editor.setDecorations(this.unknownName, d.unknown);
    }
  }

  dispose(): void {
    // Going away with a proposal under review (the window closes or reloads): take it back.
    if (this.edit) void this.clear();
    this.current = undefined;
    for (const s of this.subs) s.dispose();
    for (const t of [this.insertedLine, this.removedNote, this.unknownName]) t.dispose();
    this.lensEmitter.dispose();
  }
}

/** The decorations of a proposal that stands in the document from line `base` on. */
function decorations(p: PendingProposal, base: number): { inserted: vscode.DecorationOptions[]; removed: vscode.DecorationOptions[]; unknown: vscode.DecorationOptions[] } {
  const inserted: vscode.DecorationOptions[] = [];
  const removed: vscode.DecorationOptions[] = [];
  const unknown: vscode.DecorationOptions[] = [];
  const names = p.unknown.map((u) => wholeNamePattern(u.name, 'g'));
  const last = p.doc.lineCount - 1;
  for (const h of p.hunks) {
    const hover = hoverOf(p, h);
    for (let k = 0; k < h.inserted.length; k++) {
      const line = base + h.bStart + k;
      if (line > last) break;
      const range = p.doc.lineAt(line).range;
      inserted.push({ range, hoverMessage: hover });
      const text = p.doc.lineAt(line).text;
      for (const re of names) for (const m of text.matchAll(re)) unknown.push({ range: new vscode.Range(line, m.index, line, m.index + m[0].length), hoverMessage: hover });
    }
    if (h.removed.length > 0) {
      const end = p.doc.lineAt(noteLine(h, base, p.doc.lineCount)).range.end;
      const note = removedNote(h.removed);
      removed.push({
        range: new vscode.Range(end, end),
        hoverMessage: hover,
        renderOptions: { after: { contentText: note, textDecoration: h.removed.length === 1 ? 'line-through' : 'none' } },
      });
    }
  }
  return { inserted, removed, unknown };
}

function hoverOf(p: PendingProposal, h: Hunk): vscode.MarkdownString {
  const hover = new vscode.MarkdownString();
  hover.supportThemeIcons = true;
  hover.appendMarkdown('**Proposed edit** (Tab or Ctrl+Enter accepts, Esc rejects)');
  if (h.removed.length) {
    hover.appendMarkdown('\n\nRemoved:');
    hover.appendCodeblock(h.removed.join('\n'), p.doc.languageId);
  }
  const names = p.unknown.filter((u) => h.inserted.some((l) => l.includes(u.name))).map((u) => u.name);
  if (names.length) hover.appendMarkdown(`\n\n$(warning) Unknown: ${names.join(', ')}`);
  return hover;
}
