/**
 * The workspace symbol index: what the workspace declares, by name, built from tree-sitter
 * outlines (lang/outline) of every indexed file.
 *
 * Who uses it
 *  - the context engine: definitions of names near the cursor, members of types, related files
 *    (imports resolved to files, importers);
 *  - the consistency filter (issue 6): "does this name exist?" (`hasName`), "what members does
 *    this type have, including inherited ones?" (`typeInfo`, `membersOf`), per-file imports and
 *    exports (`fileOutline`), "can this import specifier be resolved?" (`canResolveModule`,
 *    `moduleNames`, `dependencies`).
 *
 * Paths are workspace-relative with `/` separators (e.g. `src/core/types.ts`). Each file's entry
 * always reflects the text it was last given: in VS Code an open editor's text (unsaved edits
 * included), otherwise the file on disk; an entry is replaced as a whole by `update` and removed
 * by `remove`, so no name from an older version of a file survives.
 *
 * Contents
 *  - every declared name: top-level declarations and the members of classes, interfaces, object
 *    type aliases, enums, structs, traits, namespaces (Go and Rust methods are attached to their
 *    receiver/impl type), each with its file and outline symbol (`declarations(name)`);
 *  - for classes/interfaces/type aliases/enums/structs/traits: their members and their
 *    `extends`/`implements`/embedded/trait lists (`typeInfo(name)`), merged over all declarations
 *    of that name (declaration merging, partial classes, impl blocks in other files);
 *  - per file: the Outline (symbols, imports with bindings, exports, re-exports, package name).
 *
 * Updating: `update()` parses (loading the grammar on first use) and replaces a file's entry;
 * `updateSync()` does the same without waiting, returning false when the grammar is not loaded
 * yet; `setOutline()` takes an outline computed elsewhere (from a live incremental tree).
 * Lookups are synchronous, O(1) per name, and never parse. `onDidChange` fires after changes.
 */
import * as path from 'node:path';
import { emptyOutline, OutlineCache, OUTLINE_LANGUAGES, type Outline, type OutlineSymbol, type SymbolKind } from '../lang/outline';
import { ModuleResolver, pythonModuleNames, readWorkspaceConfig, type PathSet, type WorkspaceConfig } from './moduleResolver';

export interface Declaration {
  /** Workspace-relative path of the declaring file. */
  path: string;
  symbol: OutlineSymbol;
  /** Name of the enclosing type/namespace for members; undefined for top-level declarations. */
  container?: string;
}

export interface TypeInfo {
  name: string;
  kind: SymbolKind;
  /** Own member names (all declarations merged), declaration order. */
  members: string[];
  /** Bare names it extends/implements/embeds (all declarations merged). */
  extends: string[];
  declarations: Declaration[];
}

export interface IndexedFile {
  path: string;
  languageId: string;
  /** The text the entry was built from (editor text for open documents). */
  text: string;
  outline: Outline;
}

const TYPE_KINDS: ReadonlySet<SymbolKind> = new Set(['class', 'interface', 'type', 'enum', 'struct', 'trait', 'namespace']);

export interface SymbolIndexOptions {
  /** Absolute workspace root, for tsconfig/go.mod/package.json; optional in tests. */
  root?: string;
  outlines?: OutlineCache;
  /** Override the workspace config (tests). */
  config?: WorkspaceConfig;
}

export class SymbolIndex {
  private readonly files = new Map<string, IndexedFile>();
  private readonly names = new Map<string, Declaration[]>();
  private readonly dirs = new Map<string, Set<string>>();
  private readonly javaPkgs = new Map<string, Set<string>>();
  private pyModules: Map<string, string> | undefined;
  private importGraph: { imports: Map<string, string[]>; importers: Map<string, Set<string>> } | undefined;
  private readonly listeners = new Set<(paths: string[]) => void>();
  readonly outlines: OutlineCache;
  readonly resolver: ModuleResolver;
  /** Increases on every change (cheap identity for caches). */
  version = 0;

  constructor(opts: SymbolIndexOptions = {}) {
    this.outlines = opts.outlines ?? new OutlineCache();
    const pathSet: PathSet = {
      has: (p) => this.files.has(p),
      filesIn: (d) => [...(this.dirs.get(d) ?? [])],
      javaPackage: (pkg) => [...(this.javaPkgs.get(pkg) ?? [])],
      pythonModule: (n) => this.pythonModules().get(n),
    };
    this.resolver = new ModuleResolver(pathSet, opts.config ?? readWorkspaceConfig(opts.root));
  }

  // ------------------------------------------------------------------ updates

  /** Indexes (or re-indexes) a file from its current text; loads the grammar if needed. */
  async update(p: string, text: string, languageId: string): Promise<void> {
    const outline = await this.outlines.outline(text, languageId);
    this.setOutline(p, text, languageId, outline);
  }

  /** Like update(), without waiting: false (and no change) when the grammar is not loaded yet. */
  updateSync(p: string, text: string, languageId: string): boolean {
    const outline = this.outlines.outlineSync(text, languageId);
    if (!outline) return false;
    this.setOutline(p, text, languageId, outline);
    return true;
  }

  /** Replaces a file's entry with an outline computed elsewhere. */
  setOutline(p: string, text: string, languageId: string, outline: Outline): void {
    const old = this.files.get(p);
    if (old && old.text === text && old.languageId === languageId) return;
    if (old) this.unindex(old);
    const entry: IndexedFile = { path: p, languageId, text, outline };
    this.files.set(p, entry);
    this.indexEntry(entry);
    if (!old || importKey(old.outline) !== importKey(outline) || old.outline.packageName !== outline.packageName) this.importGraph = undefined;
    if (!old && /\.pyi?$/.test(p)) this.pyModules = undefined;
    this.changed([p]);
  }

  remove(p: string): void {
    const old = this.files.get(p);
    if (!old) return;
    this.unindex(old);
    this.files.delete(p);
    this.dirs.get(dirOf(p))?.delete(p);
    this.importGraph = undefined;
    this.pyModules = undefined;
    this.changed([p]);
  }

  rename(from: string, to: string): void {
    const old = this.files.get(from);
    if (!old) return;
    this.remove(from);
    this.setOutline(to, old.text, old.languageId, old.outline);
  }

  clear(): void {
    this.files.clear();
    this.names.clear();
    this.dirs.clear();
    this.javaPkgs.clear();
    this.pyModules = undefined;
    this.importGraph = undefined;
    this.changed([]);
  }

  onDidChange(listener: (paths: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ lookups

  get size(): number {
    return this.files.size;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  file(p: string): IndexedFile | undefined {
    return this.files.get(p);
  }

  fileOutline(p: string): Outline | undefined {
    return this.files.get(p)?.outline;
  }

  /** True when any indexed file declares `name` (top-level or as a member). */
  hasName(name: string): boolean {
    return this.names.has(name);
  }

  /** Every declaration of `name`, in index order. */
  declarations(name: string): readonly Declaration[] {
    return this.names.get(name) ?? [];
  }

  /** Members and heritage of a class/interface/type alias/enum/struct/trait named `name`. */
  typeInfo(name: string): TypeInfo | undefined {
    const decls = (this.names.get(name) ?? []).filter((d) => TYPE_KINDS.has(d.symbol.kind));
    if (decls.length === 0) return undefined;
    const members = new Set<string>();
    const ext = new Set<string>();
    for (const d of decls) {
      for (const m of d.symbol.members) if (m.name) members.add(m.name);
      for (const h of d.symbol.heritage) ext.add(h);
    }
    return { name, kind: decls[0].symbol.kind, members: [...members], extends: [...ext], declarations: decls };
  }

  /** Member names of a type including inherited ones (transitively through `extends`, cycles safe). */
  membersOf(name: string): Set<string> {
    const out = new Set<string>();
    const seen = new Set<string>();
    const walk = (n: string) => {
      if (seen.has(n)) return;
      seen.add(n);
      const t = this.typeInfo(n);
      if (!t) return;
      for (const m of t.members) out.add(m);
      for (const e of t.extends) walk(e);
    };
    walk(name);
    return out;
  }

  /** Workspace files that `module` (as written in `fromPath`) refers to. */
  resolveImport(fromPath: string, module: string): string[] {
    const lang = this.files.get(fromPath)?.languageId ?? languageOfPath(fromPath);
    return this.resolver.resolve(fromPath, module, lang);
  }

  /** True when the specifier resolves to a workspace file or names a declared dependency. */
  canResolveModule(fromPath: string, module: string): boolean {
    if (this.resolveImport(fromPath, module).length > 0) return true;
    const deps = this.resolver.config.dependencies;
    return deps.some((d) => module === d || module.startsWith(d + '/') || module.startsWith(d + '.') || module.startsWith(d + '::'));
  }

  /** Declared external dependencies (package.json, go.mod, Cargo.toml). */
  dependencies(): readonly string[] {
    return this.resolver.config.dependencies;
  }

  /** Module names the workspace itself provides: Python dotted names, Go import paths, Java packages. */
  moduleNames(): string[] {
    const out = new Set<string>(this.pythonModules().keys());
    const mod = this.resolver.config.goModule;
    for (const [d, files] of this.dirs) {
      if (mod && [...files].some((f) => f.endsWith('.go'))) out.add(d ? `${mod}/${d}` : mod);
    }
    for (const k of this.javaPkgs.keys()) out.add(k);
    return [...out];
  }

  /** Files `p` imports (resolved, workspace only). */
  importsOf(p: string): string[] {
    return this.graph().imports.get(p) ?? [];
  }

  /** Files that import `p`. */
  importersOf(p: string): string[] {
    return [...(this.graph().importers.get(p) ?? [])];
  }

  /** Files in the same directory as `p` (excluding `p`). */
  siblingsOf(p: string): string[] {
    return [...(this.dirs.get(dirOf(p)) ?? [])].filter((f) => f !== p);
  }

  // ------------------------------------------------------------------ internals

  private indexEntry(e: IndexedFile): void {
    const add = (name: string, d: Declaration) => {
      if (!name) return;
      const l = this.names.get(name);
      if (l) l.push(d);
      else this.names.set(name, [d]);
    };
    const walk = (syms: readonly OutlineSymbol[], container: string | undefined) => {
      for (const s of syms) {
        add(s.name, { path: e.path, symbol: s, container });
        if (s.members.length) walk(s.members, s.name);
      }
    };
    walk(e.outline.symbols, undefined);
    const d = dirOf(e.path);
    let set = this.dirs.get(d);
    if (!set) this.dirs.set(d, (set = new Set()));
    set.add(e.path);
    if (e.outline.packageName && e.languageId === 'java') {
      let s = this.javaPkgs.get(e.outline.packageName);
      if (!s) this.javaPkgs.set(e.outline.packageName, (s = new Set()));
      s.add(e.path);
    }
  }

  private unindex(e: IndexedFile): void {
    const drop = (syms: readonly OutlineSymbol[]) => {
      for (const s of syms) {
        const l = this.names.get(s.name);
        if (l) {
          const kept = l.filter((d) => d.path !== e.path);
          if (kept.length) this.names.set(s.name, kept);
          else this.names.delete(s.name);
        }
        if (s.members.length) drop(s.members);
      }
    };
    drop(e.outline.symbols);
    if (e.outline.packageName) this.javaPkgs.get(e.outline.packageName)?.delete(e.path);
  }

  private pythonModules(): Map<string, string> {
    if (this.pyModules) return this.pyModules;
    const m = new Map<string, string>();
    const isPkg = (dir: string) => this.files.has(`${dir}/__init__.py`);
    // Shorter paths first, so `pkg/mod.py` wins `mod` over `tests/pkg/mod.py`.
    const py = [...this.files.keys()].filter((p) => /\.pyi?$/.test(p)).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    for (const p of py) for (const n of pythonModuleNames(p, isPkg)) if (!m.has(n)) m.set(n, p);
    this.pyModules = m;
    return m;
  }

  private graph(): { imports: Map<string, string[]>; importers: Map<string, Set<string>> } {
    if (this.importGraph) return this.importGraph;
    const imports = new Map<string, string[]>();
    const importers = new Map<string, Set<string>>();
    for (const f of this.files.values()) {
      const targets = new Set<string>();
      for (const im of f.outline.imports) {
        for (const t of this.resolver.resolve(f.path, im.module, f.languageId)) if (t !== f.path) targets.add(t);
        // Java `import a.b.C` → the file of C in package a.b; Python `from pkg import mod`.
        if (f.languageId === 'python' || f.languageId === 'java') {
          for (const b of im.bindings) {
            if (b.imported === '*') continue;
            const sub = f.languageId === 'python' ? this.resolver.resolve(f.path, im.module.endsWith('.') ? im.module + b.imported : `${im.module}.${b.imported}`, 'python') : [];
            for (const t of sub) targets.add(t);
          }
        }
      }
      if (f.languageId === 'go') for (const s of this.siblingsOf(f.path)) if (s.endsWith('.go') && !s.endsWith('_test.go')) targets.add(s);
      const list = [...targets];
      imports.set(f.path, list);
      for (const t of list) {
        let s = importers.get(t);
        if (!s) importers.set(t, (s = new Set()));
        s.add(f.path);
      }
    }
    this.importGraph = { imports, importers };
    return this.importGraph;
  }

  private changed(paths: string[]): void {
    this.version++;
    for (const l of this.listeners) {
      try {
        l(paths);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
}

function dirOf(p: string): string {
  const d = path.posix.dirname(p);
  return d === '.' ? '' : d;
}

function importKey(o: Outline): string {
  return o.imports.map((i) => i.module + ':' + i.bindings.map((b) => b.imported).join(',')).join('|');
}

function languageOfPath(p: string): string {
  const ext = path.posix.extname(p).toLowerCase();
  if (ext === '.py' || ext === '.pyi') return 'python';
  if (ext === '.go') return 'go';
  if (ext === '.rs') return 'rust';
  if (ext === '.java') return 'java';
  return 'typescript';
}

export { emptyOutline, OUTLINE_LANGUAGES };
export type { Outline, OutlineSymbol, SymbolKind };
