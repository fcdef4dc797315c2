/**
 * Outlines: a file's declarations as signatures without bodies, plus its imports and exports.
 *
 * The Outline types are a public interface: the workspace symbol index (workspace/symbolIndex.ts)
 * is built from them and the consistency filter reads them through that index. Keep them stable.
 *
 * Extraction walks only declaration levels of a real tree-sitter tree (top level, class/interface/
 * impl/namespace bodies), never whole function bodies, so it stays cheap. ERROR nodes are
 * tolerated: their named children are visited as if they were at the same level.
 */
export type SymbolKind = 'class' | 'interface' | 'type' | 'enum' | 'enumMember' | 'function' | 'method' | 'constructor' | 'field' | 'variable' | 'namespace' | 'struct' | 'trait';

export interface OutlineSymbol {
  name: string;
  kind: SymbolKind;
  /** The declaration without its body, whitespace collapsed (e.g. `async m<U>(p: U): Promise<void>`). */
  signature: string;
  /** 0-based first and last line of the whole declaration. */
  line: number;
  endLine: number;
  /** Visible outside its file/module (TS/JS `export`, Go capitalised, Rust `pub`, Java non-private, Python no leading `_`). */
  exported: boolean;
  /** Bare names of what it extends/implements/embeds (generics stripped): `extends Bar<T> implements Baz` → ['Bar', 'Baz']. */
  heritage: string[];
  /** Members of classes, interfaces, object type aliases, enums, structs, traits, namespaces (Go/Rust methods are attached to their type). */
  members: OutlineSymbol[];
  /** Bare name of a field's/variable's declared type, when written (`x: Foo<Bar>` → 'Foo'), or of its TS/JS `new Foo(…)` / `… as Foo` initializer. */
  typeName?: string;
  /** Bare name of a function's/method's declared return type, when written (`Promise<Foo>` → 'Promise'). */
  returnType?: string;
}

export interface ImportBinding {
  /** The local name it is bound to in this file. */
  local: string;
  /** The name in the imported module ('default' for a default import, '*' for a namespace import). */
  imported: string;
}

export interface OutlineImport {
  /** The module specifier as written: './a', 'lodash', 'os.path', '.x' (Python relative), 'a/b' (Go), 'crate::a::B' (Rust), 'java.util.List'. */
  module: string;
  bindings: ImportBinding[];
  line: number;
}

export interface Outline {
  languageId: string;
  /** Package/module name the file declares (Go `package`, Java `package`), when it does. */
  packageName?: string;
  symbols: OutlineSymbol[];
  imports: OutlineImport[];
  /** Names this file exports (its own exported declarations and named re-exports). */
  exports: string[];
  /** Modules re-exported wholesale (`export * from './x'`). */
  reexportAll: string[];
  /** The tree had ERROR/MISSING nodes (the outline is best effort). */
  hasErrors: boolean;
}

export const OUTLINE_LANGUAGES: ReadonlySet<string> = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'rust', 'java']);
