/**
 * Where string literals and comments are, read by a small lexer per language family: whether the
 * cursor (or the start of its line) sits in a docstring, a block comment, a template's text or a
 * string, where that literal ends in a suggestion, and a copy of a snippet with literal text
 * blanked so its words are never read as names. Lexing, not parsing: it works where the document's
 * parse is broken around the cursor (a docstring being typed) and in languages without a grammar.
 */
import { familyOf } from './builtins';

export type LiteralKind = 'comment' | 'docstring' | 'string' | 'template';

/** A literal or comment that is open at some point of a text. */
export interface OpenLiteral {
  kind: LiteralKind;
  /** What ends it: `\n` for a line comment and for a string that cannot span lines. */
  close: string;
  /** Whether a backslash escapes the next character in it. */
  escapes: boolean;
  /** Block comments that nest (Rust): their depth. */
  depth?: number;
}

/** The literals open at the start of the cursor's line and at the cursor. */
export interface LiteralState {
  lineStart: OpenLiteral | undefined;
  cursor: OpenLiteral | undefined;
}

/** Kinds whose text is prose: its words are checked as prose, never as names. */
export const PROSE_KINDS: ReadonlySet<LiteralKind> = new Set(['comment', 'docstring']);

interface Syntax {
  /** The characters at which something other than plain code may start. */
  interesting: RegExp;
  lineComment: string;
  blockComment: boolean;
  nestedBlocks: boolean;
  /** Triple-quoted strings (Python; Java text blocks). */
  triple: boolean;
  /** `'` opens a string (not a rune, a character or a Rust lifetime). */
  singleQuoteString: boolean;
  /** Backquotes open a template (JS) or a raw string (Go). */
  backquote: 'template' | 'raw' | undefined;
  regex: boolean;
}

const C_LIKE = { lineComment: '//', blockComment: true, nestedBlocks: false, triple: false, singleQuoteString: false, backquote: undefined, regex: false };
const SYNTAX: Record<string, Syntax> = {
  python: { ...C_LIKE, interesting: /[#'"]/g, lineComment: '#', blockComment: false, triple: true, singleQuoteString: true },
  ts: { ...C_LIKE, interesting: /[/'"`{}]/g, singleQuoteString: true, backquote: 'template', regex: true },
  go: { ...C_LIKE, interesting: /[/'"`]/g, backquote: 'raw' },
  java: { ...C_LIKE, interesting: /[/'"]/g, triple: true },
  rust: { ...C_LIKE, interesting: /[/'"r]/g, nestedBlocks: true },
};

/** What may precede a regular expression literal (not a division) in JavaScript. */
const REGEX_AFTER = /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await))\s*$/;
/** A character literal (Go rune, Java char, Rust char; not a Rust lifetime). */
const CHAR_LITERAL = /'(?:\\(?:u\{[0-9a-fA-F]+\}|.)[^'\n]{0,8}|[^'\\\n])'/y;
/** A Rust raw string opening: `r"`, `r#"`, `br##"`. */
const RUST_RAW = /b?r(#*)"/y;
/** Python string prefixes before a quote (`r`, `b`, `f`, `rb`, …). */
const PY_PREFIX = /[rRbBuUfF]{1,2}$/;

/** Lexer state at a point: in code (with the template substitutions it is nested in) or in a literal. */
interface State {
  open: OpenLiteral | undefined;
  /** Brace depth of each `${…}` the code is in (JS), innermost last. */
  substitutions: number[];
}

/** A literal's span in a scanned text: [start, end), `closed` when its closing delimiter was seen. */
export interface LiteralSpan {
  start: number;
  end: number;
  kind: LiteralKind;
  closed: boolean;
  /** It was open before the scanned text began. */
  carried: boolean;
}

/**
 * Scans `text` from `from` to `end` in `state` (changed in place), calling `onSpan` for each literal
 * that ends (or reaches `end`). Stops mid-literal at `end`.
 */
function scan(text: string, from: number, end: number, state: State, sx: Syntax, onSpan?: (s: LiteralSpan) => void, onCode?: (at: number) => void): void {
  let i = from;
  let spanStart = from;
  let carried = state.open !== undefined;
  while (i < end) {
    if (state.open) {
      const stop = literalClose(text, i, end, state.open);
      if (!stop) {
        onSpan?.({ start: spanStart, end, kind: state.open.kind, closed: false, carried });
        return;
      }
      onSpan?.({ start: spanStart, end: stop.end, kind: state.open.kind, closed: stop.closed, carried });
      if (state.open.kind === 'template' && text.startsWith('${', stop.end - 2)) state.substitutions.push(0);
      i = stop.end;
      state.open = undefined;
      carried = false;
      continue;
    }
    onCode?.(i);
    sx.interesting.lastIndex = i;
    const m = sx.interesting.exec(text);
    if (!m || m.index >= end) return;
    i = m.index;
    spanStart = i;
    const opened = opening(text, i, sx, state);
    if (opened) {
      state.open = opened.open;
      i += opened.length;
    } else i++;
  }
}

/** The literal that starts at `i` (in code), with its opening's length; undefined for plain code. */
function opening(text: string, i: number, sx: Syntax, state: State): { open: OpenLiteral; length: number } | undefined {
  const c = text[i];
  const subs = state.substitutions;
  if (c === '{' || c === '}') {
    if (subs.length === 0) return undefined;
    if (c === '{') subs[subs.length - 1]++;
    else if (subs[subs.length - 1] > 0) subs[subs.length - 1]--;
    else {
      subs.pop();
      return { open: { kind: 'template', close: '`', escapes: true }, length: 1 };
    }
    return undefined;
  }
  if (text.startsWith(sx.lineComment, i)) return { open: { kind: 'comment', close: '\n', escapes: false }, length: sx.lineComment.length };
  if (sx.blockComment && text.startsWith('/*', i)) return { open: { kind: 'comment', close: '*/', escapes: false, depth: sx.nestedBlocks ? 1 : undefined }, length: 2 };
  if (c === '/') return sx.regex && REGEX_AFTER.test(text.slice(Math.max(0, i - 12), i)) ? regexLiteral(text, i) : undefined;
  if (c === 'r') return rustRaw(text, i);
  if (c === '`') return { open: sx.backquote === 'template' ? { kind: 'template', close: '`', escapes: true } : { kind: 'string', close: '`', escapes: false }, length: 1 };
  if (sx.triple && text.startsWith(c.repeat(3), i)) return { open: { kind: isDocstring(text, i) ? 'docstring' : 'string', close: c.repeat(3), escapes: true }, length: 3 };
  if (c === "'" && !sx.singleQuoteString) {
    CHAR_LITERAL.lastIndex = i;
    const m = CHAR_LITERAL.exec(text);
    // A character literal is skipped whole; a Rust lifetime (`'a`) is code.
    return m ? { open: { kind: 'string', close: "'", escapes: true }, length: 1 } : undefined;
  }
  return { open: { kind: 'string', close: c, escapes: true }, length: 1 };
}

/** A regular expression literal is skipped as a string on its line (its quotes open nothing). */
function regexLiteral(text: string, i: number): { open: OpenLiteral; length: number } | undefined {
  if (text[i + 1] === '/' || text[i + 1] === '*') return undefined;
  let inClass = false;
  for (let j = i + 1; j < text.length && text[j] !== '\n'; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return { open: { kind: 'string', close: '/', escapes: true }, length: 1 };
  }
  return undefined;
}

function rustRaw(text: string, i: number): { open: OpenLiteral; length: number } | undefined {
  if (i > 0 && /[\w$]/.test(text[i - 1]) && !(text[i - 1] === 'b' && (i < 2 || !/[\w$]/.test(text[i - 2])))) return undefined;
  RUST_RAW.lastIndex = i;
  const m = RUST_RAW.exec(text);
  return m ? { open: { kind: 'string', close: '"' + m[1], escapes: false }, length: m[0].length } : undefined;
}

/** A triple-quoted string that is a statement of its own (first on its line): a docstring. */
function isDocstring(text: string, i: number): boolean {
  const lineStart = text.lastIndexOf('\n', i - 1) + 1;
  const before = text.slice(lineStart, i).replace(PY_PREFIX, '');
  return before.trim() === '';
}

/** Per kind of literal, a pattern for the next character that may end it (the scan jumps between them). */
const STOPS = new Map<string, RegExp>();

function stopsFor(open: OpenLiteral): RegExp {
  const key = `${open.kind}|${open.close}|${open.escapes}|${open.depth !== undefined}`;
  let re = STOPS.get(key);
  if (!re) {
    const alts = [open.close.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/\n/g, '\\n')];
    if (open.escapes) alts.push('\\\\');
    if (open.kind === 'template') alts.push('\\$\\{');
    if (open.depth !== undefined) alts.push('/\\*');
    if (open.close === '"' || open.close === "'" || open.close === '/') alts.push('\\n');
    re = new RegExp(alts.join('|'), 'g');
    STOPS.set(key, re);
  }
  return re;
}

/**
 * Where the literal `open`, scanned from `i`, ends: just past its closing delimiter (a template's
 * text ends at its `` ` `` or at a `${`), or at the line break that ends a line comment (`closed`) or
 * leaves a one-line string unterminated (not `closed`). Undefined when it does not end before `end`.
 */
function literalClose(text: string, i: number, end: number, open: OpenLiteral): { end: number; closed: boolean } | undefined {
  const oneLine = open.close === '"' || open.close === "'" || open.close === '/';
  const re = stopsFor(open);
  re.lastIndex = i;
  for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
    const j = m.index;
    const hit = m[0];
    if (hit === '\\') {
      re.lastIndex = j + 2;
      continue;
    }
    if (hit === '${') return j + 2 <= end ? { end: j + 2, closed: true } : undefined;
    if (hit === '/*' && open.depth !== undefined) {
      open.depth++;
      continue;
    }
    // A line comment ends at the line break; an unterminated one-line string too (the lexer goes on in code).
    if (hit === '\n') return { end: j, closed: !oneLine };
    if (open.depth !== undefined && --open.depth > 0) continue;
    const after = j + open.close.length;
    return after <= end ? { end: after, closed: true } : undefined;
  }
  return undefined;
}

/** Where a scan of a text may resume: offsets in code, outside any substitution. */
interface Checkpoints {
  text: string;
  family: string;
  at: number[];
}
/** Scanned characters between checkpoints. */
const CHECKPOINT_EVERY = 4096;
/** Texts whose checkpoints are kept (recent document versions), most recent last. */
const RECENT_TEXTS = 4;
const recent: Checkpoints[] = [];

/**
 * Scans a whole document once (with its analysis, not on each check) so that the literal state at
 * any cursor in it, or in a version typed onto it, is a scan of at most CHECKPOINT_EVERY characters.
 */
export function indexLiterals(text: string, languageId: string): void {
  const family = familyOf(languageId);
  const sx = SYNTAX[family];
  if (!sx || recent.some((r) => r.family === family && r.text.length === text.length && r.text === text)) return;
  const cp: Checkpoints = { text, family, at: [0] };
  const state: State = { open: undefined, substitutions: [] };
  scan(text, 0, text.length, state, sx, undefined, marker(cp, state, 0));
  remember(cp);
}

function remember(cp: Checkpoints): void {
  recent.push(cp);
  while (recent.length > RECENT_TEXTS) recent.shift();
}

/** Records a checkpoint every CHECKPOINT_EVERY characters scanned in code. */
function marker(cp: Checkpoints, state: State, from: number): (at: number) => void {
  let last = from;
  return (at) => {
    if (at - last >= CHECKPOINT_EVERY && state.substitutions.length === 0) {
      cp.at.push(at);
      last = at;
    }
  };
}

/**
 * The literals open at the start of the cursor's line and at the end of `prefix`: a scan resumed
 * from the last checkpoint of a recent text that `prefix` shares (the document analysed, the same
 * document with the cursor moved or text typed); a text scanned from its start is remembered.
 */
export function literalState(prefix: string, languageId: string): LiteralState {
  const family = familyOf(languageId);
  // Each candidate of a request asks for the same prefix (the same string): answered once.
  if (lastQuery && lastQuery.prefix === prefix && lastQuery.family === family) return lastQuery.state;
  const state = scanPrefix(prefix, family);
  lastQuery = { prefix, family, state };
  return state;
}
let lastQuery: { prefix: string; family: string; state: LiteralState } | undefined;

function scanPrefix(prefix: string, family: string): LiteralState {
  const sx = SYNTAX[family];
  if (!sx) return { lineStart: undefined, cursor: undefined };
  const lineStart = prefix.lastIndexOf('\n') + 1;
  let from = 0;
  for (let k = recent.length - 1; k >= 0 && from === 0; k--) if (recent[k].family === family) from = resumePoint(prefix, recent[k], lineStart);
  const state: State = { open: undefined, substitutions: [] };
  if (from === 0 && lineStart > CHECKPOINT_EVERY) {
    const cp: Checkpoints = { text: prefix, family, at: [0] };
    scan(prefix, 0, lineStart, state, sx, undefined, marker(cp, state, 0));
    remember(cp);
  } else scan(prefix, from, lineStart, state, sx);
  const atLineStart = state.open ? { ...state.open } : undefined;
  scan(prefix, lineStart, prefix.length, state, sx);
  return { lineStart: atLineStart, cursor: state.open ? { ...state.open } : undefined };
}

/** The largest checkpoint (at most `limit`) of a scanned text that `prefix` has the text before. */
function resumePoint(prefix: string, cp: Checkpoints, limit: number): number {
  const ok = (c: number) => c <= limit && (c === 0 || prefix.startsWith(cp.text.slice(0, c)));
  const at = cp.at;
  let lo = 0;
  let hi = at.length - 1;
  while (hi > 0 && at[hi] > limit) hi--;
  if (ok(at[hi])) return at[hi];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(at[mid])) lo = mid;
    else hi = mid - 1;
  }
  return at[lo];
}

/**
 * Offset in `text` just past the end of the literal `open` (open where `text` begins), or -1 when
 * the text never ends it. For a template, the offset past its closing backquote or a `${`.
 */
export function literalEnd(text: string, open: OpenLiteral, languageId: string): number {
  const sx = SYNTAX[familyOf(languageId)];
  if (!sx) return -1;
  const stop = literalClose(text, 0, text.length, { ...open });
  return stop?.closed ? stop.end : -1;
}

/**
 * `text` (scanned from the literal `open` at its start) with literal text blanked (spaces; line
 * breaks kept, so offsets and lines stay): the literal open at its start through its end, literals
 * a one-line cut left unterminated (to the end of their line), and multi-line literals the text never
 * closes. Closed strings stay for the parser (their substitutions are code); `keepCarried`: the
 * literal open at the start is left too (a template whose opening the caller writes before the text).
 */
export function blankLiterals(text: string, open: OpenLiteral | undefined, languageId: string, keepCarried = false): string {
  const sx = SYNTAX[familyOf(languageId)];
  if (!sx) return text;
  const spans: LiteralSpan[] = [];
  const state: State = { open: open ? { ...open } : undefined, substitutions: [] };
  scan(text, 0, text.length, state, sx, (s) => spans.push(s));
  const blank: [number, number][] = [];
  for (const s of spans) {
    if ((s.carried && !keepCarried) || !s.closed || s.kind === 'comment') blank.push([s.start, s.end]);
  }
  if (blank.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [a, b] of blank) {
    out += text.slice(at, a) + text.slice(a, b).replace(/[^\n]/g, ' ');
    at = b;
  }
  return out + text.slice(at);
}

/**
 * The quote at the start of `rest` (the cursor's line after it) that closes a string `text` (the
 * line before the cursor and the suggestion, scanned from `open`) leaves open at its end, else ''. A
 * suggestion that ends inside a string the line closes already (`f"Hello, ▮"` answered with
 * `{user.name}`) is read with that quote: its substitutions are code, not a cut-off string.
 */
export function closingQuote(text: string, open: OpenLiteral | undefined, rest: string, languageId: string): string {
  const q = /^(?:"""|\'\'\'|["'`])/.exec(rest)?.[0];
  const sx = q ? SYNTAX[familyOf(languageId)] : undefined;
  if (!q || !sx) return '';
  let last: LiteralSpan | undefined;
  const state: State = { open: open ? { ...open } : undefined, substitutions: [] };
  scan(text + q, 0, text.length + q.length, state, sx, (sp) => (last = sp));
  const closes = !!last && last.closed && !last.carried && (last.kind === 'string' || last.kind === 'template') && last.start < text.length && last.end === text.length + q.length;
  return closes ? q : '';
}
