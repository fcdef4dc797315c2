/**
 * The two baseline prompts of `bench context` (issue 7), rendered with the same template and
 * budget as ours:
 *  - prefixOnly: the last budget's worth of text before the cursor;
 *  - jaccardNeighbors (Copilot-like): 50% prefix, 15% suffix, 35% for the top 4 sixty-line windows
 *    by Jaccard similarity to the 60 lines above the cursor, from the files the current file imports
 *    and the files in its folder.
 */
import type { Snippet } from '../core/types';
import { topWindows } from '../core/context/similar';
import type { SymbolIndex } from '../core/workspace/symbolIndex';
import type { FimTemplate, RenderedPrompt } from '../core/context/templates';

export interface BaselineInput {
  text: string;
  offset: number;
  cursorLine: number;
  path: string;
  repoName: string;
  languageId: string;
  template: FimTemplate;
  budgetChars: number;
}

const size = (r: RenderedPrompt) => r.prompt.length + (r.suffix?.length ?? 0);

export function prefixOnlyPrompt(i: BaselineInput): RenderedPrompt & { prefix: string; suffixText: string; snippets: Snippet[] } {
  const render = (prefix: string) => i.template.render({ prefix, suffix: '', snippets: [], path: i.path, repoName: i.repoName, languageId: i.languageId });
  const room = Math.max(0, i.budgetChars - size(render('')));
  const prefix = i.text.slice(Math.max(0, i.offset - room), i.offset);
  return { ...render(prefix), prefix, suffixText: '', snippets: [] };
}

export function jaccardNeighborsPrompt(i: BaselineInput, index: SymbolIndex): RenderedPrompt & { prefix: string; suffixText: string; snippets: Snippet[] } {
  const B = i.budgetChars;
  const render = (prefix: string, suffix: string, snippets: Snippet[]) =>
    i.template.render({ prefix, suffix, snippets, path: i.path, repoName: i.repoName, languageId: i.languageId });
  const lines = i.text.split('\n');
  const query = lines.slice(Math.max(0, i.cursorLine - 60), i.cursorLine).join('\n');
  const candidates = new Set([...index.importsOf(i.path), ...index.siblingsOf(i.path)]);
  candidates.delete(i.path);
  const files = [...candidates]
    .sort()
    .map((p) => ({ path: p, text: index.file(p)?.text ?? '' }))
    .filter((f) => f.text);
  const windows = topWindows(query, files, { windowLines: 60, stride: 10, k: 4 });
  const snippets: Snippet[] = [];
  let room = Math.floor(B * 0.35);
  for (const w of windows) {
    const cost = w.path.length + 16;
    if (room - cost < 80) break;
    let text = w.text;
    // Comment-style templates spend ~3 characters a line on the comment marker.
    const perLine = i.template.name === 'qwen' || i.template.name === 'starcoder' || i.template.name === 'chat' ? 1 : 4;
    let est = text.length + text.split('\n').length * (perLine - 1) + cost;
    while (est > room && text.includes('\n')) {
      text = text.slice(0, text.lastIndexOf('\n'));
      est = text.length + text.split('\n').length * (perLine - 1) + cost;
    }
    if (est > room) break;
    room -= est;
    snippets.push({ path: w.path, text, reason: `jaccard ${w.score.toFixed(2)}` });
  }
  const suffixMax = Math.floor(B * 0.15);
  const after = i.text.slice(i.offset);
  const suffix = after.length > suffixMax ? after.slice(0, Math.max(0, after.lastIndexOf('\n', suffixMax) + 1)) : after;
  let prefixMax = Math.floor(B * 0.5);
  let prefix = '';
  let r = render('', suffix, snippets);
  for (let guard = 0; guard < 32; guard++) {
    const start = Math.max(0, i.offset - prefixMax);
    const nl = start === 0 ? 0 : i.text.indexOf('\n', start) + 1;
    prefix = i.text.slice(nl > 0 && nl <= i.offset ? nl : start, i.offset);
    r = render(prefix, suffix, snippets);
    const over = size(r) - B;
    if (over <= 0) break;
    prefixMax -= over;
  }
  return { ...r, prefix, suffixText: suffix, snippets };
}
