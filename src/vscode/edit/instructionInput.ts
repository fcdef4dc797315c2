/**
 * The instruction for an edit: a quick pick whose list is the recent instructions (newest first,
 * reached with Up/Down) and a few presets; typing gives a free-form instruction. Hiding it
 * (Esc) resolves undefined.
 *
 * As in Copilot's and Cursor's Ctrl+I boxes, Enter on an empty box does nothing: the first row
 * (the active one when the box opens) stands for what is typed, so a recent instruction or a
 * preset runs only once the person has moved to it, where it shows as selected.
 */
import * as vscode from 'vscode';

export const PRESETS: readonly { label: string; instruction: string }[] = [
  { label: '$(wrench) Fix', instruction: 'Fix the bugs in this code.' },
  { label: '$(book) Document', instruction: 'Add documentation comments in the style of the file.' },
  { label: '$(symbol-type-parameter) Add types', instruction: 'Add type annotations where they are missing.' },
  { label: '$(fold) Simplify', instruction: 'Simplify this code without changing what it does.' },
];

const HISTORY_KEY = 'intentComplete.editHistory';
const HISTORY_MAX = 30;

/** The recent instructions, newest first, as kept in `state` (globalState). */
export function instructionHistory(state: vscode.Memento): string[] {
  const h = state.get<unknown>(HISTORY_KEY);
  return Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
}

/** Puts `instruction` first in the kept history (once), up to HISTORY_MAX. */
export async function rememberInstruction(state: vscode.Memento, instruction: string): Promise<void> {
  const h = [instruction, ...instructionHistory(state).filter((x) => x !== instruction)].slice(0, HISTORY_MAX);
  await state.update(HISTORY_KEY, h);
}

interface Item extends vscode.QuickPickItem {
  instruction: string;
  /** The item that stands for what was typed (its text may lag the box by a keystroke). */
  typed?: boolean;
}

export interface InstructionOptions {
  title: string;
  placeholder: string;
  history: readonly string[];
}

export function askInstruction(opts: InstructionOptions): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = opts.title;
  qp.placeholder = opts.placeholder;
  qp.ignoreFocusOut = false;
  qp.matchOnDescription = true;
  const fixed: Item[] = [
    ...opts.history.map((h) => ({ label: `$(history) ${h}`, instruction: h, description: 'recent' })),
    ...PRESETS.map((p) => ({ label: p.label, instruction: p.instruction, description: p.instruction })),
  ];
  // With nothing typed the first row is a hint, not an instruction.
  const empty: Item = {
    label: '$(edit) Type an instruction',
    description: fixed.length ? 'or press Down for a recent one or a preset' : '',
    instruction: '',
    alwaysShow: true,
    typed: true,
  };
  const render = () => {
    const v = qp.value.trim();
    qp.items = [v ? { label: v, instruction: v, description: 'instruction', alwaysShow: true, typed: true } : empty, ...fixed];
  };
  render();
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (v: string | undefined) => {
      if (done) return;
      done = true;
      resolve(v && v.trim() ? v.trim() : undefined);
      qp.dispose();
    };
    qp.onDidChangeValue(render);
    // Enter right after the last keystroke can arrive before the list caught up with the box: the
    // typed item then still holds the text minus its last characters, so take the box's value.
    qp.onDidAccept(() => {
      const active = qp.activeItems[0];
      const v = !active || active.typed ? qp.value : active.instruction;
      // Enter on an empty box (or the hint row): nothing to do yet; the box stays open.
      if (v.trim()) finish(v);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
