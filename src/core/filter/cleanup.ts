/**
 * Clean-up of raw model output, before any name is checked: the failures users report most.
 * Each rule that changes the text is named in `applied` (for the log and the report); a rule that
 * leaves nothing worth showing empties the text.
 */
import { COMMON_CONTROL_TOKENS, FAMILIES } from '../model/families';
import { literalEnd, literalState } from './literals';

export interface CleanupInput {
  text: string;
  /** The document before and after the cursor. */
  prefix: string;
  suffix: string;
  stop: readonly string[];
  /** A multi-line suggestion is allowed here (a block is being started). */
  multiline: boolean;
  maxLines: number;
  /** The document's language: a docstring or block comment open at the cursor ends the block there. */
  languageId?: string;
}

export interface CleanupResult {
  text: string;
  applied: string[];
}

/** `<|name|>` tokens of chat templates no family lists (`<|end|>`, `<|assistant|>` of other vocabularies). */
const BAR_TOKEN = '<\\|[a-z][a-z0-9_]*\\|>';
/**
 * Every family's sentinels, end tokens and special tokens (model/families.ts), and other chat
 * templates' markers: none is ever code. `</s>` (CodeLlama's, Codestral's end) is matched apart:
 * it is HTML's strike-through too.
 */
const CONTROL = new RegExp(
  [...new Set([...COMMON_CONTROL_TOKENS, ...FAMILIES.flatMap((f) => f.ends)])]
    .filter((t) => t !== '<s>' && t !== '</s>')
    .sort((a, b) => b.length - a.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .concat(BAR_TOKEN)
    .join('|'),
);
/** Control tokens at the start of an answer, with a chat role after them (`<|im_start|>assistant`) and the line break ending them. */
const LEADING_CONTROL = new RegExp(`^(?:${CONTROL.source})(?:(?:assistant|model)\\b)?(?:${CONTROL.source})*(?:[ \\t]*\\n)?`);
/** A reasoning block at the start, and the blank lines after it (the code's own indentation stays). */
const LEADING_THINK = /^\s*<think>[\s\S]*?<\/think>[ \t]*(?:\n[ \t]*(?=\n))*\n?/;
const BLOCK_CONTINUATION = /^\s*(?:\}?\s*(?:else|catch|finally)\b|elif\b|else\s*:|except\b|finally\s*:|case\b|default\s*:|\)|\]|\})/;

export function cleanup(input: CleanupInput): CleanupResult {
  const applied: string[] = [];
  let t = input.text.replace(/\r\n/g, '\n');
  const note = (rule: string, next: string) => {
    if (next !== t) {
      applied.push(rule);
      t = next;
    }
  };
  // Only the lines next to the cursor are read: splitting a whole long document into lines on every
  // candidate cost milliseconds.
  const lineStart = input.prefix.lastIndexOf('\n') + 1;
  const lineBefore = input.prefix.slice(lineStart);
  const restEnd = input.suffix.indexOf('\n');
  const restOfLine = restEnd < 0 ? input.suffix : input.suffix.slice(0, restEnd);
  const prevLine = lineStart > 0 ? input.prefix.slice(input.prefix.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1) : '';

  const start = answerStart(t);
  note('think', start.think);
  note('sentinel', start.text);
  note('think', t.replace(/<think>[\s\S]*?(?:<\/think>|$)/g, ''));
  note('sentinel', cutAtControl(t));
  for (const s of input.stop) if (s) note('stop-word', t.includes(s) ? t.slice(0, t.indexOf(s)) : t);
  note('fence', stripFences(t, FENCED_DOCUMENTS.has(input.languageId ?? '')));
  note('file-opening', withoutFileOpening(t, input.prefix, lineStart));
  // A chat model repeating the start of the line.
  const typed = lineBefore.trim();
  if (typed.length >= 6 && t.trimStart().startsWith(typed)) {
    note('prefix-echo', t.trimStart().slice(typed.length));
  }
  note('indentation', fixIndentation(t, lineBefore, input.prefix));

  // Single line in the middle of a line; multi-line only where a block starts, up to the cap.
  if (!input.multiline || (restOfLine.trim() !== '' && !/^[)\]};,]+$/.test(restOfLine.trim()))) {
    const nl = t.search(/\n/);
    const first = nl >= 0 ? t.slice(0, nl) : t;
    // After a finished statement (`return a + b` ▮), a completion that starts on the next line
    // (`\n}`) is that line, not nothing: what is shown follows from the text, not only the cursor.
    const onNextLine = first.trim() === '' && nl >= 0 && restOfLine.trim() === '' && endsStatement(lineBefore);
    if (onNextLine) note('next-line-start', /^\s*\n[^\n]*/.exec(t)![0]);
    else note('single-line', first.trim() === '' && nl >= 0 && !input.multiline ? '' : first);
  } else {
    note('literal-end', endOfOpenLiteral(t, input.prefix, input.languageId));
    note('block-scope', blockScope(t, lineBefore));
    const lines = t.split('\n');
    if (lines.length > input.maxLines) note('line-cap', lines.slice(0, input.maxLines).join('\n'));
  }
  note('repetition', stopRepetition(t));

  // Text that duplicates what follows the cursor on this line.
  const rest = restOfLine.trim();
  if (rest !== '') {
    if (/^[)\]};,]+$/.test(rest)) note('suffix-closers', dropClosersTheSuffixHas(t, lineBefore, rest));
    else {
      const at = t.indexOf(rest);
      if (at >= 0) note('suffix-duplicate', t.slice(0, at));
      else note('suffix-duplicate', removeOverlap(t, restOfLine.trimStart()));
    }
  }
  // Lines that repeat the line after the cursor (`};` and `}` alike): the suggestion ends before
  // the first one; one whose first line repeats it is dropped, whatever follows.
  const nextLine = restEnd < 0 ? '' : firstNonBlankLine(input.suffix, restEnd + 1);
  const next = sameLineKey(nextLine);
  if (next !== '') {
    const lines = t.split('\n');
    const idx = lines.findIndex((l, i) => {
      const whole = i === 0 ? lineBefore + l : l;
      if (sameLineKey(whole) !== next) return false;
      // A lone closer repeats the next line only at the same indentation.
      return next.length > SHORT_LINE || indentOf(whole) === indentOf(nextLine);
    });
    if (idx > 0) note('next-line-duplicate', lines.slice(0, idx).join('\n'));
    else if (idx === 0 && (lines[0].trim() !== '' || lineBefore.trim() !== '')) note('next-line-duplicate', '');
  }
  // A line that repeats the line above.
  const firstWhole = (lineBefore + (t.split('\n')[0] ?? '')).trim();
  const above = lineBefore.trim() === '' ? prevLine : '';
  if (above.trim().length > 3 && firstWhole === above.trim()) note('previous-line-duplicate', '');

  note('trailing-space', t.replace(/[ \t]+$/gm, '').replace(/\n+$/, ''));
  if (t.trim() === '' || (/^[\s)\]};,]*$/.test(t) && !/^[)\]};,]+$/.test(t.trim()))) t = '';
  return { text: t, applied };
}

/** A line that ends with an operator, an opening bracket, a comma or a backslash goes on. */
const LINE_GOES_ON = /(?:[=+\-*/%&|^<>!?~:.,(\[{\\]|\b(?:await|new|in|of|and|or|not|is))\s*$/;
/** `i++` and `i--` end a statement. */
const POSTFIX_END = /(?:\+\+|--)\s*$/;

/** Whether the person's line ends a statement (so a completion may start on the next line). */
function endsStatement(lineBefore: string): boolean {
  const line = lineBefore.trim();
  return line !== '' && (POSTFIX_END.test(line) || !LINE_GOES_ON.test(line));
}

/** Literals a block may be inside of: docstrings, block comments, multi-line strings. */
const MULTI_LINE_CLOSE = new Set(['"""', "'''", '*/', '`']);

/**
 * A docstring (or block comment, multi-line string) open at the cursor is completed as a block: the
 * suggestion ends where the literal does, not with the code the model went on to write after it.
 */
function endOfOpenLiteral(t: string, prefix: string, languageId: string | undefined): string {
  if (!languageId) return t;
  const open = literalState(prefix, languageId).cursor;
  // A template's text ends at each `${` too: its substitutions are part of the block.
  if (!open || open.kind === 'template' || !MULTI_LINE_CLOSE.has(open.close)) return t;
  const end = literalEnd(t, open, languageId);
  return end < 0 ? t : t.slice(0, end);
}

/** A line this short (`}`, `});`) repeats another only at the same indentation. */
const SHORT_LINE = 3;

/** A line as compared with another: without surrounding white space or trailing `;` and `,`. */
function sameLineKey(line: string): string {
  return line.trim().replace(/[;,\s]+$/, '');
}

/** The answer ends at a control token (an end token, or the model going on to another section). */
function cutAtControl(t: string): string {
  const m = CONTROL.exec(t);
  let end = m ? m.index : t.length;
  // `</s>` ends the answer unless an HTML `<s>` before it opened it.
  const s = t.indexOf('</s>');
  if (s >= 0 && s < end && !t.slice(0, s).includes('<s>')) end = s;
  return t.slice(0, end);
}

/**
 * Where the suggestion starts in an answer: after what is never code at its start, in any order —
 * leaked control tokens and chat role headers (`<|fim_middle|>`, `<|im_start|>assistant`), a
 * reasoning block (`<think>…</think>`, or reasoning whose `<think>` the chat template wrote: text
 * up to a `</think>` with none opened). `think` is the text with only the reasoning removed.
 */
function answerStart(t: string): { think: string; text: string } {
  let think = t;
  const orphan = t.indexOf('</think>');
  if (orphan >= 0 && !t.slice(0, orphan).includes('<think>')) think = t.slice(orphan + '</think>'.length).replace(/^[ \t]*(?:\n[ \t]*(?=\n))*\n?/, '');
  let text = think;
  for (let guard = 0; guard < 8; guard++) {
    const next = text.replace(LEADING_CONTROL, '').replace(LEADING_THINK, '');
    if (next === text) break;
    text = next;
  }
  return { think: think.replace(LEADING_THINK, ''), text: withoutTokenLines(text) };
}

/** A line of control tokens alone (a chat role after them allowed). */
const TOKEN_LINE = new RegExp(`^[ \\t]*(?:(?:${CONTROL.source})[ \\t]*(?:assistant|model)?[ \\t]*)+$`);

/** Lines of control tokens among the chat before the code (`Here is the line:` / `<|fim_middle|>`): dropped. */
function withoutTokenLines(t: string): string {
  if (!CONTROL.test(t)) return t;
  const lines = t.split('\n');
  for (let i = 0; i < Math.min(lines.length - 1, PREAMBLE_LINES + 1); i++) {
    const l = lines[i];
    if (TOKEN_LINE.test(l)) lines.splice(i--, 1);
    else if (!(l.trim() === '' || CHAT_OPENING.test(l) || PROSE_INTRO.test(l) || FENCE.test(l))) break;
  }
  return lines.join('\n');
}

/**
 * A chat model restating the file's first line (`<?php`, `package store`, `#!/usr/bin/env bash`)
 * before the code: the document has it already, the cursor is past it. Dropped with the blank lines after it.
 */
function withoutFileOpening(t: string, prefix: string, lineStart: number): string {
  const nl = t.indexOf('\n');
  if (nl < 0 || lineStart === 0) return t;
  const first = t.slice(0, nl).trim();
  const fileFirst = prefix.slice(0, prefix.indexOf('\n')).trim();
  return first !== '' && first === fileFirst ? t.slice(nl + 1).replace(/^(?:[ \t]*\n)+/, '') : t;
}

/** A line that opens a block: the next line is indented deeper. */
const OPENS_BLOCK = /(?:[{(\[:]|=>|\bdo|\bthen)\s*$/;

/** The last line before offset `end` that is not blank, or undefined. */
function lastNonBlankLine(text: string, end: number): string | undefined {
  let stop = end;
  while (stop > 0) {
    const from = text.lastIndexOf('\n', stop - 2) + 1;
    const line = text.slice(from, stop).replace(/\n$/, '');
    if (line.trim() !== '') return line;
    stop = from;
  }
  return undefined;
}

/** The first line from `from` on that is not blank, or ''. */
function firstNonBlankLine(text: string, from: number): string {
  let start = from;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const line = nl < 0 ? text.slice(start) : text.slice(start, nl);
    if (line.trim() !== '') return line;
    if (nl < 0) break;
    start = nl + 1;
  }
  return '';
}

/** The document's indentation style, from the text before the cursor (the last one is remembered). */
interface IndentStyle {
  usesTabs: boolean;
  usesSpaces: boolean;
  unit: string;
}
let lastStyle: { prefix: string; style: IndentStyle } | undefined;

function indentStyle(prefix: string): IndentStyle {
  if (lastStyle && lastStyle.prefix.length === prefix.length && lastStyle.prefix === prefix) return lastStyle.style;
  const tabs = /\n\t/.test(prefix);
  const spaces = /\n {2,}\S/.test(prefix);
  const style = { usesTabs: tabs && !spaces, usesSpaces: spaces && !tabs, unit: /\n( {2,})\S/.exec(prefix)?.[1].length === 2 ? '  ' : '    ' };
  lastStyle = { prefix, style };
  return style;
}

function indentOf(l: string): number {
  return /^[ \t]*/.exec(l)![0].replace(/\t/g, '    ').length;
}

/** Lines of chat before the code that are looked at (`Here is the completed code:`, a blank line, the fence). */
const PREAMBLE_LINES = 3;
/** How chat models introduce code. */
const CHAT_OPENING =
  /^\s*(?:sure|certainly|of course|okay|ok|great|here(?:'s|\s+is|\s+are)|below\s+is|the\s+(?:completed?|missing|following|rest)|this\s+(?:completes|is)|i(?:'ve|\s+have|'ll|\s+will))\b/i;
/** A sentence introducing what follows: words, ending with `:` or `.`, no code punctuation. */
const PROSE_INTRO = /^\s*[A-Za-z][\w'’ ,-]*(?:\s+[\w'’,-]+){2,}\s*[:.!]\s*$/;
const FENCE = /^[ \t]*```[\w+#.-]*[ \t]*$/;
/** A fence around Markdown: in a Markdown document only such a fence (or one chat introduces) wraps the answer. */
const MARKDOWN_FENCE = /^[ \t]*```(?:markdown|md)[ \t]*$/i;
/** Languages whose documents hold fenced code blocks of their own. */
const FENCED_DOCUMENTS = new Set(['markdown', 'mdx']);

/**
 * For a stream being read: the answer from where the suggestion starts (after control tokens, a
 * reasoning block, a chat preamble and the fence opening the code), or undefined while that start
 * cannot be told yet (reasoning still open, a preamble or a fence still being written). The early
 * stop (model/earlyStop.ts) decides on this text, so chat before the code never decides a suggestion.
 */
export function suggestionStart(t: string): string | undefined {
  const v = answerStart(t).text;
  if (/^\s*<think>/.test(v)) return undefined;
  const lines = v.split('\n');
  let k = 0;
  let chat = false;
  for (; k < lines.length - 1 && k <= PREAMBLE_LINES; k++) {
    const l = lines[k];
    if (FENCE.test(l)) return lines.slice(k + 1).join('\n');
    // A sentence introducing code ends with `:`; other prose (a docstring's line) decides as it is.
    if (CHAT_OPENING.test(l) || (PROSE_INTRO.test(l) && /:\s*$/.test(l))) chat = true;
    else if (l.trim() !== '') break;
  }
  // Every complete line so far is chat or blank: the code has not started yet.
  if (k === lines.length - 1 && (/^\s*`{1,3}[^\n]*$/.test(lines[k]) || (chat && k <= PREAMBLE_LINES))) return undefined;
  // A chat opening with no fence: the code starts on the next line (as stripFences reads it).
  if (chat && CHAT_OPENING.test(lines[0]) && /[:.!]\s*$/.test(lines[0])) return lines.slice(k).join('\n');
  return v;
}

/**
 * Markdown fences and the chat around them: a preamble (`Here is the completed code:`) before the
 * first lines is dropped; the code of the first fence is kept, what follows its closing fence is not.
 */
function stripFences(t: string, fencesAreContent: boolean): string {
  const lines = t.split('\n');
  let from = 0;
  const fenceAt = lines.slice(0, PREAMBLE_LINES + 1).findIndex((l) => FENCE.test(l));
  const chat = (l: string) => l.trim() === '' || CHAT_OPENING.test(l) || PROSE_INTRO.test(l);
  // In Markdown a fence is the document's own code block, unless it is tagged as Markdown or chat introduces it.
  const wraps = fenceAt >= 0 && (!fencesAreContent || MARKDOWN_FENCE.test(lines[fenceAt]) || lines.slice(0, fenceAt).some((l) => CHAT_OPENING.test(l)));
  if (fenceAt >= 0 && wraps && lines.slice(0, fenceAt).every(chat)) from = fenceAt + 1;
  // A chat opening with no fence: the code starts on the next line.
  else if (CHAT_OPENING.test(lines[0]) && /[:.!]\s*$/.test(lines[0])) {
    from = lines.findIndex((l, i) => i > 0 && l.trim() !== '');
    if (from < 0) return '';
  }
  const body = from > 0 ? lines.slice(from).join('\n') : t;
  // The answer's own fence closes it; a Markdown document's fences are its content.
  if (fencesAreContent && !(fenceAt >= 0 && from === fenceAt + 1)) return body;
  const end = body.search(/(?:^|\n)[ \t]*```/);
  return end >= 0 ? body.slice(0, end) : body;
}

/**
 * The cursor sits after indentation and the model indented again: drop the doubled indentation.
 * Tabs vs spaces follow the document.
 */
function fixIndentation(t: string, lineBefore: string, prefix: string): string {
  let out = t;
  if (lineBefore.length > 0 && lineBefore.trim() === '') {
    const lead = /^[ \t]*/.exec(out)![0];
    if (lead.length >= lineBefore.length && lead.startsWith(lineBefore)) out = out.slice(lineBefore.length);
    else if (lead.length > 0 && lead.length < lineBefore.length) out = out.slice(lead.length);
    // One line indented deeper still, where the line above is a sibling (same indentation, opens no
    // block): the model indented in its own unit (4 spaces in a 2-space file), not a nested block.
    const rest = /^[ \t]*/.exec(out)![0];
    if (rest && !out.includes('\n')) {
      const above = lastNonBlankLine(prefix, prefix.length - lineBefore.length);
      if (above !== undefined && indentOf(above) === indentOf(lineBefore) && !OPENS_BLOCK.test(above)) out = out.slice(rest.length);
    }
  }
  const { usesTabs, usesSpaces, unit } = indentStyle(prefix);
  if (usesSpaces && /\n\t/.test(out)) {
    out = out.replace(/\n(\t+)/g, (_, tabs: string) => '\n' + unit.repeat(tabs.length));
  } else if (usesTabs && /\n {2,}/.test(out)) {
    out = out.replace(/\n((?: {4})+)/g, (_, sp: string) => '\n' + '\t'.repeat(sp.length / 4));
  }
  return out;
}

/**
 * A multi-line block ends where its indentation does. After a block opener (`{`, `:`) the block is
 * what is indented deeper than that line; on a line inside a block, it is what stays at least at
 * the cursor's indentation. The closing line is kept; what follows it is not.
 */
function blockScope(t: string, lineBefore: string): string {
  const lines = t.split('\n');
  if (lines.length < 2) return t;
  const first = lineBefore + lines[0];
  const opener = /[{(\[:]\s*$|=>\s*$/.test(first);
  const base = opener ? indentOf(first) : lineBefore.trim() === '' ? lineBefore.replace(/\t/g, '    ').length : indentOf(first);
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') continue;
    const ind = indentOf(l);
    if (opener ? ind > base : ind >= base) continue;
    if (BLOCK_CONTINUATION.test(l) && !/^\s*[)\]}]\s*[;,)]*\s*$/.test(l)) continue;
    if (/^\s*[)\]}]/.test(l)) return lines.slice(0, i + 1).join('\n');
    return lines.slice(0, i).join('\n');
  }
  return t;
}

/** Stops repetition loops: repeated lines or blocks of lines, and a chunk repeated within a line. */
function stopRepetition(t: string): string {
  const lines = t.split('\n');
  for (let period = 1; period <= 4; period++) {
    for (let i = 0; i + 2 * period <= lines.length; i++) {
      const block = lines
        .slice(i, i + period)
        .map((l) => l.trim())
        .join('\n');
      if (block.trim().length < 4 || /^[\s)\]};,]*$/.test(block)) continue;
      let reps = 1;
      while (
        lines
          .slice(i + reps * period, i + (reps + 1) * period)
          .map((l) => l.trim())
          .join('\n') === block
      )
        reps++;
      if (reps >= (period === 1 ? 2 : 2) && lines.slice(i, i + period).every((l) => l.trim() !== '')) {
        return lines.slice(0, i + period).join('\n');
      }
    }
  }
  const m = repeatedChunk(t);
  return m ? t.slice(0, m.index + m.unit.length) : t;
}

/** A chunk of at least this many characters repeated at least this many more times is a loop. */
const LOOP_CHUNK = /(.{3,}?)\1{3,}/g;

/**
 * The first chunk repeated within a line, leaving out runs of one character (indentation, `----`
 * rulers, `0000`): those are layout or literals, and a line indented 12 spaces deep is not a loop.
 */
function repeatedChunk(t: string): { index: number; unit: string } | undefined {
  LOOP_CHUNK.lastIndex = 0;
  for (let m = LOOP_CHUNK.exec(t); m; m = LOOP_CHUNK.exec(t)) {
    if (new Set(m[1]).size > 1) return { index: m.index, unit: m[1] };
    // Retry from the next character: a real loop may start inside or just after the run.
    LOOP_CHUNK.lastIndex = m.index + 1;
  }
  return undefined;
}

/** `foo(a, b)` when the suffix already has `)`: keep `foo(a, b`. Balanced brackets stay. */
function dropClosersTheSuffixHas(t: string, lineBefore: string, rest: string): string {
  const trimmed = t.replace(/\s+$/, '');
  const excess = (s: string) =>
    [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ].some(([o, c]) => count(s, c) > count(s, o));
  for (let k = Math.min(trimmed.length, rest.length); k >= 1; k--) {
    const tail = rest.slice(0, k);
    if (!trimmed.endsWith(tail)) continue;
    const kept = trimmed.slice(0, trimmed.length - k);
    if (/^[;,]+$/.test(tail) || (excess(lineBefore + trimmed + rest) && !excess(lineBefore + kept + rest))) return kept;
  }
  return t;
}

function count(s: string, c: string): number {
  let n = 0;
  for (const x of s) if (x === c) n++;
  return n;
}

/** Removes the longest tail of `t` that the text after the cursor starts with. */
function removeOverlap(t: string, rest: string): string {
  for (let k = Math.min(t.length, rest.length); k >= 2; k--) if (t.endsWith(rest.slice(0, k))) return t.slice(0, t.length - k);
  return t;
}
