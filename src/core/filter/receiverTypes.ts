/**
 * The type of a Rust or Java receiver whose type is not written where it is declared, read from the
 * code before its use (the document before the cursor and the suggestion, strings and comments
 * blanked): `let account = self.accounts.get_mut(&id)?;`, `var e = map.entrySet()`, a closure's or
 * lambda's parameter (`values().map(|a| …)`, `stream().filter(b -> …)`), `for a in v`. The value's
 * chain of fields, calls, `?` and indexing is followed from a head whose type is written (a
 * parameter, a field, `self`/`this`, a typed local) through generics.ts's std/JDK tables. Undefined
 * whenever a step is not known: the receiver is then an open world.
 */
import { isIdentifier, NAME, NAME_CHARS } from '../lang/identifiers';
import type { Family } from './builtins';
import { closureParam, derefType, known, loopElement, memberResult, parseType, type GType } from './generics';
import type { GroundingContext } from './types';
import { splitTop } from './resolve';
import { JAVA_GENERICS, RUST_LIFETIME } from './scan';
import type { Ref, SuggestionFacts } from './facts';

/** What the reading needs besides the code. */
export interface ReceiverScope {
  /** Code before the use (strings and comments blanked, lengths kept). */
  code: string;
  family: Family;
  /** The type `self` / `this` names at the use (the enclosing impl or class), if any. */
  selfType?: string;
  /** A field's type as written (`accounts` of `Bank` → `HashMap<u64, Account>`). */
  fieldType(typeName: string, field: string): string | undefined;
  /** Declarations already read (`name@offset`). */
  seen?: Map<string, Declaration | undefined>;
}

/** How much of the document before the cursor's line is read for declarations. */
const WINDOW_CHARS = 4000;
/** The scanned code before each suggestion's use, built once per suggestion. */
const codeBefore = new WeakMap<SuggestionFacts, string>();
/** The last document prefix read (candidates of one request share it). */
let lastPrefix: { prefix: string; languageId: string; code: string } | undefined;

/** The document before the cursor's line, strings and comments blanked (lengths kept), within the window. */
function prefixCode(docPrefix: string, languageId: string): string {
  const lineStart = docPrefix.lastIndexOf('\n') + 1;
  const from = Math.max(0, docPrefix.lastIndexOf('\n', lineStart - WINDOW_CHARS) + 1);
  const prefix = docPrefix.slice(from, lineStart);
  if (lastPrefix && lastPrefix.languageId === languageId && lastPrefix.prefix === prefix) return lastPrefix.code;
  const text = languageId === 'rust' ? prefix.replace(RUST_LIFETIME, (m) => ' '.repeat(m.length)) : prefix;
  lastPrefix = { prefix, languageId, code: text.replace(LITERALS, (m) => m.replace(/[^\n]/g, ' ')) };
  return lastPrefix.code;
}

/**
 * Comments, strings and char literals of Rust and Java, blanked by one regular expression (a
 * character loop over the whole window costs milliseconds per keystroke); text blocks and raw
 * strings are read as runs of plain strings, which at worst leaves a declaration unread.
 */
const LITERALS = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\\n]|\\[^'\n]{1,10})'/g;

/**
 * A Rust or Java member's receiver, typed from the code before its use. `found` false: no
 * declaration of the receiver was read (the caller may use its own reading); `type` undefined with
 * `found`: declared, but its type could not be followed (an open world).
 */
export function inferReceiver(ref: Ref, ctx: GroundingContext): { found: boolean; type?: GType } {
  const { s, input, family, doc, resolver } = ctx;
  if ((family !== 'rust' && family !== 'java') || !ref.receiver || s.scanned === undefined || ref.scannedAt === undefined) return { found: false };
  // A path (`Type::f`, `module::f`) names no value.
  const use = ref.scannedAt;
  if (/::\s*$/.test(s.scanned.slice(Math.max(0, use - 4), use))) return { found: false };
  const self = ref.receiver === 'self' || ref.receiver === 'this';
  // Blanking literals costs more than reading: the raw text is read first for a declaration at all.
  if (!self && !codeBefore.has(s) && !mayDeclare(input.docPrefix, s.scanned, ref.receiver, family)) return { found: false };
  let code = codeBefore.get(s);
  if (code === undefined) {
    code = prefixCode(input.docPrefix, input.languageId) + s.scanned;
    codeBefore.set(s, code);
  }
  const at = code.length - s.scanned.length + use;
  const sc: ReceiverScope = {
    code,
    family,
    selfType: resolver.enclosingType(ctx.cursor)?.name,
    fieldType: (typeName, field) =>
      doc.fieldTypes?.get(`${typeName}.${field}`) ??
      resolver
        .typeFromText(typeName)
        ?.shapes.map((t) => t.memberTypes.get(field))
        .find(Boolean),
  };
  if (!self && !declarationOf(sc, ref.receiver, at)) return { found: false };
  return { found: true, type: typeOfName(sc, ref.receiver, at) };
}

/** Whether the window before the use (literals not blanked) has any declaration shape of `name`. */
function mayDeclare(docPrefix: string, scanned: string, name: string, family: Family): boolean {
  const lineStart = docPrefix.lastIndexOf('\n') + 1;
  const from = Math.max(0, docPrefix.lastIndexOf('\n', lineStart - WINDOW_CHARS) + 1);
  return nearestDeclaration(docPrefix.slice(from, lineStart) + scanned, name, family) !== undefined;
}

/** How many declarations and chains are followed back from one receiver. */
const MAX_DEPTH = 6;
/** Methods that give a value of the receiver's own type. */
const SAME_TYPE: Partial<Record<Family, Set<string>>> = { rust: new Set(['clone', 'to_owned', 'borrow', 'borrow_mut', 'as_ref', 'as_mut']) };
const IDENT = new RegExp(NAME, 'y');
/** A parameter's name after its type and modifiers (`final List<Book> books`, `mut acc`). */
const PARAMETER_NAME = new RegExp(String.raw`^(?:final\s+)?(?:[\w$.]+(?:<[^>]*>)?(?:\[\])*\s+)?(${NAME})$`);
/** Java's `Type name`: the type is all but the last word. */
const JAVA_TYPE_BEFORE_NAME = new RegExp(String.raw`^([\s\S]*?)\s+${NAME}$`);
/** The method name of `.name(` before an argument list. */
const METHOD_BEFORE_PAREN = new RegExp(String.raw`\.\s*(${NAME})\s*$`);

/** The type of `name` at offset `at` of the scope's code, or undefined when it cannot be followed. */
export function typeOfName(sc: ReceiverScope, name: string, at: number, depth = 0): GType | undefined {
  if (depth > MAX_DEPTH || !isIdentifier(name)) return undefined;
  if ((name === 'self' && sc.family === 'rust') || (name === 'this' && sc.family === 'java')) return sc.selfType ? { name: sc.selfType, args: [] } : undefined;
  const decl = declarationOf(sc, name, at);
  if (!decl) return undefined;
  const before = sc.code.slice(0, at);
  switch (decl.kind) {
    case 'typed':
      return parseType(typeTextAt(before, decl.end, sc.family));
    case 'value':
      return valueOf(sc, before, decl.end, depth);
    case 'loop': {
      const t = valueOf(sc, before, decl.end, depth, '{');
      return t ? loopElement(t, sc.family) : undefined;
    }
    case 'some': {
      const t = valueOf(sc, before, decl.end, depth, '{');
      return t ? memberResult(t, '?', sc.family) : undefined;
    }
    case 'closure':
      return closureParamType(sc, before, decl.start, decl.param, depth);
    case 'opaque':
      return undefined;
  }
}

interface Declaration {
  kind: 'typed' | 'value' | 'loop' | 'some' | 'closure' | 'opaque';
  /** Where the declaration starts; `end`: where its type or value starts. */
  start: number;
  end: number;
  /** A closure parameter's index in its list. */
  param: number;
}

/** The declaration of `name` nearest before `at`, read once per scope. */
function declarationOf(sc: ReceiverScope, name: string, at: number): Declaration | undefined {
  const key = `${name}@${at}`;
  sc.seen ??= new Map();
  if (!sc.seen.has(key)) sc.seen.set(key, nearestDeclaration(sc.code.slice(0, at), name, sc.family));
  return sc.seen.get(key);
}

/** Java: the text before `x ->` on its line when x is a switch pattern's binding (`case Book b ->`). */
const SWITCH_PATTERN = /\bcase\s+[\w$.<>[\], ]*$/;

/** The last declaration of `name` in `code`, by the language's shapes. */
function nearestDeclaration(code: string, name: string, family: Family): Declaration | undefined {
  const n = name.replace(/\$/g, '\\$');
  const shapes: [Declaration['kind'], RegExp][] =
    family === 'rust'
      ? [
          // Patterns that bind the name without a type we follow (`let (a, b) =`, `for (i, a) in`,
          // `if let Some((k, a)) =`, a match arm `Ok(a) =>`): they shadow older declarations. First,
          // so a shape below that ends at the same place reads the type instead.
          [
            'opaque',
            new RegExp(
              String.raw`\b(?:let|for)\s+[^=;{:\n]*?\b${n}\b[^=;{:\n]*?(?:=|\bin\b)|\b(?:if|while)\s+let\s+[^=;{\n]*?\b${n}\b[^=;{\n]*?=|(?:^|[{,])[ \t]*[^,{}=>;\n]*?\b${n}\b[^,{}=>;\n]*?=>`,
              'gm',
            ),
          ],
          ['typed', new RegExp(String.raw`\blet\s+(?:mut\s+)?${n}\s*:(?!:)\s*`, 'g')],
          ['value', new RegExp(String.raw`\blet\s+(?:mut\s+)?${n}\s*=(?!=)\s*`, 'g')],
          ['typed', new RegExp(String.raw`(?:[(,]|^)\s*(?:mut\s+)?${n}\s*:(?!:)\s*`, 'gm')],
          ['loop', new RegExp(String.raw`\bfor\s+(?:&\s*)?(?:mut\s+)?${n}\s+in\s+`, 'g')],
          ['some', new RegExp(String.raw`\b(?:if|while)\s+let\s+(?:Some|Ok)\s*\(\s*(?:ref\s+)?(?:mut\s+)?${n}\s*\)\s*=\s*`, 'g')],
          ['closure', new RegExp(String.raw`(?:^|[(,=\s])\|([^|]*)\|`, 'gm')],
        ]
      : family === 'java'
        ? [
            // A parameter, local, field, catch, for-each or pattern (`instanceof Book b &&`, `case Book b ->`).
            ['typed', new RegExp(String.raw`(?<![\w$.])(?=[A-Z])[\w.]+(?:${JAVA_GENERICS})?(?:\[\])*\s+${n}\s*(?=[=;:,)&|-])`, 'g')],
            ['value', new RegExp(String.raw`\bvar\s+${n}\s*=(?!=)\s*`, 'g')],
            ['loop', new RegExp(String.raw`\(\s*(?:final\s+)?var\s+${n}\s*:\s*`, 'g')],
            // Lambda parameters (a switch pattern's binding, `case Book b ->`, is skipped below).
            ['closure', new RegExp(String.raw`(?:\(([^()]*)\)|(?<![${NAME_CHARS}])(${NAME}))\s*->`, 'g')],
          ]
        : [];
  // The declaration that ends nearest the use wins.
  let best: Declaration | undefined;
  let bestEnd = -1;
  for (const [kind, re] of shapes) {
    for (const m of code.matchAll(re)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (end < bestEnd) continue;
      let param = 0;
      if (kind === 'closure') {
        const list = m[1] ?? m[2] ?? '';
        if (m[2] !== undefined && SWITCH_PATTERN.test(code.slice(code.lastIndexOf('\n', start) + 1, start))) continue;
        param = closureParams(list).indexOf(name);
        // A pattern parameter that binds the name (`|(k, v)|`) shadows older declarations, untyped.
        if (param < 0 && new RegExp(String.raw`(?<![\w$])${n}(?![\w$])`).test(list)) {
          bestEnd = end;
          best = { kind: 'opaque', start, end, param: 0 };
        }
        if (param < 0) continue;
      }
      bestEnd = end;
      // Rust: a closure from its first `|` (the match may begin at the call's parenthesis); Java: a
      // typed declaration from its type.
      const from = kind === 'closure' && family === 'rust' ? start + m[0].indexOf('|') : start;
      best = { kind, start: from, end: kind === 'typed' && family === 'java' ? start : end, param };
    }
  }
  return best;
}

/** A closure's or lambda's parameter names in order (`&a`, `mut b`, `c: &T`, `Book d` → a, b, c, d); a pattern gives ''. */
function closureParams(list: string): string[] {
  return splitTop(list, ',').map((p) => {
    const t = p
      .trim()
      .replace(/^&\s*/, '')
      .replace(/^mut\s+/, '')
      .replace(/\s*:(?!:)[\s\S]*$/, '');
    const words = PARAMETER_NAME.exec(t);
    return words ? words[1] : '';
  });
}

/** The type text starting at `i` (Java: before the name; Rust: after `:`), up to where a declaration's type ends. */
function typeTextAt(code: string, i: number, family: Family): string {
  const ends = family === 'java' ? /[=;,{|\n:&-]/ : /[=;,{|\n]/;
  let depth = 0;
  let j = i;
  for (; j < code.length; j++) {
    const c = code[j];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if (c === '>' || c === ')' || c === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && ends.test(c)) break;
  }
  const text = code.slice(i, j).trim();
  // Java: `Type name`: the type is all but the last word.
  const java = family === 'java' ? JAVA_TYPE_BEFORE_NAME.exec(text) : null;
  return java ? java[1] : text;
}

/** The type of the expression starting at `i` (ending at `;` or `stop` at its top level). */
function valueOf(sc: ReceiverScope, code: string, i: number, depth: number, stop = ';'): GType | undefined {
  let depthB = 0;
  let j = i;
  for (; j < code.length; j++) {
    const c = code[j];
    if (c === '(' || c === '[' || c === '{') {
      if (depthB === 0 && c === stop) break;
      depthB++;
    } else if (c === ')' || c === ']' || c === '}') {
      // The bracket that encloses the value (`for (var b : xs)`) ends it.
      if (depthB === 0) break;
      depthB--;
    } else if (depthB === 0 && c === stop) break;
  }
  return j < code.length || stop === ';' ? chainType(sc, code.slice(i, j), i, depth + 1) : undefined;
}

/**
 * The type of a chain `head(.field|.call(…)|?|[…])*`: a name, `self`/`this`, Java `new T<…>(…)`,
 * Rust `T::new(…)` or `T { … }`. Anything else (an operator, a literal, a cast) gives undefined.
 */
export function chainType(sc: ReceiverScope, expr: string, exprAt: number, depth: number): GType | undefined {
  const p = { s: expr, i: 0 };
  const ws = () => {
    while (p.i < p.s.length && /\s/.test(p.s[p.i])) p.i++;
  };
  const ident = (): string | undefined => {
    IDENT.lastIndex = p.i;
    const m = IDENT.exec(p.s);
    if (!m) return undefined;
    p.i += m[0].length;
    return m[0];
  };
  ws();
  while (sc.family === 'rust' && (p.s[p.i] === '&' || p.s[p.i] === '*' || p.s.startsWith('mut ', p.i))) {
    p.i += p.s.startsWith('mut ', p.i) ? 4 : 1;
    ws();
  }
  let head = ident();
  if (!head) return undefined;
  let t: GType | undefined;
  ws();
  if (sc.family === 'java' && head === 'new') {
    ws();
    const m = /^[\w$.]+(?:\s*<[^;{}()=]*>)?/.exec(p.s.slice(p.i));
    if (!m) return undefined;
    p.i += m[0].length;
    t = parseType(m[0].replace(/<\s*>$/, ''));
    ws();
    if (p.s[p.i] !== '(' || (p.i = closeOf(p.s, p.i)) < 0) return undefined;
  } else if (sc.family === 'rust' && /^[A-Z]/.test(head) && (p.s.startsWith('::', p.i) || p.s[p.i] === '{')) {
    // `Type::new(…)`, `Type::default()`, `Type { … }`: a value of Type (constructors by convention).
    if (p.s.startsWith('::', p.i)) {
      p.i += 2;
      ws();
      const f = ident();
      if (!f || !/^(?:new|default|with_capacity|from)$/.test(f)) return undefined;
      ws();
      if (p.s[p.i] !== '(' || (p.i = closeOf(p.s, p.i)) < 0) return undefined;
    } else if ((p.i = closeOf(p.s, p.i)) < 0) return undefined;
    t = { name: head, args: [] };
  } else t = typeOfName(sc, head, exprAt, depth + 1);
  head = undefined;
  for (;;) {
    ws();
    if (p.i >= p.s.length || !t) break;
    const c = p.s[p.i];
    if (c === '?' && sc.family === 'rust') {
      p.i++;
      t = memberResult(t, '?', sc.family);
    } else if (c === '[') {
      if ((p.i = closeOf(p.s, p.i)) < 0) return undefined;
      t = memberResult(t, '[]', sc.family);
    } else if (c === '.') {
      p.i++;
      ws();
      const m = ident();
      if (!m) return undefined;
      ws();
      if (p.s.startsWith('::<', p.i)) p.i = closeOf(p.s, p.i + 2);
      if (p.i < 0) return undefined;
      if (p.s[p.i] === '(') {
        if ((p.i = closeOf(p.s, p.i)) < 0) return undefined;
        t = SAME_TYPE[sc.family]?.has(m) && !memberResult(t, m, sc.family) ? t : memberResult(t, m, sc.family);
      } else t = m === 'await' ? t : fieldOf(sc, t, m);
    } else return undefined;
  }
  return p.i >= p.s.length ? known(t) : undefined;
}

/** A field of a type the scope can list (its own or the workspace's), by its written type. */
function fieldOf(sc: ReceiverScope, t: GType, field: string): GType | undefined {
  const own = derefType(t, sc.family);
  const text = sc.fieldType(own.name, field);
  return text ? parseType(text) : undefined;
}

/** Offset just past the bracket that closes the one at `i`, or -1. */
function closeOf(s: string, i: number): number {
  // Angle brackets count only for a type argument list (`::<T>`); elsewhere `<` is an operator.
  const angle = s[i] === '<';
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '(' || c === '[' || c === '{' || (angle && c === '<')) depth++;
    else if (c === ')' || c === ']' || c === '}' || (angle && c === '>' && s[j - 1] !== '-')) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Offset of the bracket that opens the one closing at `j` (`s[j]` is the closer), or -1. */
function openOf(s: string, j: number): number {
  let depth = 0;
  for (let k = j; k >= 0; k--) {
    const c = s[k];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/**
 * A closure or lambda at `start` passed to `recv.method(…)`: its parameter `param`'s type, from the
 * receiver's type and the method (the tables in generics.ts).
 */
function closureParamType(sc: ReceiverScope, code: string, start: number, param: number, depth: number): GType | undefined {
  // The call's open parenthesis and which argument the closure is.
  let d = 0;
  let arg = 0;
  let k = start - 1;
  for (; k >= 0; k--) {
    const c = code[k];
    if (c === ')' || c === ']' || c === '}') d++;
    else if (c === '(' || c === '[' || c === '{') {
      if (d === 0) break;
      d--;
    } else if (c === ',' && d === 0) arg++;
    else if (c === ';' && d === 0) return undefined;
  }
  if (k < 0 || code[k] !== '(') return undefined;
  const head = METHOD_BEFORE_PAREN.exec(code.slice(Math.max(0, k - 200), k));
  if (!head) return undefined;
  const dot = k - head[0].length;
  const recvStart = chainStart(code, dot);
  const recv = chainType(sc, code.slice(recvStart, dot), recvStart, depth + 1);
  return recv ? closureParam(recv, head[1], arg, param, sc.family) : undefined;
}

/** Where the chain of fields, calls, `?` and indexing that ends at `end` begins. */
function chainStart(code: string, end: number): number {
  let i = end;
  const back = () => {
    while (i > 0 && /\s/.test(code[i - 1])) i--;
  };
  for (;;) {
    back();
    const c = code[i - 1];
    if (c === ')' || c === ']') {
      const o = openOf(code, i - 1);
      if (o < 0) return i;
      i = o;
      back();
      // An index, or a parenthesised value: the chain goes on before it.
      if (c === ']' || !/[\w$]/.test(code[i - 1] ?? '')) continue;
    }
    if (c === '?') {
      i--;
      continue;
    }
    if (!/[\w$]/.test(code[i - 1] ?? '')) return i;
    while (i > 0 && /[\w$]/.test(code[i - 1])) i--;
    const at = i;
    back();
    if (code[i - 1] === '.') i--;
    else if (code.slice(i - 2, i) === '::') i -= 2;
    else return at;
  }
}
