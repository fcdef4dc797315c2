/** Places the person edited recently in other files, as related context. */
import type { RelatedItem } from './related';
import type { SymbolIndex } from '../workspace/symbolIndex';

/** What the editor knows beyond the document: open editors and recent edit places (workspace-relative). */
export interface EditorState {
  openFiles: readonly string[];
  recentEdits: readonly { path: string; line: number }[];
}

/** Up to the last four edit places in other files, eleven lines around each, as related items. */
export function recentEditItems(index: SymbolIndex, state: EditorState, current: string, excluded?: (p: string) => boolean): RelatedItem[] {
  const out: RelatedItem[] = [];
  const seen = new Set<string>();
  for (const e of state.recentEdits.slice(-4)) {
    if (e.path === current || excluded?.(e.path)) continue;
    const f = index.file(e.path);
    if (!f) continue;
    const from = Math.max(0, e.line - 5);
    const key = `${e.path}#edit#${Math.floor(from / 10)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const text =
      f.text
        .split('\n')
        .slice(from, e.line + 6)
        .join('\n') + '\n';
    out.push({ path: e.path, line: from, text, score: 0.8, reason: 'recent edit', key });
  }
  return out;
}
