/** What the cursor is working with: the receiver chain and callee on its line, the call it is an argument of, a variable's declared type. */
import { NAME, NAME_CHARS } from '../lang/identifiers';
import type { Declaration } from '../workspace/symbolIndex';

/** The name before an opening parenthesis, type arguments allowed between: `foo<T>(`. */
const CALLEE_BEFORE_PAREN = new RegExp(String.raw`(${NAME})\s*(?:<[^<>()]*>)?\s*$`);
/** A chain of receivers before the member being typed: `a.b().c.` (also `::`, `->`). */
const RECEIVER_CHAIN = new RegExp(String.raw`((?:${NAME}\s*(?:\(\s*\))?\s*(?:\.|::|->)\s*)+)[${NAME_CHARS}]*$`);
/** The name the text ends with. */
const NAME_AT_END = new RegExp(String.raw`(${NAME})\s*$`);

/** Lines searched upwards for the call the cursor is an argument of. */
const CALL_LINES = 30;

/**
 * The call whose argument list the cursor is in, when it was opened on a line above:
 * `foo(a, {` / `  key: 1,` / cursor → { callee: 'foo', argIndex: 1 }. Walks back over brackets
 * (string contents are not told apart: a rough but cheap scan) and passes through object and array
 * literals that are themselves arguments or values (`(`, `,`, `:`, `[`, `=` before them); any other
 * unclosed `{` (a block) ends the search.
 */
export function enclosingCall(text: string, cursorLine: number, linePrefix: string): { callee: string; argIndex: number } | undefined {
  let end = 0;
  for (let i = 0; i < cursorLine; i++) {
    end = text.indexOf('\n', end) + 1;
    if (end === 0) return undefined;
  }
  let start = end;
  for (let i = 0; i < CALL_LINES && start > 0; i++) start = text.lastIndexOf('\n', start - 2) + 1;
  const src = text.slice(start, end) + linePrefix;
  let depth = 0;
  let commas = 0;
  for (let i = src.length - 1; i >= 0; i--) {
    const c = src[i];
    if (c === ')' || c === '}' || c === ']') depth++;
    else if (c === '(' || c === '{' || c === '[') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === '(') {
        // Opened on the cursor line: the callee is cursorTargets' (and would change as the line is typed).
        if (i >= src.length - linePrefix.length) return undefined;
        const m = CALLEE_BEFORE_PAREN.exec(src.slice(Math.max(0, i - 200), i));
        return m && !/^(if|for|while|switch|catch|function|return|typeof|await)$/.test(m[1]) ? { callee: m[1], argIndex: commas } : undefined;
      }
      const before = /(\S)\s*$/.exec(src.slice(Math.max(0, i - 80), i))?.[1];
      if (c === '{' && !(before && /[(,:[=]/.test(before) && !/=>\s*$/.test(src.slice(Math.max(0, i - 80), i)))) return undefined;
      commas = 0;
    } else if (c === ',' && depth === 0) commas++;
  }
  return undefined;
}

/**
 * Declared type names of parameter `argIndex` in the signatures of `decls` (functions, methods):
 * every capitalised name in that parameter's type (`opts?: Partial<GenerateOptions>` → Partial,
 * GenerateOptions), keywords left out.
 */
export function parameterTypes(decls: readonly Declaration[], argIndex: number, kw: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const d of decls) {
    if (d.symbol.kind !== 'function' && d.symbol.kind !== 'method') continue;
    const sig = d.symbol.signature;
    const open = sig.indexOf('(', sig.indexOf(d.symbol.name) >= 0 ? sig.indexOf(d.symbol.name) : 0);
    if (open < 0) continue;
    // Split the parameter list at top-level commas.
    const params: string[] = [];
    let depth = 0;
    let cur = '';
    for (let i = open + 1; i < sig.length; i++) {
      const c = sig[i];
      if (c === '(' || c === '{' || c === '[' || c === '<') depth++;
      else if (c === ')' || c === '}' || c === ']' || (c === '>' && sig[i - 1] !== '=')) {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        params.push(cur);
        cur = '';
        continue;
      }
      cur += c;
    }
    params.push(cur);
    const p = params[argIndex];
    const colon = p?.indexOf(':') ?? -1;
    if (!p || colon < 0) continue;
    for (const m of p.slice(colon + 1).matchAll(/\b[A-Z][\w$]*/g)) if (!kw.has(m[0])) out.add(m[0]);
  }
  return [...out];
}

/** Receiver of a member access and callee of a call at the end of the text before the cursor. */
export function cursorTargets(linePrefix: string): { receiver?: string; receiverChain: string[]; callee?: string } {
  const recv = RECEIVER_CHAIN.exec(linePrefix);
  let receiverChain: string[] = [];
  if (recv)
    receiverChain = recv[1]
      .split(/\.|::|->/)
      .map((s) => s.replace(/\(\s*\)/, '').trim())
      .filter(Boolean);
  // The innermost unclosed call: `foo(a, bar(` → bar.
  let depth = 0;
  let callee: string | undefined;
  for (let i = linePrefix.length - 1; i >= 0; i--) {
    const c = linePrefix[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        const m = NAME_AT_END.exec(linePrefix.slice(0, i));
        callee = m?.[1];
        break;
      }
      depth--;
    }
  }
  return { receiver: receiverChain[receiverChain.length - 1], receiverChain, callee };
}

/** `x: Foo`, `x = new Foo(`, `Foo x =`, `x := Foo{` near a name: its declared type. */
export function typeOfVariable(text: string, name: string): string | undefined {
  const esc = name.replace(/[$]/g, '\\$');
  const res = [
    new RegExp(`\\b${esc}\\??\\s*:\\s*(?:readonly\\s+)?([A-Z][\\w$]*)`),
    new RegExp(`\\b${esc}\\s*=\\s*(?:await\\s+)?new\\s+(${NAME})`),
    new RegExp(`\\b${esc}\\s*:?=\\s*&?([A-Z][\\w]*)\\s*\\{`),
    new RegExp(`\\b([A-Z][\\w$]*)(?:<[^>]*>)?\\s+${esc}\\s*[=;,)]`),
  ];
  for (const re of res) {
    const m = re.exec(text);
    if (m) return m[1];
  }
  return undefined;
}
