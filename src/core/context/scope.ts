/** The piece of work the cursor is in (a function, else a band of lines): sticky context holds within it. */
import type { OutlineSymbol } from '../lang/outline';
import { STICKY_REGION_LINES, type ShownLayout } from './sticky';

/**
 * Identifies the piece of work the cursor line is in: the innermost function or method of the
 * outline, else (outside all of them) its STICKY_REGION_LINES-line band. A function being typed often has no symbol while its text does
 * not parse (its body is unfinished): then the previous scope (`prev`, a declaration) holds while
 * the cursor is still in the block its header line opens, as the indentation of the lines between
 * tells, so half-typed code does not flip between the declaration and a band.
 */
export function scopeAt(symbols: readonly OutlineSymbol[], line: number, text?: string, prev?: string): string {
  const found = declarationAt(symbols, line);
  if (found || text === undefined || prev === undefined) return found ?? `band:${Math.floor(line / STICKY_REGION_LINES)}`;
  const header = /^(\d+):/.exec(prev);
  const from = header ? Number(header[1]) : -1;
  return from >= 0 && from <= line && insideBlock(text, from, line) ? prev : `band:${Math.floor(line / STICKY_REGION_LINES)}`;
}

/** Whether every non-blank line after `header` up to `line` (excluded) is indented deeper than it. */
function insideBlock(text: string, header: number, line: number): boolean {
  if (line - header > 2 * STICKY_REGION_LINES) return false;
  // On the header line itself: nothing between.
  if (line === header) return true;
  let at = 0;
  for (let i = 0; i < header; i++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return false;
    at = nl + 1;
  }
  const lines = text.slice(at).split('\n', line - header);
  if (lines.length < line - header) return false;
  const indent = (l: string) => l.length - l.trimStart().length;
  const h = indent(lines[0]);
  if (lines[0].trim() === '') return false;
  return lines.slice(1).every((l) => l.trim() === '' || indent(l) > h);
}

function declarationAt(symbols: readonly OutlineSymbol[], line: number): string | undefined {
  let best: OutlineSymbol | undefined;
  const visit = (xs: readonly OutlineSymbol[]) => {
    for (const x of xs) {
      if (x.line > line || x.endLine < line) continue;
      // Functions and methods are what one works on; an object's keys or a class's fields are not.
      if (!best || x.kind === 'function' || x.kind === 'method' || x.kind === 'constructor') best = x;
      visit(x.members);
    }
  };
  visit(symbols);
  // Only a function's body is one piece of work: outside one (a run of interfaces, type aliases,
  // fields) the cursor's band is.
  return best && (best.kind === 'function' || best.kind === 'method' || best.kind === 'constructor') ? `${best.line}:${best.name}` : undefined;
}

/**
 * Whether a function scope is where the last request already was, in a band because the function
 * did not parse then: its header is above that request's line and that line was in its block.
 */
export function continues(layout: ShownLayout, scope: string, text: string): boolean {
  const header = /^(\d+):/.exec(scope);
  if (!header || !layout.scope.startsWith('band:')) return false;
  const from = Number(header[1]);
  return from < layout.line && insideBlock(text, from, layout.line + 1);
}

/** Whether two scopes are the same piece of work: equal, or the same function's overloads (same name). */
export function sameScope(a: string | undefined, b: string): boolean {
  if (a === b) return true;
  const name = (x: string) => (/^\d+:(.+)$/.exec(x) ?? [])[1];
  return a !== undefined && name(a) !== undefined && name(a) === name(b);
}
