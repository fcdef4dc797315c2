/**
 * Edit Selection (Ctrl+I): target → instruction → request → review → accept / reject / refine.
 * The inline review puts the proposal in the document as one edit while it is under review and
 * takes it back exactly on Reject, Esc or a new request; Accept keeps it (so one Undo after Accept
 * gives the original back). Undo during the review is a Reject; typing into the proposal keeps it
 * as typed. The diff-editor review never changes the document before Accept, which is then one
 * WorkspaceEdit. Commands return an EditResult so tests (and other commands) can drive it.
 */
import * as vscode from 'vscode';
import { checkBudget } from '../../core/edit/budget';
import { diffLines, splitLines, toHunks } from '../../core/edit/diff';
import { unknownNames } from '../../core/edit/names';
import { selectionTarget, targetAt } from '../../core/edit/target';
import type { EditEvent, QualityLog } from '../../core/stats/events';
import { DiffReview, PROPOSAL_SCHEME } from './diffReview';
import { InlineReview } from './inlineReview';
import { askInstruction, instructionHistory, rememberInstruction } from './instructionInput';
import { unknownWarning, type PendingProposal, type Review } from './proposal';
import { editPrompt, sendEdit } from './send';
import { RangeTracker } from './tracker';
import type { Services } from '../services';
import type { LocalEngine } from '../localEngine/manager';
import type { EditRound } from '../../core/edit/prompt';

export const EDIT_COMMAND = 'intentComplete.editSelection';
const PENDING_KEY = 'intentComplete.editPending';
const REQUESTING_KEY = 'intentComplete.editRequesting';

export type EditResult =
  | { status: 'pending'; proposal: string; unknown: string[]; warning?: string }
  | { status: 'accepted' | 'rejected' }
  | { status: 'nothing'; message?: string }
  | { status: 'failed' | 'cancelled' | 'discarded'; message: string };

export interface EditDeps {
  /** What ghost text uses too: the filter (names judged alike), the context engine, the endpoint and its health. */
  services: Services;
  quality: QualityLog;
  /** Where the instruction history is kept (globalState). */
  state: vscode.Memento;
}

interface Session {
  id: number;
  doc: vscode.TextDocument;
  tracker: RangeTracker;
  original: string;
  /** Earlier rounds (each refined proposal and the instruction that produced it). */
  rounds: EditRound[];
  instruction: string;
  model: string;
  latencyMs: number;
  pending?: PendingProposal;
  review?: Review;
}

export class EditFeature implements vscode.Disposable {
  private session: Session | undefined;
  private askingInstruction = false;
  private requesting: AbortController | undefined;
  private seq = 0;
  private readonly inline = new InlineReview();
  private readonly diff = new DiffReview();
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    border: '1px dashed',
    borderColor: new vscode.ThemeColor('editorInfo.foreground'),
  });
  private readonly subs: vscode.Disposable[];
  /** The status-bar hint of the proposal under review (how to accept, or its unknown names); goes with it. */
  private hint: vscode.Disposable | undefined;

  constructor(private readonly d: EditDeps) {
    const reg = (id: string, fn: (arg?: unknown) => Promise<EditResult>) =>
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        try {
          return await fn(arg);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          d.services.log.error(`${id} failed: ${e instanceof Error ? e.stack : msg}`);
          void vscode.window.showErrorMessage(`Intent Complete: the edit failed: ${msg}`);
          return { status: 'failed', message: msg } satisfies EditResult;
        }
      });
    this.subs = [
      reg(EDIT_COMMAND, (arg) => this.editSelection(instructionOf(arg))),
      reg('intentComplete.edit.accept', () => this.accept()),
      reg('intentComplete.edit.reject', () => this.reject()),
      reg('intentComplete.edit.refine', (arg) => this.refine(instructionOf(arg))),
      reg('intentComplete.edit.cancel', async () => {
        this.requesting?.abort();
        return { status: 'nothing' };
      }),
      reg('intentComplete.edit.showWarning', async () => {
        const w = this.session?.pending?.warning;
        // Asked for from the code lens: a modal, which goes when answered (a toast would outlive the proposal).
        if (w) await this.offerActions(w);
        return { status: 'nothing' };
      }),
      this.inline,
      this.diff,
      this.highlight,
    ];
  }

  /** What is under review (tests, and the commands). */
  get pending(): (PendingProposal & { review: 'inline' | 'diffEditor'; proposalUri?: vscode.Uri }) | undefined {
    const s = this.session;
    if (!s?.pending) return undefined;
    return { ...s.pending, review: s.review === this.diff ? 'diffEditor' : 'inline', proposalUri: s.review === this.diff ? this.diff.proposalUri : undefined };
  }

  get busy(): boolean {
    return this.requesting !== undefined;
  }

  /** The instruction box is open (tests). */
  get asking(): boolean {
    return this.askingInstruction;
  }

  async editSelection(instructionArg: string | undefined): Promise<EditResult> {
    if (this.requesting) return this.tell('info', 'an edit is already being made; press Esc to cancel it.', 'nothing');
    if (this.session) await this.finish('rejected');
    const editor = vscode.window.activeTextEditor;
    if (!editor) return this.tell('info', 'open a file and select the code to edit.', 'nothing');
    const doc = editor.document;
    if (isReadOnly(doc)) return this.tell('info', `${shortName(doc)} is read-only; there is nothing to edit.`, 'nothing');
    // The built-in engine edits when its model can chat; else it says which model it needs.
    const engine = await this.engineForEdit();
    if (engine === 'cancelled') return { status: 'cancelled', message: 'cancelled while the built-in engine started' };
    if (engine && !engine.ok) return this.tell('info', engine.message, 'nothing');
    const s = this.d.services.config.settings;
    const model = s.editModel || s.model;
    if (!s.endpoint || !model) {
      void vscode.window
        .showWarningMessage('Intent Complete: no endpoint or model configured for edits.', 'Configure Endpoint')
        .then((c) => c && vscode.commands.executeCommand('intentComplete.configureEndpoint'));
      return { status: 'failed', message: 'no endpoint configured' };
    }
    const version = doc.version;
    const text = doc.getText();
    const sel = editor.selection;
    const target = sel.isEmpty ? await targetAt(text, doc.offsetAt(sel.active), doc.languageId) : selectionTarget(text, doc.offsetAt(sel.start), doc.offsetAt(sel.end));
    if (doc.version !== version) return this.tell('info', 'the document changed; run Edit Selection again.', 'nothing');
    const original = text.slice(target.start, target.end);
    const budget = checkBudget(s.contextBudget, original.length);
    if (!budget.ok) {
      this.record('failed', 0, [], model, doc.languageId);
      void vscode.window.showWarningMessage(budget.message);
      return { status: 'failed', message: budget.message };
    }
    const session: Session = {
      id: ++this.seq,
      doc,
      tracker: new RangeTracker(doc, target, (why) => this.onStale(session, why)),
      original,
      rounds: [],
      instruction: '',
      model,
      latencyMs: 0,
    };
    this.session = session;
    // Show what will be edited before asking what to do with it.
    const hl = new vscode.Range(doc.positionAt(target.start), doc.positionAt(target.end));
    editor.setDecorations(this.highlight, [hl]);
    editor.revealRange(hl, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    try {
      let instruction = instructionArg;
      if (instruction === undefined) {
        this.askingInstruction = true;
        try {
          instruction = await askInstruction({
            title: `Intent Complete: edit ${target.kind === 'selection' ? 'selection' : `${target.kind} at line ${hl.start.line + 1}`}`,
            placeholder: 'What should change? (Down: recent instructions and presets; Esc: cancel)',
            history: instructionHistory(this.d.state),
          });
        } finally {
          this.askingInstruction = false;
        }
      }
      if (!instruction || !instruction.trim()) {
        this.endSession(session);
        if (instructionArg !== undefined) return { status: 'nothing', message: 'no instruction' };
        // The instruction box was closed (Esc, focus lost): the person changed their mind.
        this.record('cancelled', 0, [], model, doc.languageId);
        return { status: 'cancelled', message: 'cancelled in the instruction box' };
      }
      session.instruction = instruction.trim();
      await rememberInstruction(this.d.state, session.instruction);
      return await this.run(session);
    } finally {
      for (const e of vscode.window.visibleTextEditors) if (e.document === doc) e.setDecorations(this.highlight, []);
    }
  }

  /** The built-in engine for this edit; while it starts, a cancellable notification says so. */
  private async engineForEdit(): Promise<Awaited<ReturnType<LocalEngine['forEdit']>> | 'cancelled'> {
    const local = this.d.services.local;
    if (!local?.enabled || local.current) return local?.forEdit();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Intent Complete: starting the built-in engine', cancellable: true },
      async (_progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          const r = await local.forEdit(ac.signal);
          return ac.signal.aborted ? 'cancelled' : r;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  async refine(instructionArg: string | undefined): Promise<EditResult> {
    const s = this.session;
    if (!s?.pending) return { status: 'nothing', message: 'no proposal to refine' };
    const instruction =
      instructionArg ??
      (await askInstruction({
        title: 'Intent Complete: refine the proposal',
        placeholder: 'What should change in the proposal? (Esc: keep it as it is)',
        history: instructionHistory(this.d.state),
      }));
    if (!instruction || !instruction.trim() || this.session !== s || !s.pending) return { status: 'nothing', message: 'no instruction' };
    const previous = s.pending;
    this.recordFor(s, 'refined', previous.unknown);
    await rememberInstruction(this.d.state, instruction.trim());
    s.rounds.push({ instruction: s.instruction, proposal: previous.proposal });
    s.instruction = instruction.trim();
    await this.hide(s);
    const r = await this.run(s, previous);
    return r;
  }

  async accept(): Promise<EditResult> {
    const s = this.session;
    const p = s?.pending;
    if (!s || !p) return { status: 'nothing', message: 'no proposal to accept' };
    const applied = s.review?.applied;
    if (applied) {
      // Under inline review the proposal is in the document already: it stays as it is.
      if (!applied.intact) return this.discard(s, 'the code under review changed');
      await this.hide(s, true);
      this.endSession(s);
      this.recordFor(s, 'accepted', p.unknown);
      return { status: 'accepted' };
    }
    const range = s.tracker.vscodeRange;
    // Never over text the person changed: the region must still be exactly what was sent.
    if (!range || s.doc.getText(range) !== s.original) return this.discard(s, 'the code under review changed');
    s.tracker.dispose();
    await this.hide(s);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(s.doc.uri, range, p.proposal);
    const ok = await vscode.workspace.applyEdit(edit);
    this.endSession(s);
    if (!ok) {
      this.recordFor(s, 'failed', p.unknown);
      return this.tell('error', `could not apply the edit to ${shortName(s.doc)} (is it read-only?).`, 'failed');
    }
    this.recordFor(s, 'accepted', p.unknown);
    return { status: 'accepted' };
  }

  async reject(): Promise<EditResult> {
    if (!this.session) return { status: 'nothing', message: 'no proposal to reject' };
    await this.finish('rejected');
    return { status: 'rejected' };
  }

  /** Sends the request for the session's current instruction and starts the review. */
  private async run(s: Session, previous?: PendingProposal): Promise<EditResult> {
    const range = s.tracker.range;
    if (!range) return this.discard(s, 'the code changed');
    const settings = this.d.services.config.settings;
    const text = s.doc.getText();
    const budget = checkBudget(settings.contextBudget, s.original.length);
    if (!budget.ok) return this.fail(s, budget.message);
    const ask = { doc: s.doc, text, range, instruction: s.instruction, rounds: s.rounds, model: s.model, budget: budget.budget };
    const prompt = await editPrompt(this.d.services, ask);
    const ac = new AbortController();
    this.requesting = ac;
    void vscode.commands.executeCommand('setContext', REQUESTING_KEY, true);
    const answer = await sendEdit(this.d.services, prompt, s.original, ask, ac.signal, () => ac.abort());
    this.requesting = undefined;
    void vscode.commands.executeCommand('setContext', REQUESTING_KEY, false);
    s.latencyMs = answer.ms;
    if (this.session !== s) return { status: 'discarded', message: 'superseded' };
    if (!answer.ok) {
      if (previous) {
        // A failed or cancelled refinement keeps the proposal that was there.
        if (answer.error.kind !== 'cancelled') void vscode.window.showErrorMessage(answer.message);
        s.rounds.pop();
        return this.review(s, previous);
      }
      if (answer.error.kind === 'cancelled') {
        this.recordFor(s, 'cancelled');
        this.endSession(s);
        vscode.window.setStatusBarMessage('Intent Complete: edit cancelled', 3000);
        return { status: 'cancelled', message: answer.message };
      }
      this.d.services.log.warn(`edit failed: ${answer.error.kind}: ${answer.error.message}`);
      return this.fail(s, answer.message);
    }
    const now = s.tracker.range;
    if (!now || s.doc.getText(new vscode.Range(s.doc.positionAt(now.start), s.doc.positionAt(now.end))) !== s.original) {
      return this.discard(s, 'the code changed while the edit was being made');
    }
    if (s.tracker.moved) this.d.services.log.info('edit: the document changed outside the region during the request; the proposal was rebased');
    const unknown = unknownNames(this.d.services.filter, answer.proposal, {
      before: s.doc.getText().slice(0, now.start),
      original: s.original,
      after: s.doc.getText().slice(now.end),
      languageId: s.doc.languageId,
      docPath: s.doc.uri.scheme === 'file' ? s.doc.uri.fsPath : undefined,
    });
    if (unknown.length) this.d.services.log.info(`edit proposal names unknown: ${unknown.map((u) => u.name).join(', ')}`);
    const pending: PendingProposal = {
      id: s.id * 1000 + s.rounds.length,
      doc: s.doc,
      tracker: s.tracker,
      original: s.original,
      proposal: answer.proposal,
      hunks: toHunks(diffLines(splitLines(s.original), splitLines(answer.proposal))),
      unknown,
      warning: unknownWarning(unknown),
    };
    return this.review(s, pending);
  }

  private async review(s: Session, p: PendingProposal): Promise<EditResult> {
    s.review = this.d.services.config.settings.editReview === 'diffEditor' ? this.diff : this.inline;
    if (s.review === this.inline) {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === s.doc);
      if (!editor) await vscode.window.showTextDocument(s.doc, { preview: false });
    }
    if (!(await s.review.show(p))) return this.discard(s, 'the proposal could not be put in the document');
    // Pending only once shown: the inline review's own edit of the region is not a change by the person.
    s.pending = p;
    await vscode.commands.executeCommand('setContext', PENDING_KEY, true);
    // No toast: a notification cannot be taken back when the proposal goes. The warning is on the
    // code lens over the region, in the hover and here, and all of them go with the proposal.
    this.hint?.dispose();
    this.hint = vscode.window.setStatusBarMessage(
      p.warning ? `$(warning) Intent Complete: ${p.warning} Tab accepts, Esc rejects.` : 'Intent Complete: Tab or Ctrl+Enter accepts the edit, Esc rejects it',
      p.warning ? 60_000 : 5000,
    );
    return { status: 'pending', proposal: p.proposal, unknown: p.unknown.map((u) => u.name), warning: p.warning };
  }

  private async offerActions(message: string): Promise<void> {
    const id = this.session?.id;
    const c = await vscode.window.showWarningMessage(`Intent Complete: ${message}`, { modal: true }, 'Accept', 'Reject', 'Refine…');
    if (!c || this.session?.id !== id) return;
    if (c === 'Accept') await vscode.commands.executeCommand('intentComplete.edit.accept');
    else if (c === 'Reject') await vscode.commands.executeCommand('intentComplete.edit.reject');
    else await vscode.commands.executeCommand('intentComplete.edit.refine');
  }

  private onStale(s: Session, why: 'overlap' | 'closed'): void {
    // During the request the result is checked when it comes; during review, end the review now.
    if (this.session !== s || !s.pending) return;
    const applied = s.review?.applied;
    if (applied && why === 'overlap') void this.endChanged(s, applied.undone);
    else void this.discard(s, why === 'closed' ? 'the document was closed' : 'the code under review changed');
  }

  /**
   * The person changed a proposal that stands in the document: Undo took it back (a Reject), or
   * they typed into it (it stays as they made it: an Accept). Their text is never taken back.
   */
  private async endChanged(s: Session, undone: boolean): Promise<void> {
    const p = s.pending;
    if (!p) return;
    this.recordFor(s, undone ? 'rejected' : 'accepted', p.unknown);
    this.endSession(s);
    await this.hide(s, true);
    if (!undone) vscode.window.setStatusBarMessage('Intent Complete: the proposal stays as you changed it (Ctrl+Z undoes)', 4000);
  }

  private async discard(s: Session, why: string): Promise<EditResult> {
    const message = `Intent Complete: ${why}; the proposal was discarded and nothing was applied. Run Edit Selection again.`;
    this.recordFor(s, 'failed', s.pending?.unknown);
    await this.hide(s);
    this.endSession(s);
    void vscode.window.showWarningMessage(message);
    return { status: 'discarded', message };
  }

  private async fail(s: Session, message: string): Promise<EditResult> {
    this.recordFor(s, 'failed');
    await this.hide(s);
    this.endSession(s);
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', message };
  }

  private async finish(outcome: 'rejected'): Promise<void> {
    const s = this.session;
    if (!s) return;
    if (s.pending) this.recordFor(s, outcome, s.pending.unknown);
    const back = await this.hide(s);
    this.endSession(s);
    if (!back) void vscode.window.showWarningMessage(`Intent Complete: the proposal in ${shortName(s.doc)} was changed, so it was left as it is; Ctrl+Z undoes it.`);
  }

  /** Whether anything of a proposal is still on screen besides the review itself (tests). */
  get hintShown(): boolean {
    return this.hint !== undefined;
  }

  /**
   * Ends what is shown of the proposal. `keep`: a proposal the review put in the document stays
   * there; otherwise it is taken back (false when it could not be: it was changed, and stays).
   */
  private async hide(s: Session, keep = false): Promise<boolean> {
    this.hint?.dispose();
    this.hint = undefined;
    const review = s.review;
    s.pending = undefined;
    s.review = undefined;
    await vscode.commands.executeCommand('setContext', PENDING_KEY, false);
    return (await review?.clear(keep)) ?? true;
  }

  private endSession(s: Session): void {
    s.tracker.dispose();
    if (this.session === s) this.session = undefined;
  }

  /** Records the session's outcome with the names its proposal left unknown. */
  private recordFor(s: Session, outcome: EditEvent['outcome'], unknown: readonly { name: string }[] = []): void {
    this.record(
      outcome,
      s.latencyMs,
      unknown.map((u) => u.name),
      s.model,
      s.doc.languageId,
    );
  }

  private record(outcome: EditEvent['outcome'], latencyMs: number, unknown: string[], model: string, language: string): void {
    this.d.quality.record({ type: 'edit', at: Date.now(), outcome, latencyMs, unknown, model, language });
  }

  private tell(level: 'info' | 'error', message: string, status: 'nothing' | 'failed'): EditResult {
    const text = `Intent Complete: ${message}`;
    if (level === 'info') void vscode.window.showInformationMessage(text);
    else void vscode.window.showErrorMessage(text);
    return status === 'nothing' ? { status, message } : { status, message };
  }

  dispose(): void {
    this.hint?.dispose();
    this.requesting?.abort();
    if (this.session) this.endSession(this.session);
    for (const s of this.subs) s.dispose();
  }
}

function instructionOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && typeof (arg as { instruction?: unknown }).instruction === 'string') {
    return (arg as { instruction: string }).instruction;
  }
  return undefined;
}

function isReadOnly(doc: vscode.TextDocument): boolean {
  if (['output', 'git', 'vscode-scm', 'comment', PROPOSAL_SCHEME].includes(doc.uri.scheme)) return true;
  return vscode.workspace.fs.isWritableFileSystem(doc.uri.scheme) === false;
}

function shortName(doc: vscode.TextDocument): string {
  return doc.uri.path.split('/').pop() || doc.uri.toString();
}
