/**
 * The one place edits consult the consistency filter: which names in a proposal the filter does
 * not know. The proposal is never changed here; the review shows the names as a warning.
 *
 * The filter's own rules decide what is known (the document, the region being replaced, names the
 * proposal declares on earlier lines, the workspace knowledge the filter has). It stops at the first
 * line it objects to, so the proposal is walked in rounds: one call when nothing is unknown, one more
 * per objectionable line, so every unknown name is found with its place, not only the first.
 */
import type { FilterInput } from '../filter/types';
import type { FilterResult } from '../types';
import { NAME, wholeNamePattern } from '../lang/identifiers';

/** The part of ConsistencyFilter edits use. */
export interface NameFilter {
  check(input: FilterInput): FilterResult;
}

export interface UnknownName {
  name: string;
  /** 0-based line in the proposal, and UTF-16 column of its first occurrence there. */
  line: number;
  character: number;
}

export interface NameContext {
  /** Document text before and after the region, and the region's original text. */
  before: string;
  original: string;
  after: string;
  languageId: string;
  /** The document's path, so workspace knowledge (imports, neighbours) applies. */
  docPath?: string;
}

export function unknownNames(filter: NameFilter, proposal: string, ctx: NameContext): UnknownName[] {
  const text = proposal.replace(/\r\n/g, '\n');
  if (text.trim() === '') return [];
  // Two line breaks: the filter's "rest of line" and "next line" rules see nothing to dedupe against.
  const docSuffix = `\n\n${ctx.after}`;
  const ask = (t: string, prefix: string) =>
    filter.check({ text: t, docPrefix: prefix, docSuffix, languageId: ctx.languageId, stop: [], multiline: true, maxLines: 1_000_000, docPath: ctx.docPath });
  const lines = text.split('\n');
  const declared = declaredIn(text);
  const out: UnknownName[] = [];
  const seen = new Set<string>();
  let prefix = `${ctx.before}${ctx.original}\n`;
  let start = 0;
  // The filter answers for the first line it objects to, and its clean-up may cut the text short
  // without objecting: each round moves the lines it settled into the known text and goes on.
  for (let round = 0; start < lines.length && round < lines.length + 1; round++) {
    if (!lines.slice(start).some((l) => /[A-Za-z_$]/.test(l))) break;
    const r = ask(lines.slice(start).join('\n'), prefix);
    const kept = r.shown ? r.shown.split('\n').length : 0;
    let next: number;
    if (r.unknown.length === 0) {
      if (r.verdict === 'keep' && kept >= lines.length - start - trailingBlank(lines)) break;
      next = start + Math.max(1, kept);
    } else {
      const bad = findLine(lines, start + kept, r.unknown);
      for (const name of r.unknown) {
        if (seen.has(name) || declared.has(name)) continue;
        seen.add(name);
        out.push({ name, line: bad, character: wordIndex(lines[bad], name) });
      }
      next = bad + 1;
    }
    prefix += lines.slice(start, next).join('\n') + '\n';
    start = next;
  }
  return out;
}

function trailingBlank(lines: readonly string[]): number {
  let n = 0;
  while (n < lines.length && lines[lines.length - 1 - n].trim() === '') n++;
  return n;
}

/** The first line from `from` on that names one of `names` (the line the filter objected to). */
function findLine(lines: readonly string[], from: number, names: readonly string[]): number {
  for (let i = Math.min(from, lines.length - 1); i < lines.length; i++) {
    if (names.some((n) => wholeNamePattern(n).test(lines[i]))) return i;
  }
  return Math.min(from, lines.length - 1);
}

/** Names the proposal declares anywhere (a helper used above its definition is not invented). */
function declaredIn(text: string): Set<string> {
  const out = new Set<string>();
  const decl = new RegExp(`\\b(?:function\\*?|class|def|const|let|var|fn|func|type|interface|struct|enum|trait)\\s+(${NAME})`, 'g');
  for (const m of text.matchAll(decl)) out.add(m[1]);
  return out;
}

function wordIndex(line: string, name: string): number {
  const m = wholeNamePattern(name).exec(line);
  return m ? m.index : Math.max(0, line.indexOf(name));
}
