/**
 * What the consistency filter needs to know beyond the current document, as narrow interfaces.
 * The pipeline passes an implementation in: ours (indexKnowledge.ts) answers from the shared
 * workspace symbol index (one parse per file, kept current with editors' unsaved text) plus the
 * manifests and dependencies' declarations (workspaceKnowledge.ts).
 */

/** A class, interface or object type: its own members and the names of what it extends. */
export interface TypeShape {
  readonly name: string;
  readonly members: ReadonlySet<string>;
  /** Declared types of members, where the code says (`store: Store`, `this.x = new X()`). */
  readonly memberTypes: ReadonlyMap<string, string>;
  /** Types it extends (class bases, interface extends, intersection parts), as written. */
  readonly bases: readonly string[];
  /** Members beyond the listed ones may exist (index signature, `__getattr__`, mapped types). */
  readonly open: boolean;
  readonly kind: 'class' | 'interface' | 'alias' | 'enum';
}

export interface WorkspaceKnowledge {
  /** The name occurs anywhere in the workspace (outside `exclude`) or its dependencies' declarations. */
  hasName(name: string, exclude?: string): boolean;
  /** The name is declared at the top level of a workspace file (outside `exclude`) or a dependency. */
  hasDeclaration(name: string, exclude?: string): boolean;
  /** Workspace files (absolute paths) that export `name`, outside `exclude`. */
  exportersOf(name: string, exclude?: string): readonly string[];
  /**
   * Types called `name`: from the workspace file a module specifier resolves to when `module` is given
   * (relative to `fromFile`), else every workspace (then dependency) type of that name.
   */
  typesNamed(name: string, opts: { exclude?: string; module?: string; fromFile?: string }): readonly TypeShape[];
  /** Exported names of a module, when it is a workspace file or a dependency with declarations. */
  moduleExports(module: string, fromFile?: string): ReadonlySet<string> | undefined;
  /** A module specifier the workspace can resolve (workspace file, dependency, declared module). */
  resolvesModule(module: string, fromFile: string | undefined, languageId: string): boolean;
  /**
   * The module's declarations can be read here (a workspace file, a dependency installed with
   * declarations, a runtime module): what it exports has names we know. Absent: as `resolvesModule`.
   */
  hasModuleDeclarations?(module: string, fromFile: string | undefined, languageId: string): boolean;
  /**
   * Where a workspace module gets an export it does not declare: `export { X as name } from 'm'`, or
   * `import { X as name } from 'm'; export { name }` (m as written there, and that file).
   */
  reexportOf?(module: string, name: string, fromFile: string): { module: string; imported: string; file: string } | undefined;
}

/** Knows nothing beyond the document (no workspace open). */
export const noWorkspace: WorkspaceKnowledge = {
  hasName: () => false,
  hasDeclaration: () => false,
  exportersOf: () => [],
  typesNamed: () => [],
  moduleExports: () => undefined,
  resolvesModule: () => false,
  hasModuleDeclarations: () => false,
};
