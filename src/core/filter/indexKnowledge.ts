/**
 * The consistency filter's WorkspaceKnowledge over the shared workspace symbol index
 * (workspace/symbolIndex.ts): the workspace's files are parsed once, by the index, and kept current
 * in one place (in VS Code, vscode/workspaceIndex.ts: editors' unsaved text, the file watcher,
 * renames). What the index does not know — package manifests and dependencies' declarations —
 * comes from DependencyKnowledge (workspaceKnowledge.ts).
 *
 * Per indexed file this keeps a summary derived from the index entry without parsing: its
 * identifiers (from the entry's text), top-level declarations, exports and imported modules (from
 * its outline). Summaries are refreshed lazily after the index reports a change. Type shapes
 * (members with their declared types, bases, open-ness) come from the filter's own extractor run on
 * the index's tree of each file as the index parses it (OutlineCache.onTree), cached by the file's
 * text, so there is one parse per file; only a text the index outlined from a tree of its own (a
 * live editor tree) or before this adapter existed is parsed here, once, when a type in it is asked for.
 *
 * Paths: the filter speaks absolute paths, the index workspace-relative ones with `/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexWorkspace } from '../workspace/indexer';
import { SymbolIndex } from '../workspace/symbolIndex';
import type { Outline } from '../lang/outline';
import { builtins, familyOf } from './builtins';
import { extractFacts, extractFactsFromTree, tokensOf, type FileFacts } from './extract';
import type { TypeShape, WorkspaceKnowledge } from './knowledge';
import { CLOSED_TYPE_FAMILIES } from './scan';
import { DependencyKnowledge, normalizePy, packageName, pythonModuleNames, topModule } from './workspaceKnowledge';

const RESOLVE_SUFFIXES = [
  '',
  '.ts',
  '.tsx',
  '.d.ts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '.mts',
  '.cts',
  '.json',
  '/index.ts',
  '/index.tsx',
  '/index.js',
  '/index.mjs',
  '/index.d.ts',
  '.py',
  '/__init__.py',
];
const TYPE_KINDS = new Set(['class', 'interface', 'type', 'enum', 'struct', 'trait']);
/** Type facts kept (by text) at most for this many file versions. */
const MAX_FACTS = 8000;
/** Facts of replaced file versions kept for a return to them (a hole document's file restored). */
const MAX_RETIRED = 32;
/** The receiver type of a Go method's signature: `func (b *Basket) Add(…)` → Basket. */
const GO_RECEIVER = /^func\s*\(\s*(?:\w+\s+)?\*?([A-Za-z_]\w*)/;
/** Members every Java enum has. */
const JAVA_ENUM_MEMBERS = ['values', 'valueOf', 'name', 'ordinal', 'compareTo', 'getDeclaringClass'];
const OPEN_EXPORTS = /\bmodule\.exports\b|\bexports\.|\(exports\b|__exportStar|^\s*export\s*=/m;

class Counter {
  private readonly m = new Map<string, number>();
  add(names: Iterable<string>, delta: number): void {
    for (const n of names) {
      const c = (this.m.get(n) ?? 0) + delta;
      if (c <= 0) this.m.delete(n);
      else this.m.set(n, c);
    }
  }
  /** Count outside one file whose names are `excluded`. */
  has(name: string, excluded?: ReadonlySet<string>): boolean {
    const c = this.m.get(name) ?? 0;
    return c - (excluded?.has(name) ? 1 : 0) > 0;
  }
}

interface Summary {
  text: string;
  languageId: string;
  tokens: Set<string>;
  declared: Set<string>;
  exported: Set<string>;
  modules: Set<string>;
  pyNames: string[];
}

export interface IndexKnowledgeOptions {
  maxFiles?: number;
  /** Read dependencies' declarations in node_modules (default true). */
  dependencies?: boolean;
}

export class IndexKnowledge implements WorkspaceKnowledge {
  private readonly summaries = new Map<string, Summary>();
  private readonly tokens = new Counter();
  private readonly declared = new Counter();
  private readonly importedModules = new Counter();
  private readonly pyTopModules = new Counter();
  private readonly exporters = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  /** File text → the filter's facts of it (languageId checked on use). */
  private readonly facts = new Map<string, { languageId: string; facts: FileFacts }>();
  private readonly retired = new Map<string, { languageId: string; facts: FileFacts }>();
  private readonly unsubscribe: (() => void)[] = [];
  readonly root: string;
  /** Go receiver type → methods declared outside its type's file (see goMethods). */
  private goMethodCache: Map<string, Set<string>> | undefined;
  /** Parses of workspace text made here (a text the index did not hand over its tree for). */
  ownParses = 0;
  /** Absolute path → workspace-relative path (`path.relative` on every question was a hot spot). */
  private readonly relCache = new Map<string, string | undefined>();
  /** `dir\0specifier` → the indexed file it resolves to; cleared when files come or go. */
  private readonly resolveCache = new Map<string, string>();
  /**
   * A relative module's exports, followed through `export *`, with the texts of the files they were
   * read from: valid while every one of those files still has that text.
   */
  private readonly exportsCache = new Map<string, { out: Set<string> | undefined; texts: Map<string, string | undefined> }>();

  constructor(
    readonly index: SymbolIndex,
    root: string,
    private deps: DependencyKnowledge = new DependencyKnowledge(path.resolve(root)),
  ) {
    this.root = path.resolve(root);
    for (const p of index.paths()) this.dirty.add(p);
    this.unsubscribe.push(
      // Summaries follow the index at once (where the index is updated: after an edit settles,
      // a watcher event), so a filter check never pays for them.
      index.onDidChange((paths) => {
        if (paths.length === 0) for (const p of [...this.summaries.keys(), ...index.paths()]) this.dirty.add(p);
        // A file that appeared or went away may change what a specifier resolves to.
        if (paths.length === 0 || paths.some((p) => !index.file(p) !== !this.summaries.has(p))) {
          this.resolveCache.clear();
          this.exportsCache.clear();
        }
        for (const p of paths) this.dirty.add(p);
        this.goMethodCache = undefined;
        this.sync();
      }),
      index.outlines.onTree((tree, text, languageId) => {
        const f = familyOf(languageId);
        if (f === 'ts' || f === 'python') this.keepFacts(text, languageId, extractFactsFromTree(tree, text, languageId));
      }),
    );
    builtins.warm();
  }

  /** Manifests and dependencies' declarations read later (they are read after the index is built). */
  setDependencies(deps: DependencyKnowledge): void {
    this.deps = deps;
  }

  /** A symbol index of `root` built from disk, with the manifests and dependencies (CLI, tests). */
  static async build(root: string, opts: IndexKnowledgeOptions = {}): Promise<IndexKnowledge> {
    const abs = path.resolve(root);
    const index = new SymbolIndex({ root: abs });
    const k = new IndexKnowledge(index, abs);
    await indexWorkspace(index, abs, { maxFiles: opts.maxFiles });
    k.setDependencies(DependencyKnowledge.read(abs, opts));
    return k;
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
  }

  get fileCount(): number {
    return this.index.size;
  }

  /** Every class/interface/type member of the workspace outside `exclude`, with the type it is on. */
  typeMembers(exclude?: string): { type: string; member: string }[] {
    const ex = this.rel(exclude);
    const out: { type: string; member: string }[] = [];
    for (const p of this.index.paths()) {
      if (p === ex) continue;
      for (const s of this.index.fileOutline(p)?.symbols ?? []) {
        if (TYPE_KINDS.has(s.kind)) for (const m of s.members) if (m.name) out.push({ type: s.name, member: m.name });
      }
    }
    return out;
  }

  hasName(name: string, exclude?: string): boolean {
    this.sync();
    return this.tokens.has(name, this.summary(exclude)?.tokens) || this.deps.depTokens.has(name);
  }

  hasDeclaration(name: string, exclude?: string): boolean {
    this.sync();
    return this.declared.has(name, this.summary(exclude)?.declared) || this.deps.depTokens.has(name);
  }

  exportersOf(name: string, exclude?: string): readonly string[] {
    this.sync();
    const s = this.exporters.get(name);
    if (!s) return [];
    const ex = this.rel(exclude);
    return [...s].filter((f) => f !== ex).map((f) => this.abs(f));
  }

  typesNamed(name: string, opts: { exclude?: string; module?: string; fromFile?: string }): readonly TypeShape[] {
    const ex = this.rel(opts.exclude);
    if (opts.module && opts.fromFile && opts.module.startsWith('.')) {
      const target = this.rel(this.resolveFile(opts.module, opts.fromFile));
      const t = target && target !== ex ? this.factsOf(target)?.types.get(name) : undefined;
      if (t) return [t];
    }
    const out: TypeShape[] = [];
    const files = new Set<string>();
    for (const d of this.index.declarations(name)) if (d.container === undefined && d.path !== ex) files.add(d.path);
    for (const f of files) {
      const t = this.factsOf(f)?.types.get(name);
      if (t) out.push(t);
    }
    if (out.length === 0) out.push(...this.outlineShapes(name, ex));
    if (out.length > 0) return out;
    // Dependencies: only for a name imported from a package, and only that package's declarations.
    if (!opts.module || opts.module.startsWith('.')) return out;
    return this.deps.typesNamed(name, opts.module);
  }

  moduleExports(module: string, fromFile?: string): ReadonlySet<string> | undefined {
    if (module.startsWith('.') && fromFile) {
      const key = path.dirname(fromFile) + '\0' + module;
      const hit = this.exportsCache.get(key);
      if (hit && [...hit.texts].every(([rel, text]) => this.index.file(rel)?.text === text)) return hit.out;
      const out = new Set<string>();
      const seen = new Set<string>();
      const texts = new Map<string, string | undefined>();
      // Follows `export * from` within the workspace; anything we cannot list makes it open.
      const collect = (spec: string, from: string): boolean => {
        const target = this.resolveFile(spec, from);
        const rel = this.rel(target);
        const entry = rel ? this.index.file(rel) : undefined;
        if (rel) texts.set(rel, entry?.text);
        if (!target || !entry || OPEN_EXPORTS.test(entry.text)) return false;
        if (seen.has(target)) return true;
        seen.add(target);
        for (const n of entry.outline.exports) out.add(n);
        return entry.outline.reexportAll.every((r) => r.startsWith('.') && collect(r, target));
      };
      const result = collect(module, fromFile) ? out : undefined;
      // Only answers drawn from indexed files are kept (a file on disk only may change unseen).
      if (texts.size > 0 && [...texts.values()].every((t) => t !== undefined)) {
        this.exportsCache.set(key, { out: result, texts });
        if (this.exportsCache.size > 2000) this.exportsCache.delete(this.exportsCache.keys().next().value as string);
      }
      return result;
    }
    return builtins.nodeModuleExports(module);
  }

  /**
   * Go structs and interfaces and Java classes from the index's outlines (the filter extracts
   * facts of its own for TypeScript and Python only): their members, with a Go type's methods
   * declared in other files of the workspace, and what they embed or extend as bases.
   */
  private outlineShapes(name: string, ex: string | undefined): TypeShape[] {
    const out: TypeShape[] = [];
    for (const d of this.index.declarations(name)) {
      const languageId = this.index.file(d.path)?.languageId ?? '';
      if (d.container !== undefined || d.path === ex || !TYPE_KINDS.has(d.symbol.kind) || !CLOSED_TYPE_FAMILIES.has(languageId)) continue;
      const members = new Set(d.symbol.members.map((m) => m.name).filter(Boolean));
      if (languageId === 'go') for (const m of this.goMethods().get(name) ?? []) members.add(m);
      if (languageId === 'java' && d.symbol.kind === 'enum') for (const m of JAVA_ENUM_MEMBERS) members.add(m);
      const kind = d.symbol.kind === 'interface' ? 'interface' : d.symbol.kind === 'enum' ? 'enum' : 'class';
      out.push({ name, kind, members, memberTypes: new Map(), bases: d.symbol.heritage, open: false });
    }
    return out;
  }

  /** Go methods declared apart from their type's file: receiver type → method names (rebuilt after a change). */
  private goMethods(): Map<string, Set<string>> {
    if (this.goMethodCache) return this.goMethodCache;
    const byType = new Map<string, Set<string>>();
    for (const p of this.index.paths()) {
      if (this.index.file(p)?.languageId !== 'go') continue;
      for (const sym of this.index.fileOutline(p)?.symbols ?? []) {
        const recv = sym.kind === 'method' ? GO_RECEIVER.exec(sym.signature)?.[1] : undefined;
        if (!recv) continue;
        if (!byType.has(recv)) byType.set(recv, new Set());
        byType.get(recv)!.add(sym.name);
      }
    }
    this.goMethodCache = byType;
    return byType;
  }

  resolvesModule(module: string, fromFile: string | undefined, languageId: string): boolean {
    this.sync();
    const family = familyOf(languageId);
    const exclude = this.summary(fromFile);
    if (family === 'python') {
      if (module.startsWith('.')) return true;
      const top = module.split('.')[0];
      return builtins.isPythonStdlib(top) || this.pyTopModules.has(top) || this.deps.depNames.has(normalizePy(top)) || this.importedModules.has(top, exclude?.modules);
    }
    if (family !== 'ts') return true;
    if (module.startsWith('.') || module.startsWith('/')) return fromFile ? this.resolveFile(module, fromFile) !== undefined : false;
    if (builtins.isNodeModule(module)) return true;
    const pkg = packageName(module);
    if (this.deps.depNames.has(pkg)) return true;
    if (this.deps.pathAliases.some((a) => module === a || module.startsWith(a.endsWith('/') ? a : a + '/'))) return true;
    if (fs.existsSync(path.join(this.root, 'node_modules', pkg))) return true;
    return this.importedModules.has(pkg, exclude?.modules);
  }

  hasModuleDeclarations(module: string, fromFile: string | undefined, languageId: string): boolean {
    this.sync();
    const family = familyOf(languageId);
    if (family === 'python') return module.startsWith('.') || builtins.isPythonStdlib(module.split('.')[0]) || this.pyTopModules.has(module.split('.')[0]);
    if (family !== 'ts') return true;
    if (module.startsWith('.') || module.startsWith('/')) return fromFile ? this.resolveFile(module, fromFile) !== undefined : false;
    if (builtins.isNodeModule(module)) return true;
    if (this.deps.pathAliases.some((a) => module === a || module.startsWith(a.endsWith('/') ? a : a + '/'))) return true;
    return this.deps.declaredPackages.has(packageName(module));
  }

  reexportOf(module: string, name: string, fromFile: string): { module: string; imported: string; file: string } | undefined {
    if (!module.startsWith('.')) return undefined;
    const file = this.resolveFile(module, fromFile);
    const rel = this.rel(file);
    const facts = rel ? this.factsOf(rel) : undefined;
    if (!file || !facts || facts.types.has(name)) return undefined;
    const named = facts.namedReexports?.get(name);
    if (named) return { ...named, file };
    const imp = facts.exported.has(name) ? facts.imports.find((i) => i.local === name && i.imported !== '*') : undefined;
    return imp ? { module: imp.module, imported: imp.imported, file } : undefined;
  }

  /** The file (absolute) a relative specifier names: an indexed file first, else one on disk. */
  resolveFile(module: string, fromFile: string): string | undefined {
    const key = path.dirname(fromFile) + '\0' + module;
    const hit = this.resolveCache.get(key);
    if (hit !== undefined) return hit;
    const found = this.resolveUncached(module, fromFile);
    // Only indexed files are remembered: a file on disk only may come or go unseen.
    if (found && this.index.file(this.rel(found) ?? '')) {
      this.resolveCache.set(key, found);
      if (this.resolveCache.size > 5000) this.resolveCache.delete(this.resolveCache.keys().next().value as string);
    }
    return found;
  }

  private resolveUncached(module: string, fromFile: string): string | undefined {
    const base = path.resolve(path.dirname(fromFile), module);
    const stems = [base];
    const m = /\.(m|c)?jsx?$/.exec(base);
    if (m) stems.push(base.slice(0, -m[0].length));
    for (const stem of stems) {
      for (const suffix of RESOLVE_SUFFIXES) {
        const p = stem + suffix;
        const r = this.rel(p);
        if (r && this.index.file(r)) return p;
      }
    }
    for (const suffix of RESOLVE_SUFFIXES) if (suffix && fs.existsSync(base + suffix)) return base + suffix;
    return fs.existsSync(base) ? base : undefined;
  }

  // ------------------------------------------------------------------ internals

  private rel(abs: string | undefined): string | undefined {
    if (!abs) return undefined;
    if (this.relCache.has(abs)) return this.relCache.get(abs);
    const r = path.relative(this.root, path.resolve(abs));
    const out = r.startsWith('..') || path.isAbsolute(r) ? undefined : r.split(path.sep).join('/');
    if (this.relCache.size > 20000) this.relCache.clear();
    this.relCache.set(abs, out);
    return out;
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  private summary(absPath: string | undefined): Summary | undefined {
    const r = this.rel(absPath);
    return r ? this.summaries.get(r) : undefined;
  }

  /** The filter's facts of an indexed file (its types), extracted once per text. */
  private factsOf(rel: string): FileFacts | undefined {
    const entry = this.index.file(rel);
    if (!entry) return undefined;
    const hit = this.facts.get(entry.text) ?? this.retired.get(entry.text);
    if (hit && hit.languageId === entry.languageId) {
      if (!this.facts.has(entry.text)) {
        this.retired.delete(entry.text);
        this.keepFacts(entry.text, hit.languageId, hit.facts);
      }
      return hit.facts;
    }
    // Go, Rust and Java types come from the index's outlines (outlineShapes), not from facts.
    const facts = extractFacts(entry.text, entry.languageId, false);
    if (facts.parsed) this.ownParses++;
    this.keepFacts(entry.text, entry.languageId, facts);
    return facts;
  }

  private keepFacts(text: string, languageId: string, facts: FileFacts): void {
    this.facts.delete(text);
    this.facts.set(text, { languageId, facts });
    if (this.facts.size > MAX_FACTS) this.facts.delete(this.facts.keys().next().value as string);
  }

  /** Brings the summaries of changed index entries up to date. */
  private sync(): void {
    if (this.dirty.size === 0) return;
    for (const p of this.dirty) {
      const old = this.summaries.get(p);
      const entry = this.index.file(p);
      if (old && entry && old.text === entry.text && old.languageId === entry.languageId) continue;
      if (old) {
        this.count(p, old, -1);
        this.summaries.delete(p);
        // An older version's facts move to a small recent list (a file may come back to it).
        const f = old.text !== entry?.text ? this.facts.get(old.text) : undefined;
        if (f) {
          this.facts.delete(old.text);
          this.retired.set(old.text, f);
          if (this.retired.size > MAX_RETIRED) this.retired.delete(this.retired.keys().next().value as string);
        }
      }
      if (!entry) continue;
      const s = summarize(p, entry.text, entry.languageId, entry.outline);
      this.summaries.set(p, s);
      this.count(p, s, 1);
    }
    this.dirty.clear();
  }

  private count(p: string, s: Summary, delta: number): void {
    this.tokens.add(s.tokens, delta);
    this.declared.add(s.declared, delta);
    this.importedModules.add(s.modules, delta);
    this.pyTopModules.add(s.pyNames, delta);
    for (const n of s.exported) {
      let set = this.exporters.get(n);
      if (delta > 0) {
        if (!set) this.exporters.set(n, (set = new Set()));
        set.add(p);
      } else if (set) {
        set.delete(p);
        if (set.size === 0) this.exporters.delete(n);
      }
    }
  }
}

function summarize(p: string, text: string, languageId: string, outline: Outline): Summary {
  const declared = new Set<string>();
  for (const s of outline.symbols) if (s.name) declared.add(s.name);
  for (const im of outline.imports) for (const b of im.bindings) if (b.local && b.local !== '*') declared.add(b.local);
  return {
    text,
    languageId,
    tokens: tokensOf(text),
    declared,
    exported: new Set(outline.exports),
    modules: new Set(outline.imports.map((i) => topModule(i.module, languageId))),
    pyNames: languageId === 'python' ? pythonModuleNames(p) : [],
  };
}
