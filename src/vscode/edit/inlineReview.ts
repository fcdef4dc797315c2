/**
 * Review in place: the document is not touched until Accept. Removed lines are struck through on
 * a removed-line background; the lines that would replace them are shown after them (green, and
 * underlined in the warning colour where they use an unknown name), the full new text in the
 * hover; a code lens over the region offers Accept / Reject / Refine and repeats the warning.
 */
import * as vscode from 'vscode';
import type { PendingProposal, Review } from './proposal';

const MAX_AFTER = 160;

export class InlineReview implements Review {
  private current: PendingProposal | undefined;
  private readonly removed = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    textDecoration: 'line-through',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly inserted = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('gitDecoration.addedResourceForeground'), margin: '0 0 0 1.5em', fontStyle: 'normal' },
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly insertedUnknown = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editorWarning.foreground'),
      margin: '0 0 0 1.5em',
      textDecoration: 'underline wavy',
    },
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly region = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  });
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      vscode.languages.registerCodeLensProvider({ pattern: '**' }, {
        onDidChangeCodeLenses: this.lensEmitter.event,
        provideCodeLenses: (doc) => this.lenses(doc),
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
    ];
  }

  async show(p: PendingProposal): Promise<void> {
    this.current = p;
    this.paint();
    this.lensEmitter.fire();
  }

  async clear(): Promise<void> {
    this.current = undefined;
    this.paint();
    this.lensEmitter.fire();
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
    for (const editor of vscode.window.visibleTextEditors) {
      if (!p || !range || editor.document !== p.doc) {
        if (editor.document === p?.doc || !p) for (const t of [this.removed, this.inserted, this.insertedUnknown, this.region]) editor.setDecorations(t, []);
        continue;
      }
      const base = range.start.line;
      const removed: vscode.DecorationOptions[] = [];
      const inserted: vscode.DecorationOptions[] = [];
      const unknown: vscode.DecorationOptions[] = [];
      const unknownNames = new Set(p.unknown.map((u) => u.name));
      const hasUnknown = (s: string) => [...unknownNames].some((n) => new RegExp(`(?<![\\w$])${n.replace(/\$/g, '\\$')}(?![\\w$])`).test(s));
      for (const h of p.hunks) {
        const hover = new vscode.MarkdownString();
        hover.appendMarkdown('**Proposed** (Tab or Ctrl+Enter to accept, Esc to reject)');
        hover.appendCodeblock(h.inserted.join('\n') || '(lines removed)', p.doc.languageId);
        const names = p.unknown.filter((u) => h.inserted.some((l) => l.includes(u.name))).map((u) => u.name);
        if (names.length) hover.appendMarkdown(`\n\n$(warning) Unknown: ${names.join(', ')}`);
        hover.supportThemeIcons = true;
        const line = (i: number) => Math.min(base + i, p.doc.lineCount - 1);
        for (let k = 0; k < h.removed.length; k++) {
          removed.push({ range: p.doc.lineAt(line(h.aStart + k)).range, hoverMessage: hover });
        }
        // The new lines: one per removed line, the rest on the last one.
        const slots = Math.max(1, h.removed.length);
        for (let k = 0; k < slots && k < Math.max(1, h.inserted.length); k++) {
          const parts = k === slots - 1 ? h.inserted.slice(k) : [h.inserted[k]];
          if (parts.length === 0 || (parts.length === 1 && parts[0] === undefined)) continue;
          const text = parts.map((s) => s.trim() || '∅').join('  ⏎  ');
          const anchorLine = h.removed.length > 0 ? line(h.aStart + k) : line(Math.max(0, h.aStart - 1));
          const lineRange = p.doc.lineAt(anchorLine).range;
          const opts: vscode.DecorationOptions = {
            range: new vscode.Range(lineRange.end, lineRange.end),
            hoverMessage: hover,
            renderOptions: { after: { contentText: `${h.removed.length > 0 ? '→' : '+'} ${clip(text)}` } },
          };
          (hasUnknown(parts.join('\n')) ? unknown : inserted).push(opts);
        }
      }
      editor.setDecorations(this.region, [range]);
      editor.setDecorations(this.removed, removed);
      editor.setDecorations(this.inserted, inserted);
      editor.setDecorations(this.insertedUnknown, unknown);
    }
  }

  dispose(): void {
    this.current = undefined;
    for (const s of this.subs) s.dispose();
    for (const t of [this.removed, this.inserted, this.insertedUnknown, this.region]) t.dispose();
    this.lensEmitter.dispose();
  }
}

function clip(s: string): string {
  return s.length > MAX_AFTER ? `${s.slice(0, MAX_AFTER - 1)}…` : s;
}
