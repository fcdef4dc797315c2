/**
 * Analyses of the documents a filter was asked about: each version is parsed and its facts
 * extracted once; text typed at an analysed version's cursor is read as an overlay on that analysis;
 * a cursor inside a parse error begun on an earlier line gets facts completed from the text before it.
 */
import type { Family } from './builtins';
import { containerAt, extractFacts, extractPrefixFacts, mergeAtCursor, type FileFacts } from './extract';
import { indexLiterals } from './literals';

export interface DocState {
  facts: FileFacts;
  text: string;
  languageId: string;
  /** The last (prefix, suffix) pair found to make up this text: a repeat is matched by identity. */
  lastPrefix?: string;
  lastSuffix?: string;
  /** Facts completed for a cursor inside a parse error (see factsAt), by cursor offset. */
  atCursor: Map<number, FileFacts>;
}

/** Analyses of this many recent document versions are kept. */
const MAX_DOCS = 4;
/** At most this much text typed at an analysed document's cursor is read as an overlay on its analysis (see `doc`). */
const TYPED_ONTO_MAX = 256;

/** A document's tokens and the names in text typed at its cursor since it was analysed. */
export class TokensWithTyped extends Set<string> {
  constructor(
    private readonly base: Set<string>,
    private readonly typed: Set<string>,
  ) {
    super();
  }
  override has(name: string): boolean {
    return this.base.has(name) || this.typed.has(name);
  }
}

export class DocumentAnalyses {
  /**
   * Analyses of recent documents, most recent last: a document is parsed once per version. Looked
   * up by comparing texts (length first), never by hashing them: hashing a whole document on every
   * check, and first joining prefix and suffix into one string for it, was most of a check's time
   * on long files.
   */
  private readonly docs: DocState[] = [];
  /** Documents completed from the text before the cursor (see factsAt), for the benchmark. */
  repairs = 0;
  /** Document versions parsed and analysed (tests: text typed onto an analysed version is not). */
  analyses = 0;

  /** The analysis of `text`, made now if there is none; with the cursor, its facts there too. */
  prepare(text: string, languageId: string, cursor?: number): void {
    const i = this.docs.findIndex((d) => d.languageId === languageId && d.text.length === text.length && d.text === text);
    const d = i >= 0 ? this.touch(i) : this.add(text, languageId);
    if (cursor !== undefined && cursor >= 0 && cursor <= text.length) {
      this.factsAt(d, cursor);
      d.lastPrefix = text.slice(0, cursor);
      d.lastSuffix = text.slice(cursor);
    }
  }

  /**
   * The analysis to read `prefix + suffix` on: that version's if it was analysed; else, given the
   * language `family`, an analysed version with at most TYPED_ONTO_MAX characters typed at the cursor
   * it was analysed for (`typed`: the person typed through a suggestion, or accepted its line and
   * pressed Enter, and the cache serves the rest), so such a version is not parsed again on every
   * keystroke (a whole parse and facts walk: 6 ms at the median on zod's files, 40 ms at p95, on the
   * keystroke path) — TypeScript/JavaScript only when the typed text spans lines (the other
   * languages' snippets are read from the cursor's line alone); else a new analysis.
   */
  find(prefix: string, suffix: string, languageId: string, family?: Family): { d: DocState; prefix: string; suffix: string; typed: string } {
    const n = prefix.length + suffix.length;
    let onto: { i: number; prefix: string; suffix: string } | undefined;
    for (let i = this.docs.length - 1; i >= 0; i--) {
      const d = this.docs[i];
      if (d.languageId !== languageId) continue;
      if (d.text.length === n && ((d.lastPrefix === prefix && d.lastSuffix === suffix) || (d.text.startsWith(prefix) && d.text.endsWith(suffix)))) {
        d.lastPrefix = prefix;
        d.lastSuffix = suffix;
        return { d: this.touch(i), prefix, suffix, typed: '' };
      }
      const [p, sfx] = [d.lastPrefix, d.lastSuffix];
      if (onto || !family || p === undefined || sfx === undefined) continue;
      const k = prefix.length - p.length;
      if (k > 0 && k <= TYPED_ONTO_MAX && suffix.length === sfx.length && suffix === sfx && prefix.startsWith(p) && (family === 'ts' || !prefix.includes('\n', p.length)))
        onto = { i, prefix: p, suffix: sfx };
    }
    if (onto) return { d: this.touch(onto.i), prefix: onto.prefix, suffix: onto.suffix, typed: prefix.slice(onto.prefix.length) };
    const d = this.add(prefix + suffix, languageId);
    d.lastPrefix = prefix;
    d.lastSuffix = suffix;
    return { d, prefix, suffix, typed: '' };
  }

  private touch(i: number): DocState {
    const d = this.docs[i];
    if (i !== this.docs.length - 1) {
      this.docs.splice(i, 1);
      this.docs.push(d);
    }
    return d;
  }

  private add(text: string, languageId: string): DocState {
    const d: DocState = { facts: extractFacts(text, languageId), text, languageId, atCursor: new Map() };
    this.analyses++;
    // Builds the container lookup and the literals' checkpoints now (analysis time), not on the first check.
    containerAt(d.facts, 0);
    indexLiterals(text, languageId);
    this.docs.push(d);
    while (this.docs.length > MAX_DOCS) this.docs.shift();
    return d;
  }

  /**
   * The document's facts for questions at `cursor`: its own, unless the cursor sits in a parse error
   * that began on an earlier line (a method's first line typed over turns the whole class into an
   * ERROR node); then they are completed from a parse of the text before the cursor (once per
   * document version and cursor).
   */
  factsAt(d: DocState, cursor: number): FileFacts {
    const f = d.facts;
    if (!f.parsed || f.errors.length === 0) return f;
    const lineStart = d.text.lastIndexOf('\n', cursor - 1) + 1;
    if (!f.errors.some((e) => e.start < lineStart && cursor <= e.end)) return f;
    let m = d.atCursor.get(cursor);
    if (!m) {
      m = mergeAtCursor(f, extractPrefixFacts(d.text.slice(0, cursor), d.languageId), cursor);
      d.atCursor.set(cursor, m);
      while (d.atCursor.size > 4) d.atCursor.delete(d.atCursor.keys().next().value as number);
      this.repairs++;
    }
    return m;
  }
}
