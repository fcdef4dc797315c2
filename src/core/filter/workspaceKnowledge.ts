/**
 * What the consistency filter knows beyond the workspace's own files: its package manifests
 * (package.json, tsconfig/jsconfig path aliases, requirements / pyproject / setup.cfg) and what
 * its dependencies declare in node_modules (`.d.ts` of each dependency and `@types`). The
 * workspace's own files are known through the shared symbol index (indexKnowledge.ts); nothing
 * here parses a workspace file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAME } from '../lang/identifiers';
import { listWorkspaceFiles, readTextFile } from '../workspace/workspaceFiles';
import { extractFacts, tokensOf } from './extract';
import type { TypeShape } from './knowledge';

/** `declare module 'x'` in a declaration file: x has declarations. */
const DECLARED_MODULE = /\bdeclare\s+module\s+['"]([^'"]+)['"]/g;
/** A type a declaration file declares (`interface X`, `class X`, `type X`). */
const DECLARED_TYPE = new RegExp(String.raw`\b(?:interface|class|type)\s+(${NAME})`, 'g');
/** Per dependency, at most this much declaration text is read. */
const DEP_BYTES = 4 * 1024 * 1024;
const DEPS_TOTAL_BYTES = 48 * 1024 * 1024;

export class DependencyKnowledge {
  /** Declared dependencies (package.json names and dependencies, Python requirements normalised). */
  readonly depNames = new Set<string>();
  /** Every identifier of the dependencies' declarations. */
  readonly depTokens = new Set<string>();
  /** Declared dependencies whose declarations (their own `.d.ts` or `@types`) were read. */
  readonly declaredPackages = new Set<string>();
  /** Module prefixes that tsconfig paths / package.json imports map (`@/`, `#internal`). */
  readonly pathAliases: string[] = [];
  /** Type name → declaration files of dependencies that declare it (parsed on first use). */
  private readonly depTypeFiles = new Map<string, string[]>();
  private readonly depTypes = new Map<string, TypeShape[]>();

  constructor(readonly root: string) {}

  /** Reads the manifests and (unless `dependencies` is false) the dependencies' declarations. */
  static read(root: string, opts: { dependencies?: boolean } = {}): DependencyKnowledge {
    const k = new DependencyKnowledge(path.resolve(root));
    k.readManifests();
    if (opts.dependencies !== false) k.readDependencyDeclarations();
    return k;
  }

  /** Types called `name` that the package `module` (a bare specifier) declares. */
  typesNamed(name: string, module: string): readonly TypeShape[] {
    const out: TypeShape[] = [];
    const pkg = packageName(module);
    const key = `${pkg}\u0000${name}`;
    const cached = this.depTypes.get(key);
    if (cached) return cached;
    const dirs = [path.join(this.root, 'node_modules', pkg) + path.sep, path.join(this.root, 'node_modules', '@types', pkg.replace(/^@/, '').replace('/', '__')) + path.sep];
    for (const file of (this.depTypeFiles.get(name) ?? []).filter((f) => dirs.some((d) => f.startsWith(d)))) {
      // Parse only the declaration's own text (from its keyword to its closing brace): fast on huge .d.ts files.
      const text = readTextFile(file) ?? '';
      for (const m of text.matchAll(new RegExp(`\\b(?:interface|class|type)\\s+${name.replace(/\$/g, '\\$')}\\b`, 'g'))) {
        const slice = declarationSlice(text, m.index!);
        const t = extractFacts(slice, 'typescript').types.get(name);
        if (t) out.push(t);
      }
    }
    this.depTypes.set(key, out);
    return out;
  }

  private readManifests(): void {
    const manifests: string[] = [];
    for (const f of listWorkspaceFiles(this.root, { maxFiles: 5000, extensions: new Set(['.json', '.txt', '.toml', '.cfg']) })) {
      const b = path.basename(f.path);
      if (b === 'package.json' || b === 'tsconfig.json' || b === 'jsconfig.json' || /^requirements.*\.txt$/.test(b) || b === 'pyproject.toml' || b === 'setup.cfg')
        manifests.push(f.absPath);
    }
    for (const file of manifests) {
      const text = readTextFile(file) ?? '';
      const b = path.basename(file);
      if (b === 'package.json') {
        try {
          const pkg = JSON.parse(text) as Record<string, unknown>;
          if (typeof pkg.name === 'string') this.depNames.add(pkg.name);
          for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
            const deps = pkg[key];
            if (deps && typeof deps === 'object') for (const d of Object.keys(deps)) this.depNames.add(d);
          }
          const imports = pkg.imports;
          if (imports && typeof imports === 'object') for (const k of Object.keys(imports)) this.pathAliases.push(k.replace(/\*.*$/, ''));
        } catch {
          /* not JSON */
        }
      } else if (b.endsWith('config.json')) {
        for (const m of text.matchAll(/"([^"\s]+)\/\*"\s*:\s*\[/g)) this.pathAliases.push(m[1]);
        for (const m of text.matchAll(/"([^"\s*]+)"\s*:\s*\[\s*"\.?\/?[^"]*"\s*\]/g)) this.pathAliases.push(m[1]);
      } else {
        for (const m of text.matchAll(/^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)/gm)) this.depNames.add(normalizePy(m[1]));
      }
    }
  }

  /** Names declared by dependencies' type declarations (node_modules/<dep>/**.d.ts, @types/<dep>). */
  private readDependencyDeclarations(): void {
    const nm = path.join(this.root, 'node_modules');
    if (!fs.existsSync(nm)) return;
    let total = 0;
    const seenDirs = new Set<string>();
    /** Reads a package's declarations; whether it has any. */
    const readPackage = (dir: string): boolean => {
      if (seenDirs.has(dir) || !fs.existsSync(dir)) return false;
      seenDirs.add(dir);
      let bytes = 0;
      const walk = (d: string, depth: number) => {
        if (bytes > DEP_BYTES || total > DEPS_TOTAL_BYTES || depth > 8) return;
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(d, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) {
            if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, depth + 1);
          } else if (/\.d\.[cm]?ts$/.test(e.name)) {
            let text: string;
            try {
              text = fs.readFileSync(p, 'utf8');
            } catch {
              continue;
            }
            bytes += text.length;
            total += text.length;
            tokensOf(text, this.depTokens);
            for (const m of text.matchAll(DECLARED_MODULE)) this.declaredPackages.add(m[1]);
            for (const m of text.matchAll(DECLARED_TYPE)) {
              const list = this.depTypeFiles.get(m[1]) ?? [];
              if (!list.includes(p)) list.push(p);
              this.depTypeFiles.set(m[1], list);
            }
            if (bytes > DEP_BYTES) return;
          }
        }
      };
      walk(dir, 0);
      return bytes > 0;
    };
    for (const dep of [...this.depNames].sort()) {
      const own = readPackage(path.join(nm, dep));
      const typed = readPackage(path.join(nm, '@types', dep.startsWith('@') ? dep.slice(1).replace('/', '__') : dep));
      if (own || typed) this.declaredPackages.add(dep);
    }
    // Globals that @types packages declare (describe, it, expect …); @types/x declares module x.
    try {
      for (const t of fs.readdirSync(path.join(nm, '@types'))) {
        readPackage(path.join(nm, '@types', t));
        this.declaredPackages.add(t.includes('__') ? `@${t.replace('__', '/')}` : t);
      }
    } catch {
      /* no @types */
    }
  }
}

/** From a declaration keyword to its matching closing brace (or the end of its statement). */
function declarationSlice(text: string, start: number): string {
  let depth = 0;
  let i = start;
  const max = Math.min(text.length, start + 200_000);
  for (; i < max; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    } else if (c === ';' && depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start, i);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function topModule(spec: string, languageId: string): string {
  if (languageId === 'python') return spec.split('.')[0];
  return spec.startsWith('.') ? spec : packageName(spec);
}

export function normalizePy(name: string): string {
  return name.toLowerCase().replace(/[-.]/g, '_');
}

/** Importable top-level names a Python file provides: each folder on its path and its own stem. */
export function pythonModuleNames(rel: string): string[] {
  const parts = rel
    .replace(/\\/g, '/')
    .replace(/\.pyi?$/, '')
    .split('/');
  return parts.filter((p) => p && p !== '__init__');
}
