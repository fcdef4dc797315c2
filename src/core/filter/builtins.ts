/**
 * Names a language provides without any declaration: keywords, globals and their types' members,
 * runtime modules. TypeScript/JavaScript come from generated/builtins.json, derived at build time
 * from TypeScript's lib declarations and @types/node (scripts/gen-builtins.mjs); Python's builtins
 * and standard modules from the interpreter at the same time; the JDK's common packages from
 * generated/jdk.json (scripts/gen-jdk.mjs); Go/Rust/Java basics are listed here.
 */
import { keywordsFor } from '../lang/identifiers';
import data from './generated/builtins.json';
import jdk from './generated/jdk.json';

export type Family = 'ts' | 'python' | 'go' | 'rust' | 'java' | 'other';

export function familyOf(languageId: string): Family {
  switch (languageId) {
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact':
      return 'ts';
    case 'python':
    case 'go':
    case 'rust':
    case 'java':
      return languageId;
    default:
      return 'other';
  }
}

export interface BuiltinType {
  readonly members: ReadonlySet<string>;
  readonly bases: readonly string[];
}

const words = (s: string): string[] => (s ? s.split(/\s+/).filter(Boolean) : []);

/** java.lang's classes, which every Java file sees without an import. */
const JAVA_LANG =
  'Appendable AutoCloseable CharSequence Class ClassLoader Cloneable Enum Iterable Number Process ProcessBuilder Readable Record Runtime StrictMath StringBuffer ThreadLocal InheritableThreadLocal Throwable Void ' +
  'Error AssertionError OutOfMemoryError StackOverflowError LinkageError ExceptionInInitializerError ' +
  'ArithmeticException ArrayIndexOutOfBoundsException ArrayStoreException ClassCastException ClassNotFoundException CloneNotSupportedException IllegalMonitorStateException ' +
  'IndexOutOfBoundsException InterruptedException NegativeArraySizeException NoSuchFieldException NoSuchMethodException NullPointerException NumberFormatException ' +
  'ReflectiveOperationException SecurityException StringIndexOutOfBoundsException UnsupportedOperationException SuppressWarnings SafeVarargs';

/** Extra keywords/contextual names the CrossCodeEval lists leave out. */
const EXTRA: Record<Family, string[]> = {
  ts: words(
    'this super new null true false undefined void typeof instanceof in of as is keyof infer never unknown any object string number boolean bigint symbol let const var get set async await yield static readonly declare abstract override satisfies asserts enum from default',
  ),
  python: words('self cls None True False print super __name__ __file__ __doc__ __init__ __class__ __dict__ NotImplemented Ellipsis'),
  go: words(
    'append cap clear close complex copy delete imag len make max min new panic print println real recover bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any comparable true false nil iota',
  ),
  rust: words(
    'Self self super crate Some None Ok Err Box Vec String Option Result HashMap HashSet BTreeMap BTreeSet Rc Arc RefCell Cell Mutex RwLock println print eprintln eprint format panic assert assert_eq assert_ne vec write writeln todo unimplemented unreachable dbg matches i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str Default Clone Copy Debug Display PartialEq Eq PartialOrd Ord Hash Iterator IntoIterator From Into AsRef Send Sync Sized Drop Fn FnMut FnOnce std core alloc',
  ),
  java: words(
    'String Object Integer Long Double Float Boolean Character Byte Short Math System List ArrayList Map HashMap Set HashSet Optional Arrays Collections Exception RuntimeException IllegalArgumentException IllegalStateException Override Deprecated FunctionalInterface Thread Runnable StringBuilder Iterable Iterator Comparable Comparator Objects java javax out println print length size get put add this super null true false void int long double float boolean char byte short ' +
      JAVA_LANG,
  ),
  other: [],
};

/** Words that are names of nothing: members every object has. */
const UNIVERSAL_MEMBERS: Record<Family, string[]> = {
  ts: words('constructor toString toLocaleString valueOf hasOwnProperty isPrototypeOf propertyIsEnumerable __proto__ prototype length name call apply bind then catch finally'),
  python: words('__class__ __dict__ __doc__ __module__ __init__ __repr__ __str__ __eq__ __hash__ __name__ __qualname__ mro'),
  go: [],
  // Rust: blanket impls every type has (Into, TryInto, Borrow, Any).
  rust: words('clone to_string into iter unwrap expect as_ref try_into borrow borrow_mut type_id'),
  java: words('equals hashCode toString getClass wait notify notifyAll'),
  other: [],
};
/**
 * Rust: the standard library's derivable traits and the methods a derive gives a type (a derive
 * of another crate's trait, `Serialize`, is not listed: its type stays open).
 */
const RUST_DERIVABLE: Record<string, string[]> = {
  Debug: ['fmt'],
  Clone: ['clone', 'clone_from'],
  Copy: [],
  PartialEq: ['eq', 'ne'],
  Eq: [],
  PartialOrd: ['partial_cmp', 'lt', 'le', 'gt', 'ge'],
  Ord: ['cmp', 'max', 'min', 'clamp'],
  Hash: ['hash'],
  Default: ['default'],
};
const UNIVERSAL_MEMBER_SETS = Object.fromEntries(Object.entries(UNIVERSAL_MEMBERS).map(([k, v]) => [k, new Set(v)])) as Record<Family, Set<string>>;

class Builtins {
  private readonly sets = new Map<Family, Set<string>>();
  private tsTypesCache: Map<string, BuiltinType> | undefined;
  private tsGlobalTypesCache: Map<string, string> | undefined;
  private allTsMembersCache: Set<string> | undefined;
  private nodeModulesCache: Map<string, Set<string>> | undefined;
  private pyModulesCache: Set<string> | undefined;
  private pyMembersCache: Set<string> | undefined;
  private wordsCache: Set<string> | undefined;
  private readonly javaTypesCache = new Map<string, BuiltinType>();
  private readonly javaPackagesCache = new Map<string, Set<string>>();

  /** Keywords and global names of a language family. */
  globals(family: Family): ReadonlySet<string> {
    let s = this.sets.get(family);
    if (!s) {
      s = new Set(EXTRA[family]);
      if (family !== 'other') for (const k of keywordsFor(family === 'ts' ? 'typescript' : family)) s.add(k);
      if (family === 'ts') for (const g of words(data.tsGlobals)) s.add(g);
      if (family === 'python') for (const g of words(data.pyBuiltins)) s.add(g);
      this.sets.set(family, s);
    }
    return s;
  }

  /** Builds the lookup tables now rather than on the first keystroke. */
  warm(): void {
    for (const f of ['ts', 'python'] as const) this.globals(f);
    this.isAnyTsMember('');
    this.tsGlobalType('');
    this.isOrdinaryWord('');
    this.isPythonBuiltinMember('');
    this.isPythonStdlib('');
  }

  isGlobal(name: string, family: Family): boolean {
    return this.globals(family).has(name);
  }

  universalMember(name: string, family: Family): boolean {
    return UNIVERSAL_MEMBER_SETS[family].has(name);
  }

  /**
   * A JDK class or interface of the packages generated/jdk.json covers, by simple name: its public
   * and protected members and the simple names of what it extends and implements.
   */
  javaType(name: string): BuiltinType | undefined {
    const line = (jdk.types as Record<string, string>)[name];
    if (line === undefined) return undefined;
    let t = this.javaTypesCache.get(name);
    if (!t) {
      const colon = line.indexOf(':');
      t = { bases: line.slice(0, colon).split(',').filter(Boolean), members: new Set(words(line.slice(colon + 1))) };
      this.javaTypesCache.set(name, t);
    }
    return t;
  }

  /** Rust: the methods a derive of a standard derivable trait gives (`PartialEq` → eq, ne), else undefined. */
  rustDerivable(name: string): ReadonlySet<string> | undefined {
    const m = Object.prototype.hasOwnProperty.call(RUST_DERIVABLE, name) ? RUST_DERIVABLE[name] : undefined;
    return m ? new Set(m) : undefined;
  }

  /** The classes of a JDK package generated/jdk.json covers (`java.util`), else undefined. */
  javaPackage(pkg: string): ReadonlySet<string> | undefined {
    const line = (jdk.packages as Record<string, string>)[pkg];
    if (line === undefined) return undefined;
    let s = this.javaPackagesCache.get(pkg);
    if (!s) this.javaPackagesCache.set(pkg, (s = new Set(words(line))));
    return s;
  }

  /** A TypeScript lib / Node type by name (`Map`, `Console`, `NodeJS.Process`, `typeof Math`). */
  tsType(name: string): BuiltinType | undefined {
    if (!this.tsTypesCache) {
      this.tsTypesCache = new Map();
      for (const line of data.tsTypes.split('\n')) {
        const colon = line.indexOf(':', line.startsWith('typeof ') ? 7 : 0);
        const head = line.slice(0, colon);
        const lt = head.indexOf('<');
        const name = lt >= 0 ? head.slice(0, lt) : head;
        const bases = lt >= 0 ? head.slice(lt + 1).split(',') : [];
        this.tsTypesCache.set(name, { members: new Set(words(line.slice(colon + 1))), bases });
      }
    }
    return this.tsTypesCache.get(name);
  }

  /** The declared type of a global value (`console` → `Console`). */
  tsGlobalType(name: string): string | undefined {
    if (!this.tsGlobalTypesCache) {
      this.tsGlobalTypesCache = new Map();
      for (const line of data.tsGlobalTypes.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) this.tsGlobalTypesCache.set(line.slice(0, eq), line.slice(eq + 1));
      }
    }
    return this.tsGlobalTypesCache.get(name);
  }

  /** Every member name of every lib type: the "exists somewhere" fallback for members. */
  isAnyTsMember(name: string): boolean {
    if (!this.allTsMembersCache) {
      this.allTsMembersCache = new Set();
      this.tsType('Object');
      for (const t of this.tsTypesCache!.values()) for (const m of t.members) this.allTsMembersCache.add(m);
      for (const names of this.nodeModules().values()) for (const n of names) this.allTsMembersCache.add(n);
    }
    return this.allTsMembersCache.has(name);
  }

  private nodeModules(): Map<string, Set<string>> {
    if (!this.nodeModulesCache) {
      this.nodeModulesCache = new Map();
      for (const line of data.nodeModules.split('\n')) {
        const colon = line.lastIndexOf(':', line.indexOf(' ') < 0 ? line.length : line.indexOf(' '));
        this.nodeModulesCache.set(line.slice(0, colon), new Set(words(line.slice(colon + 1))));
      }
    }
    return this.nodeModulesCache;
  }

  /** Whether Node provides a module (`fs`, `node:fs`, `fs/promises`). */
  isNodeModule(spec: string): boolean {
    const m = this.nodeModules();
    return m.has(spec) || m.has(spec.replace(/^node:/, ''));
  }

  /** Exported names of a Node module (re-exports followed), or undefined when unknown. */
  nodeModuleExports(spec: string): ReadonlySet<string> | undefined {
    const m = this.nodeModules();
    const seen = new Set<string>();
    const collect = (s: string, out: Set<string>): boolean => {
      const names = m.get(s) ?? m.get(s.replace(/^node:/, ''));
      if (!names || seen.has(s)) return !!names;
      seen.add(s);
      for (const n of names) {
        if (n === '=') return false;
        if (n.startsWith('*')) collect(n.slice(1), out);
        else out.add(n);
      }
      return true;
    };
    const out = new Set<string>();
    // `export = x`: the module is a value whose members we do not list here.
    return collect(spec, out) ? out : undefined;
  }

  /** Members of Python's builtin types (str, list, dict, …). */
  isPythonBuiltinMember(name: string): boolean {
    this.pyMembersCache ??= new Set(words(data.pyMembers));
    return this.pyMembersCache.has(name);
  }

  isPythonStdlib(topModule: string): boolean {
    this.pyModulesCache ??= new Set(words(data.pyModules));
    return this.pyModulesCache.has(topModule);
  }

  /** Ordinary English words (lowercase), from the libs' doc comments plus a short list. */
  isOrdinaryWord(lower: string): boolean {
    if (!this.wordsCache) {
      this.wordsCache = new Set(words(data.words));
      for (const w of COMMON_WORDS) this.wordsCache.add(w);
    }
    return this.wordsCache.has(lower);
  }
}

/** Frequent words that doc comments rarely use (pronouns, time words, travel and daily life). */
const COMMON_WORDS = words(
  'i me my mine we us our ours you your yours he him his she her hers they them their theirs it its ' +
    'a an the and or but so yet nor for if then than when while because although though since until after before ' +
    'also too very really just only even still already again never always often sometimes usually maybe perhaps ' +
    'yes no not ok okay please thanks thank hello hi dear ' +
    'today tomorrow yesterday tonight morning afternoon evening night day days week weeks month months year years weekend ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december ' +
    'trip travel visit visited visiting flew fly flight train hotel city cities town country food lunch dinner breakfast museum park river street ' +
    'went go going gone came come coming saw see seen ate eat took take taken stayed stay left leave arrived arrive returned return met meet ' +
    'loved love liked like enjoyed enjoy wanted want thought think felt feel made make got get found find ' +
    'great good nice beautiful wonderful amazing lovely bad busy tired happy first second third next last finally later there here ' +
    'what who whom whose which where why how this that these those there every each some any many much more most few several all both ' +
    'family friend friends people mother father wife husband children kids team home work office school',
);

export const builtins = new Builtins();
