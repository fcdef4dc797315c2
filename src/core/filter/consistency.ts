/**
 * The filter stage: clean-up, then the consistency check. Every name a suggestion uses must be
 * known here — the current document, the workspace and its dependencies, the language's builtins,
 * or the suggestion itself — and every member must exist on its receiver's type where that type
 * can be resolved. A suggestion is kept, truncated before the first line that names an unknown
 * entity, or dropped when its first line does. Workspace exports the file does not import yet are
 * grounded: the suggestion is kept and accepting it adds the import.
 */
import * as path from 'node:path';
import type { FilterResult } from '../types';
import { builtins, familyOf, type Family } from './builtins';
import { cleanup } from './cleanup';
import { containerAt, containersAt, extractFacts, extractPrefixFacts, mergeAtCursor, tokensOf, type Container, type ContainerKind, type FileFacts } from './extract';
import { noWorkspace, type WorkspaceKnowledge } from './knowledge';
import { blankLiterals, indexLiterals, literalEnd, literalState, PROSE_KINDS } from './literals';
import { checkProse } from './prose';
import { TypeResolver } from './resolve';
import { CLOSED_TYPE_FAMILIES, declaredTypeOf } from './scan';
import { analyzeSuggestion, type Ref, type SuggestionFacts } from './suggestion';

export interface FilterInput {
  /** Raw model output. */
  text: string;
  /** The whole current document text before and after the cursor. */
  docPrefix: string;
  docSuffix: string;
  languageId: string;
  stop: readonly string[];
  multiline: boolean;
  maxLines: number;
  /** Absolute path of the document: auto-import paths, and the index leaves the on-disk file out. */
  docPath?: string;
}

/** A result with what ranking needs. */
export interface CheckedCandidate extends FilterResult {
  parseErrors: number;
}

/** Names known beyond the current document (kept for callers of the first version). */
export interface NameOracle {
  has(name: string, languageId: string): boolean;
}

const STRINGISH = new Set(['string', 'template', 'substitution']);
const PROSE_LANGUAGES = new Set(['markdown', 'plaintext', 'restructuredtext', 'latex', 'asciidoc', 'org', 'txt', 'mdx']);

interface DocState {
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
class TokensWithTyped extends Set<string> {
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

export class ConsistencyFilter {
  private knowledge: WorkspaceKnowledge;
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

  constructor(knowledge?: WorkspaceKnowledge | NameOracle) {
    this.knowledge = adapt(knowledge);
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
  private doc(prefix: string, suffix: string, languageId: string, family?: Family): { d: DocState; prefix: string; suffix: string; typed: string } {
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
      if (k > 0 && k <= TYPED_ONTO_MAX && suffix.length === sfx.length && suffix === sfx && prefix.startsWith(p) && (family === 'ts' || !prefix.includes('\n', p.length))) onto = { i, prefix: p, suffix: sfx };
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
    const found = this.doc(input.docPrefix, input.docSuffix, input.languageId, familyOf(input.languageId));
    const at: FilterInput = found.typed ? { ...input, docPrefix: found.prefix, docSuffix: found.suffix } : input;
    const cursor = found.prefix.length;
    const ownLine = found.prefix.slice(found.prefix.lastIndexOf('\n') + 1);
    // Text typed since is the document's: the snippet continues it, and only names reaching past it are read.
    const lineBefore = ownLine + found.typed;
    let facts = this.factsAt(found.d, cursor);
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
    const blanked = blankLiterals(lineBefore + text, open, input.languageId, earlier.length > 0);
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

  /**
   * The document's facts for questions at `cursor`: its own, unless the cursor sits in a parse error
   * that began on an earlier line (a method's first line typed over turns the whole class into an
   * ERROR node); then they are completed from a parse of the text before the cursor (once per
   * document version and cursor).
   */
  private factsAt(d: DocState, cursor: number): FileFacts {
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

  /** `wantParseErrors`: count the suggestion's parse errors (only ranking needs them). */
  checkOne(input: FilterInput, wantParseErrors = true): CheckedCandidate {
    const cleaned = cleanup({ text: input.text, prefix: input.docPrefix, suffix: input.docSuffix, stop: input.stop, multiline: input.multiline, maxLines: input.maxLines, languageId: input.languageId });
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
      const doc = this.doc(input.docPrefix, input.docSuffix, input.languageId).d;
      const p = checkProse(lineBefore, end < 0 ? text : text.slice(0, end), doc.text, (w) => doc.facts.tokens.has(w) || (family !== 'other' && (builtins.isGlobal(w, family) || this.knowledge.hasName(w, input.docPath))));
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
    const imports = new Map<string, string>();
    const unknownByLine = new Map<number, string[]>();
    for (const ref of s.refs) {
      const verdict = this.refKnown(ref, s, facts, resolver, family, at, cursor);
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
    if (firstBad < 0) return { verdict: 'keep', shown: text, unknown: [], ...base, ...this.autoImport(imports, lines.length, s, facts, at) };
    const unknown = unknownByLine.get(firstBad)!;
    const shown = lines.slice(0, firstBad).join('\n').replace(/\s+$/, '');
    if (firstBad === 0 || !useful(shown)) return { verdict: 'drop', shown: '', unknown, ...base };
    return { verdict: 'truncate', shown, unknown, ...base, ...this.autoImport(imports, firstBad, s, facts, at) };
  }

  /** true: known; a string: known as that workspace file's export (needs an import); false: unknown. */
  private refKnown(ref: Ref, s: SuggestionFacts, doc: FileFacts, resolver: TypeResolver, family: Family, input: FilterInput, cursor: number): boolean | string {
    const ws = this.knowledge;
    const name = ref.name;
    const ex = input.docPath;
    switch (ref.kind) {
      case 'module':
        if (family === 'ts' && builtins.isNodeModule(name)) return true;
        if (family === 'python' && builtins.isPythonStdlib(name.split('.')[0])) return true;
        if (doc.imports.some((i) => i.module === name)) return true;
        if (name.startsWith('.') && !ex) return true;
        return ws.resolvesModule(name, ex, input.languageId);
      case 'member': {
        if (builtins.universalMember(name, family)) return true;
        if (name.startsWith('#')) return s.introduced.has(name) || mentionsPrivateName(input.docPrefix, name) || mentionsPrivateName(input.docSuffix, name);
        // Assigning a member declares it in JavaScript and Python; TypeScript classes declare fields.
        const typed = input.languageId === 'typescript' || input.languageId === 'typescriptreact';
        if (s.assignedMembers.has(name) && !typed) return true;
        const head = ref.receiver && /^[\w$]+$/.test(ref.receiver) ? ref.receiver : undefined;
        // Python blocks end at their last statement: a cursor on a new indented line after it is
        // still in them, so types are looked up where the text before it ends.
        const members = resolver.receiver(ref.receiver, family === 'python' ? input.docPrefix.trimEnd().length : cursor);
        if (members?.unknownBase) return true;
        // Name.x = … adds x to a type we can list (a static on a class); on a receiver we cannot type,
        // x must exist somewhere like any other member, so an invented name assigned is still caught.
        if (members && !members.open) {
          if (members.members.has(name) || (!!head && !typed && s.assignedMembers.has(`${head}.${name}`) && doc.declared.has(head))) return true;
          // `this.m` where the document's parse is broken: the class may end early in the tree (an
          // unbalanced brace after the cursor) while its text still declares m further down.
          if ((head !== 'this' && head !== 'self') || (doc.errors.length === 0 && !doc.repaired)) return false;
          let cls: { start: number } | undefined;
          for (const c of doc.classes) if (c.start <= cursor && cursor <= c.end && (!cls || c.start >= cls.start)) cls = c;
          return !!cls && declaresMember(input.docPrefix + input.docSuffix, cls.start, cursor, name, family);
        }
        if (family === 'go' || family === 'rust' || family === 'java') return scannedMemberKnown(ref, s, doc, resolver, input);
        if (doc.tokens.has(name) || s.introduced.has(name) || ws.hasName(name, ex) || builtins.isGlobal(name, family)) return true;
        if (family === 'ts') return builtins.isAnyTsMember(name);
        if (family === 'python') {
          if (builtins.isPythonBuiltinMember(name)) return true;
          // A module we have no member list for (standard library, installed package): cannot tell.
          const head = ref.receiver?.split('.')[0];
          const imp = doc.imports.find((i) => i.local === head);
          return !!imp && !imp.module.startsWith('.');
        }
        return false;
      }
      case 'type':
        return s.introduced.has(name) || doc.tokens.has(name) || builtins.isGlobal(name, family) || (family === 'ts' && builtins.tsType(name) !== undefined) || ws.hasName(name, ex);
      case 'imported':
        return doc.tokens.has(name) || ws.hasName(name, ex) || (family === 'ts' && builtins.isAnyTsMember(name));
      case 'free': {
        if (s.introduced.has(name) || builtins.isGlobal(name, family)) return true;
        // A lib type read as a value where the snippet's own parse is broken (`= Pick<` unfinished).
        if (family === 'ts' && builtins.tsType(name) !== undefined) return true;
        if (doc.tokens.has(name)) return true;
        if (family === 'ts' && ex) {
          const from = ws.exportersOf(name, ex);
          if (from.length > 0) return nearest(from, ex);
        }
        if (family === 'ts' || family === 'python') return ws.hasDeclaration(name, ex);
        return ws.hasName(name, ex);
      }
    }
  }

  /** Import lines for the workspace exports the kept lines use. */
  private autoImport(imports: Map<string, string>, keptLines: number, s: SuggestionFacts, doc: FileFacts, input: FilterInput): Pick<FilterResult, 'additionalEdits'> {
    if (imports.size === 0 || !input.docPath) return {};
    const used = new Set(s.refs.filter((r) => r.line < keptLines && imports.has(r.name)).map((r) => r.name));
    const byModule = new Map<string, string[]>();
    for (const name of used) {
      const spec = moduleSpecifier(input.docPath, imports.get(name)!, doc.jsExtensions);
      byModule.set(spec, [...(byModule.get(spec) ?? []), name]);
    }
    if (byModule.size === 0) return {};
    const lines = [...byModule.entries()].map(([spec, names]) =>
      doc.commonJs ? `const { ${names.sort().join(', ')} } = require('${spec}');` : `import { ${names.sort().join(', ')} } from '${spec}';`,
    );
    const offset = doc.importsEnd;
    const text = offset > 0 ? '\n' + lines.join('\n') : lines.join('\n') + '\n';
    return { additionalEdits: [{ offset, text }] };
  }
}

/**
 * Whether the class whose declaration starts at `classStart` declares a member `name` in its text:
 * a line at its members' indentation (that of its first member), up to the first line after
 * `cursor` that is back at the class's own indentation (a method, field or accessor; Python
 * `def name(`, or `self.name =` anywhere in that range).
 */
export function declaresMember(text: string, classStart: number, cursor: number, name: string, family: Family): boolean {
  const lineStart = text.lastIndexOf('\n', classStart - 1) + 1;
  const indentOf = (l: string) => /^[ \t]*/.exec(l)![0];
  const lines = text.slice(lineStart).split('\n');
  const classIndent = indentOf(lines[0]).length;
  let at = lineStart + lines[0].length + 1;
  let memberIndent: string | undefined;
  const body: string[] = [];
  for (let i = 1; i < lines.length; at += lines[i].length + 1, i++) {
    const l = lines[i];
    if (!l.trim()) continue;
    const ind = indentOf(l);
    if (ind.length <= classIndent) {
      if (at > cursor) break;
      continue;
    }
    memberIndent ??= ind;
    body.push(l);
  }
  if (memberIndent === undefined) return false;
  const n = name.replace(/[$]/g, '\\$&');
  const head = `^${memberIndent}(?![ \\t])`;
  const re =
    family === 'python'
      ? new RegExp(`${head}(?:async\\s+)?def\\s+${n}\\s*\\(|\\bself\\.${n}\\s*(?::[^=\\n]*)?=(?!=)`, 'm')
      : new RegExp(`${head}(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set)\\s+)*[*]?#?${n}\\s*(?:<[^>\\n]*>)?\\s*[?!]?\\s*[(:=;]`, 'm');
  return re.test(body.join('\n'));
}

/**
 * The kind of container a snippet is parsed in. A JSX element or tag begun on the cursor's own line
 * is in the snippet already (its `<tag` is in the line before the cursor): it parses as code.
 */
function containerKind(c: Container | undefined, lineStart: number): ContainerKind {
  if (!c) return 'code';
  return (c.kind === 'jsx' || c.kind === 'jsxtag') && c.start >= lineStart ? 'code' : c.kind;
}

/**
 * A member in a language read without a parse (Go, Rust, Java). Known when the document or the
 * suggestion has the name; else checked only on a receiver declared with a type whose members we
 * can list (a workspace Go struct or Java class, its embedded/base types resolved too). Any other
 * receiver — an imported package (`fmt`, `strings`), a standard library value, a type we cannot
 * find — is an open world: its members are not checked.
 */
function scannedMemberKnown(ref: Ref, s: SuggestionFacts, doc: FileFacts, resolver: TypeResolver, input: FilterInput): boolean {
  if (doc.tokens.has(ref.name) || s.introduced.has(ref.name)) return true;
  if (!CLOSED_TYPE_FAMILIES.has(input.languageId)) return true;
  const typeName = declaredTypeOf(input.docPrefix, ref.receiver, input.languageId);
  const resolved = typeName ? resolver.typeFromText(typeName) : undefined;
  if (!resolved) return true;
  const members = resolver.membersOf(resolved.shapes, resolved.name);
  return members.open || members.members.has(ref.name);
}

/**
 * Whether `text` has the ES private name `#x` (not as the start of a longer name). A private name
 * is visible only inside the class body that declares it, whatever the receiver (`other.#x`,
 * `#x in obj`), so one the document already uses is declared by a class around its uses; the
 * text, not the parse, is read because the parse of a document being typed is often broken.
 */
function mentionsPrivateName(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!/[\w$\u00C0-\uFFFF]/.test(text[i + name.length] ?? '')) return true;
  }
  return false;
}

function rank(r: FilterResult): number {
  return r.verdict === 'keep' ? 0 : r.verdict === 'truncate' ? 1 : 2;
}

function useful(shown: string): boolean {
  return /[\w\u00C0-\uFFFF]/.test(shown) && shown.trim().length >= 2;
}

/** The exporting file closest to the document (most shared folders, then shortest path). */
function nearest(files: readonly string[], from: string): string {
  const dir = path.dirname(from).split(path.sep);
  let best = files[0];
  let bestScore = -1;
  for (const f of files) {
    const parts = path.dirname(f).split(path.sep);
    let shared = 0;
    while (shared < parts.length && shared < dir.length && parts[shared] === dir[shared]) shared++;
    const score = shared * 1000 - f.length;
    if (score > bestScore) {
      bestScore = score;
      best = f;
    }
  }
  return best;
}

/** `./x/y` for a file, relative to the document, in the document's style (with `.js` or not). */
export function moduleSpecifier(fromFile: string, target: string, jsExtensions: boolean): string {
  let rel = path.relative(path.dirname(fromFile), target).split(path.sep).join('/');
  rel = rel.replace(/\.d\.ts$/, '').replace(/\.(tsx?|mts|cts|jsx?|mjs|cjs)$/, '');
  if (rel.endsWith('/index') && !jsExtensions) rel = rel.slice(0, -'/index'.length);
  else if (rel === 'index' && !jsExtensions) rel = '.';
  if (jsExtensions && !/\.(json)$/.test(rel)) rel += '.js';
  return rel.startsWith('.') ? rel : './' + rel;
}

/** Accepts the first version's NameOracle too. */
function adapt(k: WorkspaceKnowledge | NameOracle | undefined): WorkspaceKnowledge {
  if (!k) return noWorkspace;
  if ('hasName' in k) return k;
  const oracle = k;
  return { ...noWorkspace, hasName: (n) => oracle.has(n, ''), hasDeclaration: (n) => oracle.has(n, '') };
}
