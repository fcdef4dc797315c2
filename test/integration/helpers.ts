/** Shared helpers for integration suites running inside the VS Code extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { IntentCompleteApi } from '../../src/extension';

export const EXTENSION_ID = 'intent-complete.intent-complete';

export async function api(): Promise<IntentCompleteApi> {
  const ext = vscode.extensions.getExtension<IntentCompleteApi | undefined>(EXTENSION_ID);
  assert.ok(ext, 'extension not installed');
  const value = await ext.activate();
  assert.ok(value, 'activate() returned no API (activation failed?)');
  return value;
}

/** Sets user (global) settings and waits until the extension sees them. */
export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('intentComplete');
  for (const [k, v] of Object.entries(values)) await cfg.update(k, v, vscode.ConfigurationTarget.Global);
  const a = await api();
  await waitFor(
    () => Object.entries(values).every(([k, v]) => JSON.stringify((a.ghost.settings as unknown as Record<string, unknown>)[k]) === JSON.stringify(v ?? defaultOf(k))),
    5000,
    'settings to apply',
  );
}

function defaultOf(key: string): unknown {
  const props = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } }).contributes
    .configuration.properties;
  return props[`intentComplete.${key}`]?.default;
}

/** Resets the given user settings to their defaults. */
export async function resetSettings(keys: string[]): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('intentComplete');
  for (const k of keys) await cfg.update(k, undefined, vscode.ConfigurationTarget.Global);
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Opens an untitled document with content and language, cursor at the end (or at `cursor`). */
export async function openDoc(content: string, language: string, cursor?: vscode.Position): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  const editor = await vscode.window.showTextDocument(doc);
  const pos = cursor ?? doc.positionAt(content.length);
  editor.selection = new vscode.Selection(pos, pos);
  return editor;
}

/**
 * Asks VS Code for an inline suggestion at the cursor (as Alt+\ does) and accepts it (as Tab
 * does), retrying until the document changes or the time is up. Returns the new text, or
 * undefined when no suggestion was shown.
 */
export async function triggerAndAccept(editor: vscode.TextEditor, timeoutMs = 15000): Promise<string | undefined> {
  const before = editor.document.getText();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    // Poll for the suggestion without re-triggering (a new trigger cancels the request in flight).
    const retriggerAt = Math.min(end, Date.now() + 2500);
    while (Date.now() < retriggerAt) {
      await sleep(100);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      const after = editor.document.getText();
      if (after !== before) return after;
    }
  }
  return undefined;
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
