/**
 * The VS Code side of ghost text: turns a provideInlineCompletionItems call into a request to the
 * core scheduler of that document (typed-ahead cache, in-flight reuse, adaptive debounce,
 * cancellation — src/core/schedule/scheduler.ts) and its outcome into an InlineCompletionItem.
 * Also sends the optional warm-up request when a file is opened or focused. Never throws into
 * VS Code.
 */
import * as vscode from 'vscode';
import { isEnabledFor, type Settings } from '../core/config';
import type { CompletionPipeline } from '../core/pipeline';
import { RequestScheduler } from '../core/schedule/scheduler';
import type { CompletionOutcome, CompletionRequest, Logger } from '../core/types';
import { closingRange, withSelectedItem } from './inlineItem';

export interface ProviderHooks {
  settings(): Settings;
  /** Whether this document may be read into a prompt at all (secrets, ignored, binary, huge). */
  allowed(doc: vscode.TextDocument): boolean;
  /** A request went to the model (the scheduler fired); each is followed by one onRequestEnd. */
  onRequestStart(): void;
  onRequestEnd(): void;
  /**
   * `debounceMs`: how long the scheduler waited before asking the model (0 for cache answers).
   * `shown`: where the suggestion shows in the real document and as what, when that is not the
   * outcome's text at the request's cursor (the request was made as if the selected IntelliSense
   * item were inserted).
   */
  onOutcome(outcome: CompletionOutcome, req: CompletionRequest, doc: vscode.TextDocument, debounceMs: number, shown?: { offset: number; text: string }): void;
}

export const ACCEPT_COMMAND = 'intentComplete.accepted';

/** Documents opened in these schemes are files the person works on (not git views, output, settings). */
const WARMUP_SCHEMES = new Set(['file', 'untitled', 'vscode-remote']);

export class InlineProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  /** One scheduler (so at most one request in flight) per document. */
  private readonly schedulers = new Map<string, RequestScheduler>();
  private readonly documents = new Map<string, vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Requests made as if the selected IntelliSense item were inserted: what of the item the document lacks. */
  private readonly viaItem = new WeakMap<CompletionRequest, { offset: number; lead: string }>();

  constructor(
    private readonly pipeline: CompletionPipeline,
    private readonly hooks: ProviderHooks,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri.toString())),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && void this.warmup(editor.document, editor.selection.active)),
      // A file opened (not only focused): prime the server's prompt cache at its start.
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (!WARMUP_SCHEMES.has(doc.uri.scheme)) return;
        const editor = vscode.window.activeTextEditor;
        void this.warmup(doc, editor?.document === doc ? editor.selection.active : new vscode.Position(0, 0));
      }),
    );
  }

  /** Requests currently in flight across all documents (tests, status). */
  get inflightCount(): number {
    let n = 0;
    for (const s of this.schedulers.values()) n += s.inflightCount;
    return n;
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const cancel = new AbortController();
    const sub = token.onCancellationRequested(() => cancel.abort());
    if (token.isCancellationRequested) cancel.abort();
    try {
      const settings = this.hooks.settings();
      const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
      if (!isEnabledFor(settings, document.languageId) && !explicit) return undefined;
      if (!this.hooks.allowed(document)) return undefined;
      // VS Code's suggestion list is open: complete as if its selected item were inserted, and show
      // the item's text followed by the suggestion over the item's range (VS Code shows only
      // suggestions that extend the selected item). The typed-ahead cache sees the same text
      // whether the item is selected in the list or accepted into the document.
      const sel = context.selectedCompletionInfo;
      const req = this.toRequest(document, position, explicit);
      let lead = '';
      let itemRange: vscode.Range | undefined;
      /** Edits after the item's start move by this much from the request's text to the document's. */
      let itemShift: { from: number; by: number } | undefined;
      if (sel) {
        if (sel.range.start.line !== position.line || sel.range.end.line !== position.line) return undefined;
        const start = document.offsetAt(sel.range.start);
        const end = document.offsetAt(sel.range.end);
        const v = withSelectedItem(req.doc.text, req.cursor.offset, { start, end, text: sel.text });
        if (!v) return undefined;
        req.doc = { ...req.doc, text: v.text };
        req.cursor = { line: position.line, character: sel.range.start.character + sel.text.length, offset: v.offset };
        lead = sel.text;
        itemRange = sel.range;
        itemShift = { from: start, by: end - start - sel.text.length };
        const typed = req.doc.text.slice(start, req.cursor.offset);
        // What of the item the document does not have yet (the typed part of its range is there).
        const have = document.getText(new vscode.Range(sel.range.start, position));
        this.viaItem.set(req, { offset: document.offsetAt(position), lead: typed.startsWith(have) ? typed.slice(have.length) : typed });
      }
      this.documents.set(req.doc.uri, document);
      const done = await this.scheduler(req.doc.uri).request(req, settings, cancel.signal);
      if (!done) return undefined;
      if (done.via !== 'model') this.notify(done.outcome, req, document, done.debounceMs);
      if (token.isCancellationRequested || !done.outcome.text) return undefined;
      const outcome = done.outcome;
      let text = outcome.text;
      let range = itemRange ? new vscode.Range(itemRange.start, itemRange.end) : new vscode.Range(position, position);
      // The rest of the line is brackets the editor closed and the suggestion closes them too: replace them.
      const lineText = req.doc.text.slice(req.doc.text.lastIndexOf('\n', req.cursor.offset - 1) + 1);
      const nl = lineText.indexOf('\n');
      const line = nl < 0 ? lineText : lineText.slice(0, nl);
      const lineBefore = line.slice(0, req.cursor.character);
      const rest = line.slice(req.cursor.character);
      const closing = closingRange(lineBefore, text, rest);
      if (closing && !itemRange) {
        text = closing.text;
        range = new vscode.Range(position, position.translate(0, closing.replace));
      } else if (closing && rest.slice(0, closing.replace) === closing.text.slice(-closing.replace)) {
        // The item's range must stay the item's (VS Code's rule): leave out what the rest already has.
        text = closing.text.slice(0, closing.text.length - closing.replace);
      }
      const item = new vscode.InlineCompletionItem(lead + text, range, {
        title: 'Accept',
        command: ACCEPT_COMMAND,
        arguments: [{ uri: document.uri.toString(), text: lead + text, source: outcome.source, additionalEdits: shiftEdits(outcome.additionalEdits, itemShift) }],
      });
      return [item];
    } catch (e) {
      this.log.error(`inline completion failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return undefined;
    } finally {
      sub.dispose();
    }
  }

  /** The optional warm-up request for a document the person opened or focused. */
  async warmup(document: vscode.TextDocument, position: vscode.Position): Promise<void> {
    try {
      const settings = this.hooks.settings();
      if (!isEnabledFor(settings, document.languageId) || !this.hooks.allowed(document)) return;
      const req = this.toRequest(document, position, false);
      // Local: parse and analyse now, not on the first keystroke.
      this.pipeline.prime(req, settings);
      if (!settings.warmup) return;
      // At most one per document a minute (the pipeline keeps count).
      await this.pipeline.warmup(req, settings);
    } catch (e) {
      this.log.trace(`warm-up failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    for (const s of this.schedulers.values()) s.dispose();
    this.schedulers.clear();
    this.documents.clear();
    for (const d of this.disposables) d.dispose();
  }

  private scheduler(uri: string): RequestScheduler {
    let s = this.schedulers.get(uri);
    if (!s) {
      s = new RequestScheduler(this.pipeline, undefined, undefined, {
        onModelStart: () => this.hooks.onRequestStart(),
        onModelEnd: (outcome, req, _aborted, debounceMs) => {
          this.hooks.onRequestEnd();
          const doc = this.documents.get(uri);
          if (doc) this.notify(outcome, req, doc, debounceMs);
        },
      });
      this.schedulers.set(uri, s);
    }
    return s;
  }

  private notify(outcome: CompletionOutcome, req: CompletionRequest, doc: vscode.TextDocument, debounceMs: number): void {
    const via = this.viaItem.get(req);
    this.hooks.onOutcome(outcome, req, doc, debounceMs, via && { offset: via.offset, text: via.lead + outcome.text });
  }

  private forget(uri: string): void {
    this.schedulers.get(uri)?.dispose();
    this.schedulers.delete(uri);
    this.pipeline.forgetWarmup(uri);
    this.documents.delete(uri);
  }

  private toRequest(document: vscode.TextDocument, position: vscode.Position, explicit: boolean): CompletionRequest {
    return {
      doc: {
        uri: document.uri.toString(),
        fsPath: document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
        languageId: document.languageId,
        text: document.getText(),
        version: document.version,
      },
      cursor: { line: position.line, character: position.character, offset: document.offsetAt(position) },
      explicit,
    };
  }
}

/** Auto-import edits in the document's offsets (the request's text had the selected item inserted). */
function shiftEdits(edits: { offset: number; text: string }[] | undefined, shift: { from: number; by: number } | undefined): { offset: number; text: string }[] | undefined {
  if (!edits || !shift) return edits;
  return edits.map((e) => (e.offset >= shift.from ? { ...e, offset: Math.max(shift.from, e.offset + shift.by) } : e));
}
