/** Files reached through wholesale re-exports (`export * from`). */
import type { SymbolIndex } from '../workspace/symbolIndex';

/** Import re-export chains followed this many levels deep. */
export const REEXPORT_DEPTH = 3;

/** Names of the document with a score by closeness to the cursor. */
/**
 * `start` and the files they re-export wholesale (`export * from`), REEXPORT_DEPTH levels deep,
 * in the order reached; each is added to `seen`, and a file already there is neither listed nor followed.
 */
export function withReexports(index: SymbolIndex, start: readonly string[], seen: Set<string>): string[] {
  const out: string[] = [];
  let frontier = start;
  for (let depth = 0; depth < REEXPORT_DEPTH && frontier.length; depth++) {
    const next: string[] = [];
    for (const f of frontier) {
      if (seen.has(f)) continue;
      seen.add(f);
      out.push(f);
      for (const m of index.fileOutline(f)?.reexportAll ?? []) next.push(...index.resolveImport(f, m));
    }
    frontier = next;
  }
  return out;
}
