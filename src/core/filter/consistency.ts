/**
 * The filter stage: clean-up, then the consistency check. Every name a suggestion uses must be
 * known here — the current document, the workspace and its dependencies, the language's builtins,
 * or the suggestion itself — and every member must exist on its receiver's type where that type
 * can be resolved. A suggestion is kept, truncated before the first line that names an unknown
 * entity, or dropped when its first line does. Workspace exports the file does not import yet are
 * grounded: the suggestion is kept and accepting it adds the import.
 *
 * Parts: document analyses (docAnalyses.ts), each name's check (grounding.ts), receivers' types
 * (resolve.ts), what a suggestion names (suggestion.ts, scan.ts), auto-import (autoImport.ts).
 */
import type { FilterResult } from '../types';
import { builtins, familyOf } from './builtins';
import { cleanup } from './cleanup';
import { autoImport } from './autoImport';
import { DocumentAnalyses, TokensWithTyped } from './docAnalyses';
import { containersAt, tokensOf, type Container, type ContainerKind, type FileFacts } from './extract';
import { refKnown } from './grounding';
import { noWorkspace, type WorkspaceKnowledge } from './knowledge';
import { blankLiterals, closingQuote, literalEnd, literalState, PROSE_KINDS } from './literals';
import { checkProse } from './prose';
import { TypeResolver } from './resolve';
import { analyzeSuggestion } from './suggestion';
import type { SuggestionFacts } from './facts';
import type { FilterInput } from './types';

/** A result with what ranking needs. */
export interface CheckedCandidate extends FilterResult {
  parseErrors: number;
}

/** At most this much of the cursor's line after it is read for a quote that closes the suggestion's string. */
const LINE_REST_MAX = 4;
const STRINGISH = new Set(['string', 'template', 'substitution']);
const PROSE_LANGUAGES = new Set(['markdown', 'plaintext', 'restructuredtext', 'latex', 'asciidoc', 'org', 'txt', 'mdx']);

export class ConsistencyFilter {
  private knowledge: WorkspaceKnowledge;
  private readonly docs = new DocumentAnalyses();

  constructor(knowledge?: WorkspaceKnowledge) {
    this.knowledge = knowledge ?? noWorkspace;
  }

  /** Documents completed from the text before the cursor (see DocumentAnalyses.factsAt), for the benchmark. */
  get repairs(): number {
    return this.docs.repairs;
  }

  /** Document versions parsed and analysed (tests: text typed onto an analysed version is not). */
  get analyses(): number {
    return this.docs.analyses;
  }

  /** Swaps in a workspace index (e.g. once it has been built in the background). */
  setKnowledge(k: WorkspaceKnowledge): void {
    this.knowledge = k;
  }

  /**
   * Analyses a document ahead of `check` (call it while the model request is in flight), with the
   * cursor when known (a document broken around the cursor needs one more parse for it).
   */
  prepare(text: string, languageId: string, cursor?: number): void {
    builtins.warm();
    this.docs.prepare(text, languageId, cursor);
  }

  check(input: FilterInput): FilterResult {
    const { parseErrors: _p, ...r } = this.checkOne(input, false);
    return r;
  }

  /** Ranks several candidates: fewest unknown names, then fewest parse errors, then the longest. */
  best(inputs: FilterInput[]): FilterResult {
    const results = inputs.map((i) => this.checkOne(i, inputs.length > 1));
    results.sort((a, b) => rank(a) - rank(b) || a.unknown.length - b.unknown.length || a.parseErrors - b.parseErrors || b.shown.length - a.shown.length);
    const { parseErrors: _p, ...r } = results[0] ?? { verdict: 'drop', shown: '', unknown: [], cleanups: [], parseErrors: 0 };
    return r;
  }

  /**
   * The document's facts at the cursor and what the (cleaned) suggestion `text` names, as the check
   * reads them; `s` is undefined inside a string literal. Offsets (`at`) are in `lineBefore + text`.
   */
  analyze(input: FilterInput, text: string, wantParseErrors = true): { facts: FileFacts; s: SuggestionFacts | undefined; at: FilterInput } {
    // The version the suggestion is read on (see doc): this one, or an analysed one plus what was typed since.
    const found = this.docs.find(input.docPrefix, input.docSuffix, input.languageId, familyOf(input.languageId));
    const at: FilterInput = found.typed ? { ...input, docPrefix: found.prefix, docSuffix: found.suffix } : input;
    const cursor = found.prefix.length;
    const ownLine = found.prefix.slice(found.prefix.lastIndexOf('\n') + 1);
    // Text typed since is the document's: the snippet continues it, and only names reaching past it are read.
    const lineBefore = ownLine + found.typed;
    let facts = this.docs.factsAt(found.d, cursor);
    if (found.typed) facts = { ...facts, tokens: new TokensWithTyped(facts.tokens, tokensOf(found.typed)) };
    const chain = containersAt(facts, cursor);
    // In a string or template literal (its text or a `${…}` in it). One begun on this line is in
    // the snippet already (`lineBefore` holds its opening quote), so the suggestion parses as code
    // that holds a string: names in substitutions and after the closing quote are checked, text in
    // the string is not. Template openings begun on earlier lines are written before the snippet
    // (`` `${ `` for a substitution opened on an earlier line).
    let k = 0;
    while (k < chain.length && STRINGISH.has(chain[k].kind)) k++;
    const lineStart = cursor - ownLine.length;
    const earlier = chain.slice(0, k).filter((c) => c.start < lineStart);
    // Literal text is blanked before the snippet is read (see blankLiterals): a docstring or comment
    // open at the line's start, a string a one-line cut left unterminated. A template begun earlier
    // is opened again before the snippet instead (its substitutions are code).
    const open = literalState(found.prefix, input.languageId).lineStart;
    const quote = earlier.length === 0 ? closingQuote(lineBefore + text, open, found.suffix.slice(0, LINE_REST_MAX).split('\n', 1)[0], input.languageId) : '';
    const blanked = blankLiterals(lineBefore + text + quote, open, input.languageId, earlier.length > 0);
    const [before, body] = [blanked.slice(0, lineBefore.length), blanked.slice(lineBefore.length)];
    let s: SuggestionFacts | undefined;
    if (earlier.length === 0) s = analyzeSuggestion(before, body, input.languageId, containerKind(chain[k], lineStart), wantParseErrors);
    // A plain string from an earlier line cannot be reopened: text, not names.
    else if (earlier.some((c) => c.kind === 'string')) s = undefined;
    else {
      const opener = earlier
        .reverse()
        .map((c) => (c.kind === 'template' ? '`' : '${'))
        .join('');
      s = analyzeSuggestion(before, body, input.languageId, 'code', wantParseErrors, opener);
    }
    // Lines of the suggestion, not of the typed text before it.
    const typedLines = found.typed.split('\n').length - 1;
    if (s && typedLines > 0) for (const r of s.refs) r.line -= typedLines;
    return { facts, s, at };
  }

  /** `wantParseErrors`: count the suggestion's parse errors (only ranking needs them). */
  checkOne(input: FilterInput, wantParseErrors = true): CheckedCandidate {
    const cleaned = cleanup({
      text: input.text,
      prefix: input.docPrefix,
      suffix: input.docSuffix,
      stop: input.stop,
      multiline: input.multiline,
      maxLines: input.maxLines,
      languageId: input.languageId,
    });
    const base = { cleanups: cleaned.applied, parseErrors: 0 };
    if (cleaned.text === '') return { verdict: 'drop', shown: '', unknown: [], ...base };
    const text = cleaned.text;
    const lineBefore = input.docPrefix.slice(input.docPrefix.lastIndexOf('\n') + 1);
    const family = familyOf(input.languageId);

    // In prose (a prose language, a comment or docstring at the cursor): its words are checked as
    // prose up to where the comment or docstring ends; code after that end is checked for names.
    const atCursor = family === 'other' ? undefined : literalState(input.docPrefix, input.languageId).cursor;
    if (PROSE_LANGUAGES.has(input.languageId) || (atCursor && PROSE_KINDS.has(atCursor.kind))) {
      const end = atCursor ? literalEnd(text, atCursor, input.languageId) : -1;
      const doc = this.docs.find(input.docPrefix, input.docSuffix, input.languageId).d;
      const p = checkProse(
        lineBefore,
        end < 0 ? text : text.slice(0, end),
        doc.text,
        (w) => doc.facts.tokens.has(w) || (family !== 'other' && (builtins.isGlobal(w, family) || this.knowledge.hasName(w, input.docPath))),
      );
      const shown = text.slice(0, p.cutAt).replace(/\s+$/, '');
      if (p.unknown.length > 0) return useful(shown) ? { verdict: 'truncate', shown, unknown: p.unknown, ...base } : { verdict: 'drop', shown: '', unknown: p.unknown, ...base };
      if (end < 0 || text.slice(end).trim() === '') return { verdict: 'keep', shown: text, unknown: [], ...base };
    }

    // Names are checked only in languages whose names we can resolve (a grammar or builtins and
    // declarations); elsewhere (CSS, SQL, YAML, HTML, PHP, C#, Kotlin, …) words are not known to be names.
    if (family === 'other') return { verdict: 'keep', shown: text, unknown: [], ...base };
    const { facts, s, at } = this.analyze(input, text, wantParseErrors);
    // Inside a string literal: text, not names.
    if (!s) return { verdict: 'keep', shown: text, unknown: [], ...base };
    base.parseErrors = s.parseErrors;
    const resolver = new TypeResolver(facts, this.knowledge, family, input.docPath);
    const cursor = at.docPrefix.length;
    const ctx = { s, doc: facts, resolver, ws: this.knowledge, family, input: at, cursor };
    const imports = new Map<string, string>();
    const unknownByLine = new Map<number, string[]>();
    for (const ref of s.refs) {
      const verdict = refKnown(ref, ctx);
      if (verdict === true) continue;
      if (typeof verdict === 'string') {
        imports.set(ref.name, verdict);
        continue;
      }
      const list = unknownByLine.get(ref.line) ?? [];
      if (!list.includes(ref.name)) list.push(ref.name);
      unknownByLine.set(ref.line, list);
    }
    const lines = text.split('\n');
    const firstBad = unknownByLine.size ? Math.min(...unknownByLine.keys()) : -1;
    if (firstBad < 0) return { verdict: 'keep', shown: text, unknown: [], ...base, ...autoImport(imports, lines.length, s, facts, at) };
    const unknown = unknownByLine.get(firstBad)!;
    const shown = lines.slice(0, firstBad).join('\n').replace(/\s+$/, '');
    if (firstBad === 0 || !useful(shown)) return { verdict: 'drop', shown: '', unknown, ...base };
    return { verdict: 'truncate', shown, unknown, ...base, ...autoImport(imports, firstBad, s, facts, at) };
  }
}

/**
 * The kind of container a snippet is parsed in. A JSX element or tag begun on the cursor's own line
 * is in the snippet already (its `<tag` is in the line before the cursor): it parses as code.
 */
function containerKind(c: Container | undefined, lineStart: number): ContainerKind {
  if (!c) return 'code';
  return (c.kind === 'jsx' || c.kind === 'jsxtag') && c.start >= lineStart ? 'code' : c.kind;
}

function rank(r: FilterResult): number {
  return r.verdict === 'keep' ? 0 : r.verdict === 'truncate' ? 1 : 2;
}

function useful(shown: string): boolean {
  return /[\w\u00C0-\uFFFF]/.test(shown) && shown.trim().length >= 2;
}
