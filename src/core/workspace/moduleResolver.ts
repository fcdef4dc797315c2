/**
 * Resolves import specifiers to workspace files: TS/JS relative imports (with extension and
 * index-file probing, `.js` written for `.ts`), tsconfig/jsconfig `baseUrl` + `paths`, Python
 * absolute and relative modules and packages (`__init__.py`), Go packages (go.mod module path →
 * every non-test file of the directory), Rust `crate::`/`super::`/`self::` paths, Java packages.
 *
 * It works on the set of indexed paths (workspace-relative, `/` separators) and never reads files
 * other than the few config files (tsconfig.json, jsconfig.json, go.mod, package.json, Cargo.toml).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const TS_EXTS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export interface WorkspaceConfig {
  /** tsconfig/jsconfig: baseUrl (relative to root, '' for root) and paths. */
  tsBaseUrl?: string;
  tsPaths: [string, string[]][];
  /** go.mod `module`. */
  goModule?: string;
  /** Names of declared external dependencies (package.json, go.mod require, Cargo.toml). */
  dependencies: string[];
  /** package.json `name`. */
  packageName?: string;
}

function stripJsonComments(s: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      out += c;
      if (c === '\\') out += s[++i] ?? '';
      else if (c === '"') inStr = false;
    } else if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? s.length : e + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(stripJsonComments(fs.readFileSync(file, 'utf8'))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads the workspace's module configuration from `root` (missing files are fine). */
export function readWorkspaceConfig(root: string | undefined): WorkspaceConfig {
  const cfg: WorkspaceConfig = { tsPaths: [], dependencies: [] };
  if (!root) return cfg;
  for (const name of ['tsconfig.json', 'jsconfig.json']) {
    const j = readJson(path.join(root, name));
    const co = j?.compilerOptions as { baseUrl?: string; paths?: Record<string, string[]> } | undefined;
    if (!co) continue;
    if (typeof co.baseUrl === 'string') cfg.tsBaseUrl = path.posix.normalize(co.baseUrl.replace(/\\/g, '/')).replace(/^\.\/?$/, '');
    if (co.paths && typeof co.paths === 'object') {
      for (const [k, v] of Object.entries(co.paths)) if (Array.isArray(v)) cfg.tsPaths.push([k, v.filter((x): x is string => typeof x === 'string')]);
    }
    break;
  }
  const pkg = readJson(path.join(root, 'package.json'));
  if (pkg) {
    if (typeof pkg.name === 'string') cfg.packageName = pkg.name;
    for (const k of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const d = pkg[k];
      if (d && typeof d === 'object') cfg.dependencies.push(...Object.keys(d));
    }
  }
  try {
    const gomod = fs.readFileSync(path.join(root, 'go.mod'), 'utf8');
    cfg.goModule = /^module\s+(\S+)/m.exec(gomod)?.[1];
    for (const m of gomod.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+\/\S+)\s+v\S+/gm)) cfg.dependencies.push(m[1]);
  } catch {
    /* no go.mod */
  }
  try {
    const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
    const deps = /\[(?:dev-)?dependencies\]([\s\S]*?)(?:\n\[|$)/g;
    for (const m of cargo.matchAll(deps)) for (const l of m[1].matchAll(/^\s*([A-Za-z0-9_-]+)\s*=/gm)) cfg.dependencies.push(l[1].replace(/-/g, '_'));
  } catch {
    /* no Cargo.toml */
  }
  return cfg;
}

/** Lookups the resolver needs from the index. */
export interface PathSet {
  has(p: string): boolean;
  /** Files directly in a directory ('' = root). */
  filesIn(dir: string): readonly string[];
  /** Files declaring a Java package. */
  javaPackage(pkg: string): readonly string[];
  /** Python dotted module name → file. */
  pythonModule(name: string): string | undefined;
}

export class ModuleResolver {
  constructor(
    private readonly files: PathSet,
    private readonly cfg: WorkspaceConfig,
  ) {}

  get config(): WorkspaceConfig {
    return this.cfg;
  }

  /** Workspace files a module specifier written in `fromPath` refers to ([] when external or unknown). */
  resolve(fromPath: string, spec: string, languageId: string): string[] {
    switch (languageId) {
      case 'python':
        return this.python(fromPath, spec);
      case 'go':
        return this.go(spec);
      case 'rust':
        return this.rust(fromPath, spec);
      case 'java':
        return this.files.javaPackage(spec).slice();
      default:
        return this.ts(fromPath, spec);
    }
  }

  private probeTs(base: string): string | undefined {
    const b = path.posix.normalize(base).replace(/^\.\//, '');
    if (b.startsWith('..')) return undefined;
    if (this.files.has(b) && /\.[cm]?[jt]sx?$/.test(b)) return b;
    // ESM TypeScript writes './a.js' for './a.ts'.
    const noJs = b.replace(/\.(m|c)?js$/, '');
    for (const stem of noJs !== b ? [noJs, b] : [b]) {
      for (const e of TS_EXTS) if (this.files.has(stem + e)) return stem + e;
      for (const e of TS_EXTS) if (this.files.has(`${stem}/index${e}`)) return `${stem}/index${e}`;
    }
    return undefined;
  }

  private ts(fromPath: string, spec: string): string[] {
    if (spec.startsWith('.')) {
      const r = this.probeTs(path.posix.join(path.posix.dirname(fromPath), spec));
      return r ? [r] : [];
    }
    for (const [pattern, targets] of this.cfg.tsPaths) {
      const star = pattern.indexOf('*');
      let rest: string | undefined;
      if (star < 0) rest = pattern === spec ? '' : undefined;
      else if (spec.startsWith(pattern.slice(0, star)) && spec.endsWith(pattern.slice(star + 1))) rest = spec.slice(star, spec.length - (pattern.length - star - 1));
      if (rest === undefined) continue;
      for (const t of targets) {
        const r = this.probeTs(path.posix.join(this.cfg.tsBaseUrl ?? '', t.replace('*', rest)));
        if (r) return [r];
      }
    }
    if (this.cfg.tsBaseUrl !== undefined) {
      const r = this.probeTs(path.posix.join(this.cfg.tsBaseUrl, spec));
      if (r) return [r];
    }
    if (this.cfg.packageName && (spec === this.cfg.packageName || spec.startsWith(this.cfg.packageName + '/'))) {
      const sub = spec.slice(this.cfg.packageName.length + 1);
      for (const base of ['src', 'lib', '']) {
        const r = this.probeTs(path.posix.join(base, sub || 'index'));
        if (r) return [r];
      }
    }
    return [];
  }

  private python(fromPath: string, spec: string): string[] {
    const dots = /^\.*/.exec(spec)![0].length;
    const rest = spec.slice(dots);
    if (dots > 0) {
      let dir = path.posix.dirname(fromPath);
      for (let i = 1; i < dots; i++) dir = path.posix.dirname(dir);
      if (dir === '.') dir = '';
      const base = rest ? path.posix.join(dir, rest.replace(/\./g, '/')) : dir;
      for (const c of [`${base}.py`, `${base}/__init__.py`, `${base}.pyi`]) if (this.files.has(c.replace(/^\//, ''))) return [c.replace(/^\//, '')];
      return [];
    }
    const f = this.files.pythonModule(rest);
    return f ? [f] : [];
  }

  private go(spec: string): string[] {
    const mod = this.cfg.goModule;
    let dir: string | undefined;
    if (mod && (spec === mod || spec.startsWith(mod + '/'))) dir = spec.slice(mod.length + 1);
    else if (!mod && !spec.includes('.')) dir = spec; // GOPATH-style or no go.mod: try the path as a folder
    if (dir === undefined) return [];
    return this.files.filesIn(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  }

  private rust(fromPath: string, spec: string): string[] {
    const parts = spec.split('::').filter(Boolean);
    if (parts.length === 0) return [];
    let dir: string;
    const srcRoot = fromPath.includes('src/') ? fromPath.slice(0, fromPath.lastIndexOf('src/') + 4) : '';
    const selfDir = (() => {
      const d = path.posix.dirname(fromPath);
      const b = path.posix.basename(fromPath, '.rs');
      return b === 'mod' || b === 'lib' || b === 'main' ? d : path.posix.join(d, b);
    })();
    if (parts[0] === 'crate') {
      dir = srcRoot.replace(/\/$/, '');
      parts.shift();
    } else if (parts[0] === 'self') {
      dir = selfDir;
      parts.shift();
    } else if (parts[0] === 'super') {
      dir = selfDir;
      while (parts[0] === 'super') {
        dir = path.posix.dirname(dir);
        parts.shift();
      }
    } else return [];
    if (dir === '.') dir = '';
    // Longest module path that exists as a file.
    for (let n = parts.length; n >= 1; n--) {
      const p = path.posix.join(dir, ...parts.slice(0, n));
      for (const c of [`${p}.rs`, `${p}/mod.rs`]) if (this.files.has(c)) return [c];
    }
    for (const c of [path.posix.join(dir, 'mod.rs'), path.posix.join(dir, 'lib.rs')]) if (this.files.has(c)) return [c];
    return [];
  }
}

/** Dotted Python module names for a file: from the root and from every source root above it that is not a package. */
export function pythonModuleNames(p: string, isPackageDir: (dir: string) => boolean): string[] {
  if (!/\.pyi?$/.test(p)) return [];
  const parts = p.replace(/\.pyi?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    out.push(parts.slice(i).join('.'));
    // Stop stripping once we are inside a package: `pkg/sub/mod.py` in a package is not `sub.mod`.
    if (isPackageDir(parts.slice(0, i + 1).join('/'))) break;
  }
  return out.filter(Boolean);
}
