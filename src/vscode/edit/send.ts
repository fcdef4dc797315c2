/**
 * One edit request from VS Code: the prompt with the context engine's view of the region (its
 * outline and related code, or the language's symbol provider when the engine has none), sent
 * through the shared endpoint under a cancellable progress notification. The outcome teaches the
 * endpoint's health, so ghost text knows what the edit found (down, back).
 */
import * as vscode from 'vscode';
import type { EditBudget } from '../../core/edit/budget';
import { buildEditPrompt, type EditRound } from '../../core/edit/prompt';
import { editErrorMessage, requestEdit, type EditAnswer } from '../../core/edit/request';
import { renderSymbols } from '../../core/lang/outline';
import type { BuiltPrompt, ModelErrorInfo, Snippet } from '../../core/types';
import type { Services } from '../services';
import { outlineOf } from './outline';

/** What an edit asks: the region of the document, the instruction and the rounds before it. */
export interface EditAsk {
  doc: vscode.TextDocument;
  /** The document's text when asked. */
  text: string;
  range: { start: number; end: number };
  instruction: string;
  rounds: EditRound[];
  model: string;
  budget: EditBudget;
}

export async function editPrompt(services: Services, ask: EditAsk): Promise<BuiltPrompt> {
  const relPath = vscode.workspace.asRelativePath(ask.doc.uri);
  const fromEngine = engineContext(services, ask.doc, ask.text, ask.range.start, relPath);
  return buildEditPrompt({
    languageId: ask.doc.languageId,
    path: relPath,
    text: ask.text,
    range: ask.range,
    instruction: ask.instruction,
    outline: fromEngine.outline ?? (await outlineOf(ask.doc)),
    related: fromEngine.related,
    budget: ask.budget,
    history: ask.rounds,
  });
}

/** Sends the edit with a progress notification (Cancel or `signal` aborts); never throws. */
export async function sendEdit(services: Services, prompt: BuiltPrompt, original: string, ask: EditAsk, signal: AbortSignal, abort: () => void): Promise<EditAnswer> {
  const { endpoint, config } = services;
  const client = endpoint.client;
  if (!client) {
    const error = { kind: 'not-configured' as const, message: 'no endpoint configured' };
    return { ok: false, error, message: editErrorMessage(error), ms: 0 };
  }
  // A key the endpoint refused stays refused until it changes: say so now rather than ask again.
  const h = endpoint.health.current;
  if (h.kind === 'open' && h.error.kind === 'auth') return { ok: false, error: h.error, message: editErrorMessage(h.error), ms: 0 };
  const answer = await vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title: 'Intent Complete: editing', cancellable: true }, (progress, token) => {
      token.onCancellationRequested(abort);
      let lines = 0;
      return requestEdit(client, prompt, original, {
        model: ask.model,
        timeoutMs: config.settings.editTimeoutMs,
        maxTokens: ask.budget.maxTokens,
        signal,
        onPartial: (t) => {
          const n = t.split('\n').length;
          if (n !== lines) progress.report({ message: `${n} line${n === 1 ? '' : 's'} received (Esc to cancel)` });
          lines = n;
        },
      });
    })
    .then(
      (a) => a,
      (e: unknown) => ({ ok: false as const, error: { kind: 'bad-response' as const, message: String(e) }, message: `Intent Complete: the edit failed: ${String(e)}`, ms: 0 }),
    );
  // The endpoint answered (an empty or unchanged proposal is still an answer); a cancel says nothing of it.
  const e = answer.ok ? undefined : answer.error;
  if (!e || e.kind === 'empty' || e.kind === 'unchanged') endpoint.report(undefined);
  else if (e.kind !== 'cancelled' && e.kind !== 'not-configured') endpoint.report(e as ModelErrorInfo);
  return answer;
}

/** The context engine's view at the region: the file's tree-sitter outline and related code. */
function engineContext(services: Services, doc: vscode.TextDocument, text: string, offset: number, relPath: string): { outline?: string; related: Snippet[] } {
  try {
    const pos = doc.positionAt(offset);
    const req = {
      doc: { uri: doc.uri.toString(), fsPath: doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined, languageId: doc.languageId, text, version: doc.version },
      cursor: { line: pos.line, character: pos.character, offset },
      explicit: true,
    };
    const symbols = services.context.currentOutline(req, relPath).symbols;
    const outline = symbols.length ? renderSymbols(symbols, doc.languageId).slice(0, 4000) : undefined;
    return { outline, related: services.context.preview(req, services.config.settings).snippets };
  } catch (e) {
    services.log.warn(`edit: context engine failed: ${e instanceof Error ? e.message : String(e)}`);
    return { related: [] };
  }
}
