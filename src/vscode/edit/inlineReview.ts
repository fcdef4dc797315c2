/**
 * Review in place: the document is not touched until Accept. Removed lines are struck through on
 * a removed-line background; a new line that replaces one is shown after it, several new lines
 * as real rows under the hunk (one per line, with their indentation: readable for 30-line
 * proposals), green, in the warning colour where they use an unknown name; the full new text in the
 * hover; a code lens over the region offers Accept / Reject / Refine and repeats the warning.
 */
import * as vscode from 'vscode';
import type { PendingProposal, Review } from './proposal';

const MAX_AFTER = 160;
/** Lines of one hunk drawn as a block (more are summed up in its last line; the hover has them all). */
const MAX_BLOCK_LINES = 60;

/**
 * A hunk that inserts more than one line is drawn as real lines: rows under its last line, one per
 * inserted line with its indentation, on the editor's background with an added-line bar.
 * Decorations cannot add lines to the editor, and a decoration's text is one line: each row is its
 * own decoration at the hunk's last line, placed `row` lines below it, lying over the lines below
 * until the review ends. CSS through `textDecoration`, which VS Code passes on as written.
 */
export function rowCss(row: number): string {
  return [
    'none',
    'position: absolute',
    'left: 0',
    `top: calc(${row} * 100%)`,
    'height: 100%',
    'z-index: 20',
    'white-space: pre',
    'display: block',
    'min-width: 80ch',
    'padding: 0 1em 0 0.6em',
    'background-color: var(--vscode-editor-background)',
    'background-image: linear-gradient(var(--vscode-diffEditor-insertedLineBackground, rgba(155, 185, 85, 0.2)), var(--vscode-diffEditor-insertedLineBackground, rgba(155, 185, 85, 0.2)))',
    'border-left: 3px solid var(--vscode-editorGutter-addedBackground, #587c0c)',
    'pointer-events: none',
  ].join('; ');
}

/** The rows of a block: the inserted lines, tabs as spaces, the ones past the cap summed up (the hover has them all). */
export function blockRows(lines: readonly string[]): string[] {
  const shown = lines.length > MAX_BLOCK_LINES ? [...lines.slice(0, MAX_BLOCK_LINES - 1), `… ${lines.length - MAX_BLOCK_LINES + 1} more lines (hover for all)`] : lines;
  return shown.map((l) => (l === '' ? ' ' : l.replace(/\t/g, '    ')));
}

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
        const anchorAt = (k: number) => (h.removed.length > 0 ? line(h.aStart + k) : line(Math.max(0, h.aStart - 1)));
        const afterLine = (anchorLine: number, contentText: string, extra: vscode.ThemableDecorationAttachmentRenderOptions = {}): vscode.DecorationOptions => {
          const end = p.doc.lineAt(anchorLine).range.end;
          return { range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText, ...extra } } };
        };
        if (h.inserted.length > 1) {
          // Real lines: the whole insertion as rows under the hunk's last line.
          const anchor = anchorAt(Math.max(0, h.removed.length - 1));
          blockRows(h.inserted).forEach((row, k) =>
            (hasUnknown(row) ? unknown : inserted).push(afterLine(anchor, row, { textDecoration: rowCss(k + 1), margin: '0' })),
          );
          continue;
        }
        // One new line: after the line it replaces (or the line before it).
        if (h.inserted.length === 1) {
          const text = h.inserted[0].trim() || '∅';
          (hasUnknown(h.inserted[0]) ? unknown : inserted).push(afterLine(anchorAt(0), `${h.removed.length > 0 ? '→' : '+'} ${clip(text)}`));
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
