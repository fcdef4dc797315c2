/**
 * The facts the filter reads from one file or document, and the small helpers that build them: its
 * identifiers, declarations, type shapes, imports, typed bindings, classes and containers (the
 * per-language extractors fill them from a tree-sitter parse); and what a suggestion names
 * (SuggestionFacts, filled by suggestion.ts and scan.ts).
 */
import { identifierSet } from '../lang/identifiers';
import type { TypeShape } from './knowledge';

/**
 * `template`: the text of a template literal; `substitution`: a `${…}` in one; `jsx`: a JSX
 * element's children (text and tags); `jsxtag`: the attributes of a JSX opening tag.
 */
export type ContainerKind = 'class' | 'interface' | 'object' | 'code' | 'string' | 'template' | 'substitution' | 'exports' | 'imports' | 'params' | 'jsx' | 'jsxtag';

export interface Container {
  kind: ContainerKind;
  start: number;
  end: number;
}

export type RefKind = 'free' | 'member' | 'type' | 'module' | 'imported';

export interface Ref {
  name: string;
  kind: RefKind;
  /** For members: the receiver expression as written (`this`, `this.store`, `options`). */
  receiver?: string;
  /** 0-based line of the suggestion it is on. */
  line: number;
  /** Offset in the analysed text (line before the cursor + suggestion; Python: dedented). */
  at?: number;
  /** Go, Rust, Java (read without a parse): offset of the name in SuggestionFacts.scanned. */
  scannedAt?: number;
}

export interface SuggestionFacts {
  refs: Ref[];
  introduced: Set<string>;
  /** Members the suggestion assigns (`this.x = …`, `self.x = …`): it declares them. */
  assignedMembers: Set<string>;
  parseErrors: number;
  parsed: boolean;
  /** Parameters of callbacks the suggestion passes to a call, with the origin of that call's function (see FileFacts.origins). */
  origins?: Map<string, string>;
  /** The element parameter of a callback given to an array method, with the array as written (`i` → `this.items` in `this.items.find((i) => …)`). */
  elements?: Map<string, string>;
  /** Go, Rust, Java: the line before the cursor and the suggestion as scanned (strings and comments blanked, lengths kept). */
  scanned?: string;
}

export interface ImportFact {
  /** The local name it binds. */
  local: string;
  module: string;
  /** The exported name, or 'default' / '*'. */
  imported: string;
}

export interface Binding {
  name: string;
  /** The declared type as written (`Store`, `Map<string, X>`), or `new:T` for `new T()` / `T()`. */
  type: string;
  /** The range in which it is visible (its enclosing block / function / file). */
  scopeStart: number;
  scopeEnd: number;
}

export interface ClassRange {
  name: string;
  start: number;
  end: number;
}

export interface FileFacts {
  languageId: string;
  tokens: Set<string>;
  declared: Set<string>;
  exported: Set<string>;
  types: Map<string, MutableShape>;
  imports: ImportFact[];
  bindings: Binding[];
  /**
   * Untyped bindings and where their value comes from (`type`: the root name of the initialiser,
   * `app` for `const r = app.get()`, or `module:m` for `require('m')`): a value derived from a module
   * nothing here resolves has members nobody can list.
   */
  origins: Binding[];
  classes: ClassRange[];
  /** End offset of the last import statement (where an auto-import goes). */
  importsEnd: number;
  /** The file uses `require` rather than `import`. */
  commonJs: boolean;
  /** Relative imports end in `.js` (ESM TypeScript). */
  jsExtensions: boolean;
  /** Parsed with tree-sitter in depth (TypeScript/JavaScript, Python; false: identifiers and regexes, Go/Rust/Java types from an outline). */
  parsed: boolean;
  /** `export * from 'm'` modules, whose exports are this file's too. */
  reexports: string[];
  /** Names re-exported from another module by name (`export { Node as SyntaxNode } from 'm'` → SyntaxNode: m's Node). */
  namedReexports?: Map<string, { module: string; imported: string }>;
  /** Return types of the file's top-level functions, as written (`load` → `Promise<LibModule>`). */
  returnTypes: Map<string, string>;
  /** Go, Rust and Java: fields' types as written, generics included (`Bank.accounts` → `HashMap<u64, Account>`). */
  fieldTypes?: Map<string, string>;
  /** Type aliases of a value's type (`type LibModule = typeof Lib`: LibModule → Lib). */
  typeofAliases: Map<string, string>;
  /** Exports we cannot list (CommonJS `exports`, `export =`). */
  openExports: boolean;
  /** What encloses positions: class bodies, interface/object types, object literals, code blocks. */
  containers: Container[];
  /** Ranges of the parse's ERROR nodes (the document as typed is often broken somewhere). */
  errors: { start: number; end: number }[];
  /** Completed from a parse of the text before the cursor (mergeAtCursor): the whole document's parse is broken there. */
  repaired?: boolean;
}

export interface MutableShape extends TypeShape {
  readonly members: Set<string>;
  readonly memberTypes: Map<string, string>;
  readonly bases: string[];
  open: boolean;
}

/** The names in a text (lang/identifiers.ts's one tokenizer). */
export function tokensOf(text: string, into = new Set<string>()): Set<string> {
  return identifierSet(text, into);
}

export function emptyFacts(languageId: string, text: string): FileFacts {
  return {
    languageId,
    tokens: tokensOf(text),
    declared: new Set(),
    exported: new Set(),
    types: new Map(),
    imports: [],
    bindings: [],
    origins: [],
    classes: [],
    importsEnd: 0,
    commonJs: false,
    jsExtensions: false,
    parsed: false,
    containers: [],
    errors: [],
    reexports: [],
    returnTypes: new Map(),
    typeofAliases: new Map(),
    openExports: false,
  };
}

export function shape(facts: FileFacts, name: string, kind: TypeShape['kind']): MutableShape {
  let s = facts.types.get(name);
  if (!s) {
    s = { name, kind, members: new Set(), memberTypes: new Map(), bases: [], open: false };
    facts.types.set(name, s);
  }
  return s;
}
