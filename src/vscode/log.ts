/** The extension's log: one LogOutputChannel, exposed to the core as a Logger. */
import * as vscode from 'vscode';
import type { Logger } from '../core/types';

export function createLog(): Logger & vscode.Disposable & { show(): void } {
  const channel = vscode.window.createOutputChannel('Intent Complete', { log: true });
  return {
    trace: (m, ...a) => channel.trace(m, ...a),
    debug: (m, ...a) => channel.debug(m, ...a),
    info: (m, ...a) => channel.info(m, ...a),
    warn: (m, ...a) => channel.warn(m, ...a),
    error: (m, ...a) => channel.error(typeof m === 'string' ? m : String(m), ...a),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
