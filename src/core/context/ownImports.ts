/**
 * The current file's import statements as its own outline shows them (the part of the prompt that
 * stands for the file above the prefix window). When the window does not reach the top of a long
 * file, the import list is the only place the names the file imports appear; a multi-line
 * `import {` … `} from './x'` is shown on one line with its names, less the names the window (or
 * the suffix) shows anyway, and clipped with `…` when it is still too long.
 */
import { identifierTokens, NAME, NAME_CHARS } from '../lang/identifiers';

/** An import list item: names, `::`, `.` and spaces only. */
const PLAIN_ITEM = new RegExp(String.raw`^[${NAME_CHARS}:.\s]+$`);
/** The name an item ends with. */
const LAST_NAME = new RegExp(String.raw`(${NAME})\s*$`);

/** `line` with its trailing comment cut off and string contents kept (quotes tracked). */
function stripComment(line: string, languageId: string): string {
  const hash = languageId === 'python';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (hash ? c === '#' : c === '/' && line[i + 1] === '/') return line.slice(0, i);
    else if (!hash && c === '/' && line[i + 1] === '*') {
      const close = line.indexOf('*/', i + 2);
      if (close < 0) return line.slice(0, i);
      line = line.slice(0, i) + line.slice(close + 2);
      i--;
    }
  }
  return line;
}

/** `s` with every quoted string's contents replaced by spaces (same length), so brackets in strings do not count. */
function maskStrings(s: string): string {
  return s.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, (m) => m[0] + ' '.repeat(m.length - 2) + m[0]);
}

function balanceOf(s: string): number {
  let b = 0;
  for (const c of maskStrings(s)) {
    if (c === '{' || c === '(' || c === '[') b++;
    else if (c === '}' || c === ')' || c === ']') b--;
  }
  return b;
}

/**
 * The import statement that starts on `line`, on one line (comments dropped, whitespace
 * collapsed), and the last line it takes (at most `last`): its brackets balanced and the line not
 * left open by a trailing `from`, `,` or `=`.
 */
export function importStatementAt(lines: readonly string[], line: number, last: number, languageId: string): { text: string; end: number } {
  const parts: string[] = [];
  let balance = 0;
  let end = line;
  for (let i = line; i <= Math.min(last, line + 200) && i < lines.length; i++) {
    const s = stripComment(lines[i], languageId).trim();
    end = i;
    if (!s || /^(\/\*|\*)/.test(s)) continue;
    // Go's grouped imports separate their specs by newlines: keep a separator between them.
    if (languageId === 'go' && parts.length > 0 && balance > 0 && !/[({,;]$/.test(parts[parts.length - 1]) && !/^[)}]/.test(s)) parts[parts.length - 1] += ';';
    parts.push(s);
    balance += balanceOf(s);
    if (balance <= 0 && !/(\bfrom|,|=)$/.test(s)) break;
  }
  const text = parts
    .join(' ')
    .replace(/([{(])\s+/g, '$1 ')
    .replace(/,?\s*([})])/g, (m, close: string) => ` ${close}`)
    .replace(/([{(]) ([})])/g, '$1$2')
    .replace(/\s+/g, ' ');
  return { text, end };
}

/** The name an import list item binds: `type X` → X, `X as Y` → Y, `a::b` → b; undefined for anything else (`*`, nested lists). */
function boundName(item: string): string | undefined {
  if (!PLAIN_ITEM.test(item)) return undefined;
  const m = LAST_NAME.exec(item);
  return m?.[1];
}

/**
 * An import statement (one line) without the items of its `{…}` list (`(…)` in Python) whose bound
 * names are in `visible`, then clipped to `max` characters by leaving out items from the end; a `…`
 * marks what was left out. Undefined when every item is visible (the statement adds nothing then)
 * or when even one item does not fit. A statement without such a list is returned as it is when it fits.
 * With `first`, clipping keeps the items whose bound names it holds before the others (shown in
 * the statement's order all the same).
 */
export function importWithout(stmt: string, visible: ReadonlySet<string>, max: number, languageId: string, first?: (name: string) => boolean): string | undefined {
  const masked = maskStrings(stmt);
  const open = languageId === 'python' ? (masked.search(/\bimport\s*\(/) >= 0 ? masked.indexOf('(', masked.search(/\bimport\s*\(/)) : -1) : masked.indexOf('{');
  let close = -1;
  if (open >= 0) {
    let depth = 0;
    for (let i = open; i < masked.length; i++) {
      const c = masked[i];
      if (c === '{' || c === '(' || c === '[') depth++;
      else if ((c === '}' || c === ')' || c === ']') && --depth === 0) {
        close = i;
        break;
      }
    }
  }
  let head: string;
  let tail: string;
  let items: string[];
  if (open >= 0 && close > open) {
    head = stmt.slice(0, open + 1);
    tail = stmt.slice(close);
    items = splitTop(stmt.slice(open + 1, close));
  } else if (languageId === 'python' && /^from\s+\S+\s+import\s+[^(*]/.test(stmt)) {
    // from a import b, c as d
    const at = stmt.indexOf(' import ') + ' import '.length;
    head = stmt.slice(0, at - 1);
    tail = '';
    items = splitTop(stmt.slice(at));
  } else return stmt.length <= max ? stmt : undefined;
  const kept = items.filter((it) => {
    const n = boundName(it);
    return n === undefined || !visible.has(n);
  });
  if (kept.length === 0) return undefined;
  const paren = head.endsWith('{') || head.endsWith('(');
  const render = (list: string[], clipped: boolean) => {
    const inner = list.join(', ') + (clipped ? ', …' : '');
    return paren ? `${head} ${inner} ${tail}` : `${head} ${inner}`;
  };
  // The order items are given up in when clipping (last first): `first` ones kept longest.
  const keptFirst = (it: string) => {
    const name = boundName(it);
    return first !== undefined && name !== undefined && first(name);
  };
  const byKeep = kept.map((it, i) => ({ it, i, f: keptFirst(it) ? 0 : 1 })).sort((a, b) => a.f - b.f || a.i - b.i);
  const firstN = (n: number) =>
    byKeep
      .slice(0, n)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.it);
  let n = kept.length;
  let out = render(kept, kept.length < items.length);
  while (out.length > max && n > 1) {
    n--;
    out = render(firstN(n), true);
  }
  return out.length <= max ? out : undefined;
}

/**
 * Import statements (each on one line, as `importWithout` leaves them) within `room` characters
 * (a line break after each counted), in their order: shared out evenly, every list getting the same room for
 * its names past its first one (the largest that fits), so a long list does not crowd out the
 * statements after it, nor a long module path its own statement. Names `first` holds are kept
 * longest in a clipped list, and statements naming one are dropped last; when even one name each
 * does not fit, the statements with the longest shortest forms go first.
 */
export function shareImports(stmts: readonly string[], visible: ReadonlySet<string>, room: number, languageId: string, first: (name: string) => boolean): string[] {
  const at = (s: string, max: number) => importWithout(s, visible, max, languageId, first);
  // Each statement's shortest form (one name and `…`).
  const floors = stmts.map((s) => {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at(s, mid) !== undefined) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  });
  const hasFirst = stmts.map((s) => identifierTokens(s).some((n) => !visible.has(n) && first(n)));
  const order = stmts.map((_, i) => i).sort((a, b) => Number(hasFirst[b]) - Number(hasFirst[a]) || floors[a] - floors[b] || a - b);
  let fit = 0;
  for (let used = 0; fit < order.length && (used += floors[order[fit]] + 1) <= room; fit++);
  const kept = new Set(order.slice(0, fit));
  const clipped = (cap: number) =>
    stmts.flatMap((s, i) => {
      if (!kept.has(i)) return [];
      const c = s.length <= floors[i] + cap ? s : at(s, floors[i] + cap);
      return c ? [c] : [];
    });
  const total = (cap: number) => clipped(cap).reduce((n, s) => n + s.length + 1, 0);
  let lo = 0;
  let hi = stmts.reduce((m, s) => Math.max(m, s.length), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return clipped(lo);
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const masked = maskStrings(s);
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out.filter((x) => x.length > 0);
}
