/**
 * What a suggestion names in a language the filter reads without a parse (Go, Rust, Java): its
 * identifier tokens, members by a preceding dot (`::` in Rust), and the names it declares itself,
 * by each language's declaration shapes — parameters, fields, locals, loop and pattern variables,
 * lambda and closure parameters — so a line that declares and uses a name is not taken to invent it.
 */
import { keywordsFor, NAME, NAME_CHARS, stripStringsAndComments } from '../lang/identifiers';
import type { SuggestionFacts } from './facts';

/** A name (lang/identifiers.ts's), with the `.` or `::` before it when it is a member or a path's part. */
const SCAN_IDENT = new RegExp(String.raw`(\.\s*|::)?(?<![${NAME_CHARS}])(${NAME})`, 'g');
/** The name a text ends with (a member's receiver before its `.`). */
const TRAILING_NAME = new RegExp(String.raw`(${NAME})\s*$`);
/** Declarations every language here spells with a keyword. */
const KEYWORD_DECLARATION = new RegExp(String.raw`\b(?:const|let|var|val|function|class|def|fn|func|type|struct|enum|interface|trait|record|mod)\s+(?:mut\s+)?(${NAME})`, 'g');
/** `'a` not closed as a char literal (`'q'`): a Rust lifetime or label. */
export const RUST_LIFETIME = /'[A-Za-z_]\w*(?!['\w])/g;
/** A wildcard (`_`, `__`) binds nothing and names nothing. */
const WILDCARD = /^_+$/;
const NAME_LIST = String.raw`[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*`;

/** Declaration shapes per language: each match's first group lists the names it declares. */
const DECLARATIONS: Record<string, RegExp[]> = {
  go: [
    // a, b := …  /  for i, item := range …
    new RegExp(String.raw`(${NAME_LIST})\s*:=`, 'g'),
    // Parameters, results, struct fields, var lists: `a, b int`, `w http.ResponseWriter`, `xs []float64`.
    new RegExp(String.raw`(?:^|[(,;{]|\bvar)\s*(${NAME_LIST})\s+(?:\.\.\.|\*|\[[^\]]*\]|map\[|chan\s|func\b)*[A-Za-z_][\w.]*`, 'gm'),
    // Method receivers and parameters of a closure: `func (b *Basket)`, `func(w http.ResponseWriter`.
    /\bfunc\s*\(\s*([A-Za-z_]\w*)\s/g,
    // A method's name after its receiver: `func (b *Basket) Add(`.
    /\bfunc\s*\([^)]*\)\s*([A-Za-z_]\w*)\s*[([]/g,
  ],
  java: [
    // `Type name` followed by `=`, `;`, `:` (for-each), `,` or `)` (parameters, catch): locals, fields, parameters.
    /(?:^|[\s(,<])(?:final\s+)?(?!(?:return|throw|new|case|else|yield|instanceof|assert|package|import)\b)[A-Za-z_][\w.]*(?:<[^;{}()=]*>)?(?:\[\])*\s+([A-Za-z_]\w*)\s*(?=[;:,)]|=(?!=))/gm,
    // Lambda parameters: `n ->`, `(a, b) ->`.
    new RegExp(String.raw`(?:\((${NAME_LIST})\)|\b([A-Za-z_]\w*))\s*->`, 'g'),
  ],
  rust: [
    // Patterns of let / for / if let / while let: every name in them (`let (a, mut b) =`, `for (i, item) in`).
    /\b(?:let|for)\s+([^=;{]*?)\s*(?:=|\bin\b|:(?!:)|;)/g,
    // Parameters: `amount: u32`, `mut buf: Vec<u8>`.
    /(?:[(,]|^)\s*(?:mut\s+)?([a-z_]\w*)\s*:(?!:)/gm,
    // Closure parameters: `|n|`, `|(k, v)|`, `|a: &str, b|`.
    /(?:^|[(,=\s])\|([^|]*)\|/gm,
    // Match arm patterns: `Some(value) =>`, `Err(e) =>`.
    /(?:^|[{,])\s*([^,{}=>]*?)\s*=>/gm,
  ],
};

/** No grammar: identifiers by tokens, members by a preceding dot, declarations by their shapes. */
export function scanSuggestion(lineBefore: string, text: string, languageId: string): SuggestionFacts {
  const out: SuggestionFacts = { refs: [], introduced: new Set(), assignedMembers: new Set(), parseErrors: 0, parsed: false };
  const kw = keywordsFor(languageId);
  // Rust lifetimes and loop labels (`'a`, `'static`, `'outer:`) name nothing, and their quote is not a char literal's.
  const source = languageId === 'rust' ? (lineBefore + text).replace(RUST_LIFETIME, (m) => ' '.repeat(m.length)) : lineBefore + text;
  const code = stripStringsAndComments(source, languageId, { keepLength: true });
  out.scanned = code;
  const boundary = lineBefore.length;
  for (const m of code.matchAll(KEYWORD_DECLARATION)) out.introduced.add(m[1]);
  for (const re of DECLARATIONS[languageId] ?? []) {
    for (const m of code.matchAll(re)) for (const n of (m[1] ?? m[2] ?? '').matchAll(/[A-Za-z_]\w*/g)) if (!kw.has(n[0])) out.introduced.add(n[0]);
  }
  let line = 0;
  let lastNl = 0;
  for (const m of code.matchAll(SCAN_IDENT)) {
    const end = m.index! + m[0].length;
    while (true) {
      const nl = code.indexOf('\n', lastNl);
      if (nl < 0 || nl >= m.index!) break;
      line++;
      lastNl = nl + 1;
    }
    const name = m[2];
    if (end <= boundary || kw.has(name) || /^\d/.test(name) || WILDCARD.test(name)) continue;
    if (m[1]) {
      const before = code.slice(0, m.index!);
      const recv = TRAILING_NAME.exec(before);
      out.refs.push({ name, kind: 'member', receiver: recv?.[1], line, scannedAt: m.index! + m[0].length - name.length });
    } else out.refs.push({ name, kind: 'free', line, scannedAt: m.index! + m[0].length - name.length });
  }
  return out;
}

/** Type arguments, nested up to three levels (`<String, List<Map<K, V>>>`), never across a declaration. */
export const JAVA_GENERICS = String.raw`<(?:[^<>;{}()=]|<(?:[^<>;{}()=]|<[^<>;{}()=]*>)*>)*>`;

/** Types a member list can be trusted for: a Go struct's fields and methods, a Java class's members. */
export const CLOSED_TYPE_FAMILIES = new Set(['go', 'java']);

/**
 * The type name a receiver variable is declared with in `code` (the document before the cursor,
 * the last declaration winning), by the language's declaration shapes: Go `s := Basket{`,
 * `s := &Basket{`, `var s Basket`, a parameter or method receiver `s *Basket`; Java `Basket s =`, a
 * parameter `Basket s`; Rust `let s: Basket`, a parameter `s: &mut Basket`, `let s = Basket {`. Undefined when it is not declared with a type we can read (`s := New()`).
 */
export function declaredTypeOf(code: string, receiver: string | undefined, languageId: string): string | undefined {
  if (!receiver || !/^[A-Za-z_]\w*$/.test(receiver)) return undefined;
  const r = receiver;
  const shapes =
    languageId === 'go'
      ? [new RegExp(String.raw`\b${r}\s*:=\s*&?([A-Za-z_][\w.]*)\s*\{`, 'g'), new RegExp(String.raw`(?:\bvar\s+|[(,]\s*)${r}\s+\*?([A-Za-z_][\w.]*)`, 'g')]
      : languageId === 'java'
        ? [new RegExp(String.raw`\b([A-Z]\w*)(?:${JAVA_GENERICS})?\s+${r}\s*[=;,)]`, 'g')]
        : languageId === 'rust'
          ? [
              // `let r: T`, a parameter or field `r: &'a mut T`, `let r = T {` (a struct literal).
              new RegExp(String.raw`(?:\blet\s+(?:mut\s+)?|[(,]\s*(?:mut\s+)?)${r}\s*:\s*&?(?:'\w+\s+)?(?:mut\s+)?([A-Z]\w*)`, 'g'),
              new RegExp(String.raw`\blet\s+(?:mut\s+)?${r}\s*=\s*([A-Z]\w*)\s*\{`, 'g'),
            ]
          : [];
  // The declaration nearest the cursor wins; of matches ending at the same name, the one that starts
  // first is the whole type (`Map<String, List<Integer>> map`: Map, not List).
  let best: { at: number; end: number; type: string } | undefined;
  for (const re of shapes) {
    for (const m of code.matchAll(re)) {
      const end = m.index! + m[0].length;
      if (!best || end > best.end || (end === best.end && m.index! < best.at)) best = { at: m.index!, end, type: m[1] };
    }
  }
  return best?.type;
}
