/**
 * How much an edit may send. An edit's prompt budget is EDIT_BUDGET_FACTOR × the ghost-text
 * budget (intentComplete.contextBudget, in tokens of 4 characters). The region may use at most
 * half of it, since the answer repeats it; the surrounding code and the outline share the rest.
 */
import { CHARS_PER_TOKEN } from '../context/budget';

export const EDIT_BUDGET_FACTOR = 4;

export interface EditBudget {
  /** Whole prompt, in characters. */
  totalChars: number;
  /** The region itself, in characters. */
  regionChars: number;
  /** Tokens the model may answer with. */
  maxTokens: number;
}

export function editBudget(contextBudgetTokens: number, regionLength: number): EditBudget {
  const totalChars = contextBudgetTokens * EDIT_BUDGET_FACTOR * CHARS_PER_TOKEN;
  const regionTokens = Math.ceil(regionLength / CHARS_PER_TOKEN);
  return {
    totalChars,
    regionChars: Math.floor(totalChars / 2),
    // Room to rewrite the region at twice its size, plus a margin; never past 16k tokens.
    maxTokens: Math.min(16384, Math.max(256, regionTokens * 2 + 256)),
  };
}

export type BudgetCheck = { ok: true; budget: EditBudget } | { ok: false; message: string };

/** Whether a region fits; the message says by how much it does not and what to do. */
export function checkBudget(contextBudgetTokens: number, regionLength: number): BudgetCheck {
  const budget = editBudget(contextBudgetTokens, regionLength);
  if (regionLength <= budget.regionChars) return { ok: true, budget };
  const fmt = (n: number) => n.toLocaleString('en-US');
  return {
    ok: false,
    message:
      `The selection is too large to edit: ${fmt(regionLength)} characters (about ${fmt(Math.ceil(regionLength / CHARS_PER_TOKEN))} tokens); ` +
      `an edit can take at most ${fmt(budget.regionChars)} characters with intentComplete.contextBudget = ${contextBudgetTokens}. ` +
      'Select less, or raise intentComplete.contextBudget. Nothing was sent.',
  };
}
