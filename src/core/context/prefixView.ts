/**
 * The current file above the cursor as the prompt shows it. Near the cursor (from `keepFrom` on) the
 * text is verbatim: the comment being written, the one that says what the next lines do. Further up,
 * lines that are only a comment are left out (a JSDoc block far above says less per character than
 * the code it describes, and in heavily documented files such blocks are half the text), so the
 * same room holds more of the file's code. Blank lines stay (they cost a character and keep the
 * code readable). Only for languages whose comment syntax is known here (`commentSyntax`).
 */

/** How a line reads: code, blank, or nothing but a comment. */
export type LineKind = 'code' | 'blank' | 'comment';

/** Languages with `//` and `/* … *\/` comments, and with `#` comments. */
const SLASH_COMMENTS = new Set([
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'go',
  'rust',
  'java',
  'c',
  'cpp',
  'csharp',
  'kotlin',
  'scala',
  'swift',
  'dart',
  'php',
]);
const HASH_COMMENTS = new Set(['python', 'ruby', 'shellscript', 'perl', 'r', 'yaml', 'toml']);

export function commentSyntax(languageId: string): 'slash' | 'hash' | undefined {
  return SLASH_COMMENTS.has(languageId) ? 'slash' : HASH_COMMENTS.has(languageId) ? 'hash' : undefined;
}

/**
 * A classifier of consecutive lines (it carries whether a block comment is open). A line that
 * has code after a comment closes, or a comment after code, is code.
 */
export function lineClassifier(languageId: string): (line: string) => LineKind {
  const hash = commentSyntax(languageId) === 'hash';
  let inBlock = false;
  return (line) => {
    const t = line.trim();
    if (hash) return t === '' ? 'blank' : t.startsWith('#') ? 'comment' : 'code';
    if (inBlock) {
      const end = t.indexOf('*/');
      if (end < 0) return 'comment';
      inBlock = false;
      return end + 2 === t.length ? 'comment' : 'code';
    }
    if (t === '') return 'blank';
    // `//`, or a line of a block comment begun above where the lines classified start (` * text`,
    // ` */`; a generator method `*name()` has no space after its star).
    if (t.startsWith('//') || t === '*' || t.startsWith('* ') || t.startsWith('*/')) return 'comment';
    if (t.startsWith('/*')) {
      const end = t.indexOf('*/', 2);
      if (end < 0) {
        inBlock = true;
        return 'comment';
      }
      return end + 2 === t.length ? 'comment' : 'code';
    }
    return 'code';
  };
}

/**
 * Whole lines of code from `lines[from]` on, up to `max` characters, without blank lines and
 * lines that are only a comment; `lines` = how many lines of the file that took.
 */
export function codeLines(lines: readonly string[], from: number, max: number, languageId: string): { code: string; lines: number } {
  const kind = lineClassifier(languageId);
  const kept: string[] = [];
  let size = 0;
  let used = 0;
  for (let i = from; i < lines.length; i++) {
    if (kind(lines[i]) === 'code') {
      if (size + lines[i].length + 1 > max) break;
      kept.push(lines[i]);
      size += lines[i].length + 1;
    }
    used = i - from + 1;
  }
  return { code: kept.join('\n'), lines: used };
}

/**
 * Characters of text the cursor's line is at least this far below `keepFrom` (about 15 lines),
 * and at most this plus VERBATIM_STEP: `keepFrom` moves once per VERBATIM_STEP typed, so the
 * prompt's prefix changes there only then (the server's prefix cache).
 */
export const VERBATIM_MIN = 512;
export const VERBATIM_STEP = 1536;

/** Where the verbatim part above the cursor starts: `prev` while the cursor's line is between VERBATIM_MIN and VERBATIM_MIN + VERBATIM_STEP below it. */
export function verbatimStart(text: string, offset: number, prev?: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (prev !== undefined && prev >= 0 && (prev === 0 || text[prev - 1] === '\n')) {
    const d = lineStart - prev;
    if (d >= VERBATIM_MIN && d <= VERBATIM_MIN + VERBATIM_STEP) return prev;
    if (prev === 0 && d >= 0 && d <= VERBATIM_MIN + VERBATIM_STEP) return 0;
  }
  const target = lineStart - VERBATIM_MIN;
  return target <= 0 ? 0 : text.lastIndexOf('\n', target - 1) + 1;
}

/** The document with its comment-only lines above `keepFrom` left out, and the maps between its offsets and the document's. */
export interface PrefixView {
  /** The shown text: the kept lines above `keepFrom`, then the document from `keepFrom` on. */
  text: string;
  /** The cursor in `text`. */
  offset: number;
  /** Where the verbatim part starts in the document. */
  keepFrom: number;
  /** The document offset of an offset in `text`. */
  toReal(v: number): number;
  /** The offset in `text` of a document offset (one in a left-out line: the next kept line's start). */
  toView(r: number): number;
}

/** The part of a view above `keepFrom`, reusable while that part of the document is the same. */
export interface ViewHead {
  above: string;
  languageId: string;
  kept: string;
  /** Per kept line: its start in `kept`, and in the document. */
  vStarts: number[];
  rStarts: number[];
  lengths: number[];
}

export function viewHead(above: string, languageId: string): ViewHead {
  const vStarts: number[] = [];
  const rStarts: number[] = [];
  const lengths: number[] = [];
  const parts: string[] = [];
  if (commentSyntax(languageId) === undefined) return { above, languageId, kept: above, vStarts: [0], rStarts: [0], lengths: [above.length] };
  const kind = lineClassifier(languageId);
  let r = 0;
  let v = 0;
  // `above` ends at a line start: every line in it ends with its line break.
  while (r < above.length) {
    const nl = above.indexOf('\n', r);
    const end = nl < 0 ? above.length : nl + 1;
    const line = above.slice(r, end);
    if (kind(nl < 0 ? line : line.slice(0, -1)) !== 'comment') {
      vStarts.push(v);
      rStarts.push(r);
      lengths.push(line.length);
      parts.push(line);
      v += line.length;
    }
    r = end;
  }
  return { above, languageId, kept: parts.join(''), vStarts, rStarts, lengths };
}

/** Index of the last element of the ascending `xs` that is <= x (-1 when none is). */
function lastAtMost(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** The view of `text` with the cursor at `offset` and its verbatim part from `keepFrom` (a line start); `head` is reused when it is of the same text. */
export function prefixView(text: string, offset: number, keepFrom: number, languageId: string, head?: ViewHead): { view: PrefixView; head: ViewHead } {
  const h = head && head.languageId === languageId && head.above.length === keepFrom && text.startsWith(head.above) ? head : viewHead(text.slice(0, keepFrom), languageId);
  const vKeep = h.kept.length;
  const view: PrefixView = {
    text: h.kept + text.slice(keepFrom),
    offset: vKeep + offset - keepFrom,
    keepFrom,
    toReal(v) {
      if (v >= vKeep) return v - vKeep + keepFrom;
      const i = lastAtMost(h.vStarts, v);
      return i < 0 ? 0 : h.rStarts[i] + (v - h.vStarts[i]);
    },
    toView(r) {
      if (r >= keepFrom) return r - keepFrom + vKeep;
      const i = lastAtMost(h.rStarts, r);
      if (i >= 0 && r < h.rStarts[i] + h.lengths[i]) return h.vStarts[i] + (r - h.rStarts[i]);
      return i + 1 < h.vStarts.length ? h.vStarts[i + 1] : vKeep;
    },
  };
  return { view, head: h };
}

/** Lines after the cursor's line the suffix shows verbatim before comment-only lines are left out of it. */
export const SUFFIX_VERBATIM_LINES = 2;

/**
 * The suffix: the text after the cursor, whole lines, at most `max` characters; past the cursor's
 * line and the SUFFIX_VERBATIM_LINES after it, without lines that are only a comment (the JSDoc of
 * the next declaration takes the room of its code). `end`: where in the document the last line
 * it shows ends (what comes after the suffix starts there).
 */
export function suffixView(text: string, offset: number, max: number, languageId: string): { text: string; end: number } {
  if (commentSyntax(languageId) === undefined) {
    if (text.length - offset <= max) return { text: text.slice(offset), end: text.length };
    const s = text.slice(offset, offset + max);
    const nl = s.lastIndexOf('\n');
    const cut = nl > 0 ? s.slice(0, nl + 1) : s;
    return { text: cut, end: offset + cut.length };
  }
  const kind = lineClassifier(languageId);
  const parts: string[] = [];
  let size = 0;
  let pos = offset;
  for (let i = 0; pos < text.length; i++) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl + 1;
    const line = text.slice(pos, end);
    const code = kind(nl < 0 ? line : line.slice(0, -1)) !== 'comment';
    if (code || i <= SUFFIX_VERBATIM_LINES) {
      if (size + line.length > max) {
        // The first line alone over the room: as much of it as fits.
        if (i === 0) return { text: line.slice(0, max), end: pos + max };
        break;
      }
      parts.push(line);
      size += line.length;
    }
    pos = end;
  }
  return { text: parts.join(''), end: pos };
}

/** Lines in a text (one more than its line breaks). */
export function countLines(s: string): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where the prefix window starts. The window ends at the cursor and holds at most `room`
 * characters. With no earlier start for the document (`prev`): the first line start that leaves
 * an eighth of the room free (room for the next lines typed). With one: it stays while the window still fits and is no more than three
 * quarters of the room short of full (the person typed on, the room stayed about the same), so consecutive
 * prompts share their prefix (the server's KV cache); once the window no longer fits, it moves on
 * past the first line start that fits by half the room at once, so this happens once per half a
 * window of typing (at the cost of a window 50–100% full after such a move).
 */
export function prefixWindowStart(text: string, offset: number, room: number, prev?: number): number {
  if (offset <= room) return 0;
  if (room <= 0) return offset;
  const earliest = offset - room;
  const cursorLineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineStartFrom = (pos: number): number => {
    const p = pos <= 0 || text[pos - 1] === '\n' ? Math.max(0, pos) : text.indexOf('\n', pos) + 1;
    return p <= 0 && pos > 0 ? -1 : p;
  };
  const fullest = (): number => {
    const p = lineStartFrom(earliest);
    return p < 0 || p > cursorLineStart ? earliest : p;
  };
  const slack = Math.floor(room / 2);
  if (prev === undefined || prev > cursorLineStart || (prev > 0 && text[prev - 1] !== '\n')) {
    // A first window leaves an eighth of the room free, so the next lines typed do not move it at once.
    const p = lineStartFrom(earliest + Math.floor(room / 8));
    return p < 0 || p > cursorLineStart ? fullest() : p;
  }
  // Kept while it fits, unless far more of the file would fit now (the room grew, the cursor moved up).
  if (prev >= earliest) return prev - earliest <= Math.floor((room * 3) / 4) ? prev : fullest();
  // The window no longer fits: move on by half the room.
  const p = lineStartFrom(earliest + slack);
  return p < 0 || p > cursorLineStart ? fullest() : p;
}
