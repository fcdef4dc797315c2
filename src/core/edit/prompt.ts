/**
 * The chat messages for an edit: the region to rewrite, the code around it (under the budget),
 * the file's outline when there is one, the instruction, and for a refinement the earlier rounds.
 */
import { COMMON_CONTROL_TOKENS, neutralize } from '../model/families';
import type { BuiltPrompt, ChatMessage, Snippet } from '../types';
import type { EditBudget } from './budget';
import type { OffsetRange } from './rebase';

export interface EditRound {
  instruction: string;
  proposal: string;
}

export interface EditPromptInput {
  languageId: string;
  /** Path shown to the model (relative to the workspace when there is one). */
  path: string;
  /** The whole document. */
  text: string;
  range: OffsetRange;
  instruction: string;
  /** One line per symbol, indented by depth (see formatOutline). */
  outline?: string;
  /** Related code from other files (the context engine's snippets), best first. */
  related?: readonly Snippet[];
  budget: EditBudget;
  /** Earlier rounds of this edit (Refine): each instruction and what the model proposed. */
  history?: readonly EditRound[];
}

export const EDIT_SYSTEM_PROMPT = [
  'You edit code. The user marks a region of a file and says what to change.',
  'Reply with the complete rewritten region only, in one fenced code block, and nothing else:',
  'no explanation, no code from outside the region.',
  'Keep the indentation and the style of the file. Use only names that exist in the file, in its',
  'imports or in the standard library, or that you define in the region yourself.',
].join(' ');

export interface OutlineSymbol {
  name: string;
  kind: string;
  detail?: string;
  depth: number;
}

/** The outline as the prompt shows it: "kind name detail", indented by depth. */
export function formatOutline(symbols: readonly OutlineSymbol[], maxChars: number): string {
  const lines: string[] = [];
  let used = 0;
  for (const s of symbols) {
    const line = `${'  '.repeat(s.depth)}${s.kind} ${s.name}${s.detail ? ` ${s.detail}` : ''}`.slice(0, 200);
    if (used + line.length + 1 > maxChars) break;
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

function fence(lang: string, body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

export function buildEditPrompt(input: EditPromptInput): BuiltPrompt {
  const { text, range, budget } = input;
  const region = text.slice(range.start, range.end);
  const history = input.history ?? [];
  const historyChars = history.reduce((n, r) => n + r.instruction.length + r.proposal.length + 64, 0);
  const fixed = EDIT_SYSTEM_PROMPT.length + region.length + input.instruction.length + historyChars + 400;
  let room = Math.max(0, budget.totalChars - fixed);
  const outline = input.outline ? input.outline.slice(0, Math.min(input.outline.length, Math.floor(budget.totalChars * 0.15), room)) : '';
  room -= outline.length;
  let relatedRoom = Math.min(room, Math.floor(budget.totalChars * 0.2));
  const related: string[] = [];
  for (const sn of input.related ?? []) {
    const block = `${sn.path}:\n${fence(input.languageId, sn.text.replace(/\n$/, ''))}`;
    if (block.length > relatedRoom) continue;
    related.push(block);
    relatedRoom -= block.length;
    room -= block.length;
  }
  const beforeAll = text.slice(0, range.start);
  const afterAll = text.slice(range.end);
  // The code above matters more than the code below; either side takes what the other leaves.
  let beforeMax = Math.floor(room * 0.65);
  let afterMax = room - beforeMax;
  if (afterAll.length < afterMax) beforeMax += afterMax - afterAll.length;
  if (beforeAll.length < beforeMax) afterMax += beforeMax - beforeAll.length;
  const before = beforeAll.length > beforeMax ? fromLineStart(beforeAll.slice(beforeAll.length - beforeMax)) : beforeAll;
  const after = afterAll.length > afterMax ? toLineEnd(afterAll.slice(0, afterMax)) : afterAll;
  const lang = input.languageId;

  const parts = [`File: ${input.path} (${lang})`];
  if (related.length) parts.push(`Related code from other files:\n${related.join('\n')}`);
  if (outline) parts.push(`Outline of the file:\n${outline}`);
  parts.push(
    before.trim()
      ? `Code before the region${before.length < beforeAll.length ? ' (nearest part)' : ''}:\n${fence(lang, before.replace(/\n$/, ''))}`
      : 'The region starts the file.',
  );
  parts.push(`Region to rewrite:\n${fence(lang, region)}`);
  parts.push(
    after.trim() ? `Code after the region${after.length < afterAll.length ? ' (nearest part)' : ''}:\n${fence(lang, after.replace(/^\n/, ''))}` : 'The region ends the file.',
  );
  const first = history.length > 0 ? history[0].instruction : input.instruction;
  parts.push(`Instruction: ${first}`);
  // The file's text never spells a control token the server would read (model/families.ts);
  // the client puts them back together in the answer.
  const clean = (t: string) => neutralize(t, COMMON_CONTROL_TOKENS);
  const messages: ChatMessage[] = [
    { role: 'system', content: EDIT_SYSTEM_PROMPT },
    { role: 'user', content: clean(parts.join('\n\n')) },
  ];
  // Refinement: each earlier proposal, then the next instruction on top of it.
  for (let i = 0; i < history.length; i++) {
    messages.push({ role: 'assistant', content: clean(fence(lang, history[i].proposal)) });
    const next = i + 1 < history.length ? history[i + 1].instruction : input.instruction;
    messages.push({ role: 'user', content: clean(`Now change your last version of the region: ${next}\nReply with the whole region again, in one fenced code block.`) });
  }
  return {
    prompt: messages.map((m) => m.content).join('\n\n'),
    messages,
    stop: [],
    prefix: before,
    suffixText: after,
    snippets: [],
    template: 'edit-chat',
    multiline: true,
  };
}

function fromLineStart(s: string): string {
  const nl = s.indexOf('\n');
  return nl >= 0 ? s.slice(nl + 1) : s;
}

function toLineEnd(s: string): string {
  const nl = s.lastIndexOf('\n');
  return nl > 0 ? s.slice(0, nl) : s;
}
