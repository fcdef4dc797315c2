/**
 * Identifiers as CrossCodeEval defines them: remove string literals and comments, split into
 * identifier tokens, drop the language's keywords. Used by benchmarks and the evaluation.
 */

const KEYWORDS: Record<string, string[]> = {
  ts: 'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield any boolean constructor declare get module require number set string symbol type from of async await abstract readonly keyof infer is never unknown undefined namespace satisfies override accessor bigint object unique asserts global out'.split(
    ' ',
  ),
  python:
    'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self'.split(
      ' ',
    ),
  go: 'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false iota'.split(
    ' ',
  ),
  rust: 'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while'.split(
    ' ',
  ),
  java: 'abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while true false null var record yield sealed permits'.split(
    ' ',
  ),
};

const FAMILY: Record<string, keyof typeof KEYWORDS> = {
  typescript: 'ts',
  typescriptreact: 'ts',
  javascript: 'ts',
  javascriptreact: 'ts',
  python: 'python',
  go: 'go',
  rust: 'rust',
  java: 'java',
};

const KEYWORD_SETS = new Map<string, Set<string>>(Object.entries(KEYWORDS).map(([k, v]) => [k, new Set(v)]));

export function keywordsFor(languageId: string): Set<string> {
  return KEYWORD_SETS.get(FAMILY[languageId] ?? 'ts')!;
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX_WORDS = new Set('return typeof instanceof in of new delete void throw case do else yield await'.split(' '));
/** Characters after which a `/` starts a regular expression (`<` left out: a JSX closing tag). */
const BEFORE_REGEX_CHARS = new Set([...'(,=:[!&|?{};+-*%>~^']);

/** End (exclusive) of the regular expression literal whose `/` is at `i`, flags included; -1 when the line ends first. */
function regexEnd(code: string, i: number): number {
  let inClass = false;
  for (let k = i + 1; k < code.length; k++) {
    const c = code[k];
    if (c === '\n') return -1;
    if (c === '\\') k++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let e = k + 1;
      while (e < code.length && /[a-z]/.test(code[e])) e++;
      return e;
    }
  }
  return -1;
}

/**
 * Removes string literals and comments (line and block), keeping line structure. With `keepLength`
 * they are blanked out instead (same offsets, line breaks kept); with `regex` (JavaScript and
 * TypeScript) regular expression literals go too, told from a division by what precedes the `/`.
 */
export function stripStringsAndComments(code: string, languageId: string, opts: { keepLength?: boolean; regex?: boolean } = {}): string {
  const blank = (t: string) => (opts.keepLength ? t.replace(/[^\n]/g, ' ') : t.replace(/[^\n]/g, ''));
  const hashComments = languageId === 'python';
  let out = '';
  let i = 0;
  const n = code.length;
  // The last code character kept and the word it ends (a literal counts as a value: 'a', no word).
  let last = '';
  let word = '';
  while (i < n) {
    const c = code[i];
    const next = code[i + 1];
    const from = i;
    if ((!hashComments && c === '/' && next === '/') || (hashComments && c === '#')) {
      while (i < n && code[i] !== '\n') i++;
      out += blank(code.slice(from, i));
    } else if (!hashComments && c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += blank(code.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      const triple = languageId === 'python' && code.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      i += q.length;
      while (i < n) {
        if (code[i] === '\\') {
          i += 2;
          continue;
        }
        if (code.startsWith(q, i)) {
          i += q.length;
          break;
        }
        if (!triple && c !== '`' && code[i] === '\n') break;
        i++;
      }
      i = Math.min(i, n);
      out += opts.keepLength ? blank(code.slice(from, i)) : ' ';
      last = 'a';
      word = '';
    } else if (opts.regex && c === '/' && (last === '' || BEFORE_REGEX_CHARS.has(last) || BEFORE_REGEX_WORDS.has(word)) && regexEnd(code, i) > 0) {
      i = regexEnd(code, i);
      out += opts.keepLength ? ' '.repeat(i - from) : ' ';
      last = 'a';
      word = '';
    } else {
      out += c;
      i++;
      if (!/\s/.test(c)) {
        word = /[A-Za-z0-9_$]/.test(c) ? (/[A-Za-z0-9_$]/.test(last) ? word + c : c) : '';
        last = c;
      }
    }
  }
  return out;
}

/**
 * An identifier token: ASCII letters, digits, `_` and `$` (JavaScript's), and every character from
 * U+00C0 up (names in other scripts: `größe`, `変数`), not starting with a digit nor inside another
 * token, so the digits and letters of a number literal (`0x1f`, `1e5`, `10n`) are not read as names
 * (`x1f`, `e5`, `n`). The one tokenizer of names: the context (ranking, import lists, own
 * outline), the benchmarks' targets and the evaluation read names with it; the similar-code
 * windows keep a variant of their own (WINDOW_TOKEN, below).
 */
export const IDENT = /(?<![A-Za-z0-9_$\u00C0-\uFFFF])[A-Za-z_$\u00C0-\uFFFF][A-Za-z0-9_$\u00C0-\uFFFF]*/g;

/** The characters of a name (IDENT's), as the body of a character class: `[${NAME_CHARS}]`. */
export const NAME_CHARS = 'A-Za-z0-9_$\\u00C0-\\uFFFF';
/**
 * A name (IDENT without its look-behind) as regular expression source, for patterns that capture a
 * name in a shape of code: `new\s+(${NAME})`, `exports\.(${NAME})`.
 */
export const NAME = `[A-Za-z_$\\u00C0-\\uFFFF][${NAME_CHARS}]*`;
const ONE_IDENT = new RegExp(`^${NAME}$`);

/** Identifier tokens of text, in order, repeats kept (strings, comments and keywords not removed). */
export function identifierTokens(text: string): string[] {
  return text.match(IDENT) ?? [];
}

/** The distinct identifier tokens of text, added to `into` when one is given. */
export function identifierSet(text: string, into = new Set<string>()): Set<string> {
  for (const m of text.matchAll(IDENT)) into.add(m[0]);
  return into;
}

/** Whether `s` is exactly one identifier token. */
export function isIdentifier(s: string): boolean {
  return ONE_IDENT.test(s);
}

/** A pattern matching `name` where it stands as a whole name, not inside a longer one. */
export function wholeNamePattern(name: string, flags = ''): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![${NAME_CHARS}])${escaped}(?![${NAME_CHARS}])`, flags);
}

/**
 * The similar-code windows' token: an ASCII name read anywhere in the raw text, inside a number
 * literal too (`1e5` gives `e5`). Kept apart from IDENT: with IDENT the windows ranked a little
 * worse (docs/benchmarks.md, "One identifier tokenizer").
 */
const WINDOW_TOKEN = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** The distinct window tokens of text (WINDOW_TOKEN). */
export function windowTokenSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(WINDOW_TOKEN)) out.add(m[0]);
  return out;
}

/** Identifier tokens of code, in order, keywords dropped. */
export function identifiersOf(code: string, languageId: string): string[] {
  const kw = keywordsFor(languageId);
  const out: string[] = [];
  for (const name of identifierTokens(stripStringsAndComments(code, languageId))) if (!kw.has(name)) out.push(name);
  return out;
}

/** Names a line of code declares (`const x = …` declares x; `def f(a)` declares f and a). */
export function declaredNames(code: string, languageId: string): Set<string> {
  const s = stripStringsAndComments(code, languageId);
  const out = new Set<string>();
  const add = (re: RegExp) => {
    for (const m of s.matchAll(re)) for (const n of m[1].split(/[^A-Za-z0-9_$]+/)) if (n && !/^\d/.test(n)) out.add(n);
  };
  add(/\b(?:const|let|var|function\*?|class|interface|type|enum|namespace|def|fn|func|struct|trait|mod|record)\s+([A-Za-z_$][\w$]*)/g);
  // Destructuring: const { a, b } = / const [a, b] =
  add(/\b(?:const|let|var)\s+[{[]([^}\]=]*)[}\]]/g);
  // Go short declarations: a, b := …
  if (languageId === 'go') add(/^\s*([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)\s*:=/gm);
  // Python assignment targets at line start: x = …, a, b = …
  if (languageId === 'python') add(/^\s*([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)\s*=(?!=)/gm);
  // Rust/TS let with mut
  add(/\blet\s+mut\s+([A-Za-z_][\w]*)/g);
  return out;
}

const TS_FAMILY = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);

/**
 * The code of a whole file with string literals, comments and (JavaScript/TypeScript) regular
 * expression literals blanked out: same length, line breaks kept, so a range of the file (a hole's
 * ground truth) reads as code only where it is code. A line that continues a template literal or
 * a block comment opened above has no identifiers, which the same line read alone would have.
 */
export function codeMask(code: string, languageId: string): string {
  return stripStringsAndComments(code, languageId, { keepLength: true, regex: TS_FAMILY.has(languageId) });
}

/** A hole's target identifiers: the ground truth's identifiers minus the names it declares. */
export function targetIdentifiers(groundTruth: string, languageId: string): string[] {
  const declared = declaredNames(groundTruth, languageId);
  return [...new Set(identifiersOf(groundTruth, languageId))].filter((n) => !declared.has(n));
}
