/**
 * Follows each shown suggestion in the editor: dismissed (typed over, cursor moved, replaced,
 * editor changed) and, once accepted, how many of its characters are still there 30 s and 2 min
 * later (the inserted range is tracked through every later change of the document).
 * The decisions are in core (src/core/stats/lifecycle.ts); this file only feeds it VS Code events.
 */
import * as vscode from 'vscode';
import type { QualityLog } from '../../core/stats/events';
import { RETENTION_CHECKPOINTS_MS } from '../../core/stats/events';
import { retainedChars, shiftRange, SuggestionLifecycle, type LifecycleOutcome, type ShownSuggestion, type TextChange, type TrackedRange } from '../../core/stats/lifecycle';

interface Accepted {
  id: string;
  uri: string;
  text: string;
  range: TrackedRange;
  /** Text of the document when it was closed (measured from then on). */
  closedText?: string;
  timers: ReturnType<typeof setTimeout>[];
}

export class QualityTracker implements vscode.Disposable {
  /** Checkpoints after an accept, ms; tests may shorten them. */
  checkpointsMs: readonly number[] = RETENTION_CHECKPOINTS_MS;
  private readonly lifecycle = new SuggestionLifecycle();
  /** Recently shown suggestions by id (the accept command names only the id). */
  private readonly recent = new Map<string, ShownSuggestion>();
  private readonly accepted = new Map<string, Accepted>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly quality: QualityLog,
    onShown: vscode.Event<ShownSuggestion>,
  ) {
    this.disposables.push(
      onShown((s) => this.onShown(s)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClose(d)),
      vscode.window.onDidChangeTextEditorSelection((e) =>
        this.emit(this.lifecycle.cursor(e.textEditor.document.uri.toString(), e.textEditor.document.offsetAt(e.selections[0].active))),
      ),
      vscode.window.onDidChangeActiveTextEditor((e) => this.emit(this.lifecycle.editorChanged(e?.document.uri.toString()))),
    );
    const off = quality.onRecord((e) => {
      if (e.type === 'accepted') this.onAccepted(e.id, e.chars);
    });
    this.disposables.push({ dispose: off });
  }

  /** Suggestions accepted and still measured (tests). */
  get tracking(): number {
    return this.accepted.size;
  }

  private onShown(s: ShownSuggestion): void {
    this.recent.set(s.id, s);
    if (this.recent.size > 50) this.recent.delete(this.recent.keys().next().value as string);
    this.emit(this.lifecycle.shown(s));
  }

  private emit(o: LifecycleOutcome): void {
    if (o?.kind === 'dismissed') this.quality.record({ type: 'dismissed', at: Date.now(), id: o.id, reason: o.reason });
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const uri = e.document.uri.toString();
    // Offsets refer to the document before the event; apply from the end so earlier ones stay valid.
    const changes: TextChange[] = e.contentChanges.map((c) => ({ offset: c.rangeOffset, removed: c.rangeLength, inserted: c.text })).sort((a, b) => b.offset - a.offset);
    this.emit(this.lifecycle.changed(uri, changes));
    for (const a of this.accepted.values()) {
      if (a.uri !== uri || a.closedText !== undefined) continue;
      for (const c of changes) a.range = shiftRange(a.range, c);
    }
  }

  private onClose(d: vscode.TextDocument): void {
    const uri = d.uri.toString();
    for (const a of this.accepted.values()) if (a.uri === uri && a.closedText === undefined) a.closedText = d.getText();
  }

  private onAccepted(id: string, chars: number): void {
    const s = this.recent.get(id);
    this.lifecycle.accepted(id);
    if (!s) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri);
    if (!doc) return;
    const text = s.text.length === chars ? s.text : s.text.slice(0, chars);
    const range = locate(doc.getText(), text, s.offset);
    if (!range) return;
    const a: Accepted = { id, uri: s.uri, text, range, timers: [] };
    for (const ms of this.checkpointsMs) a.timers.push(setTimeout(() => this.measure(a, ms), ms));
    this.accepted.set(id, a);
  }

  private measure(a: Accepted, afterMs: number): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === a.uri);
    const full = a.closedText ?? doc?.getText() ?? '';
    const current = full.slice(Math.max(0, a.range.start), Math.max(0, Math.min(full.length, a.range.end)));
    this.quality.record({ type: 'retained', at: Date.now(), id: a.id, afterMs, chars: retainedChars(a.text, current), acceptedChars: a.text.length });
    if (afterMs >= Math.max(...this.checkpointsMs)) this.accepted.delete(a.id);
  }

  dispose(): void {
    for (const a of this.accepted.values()) for (const t of a.timers) clearTimeout(t);
    this.accepted.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** Where accepted text sits now: at the offset it was shown at, else the nearest occurrence. */
function locate(docText: string, text: string, offset: number): TrackedRange | undefined {
  if (!text) return undefined;
  if (docText.startsWith(text, offset)) return { start: offset, end: offset + text.length };
  let best: number | undefined;
  for (let i = docText.indexOf(text); i >= 0; i = docText.indexOf(text, i + 1)) {
    if (best === undefined || Math.abs(i - offset) < Math.abs(best - offset)) best = i;
    if (i > offset) break;
  }
  return best === undefined ? undefined : { start: best, end: best + text.length };
}
