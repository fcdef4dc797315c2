/**
 * Resolves a member receiver (`this`, `this.store`, `options`, `fs`) to the members its type has,
 * from the code: the enclosing class and its bases, annotated variables and parameters, `new T()`
 * initialisers, imported workspace classes/interfaces/object types (following `extends`), the
 * TypeScript lib and Node types, and dependencies' declarations. Undefined means "cannot tell".
 */
import { builtins, type Family } from './builtins';
import type { Binding, FileFacts } from './extract';
import type { TypeShape, WorkspaceKnowledge } from './knowledge';

export interface MemberSet {
  members: Set<string>;
  /** Members beyond these may exist: only "exists somewhere" can be checked. */
  open: boolean;
  /**
   * A base is declared nowhere we can read (`extends React.Component` without node_modules, a
   * generated base): any member may come from it, so none can be checked.
   */
  unknownBase?: boolean;
  /** What it resolved to, for logs and the benchmark. */
  typeName: string;
}

const PRIMITIVE: Record<string, string> = { string: 'String', number: 'Number', boolean: 'Boolean', bigint: 'BigInt', symbol: 'Symbol' };
/**
 * Receivers that name the enclosing class (Rust: the impl's type). Java's `super` is read as the
 * class itself, whose members include its bases'.
 */
const SELF_NAMES: Partial<Record<Family, string[]>> = { ts: ['this'], python: ['self'], java: ['this', 'super'], rust: ['self', 'Self'] };
/** A module of data rather than code, imported for its value (`import table from './table.json'`). */
const DATA_MODULE = /\.json$/i;

/** `Promise<X>` → X: what an async function's caller holds after `await`. */
const PROMISE = /^Promise<\s*(.*)\s*>$/;

/** `X[]`, `readonly X[]`, `Array<X>`, `ReadonlyArray<X>` → X (a plain name or a dotted one). */
const ARRAY_ELEMENT = /^(?:readonly\s+)?([\w$.]+)\[\]$|^(?:Readonly)?Array<\s*([\w$.]+)\s*>$/;
/** How many `const b = a.f()` steps are followed back to where a value comes from. */
const MAX_ORIGIN_DEPTH = 8;
const UNRESOLVABLE = new Set([
  'any',
  'unknown',
  'object',
  'never',
  'void',
  'Object',
  'Function',
  'Record',
  'Partial',
  'Pick',
  'Omit',
  'Required',
  'Readonly',
  'ReturnType',
  'InstanceType',
  'Awaited',
  'T',
  'K',
  'V',
]);
/** Python bases whose members we know enough about. */
const PY_BASES: Record<string, string[]> = {
  object: [],
  Exception: ['args', 'with_traceback', 'add_note'],
  BaseException: ['args', 'with_traceback', 'add_note'],
  Enum: ['name', 'value'],
  IntEnum: ['name', 'value'],
  StrEnum: ['name', 'value'],
  NamedTuple: ['_asdict', '_replace', '_fields', '_make', 'count', 'index'],
  TypedDict: [],
  Protocol: [],
  ABC: [],
};

export class TypeResolver {
  private readonly cache = new Map<string, MemberSet | undefined>();

  constructor(
    private readonly doc: FileFacts,
    private readonly ws: WorkspaceKnowledge,
    private readonly family: Family,
    private readonly docPath: string | undefined,
  ) {}

  /** Members of the receiver's type at `cursor`, or undefined when its type cannot be resolved. */
  receiver(receiver: string | undefined, cursor: number): MemberSet | undefined {
    if (!receiver || !/^[\w$]+(\.[\w$]+)*$/.test(receiver)) return undefined;
    const parts = receiver.split('.');
    let cur = this.head(parts[0], cursor);
    for (let i = 1; i < parts.length && cur; i++) cur = this.memberType(cur.shapes, parts[i]);
    return cur ? this.membersOf(cur.shapes, cur.name) : undefined;
  }

  private head(name: string, cursor: number): { shapes: TypeShape[]; name: string } | undefined {
    if (SELF_NAMES[this.family]?.includes(name)) {
      const s = this.enclosingType(cursor);
      return s ? { shapes: [s], name: s.name } : undefined;
    }
    // A typed binding in scope: the innermost one.
    let binding: { type: string; size: number } | undefined;
    for (const b of this.doc.bindings) {
      if (b.name !== name || b.scopeStart > cursor || b.scopeEnd < cursor) continue;
      const size = b.scopeEnd - b.scopeStart;
      if (!binding || size <= binding.size) binding = { type: b.type, size };
    }
    if (binding) return this.typeFromText(binding.type);
    const imp = this.doc.imports.find((i) => i.local === name);
    if (imp) {
      if (imp.imported === '*') {
        // Python: only workspace modules have member lists here.
        if (this.family === 'python' && !imp.module.startsWith('.')) return undefined;
        const exports = this.ws.moduleExports(imp.module, this.docPath);
        return exports ? { shapes: [namespaceShape(name, exports)], name: `module ${imp.module}` } : undefined;
      }
      const shapes = this.lookup(imp.imported, imp.module);
      return shapes.length ? { shapes: shapes.map(staticSide), name: imp.imported } : undefined;
    }
    const own = this.doc.types.get(name);
    if (own) return { shapes: [staticSide(own)], name };
    if (this.family === 'ts' && !this.doc.declared.has(name)) {
      const g = builtins.tsGlobalType(name);
      if (g) return this.typeFromText(g);
    }
    return undefined;
  }

  /**
   * Whether the receiver's value comes from a module nothing here can resolve (a package that is not
   * installed, a file outside the workspace): an import of it (default, namespace, named,
   * `require`), a value derived from one (`const app = express()`, `const r = app.Router()`), or a
   * variable declared with a type imported from it. Its members are an open world: no member list
   * exists to check them against, and "exists somewhere" knows none of its names either.
   */
  fromUnresolvedModule(receiver: string | undefined, cursor: number): boolean {
    const head = receiver ? /^[\w$]+/.exec(receiver)?.[0] : undefined;
    return !!head && this.nameFromUnresolvedModule(head, cursor, 0);
  }

  private nameFromUnresolvedModule(name: string, cursor: number, depth: number): boolean {
    if (depth > MAX_ORIGIN_DEPTH) return false;
    const typed = innermost(this.doc.bindings, name, cursor);
    const origin = innermost(this.doc.origins, name, cursor);
    // The innermost declaration of the name decides (an inner typed parameter shadows an outer
    // origin); in one scope a declared type, else the origin (an untyped local is bound `unknown` too).
    const size = (b: Binding) => b.scopeEnd - b.scopeStart;
    if (typed && (!origin || size(typed) < size(origin) || (size(typed) === size(origin) && typed.type !== 'unknown'))) {
      return this.typeFromUnresolved(typed.type.replace(/^new:/, ''), name);
    }
    if (origin) {
      if (origin.type.startsWith('module:')) return this.unresolvedModule(origin.type.slice('module:'.length));
      return origin.type !== name && this.nameFromUnresolvedModule(origin.type, origin.scopeStart, depth + 1);
    }
    // What a function of the document returns (`const m = await load()`), by its written type.
    const ret = this.doc.returnTypes.get(name);
    if (ret) return this.typeFromUnresolved(ret.replace(PROMISE, '$1'), name);
    return this.importedFromUnresolved(name);
  }

  /** A type as written whose root is imported from an unresolved module, directly or as `typeof` of such an import. */
  private typeFromUnresolved(type: string, name: string): boolean {
    const root = /^[\w$]+/.exec(stripGenerics(type))?.[0];
    if (!root || root === name) return false;
    const value = this.doc.typeofAliases.get(root);
    return this.importedFromUnresolved(value ?? root);
  }

  private importedFromUnresolved(name: string): boolean {
    const imp = this.doc.imports.find((i) => i.local === name);
    if (!imp) return false;
    if (this.unresolvedModule(imp.module)) return true;
    // A name a workspace module re-exports from a module nothing here resolves: that name alone
    // is an open world (the module's own declarations stay checked).
    return this.family === 'ts' && !!this.docPath && imp.imported !== '*' && this.reexportedFromUnresolved(imp.module, imp.imported, this.docPath);
  }

  /** Whether `name` of workspace module `module` is, through its chain of re-exports, a name of an unresolved module. */
  private reexportedFromUnresolved(module: string, name: string, fromFile: string): boolean {
    for (let i = 0; i < MAX_ORIGIN_DEPTH; i++) {
      const r = this.ws.reexportOf?.(module, name, fromFile);
      if (!r) return false;
      if (this.unresolvedModule(r.module, r.file)) return true;
      [module, name, fromFile] = [r.module, r.imported, r.file];
    }
    return false;
  }

  private unresolvedModule(module: string, fromFile = this.docPath): boolean {
    // A data module (`./table.json`) resolves to a file, but the index holds no names of its
    // content: its keys are an open world as a package's members are.
    if (this.family === 'ts' && DATA_MODULE.test(module)) return true;
    if (this.family === 'ts' && builtins.isNodeModule(module)) return false;
    if (this.family === 'python' && builtins.isPythonStdlib(module.split('.')[0])) return false;
    const ws = this.ws;
    return ws.hasModuleDeclarations ? !ws.hasModuleDeclarations(module, fromFile, this.doc.languageId) : !ws.resolvesModule(module, fromFile, this.doc.languageId);
  }

  /** The type the innermost class body (Rust: impl block) around `cursor` declares. */
  enclosingType(cursor: number): TypeShape | undefined {
    let best: { name: string; start: number; end: number } | undefined;
    for (const c of this.doc.classes) if (c.start <= cursor && cursor <= c.end && (!best || c.start >= best.start)) best = c;
    return best ? this.doc.types.get(best.name) : undefined;
  }

  /**
   * Members of the elements of an array-typed receiver (`this.items` declared `Item[]` or
   * `Array<Item>`): the type of an array method's callback parameter (`items.find((i) => …)`).
   */
  elementMembers(receiver: string, cursor: number): MemberSet | undefined {
    if (this.family !== 'ts' || !/^[\w$]+(\.[\w$]+)*$/.test(receiver)) return undefined;
    const parts = receiver.split('.');
    let text: string | undefined;
    if (parts.length === 1) text = innermost(this.doc.bindings, parts[0], cursor)?.type;
    else {
      let cur = this.head(parts[0], cursor);
      for (let i = 1; i < parts.length - 1 && cur; i++) cur = this.memberType(cur.shapes, parts[i]);
      text = cur ? this.memberTypeText(cur.shapes, parts[parts.length - 1]) : undefined;
    }
    const element = text ? ARRAY_ELEMENT.exec(text.trim()) : null;
    const t = element ? this.typeFromText(element[1] ?? element[2]) : undefined;
    return t ? this.membersOf(t.shapes, t.name) : undefined;
  }

  private memberType(shapes: TypeShape[], member: string): { shapes: TypeShape[]; name: string } | undefined {
    const t = this.memberTypeText(shapes, member);
    return t ? this.typeFromText(t) : undefined;
  }

  /** The declared type of a member as written, from the shapes or their bases. */
  private memberTypeText(shapes: TypeShape[], member: string): string | undefined {
    const seen = new Set<TypeShape>();
    const visit = (s: TypeShape): string | undefined => {
      if (seen.has(s)) return undefined;
      seen.add(s);
      const t = s.memberTypes.get(member);
      if (t) return t;
      for (const b of s.bases)
        for (const bs of this.lookup(stripGenerics(b))) {
          const r = visit(bs);
          if (r) return r;
        }
      return undefined;
    };
    for (const s of shapes) {
      const t = visit(s);
      if (t) return t;
    }
    return undefined;
  }

  /** A type as written → its shapes. */
  typeFromText(text: string): { shapes: TypeShape[]; name: string } | undefined {
    let t = text
      .replace(/^new:/, '')
      .replace(/^readonly\s+/, '')
      .trim();
    if (this.family === 'python') {
      const opt = /^(?:Optional|typing\.Optional)\[(.*)\]$/.exec(t);
      if (opt) t = opt[1];
      t = t.replace(/\s*\|\s*None$/, '');
      if (/[[\]|]/.test(t)) return undefined;
    } else {
      const parts = splitTop(t, '|')
        .map((p) => p.trim())
        .filter((p) => p !== 'undefined' && p !== 'null');
      if (parts.length !== 1) return undefined;
      t = parts[0];
      if (/^\(.*\)$/.test(t)) t = t.slice(1, -1);
      if (/\[\]$/.test(t) || /^(Readonly)?Array</.test(t)) t = 'Array';
      if (/^(\(|\{|typeof |keyof |\[|'|"|`)|=>/.test(t)) return undefined;
      t = stripGenerics(t);
      if (PRIMITIVE[t]) t = PRIMITIVE[t];
    }
    if (UNRESOLVABLE.has(t) || !/^[\w$.]+$/.test(t)) return undefined;
    const shapes = this.lookup(t);
    return shapes.length ? { shapes, name: t } : undefined;
  }

  /** Shapes for a type name: the document's own, the module it is imported from, the workspace, libs. */
  private lookup(name: string, module?: string): TypeShape[] {
    const dot = name.lastIndexOf('.');
    const last = dot >= 0 ? name.slice(dot + 1) : name;
    // `ns.T` with `import * as ns from 'm'` (or `const ns = require('m')`): T of module m.
    if (dot >= 0 && !module && name.indexOf('.') === dot) {
      const head = name.slice(0, dot);
      const ns = this.doc.imports.find((i) => i.local === head && i.imported === '*');
      if (ns) return this.lookup(last, ns.module);
    }
    const own = this.doc.types.get(last);
    if (own && !module) return [own];
    const imp = module ? { module, imported: last } : this.doc.imports.find((i) => i.local === last);
    const realName = imp && imp.imported !== '*' && imp.imported !== 'default' ? imp.imported : last;
    if (imp && this.family === 'ts' && builtins.isNodeModule(imp.module)) {
      const bt = builtins.tsType(`${imp.module.replace(/^node:/, '')}:${realName}`);
      if (bt) return [builtinShape(realName, bt.members, bt.bases)];
    }
    const ws = this.ws.typesNamed(realName, { exclude: this.docPath, module: imp?.module, fromFile: this.docPath });
    if (ws.length) return [...ws];
    if (this.family === 'ts') {
      // A type imported from a module we have no declarations for, or qualified by a namespace we
      // cannot read (`vscode.Range`, `ts.Node`), is not the global of the same name (DOM `Range`,
      // `Node`): it stays unresolved ("exists somewhere").
      if (imp) return [];
      const bt = builtins.tsType(name) ?? (dot < 0 ? builtins.tsType(`NodeJS.${name}`) : undefined);
      if (bt) return [builtinShape(last, bt.members, bt.bases)];
    }
    if (this.family === 'python' && PY_BASES[last]) return [builtinShape(last, new Set(PY_BASES[last]), [])];
    if (this.family === 'rust') {
      const derived = builtins.rustDerivable(last);
      if (derived) return [builtinShape(last, derived, [])];
    }
    if (this.family === 'java') {
      const jt = builtins.javaType(last);
      if (jt) return [builtinShape(last, jt.members, jt.bases)];
    }
    return [];
  }

  /** All members of shapes and their bases; open when any part cannot be listed. */
  membersOf(shapes: TypeShape[], typeName: string): MemberSet {
    const key = shapes.map((s) => s.name).join('|') + '#' + typeName;
    if (this.cache.has(key) && this.cache.get(key)) return this.cache.get(key)!;
    const out: MemberSet = { members: new Set(), open: false, typeName };
    const seen = new Set<TypeShape>();
    const visit = (s: TypeShape, depth: number) => {
      if (seen.has(s) || depth > 12) return;
      seen.add(s);
      for (const m of s.members) out.members.add(m);
      if (s.open) out.open = true;
      for (const b of s.bases) {
        const base = stripGenerics(b);
        if (this.family === 'python' && base === 'object') continue;
        const bs = this.lookup(base);
        if (bs.length === 0) out.open = true;
        if (bs.length === 0 && this.declaredNowhere(base)) out.unknownBase = true;
        for (const x of bs) visit(x, depth + 1);
      }
    };
    for (const s of shapes) visit(s, 0);
    this.cache.set(key, out);
    return out;
  }

  /**
   * A base type name no workspace file or dependency declaration mentions, and no lib type: its
   * members are unknowable here. Lib utility types (`Partial<T>`, `Omit<…>`) are not such bases.
   */
  private declaredNowhere(base: string): boolean {
    const last = base.slice(base.lastIndexOf('.') + 1);
    if (
      UNRESOLVABLE.has(last) ||
      PY_BASES[last] ||
      (this.family === 'ts' && builtins.tsType(last) !== undefined) ||
      (this.family === 'java' && builtins.javaType(last) !== undefined)
    )
      return false;
    return !this.ws.hasName(last, this.docPath);
  }
}

/** The binding of `name` whose scope holds `cursor` most tightly. */
function innermost(bindings: readonly Binding[], name: string, cursor: number): Binding | undefined {
  let best: Binding | undefined;
  for (const b of bindings) {
    if (b.name !== name || b.scopeStart > cursor || b.scopeEnd < cursor) continue;
    if (!best || b.scopeEnd - b.scopeStart <= best.scopeEnd - best.scopeStart) best = b;
  }
  return best;
}

function builtinShape(name: string, members: ReadonlySet<string>, bases: readonly string[]): TypeShape {
  return { name, members, memberTypes: new Map(), bases, open: false, kind: 'interface' };
}

function namespaceShape(name: string, exports: ReadonlySet<string>): TypeShape {
  return { name, members: exports, memberTypes: new Map(), bases: [], open: false, kind: 'alias' };
}

/**
 * A class referred to by name (`Foo.create()`): we do not separate static from instance members,
 * so both count (lenient, never a false drop).
 */
function staticSide(s: TypeShape): TypeShape {
  return s.kind === 'class' ? { ...s, open: s.open } : s.kind === 'enum' ? s : { ...s, open: true };
}

export function stripGenerics(t: string): string {
  const lt = t.indexOf('<');
  return (lt >= 0 ? t.slice(0, lt) : t).trim();
}

/** Splits a type's text at `sep` outside brackets (`<>`, `()`, `[]`, `{}`). */
export function splitTop(t: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === '>' || c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      out.push(t.slice(start, i));
      start = i + 1;
    }
  }
  out.push(t.slice(start));
  return out;
}
