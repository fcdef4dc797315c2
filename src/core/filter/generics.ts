/**
 * Generic type arguments followed through the Rust standard library's and the JDK's containers:
 * what a method of `HashMap<K, V>`, `Vec<T>`, `Option<T>`, an iterator, `List<E>`, `Stream<T>`,
 * `Optional<T>` or `Map<K, V>` returns, and the type of a closure's or lambda's parameter passed to
 * one (`values().map(|a| …)`, `stream().filter(b -> …)`), when that type is one of the receiver's
 * type arguments. Anything else — a method these tables do not list, a result that is a new type
 * (`map` to whatever the closure returns), a tuple — is unknown: the caller treats it as an open
 * world, never as a closed one.
 */
import { NAME } from '../lang/identifiers';
import type { Family } from './builtins';

/** A type's name as written, with its path (`std::collections::HashMap`, `java.util.List`). */
const PATH_NAME = new RegExp(String.raw`^${NAME}(?:\s*(?:::|\.)\s*${NAME})*`);

/** A type as written, parsed: `HashMap<u64, Account>` → HashMap of [u64, Account]. */
export interface GType {
  /** The last segment of its path (`Entry` for `Map.Entry`), or `[]` for an array or slice. */
  name: string;
  args: GType[];
}

/** A type argument nobody wrote (`new ArrayList<>()`, `HashMap::new()`): following it gives nothing. */
const UNKNOWN: GType = { name: '?', args: [] };

interface StdType {
  /** Its type parameters, in order. */
  params: string[];
  /** Method (or field) → the type it gives, written over the parameters (`Option<V>`). */
  returns: Record<string, string>;
  /** Method → the types of the parameters of the closure it takes, per argument index (`0:T`, `1:K,V`). */
  closures?: Record<string, string>;
}

/** Rust iterator adapters that keep the item type. */
const RUST_ITER_SAME = 'filter rev skip take step_by peekable fuse inspect skip_while take_while by_ref chain cycle'.split(' ');
/** Rust iterator methods giving one item (or none). */
const RUST_ITER_ONE = 'next last nth find min max min_by_key max_by_key min_by max_by next_back'.split(' ');
/** Rust iterator methods whose closure takes the item. */
const RUST_ITER_CLOSURES = 'filter map for_each find any all position inspect skip_while take_while filter_map flat_map map_while find_map partition max_by_key min_by_key'.split(
  ' ',
);

const RUST_STD: Record<string, StdType> = {
  Iter: {
    params: ['T'],
    returns: {
      ...Object.fromEntries(RUST_ITER_SAME.map((m) => [m, 'Iter<T>'])),
      ...Object.fromEntries(RUST_ITER_ONE.map((m) => [m, 'Option<T>'])),
      cloned: 'Iter<T>',
      copied: 'Iter<T>',
      into_iter: 'Iter<T>',
    },
    closures: { ...Object.fromEntries(RUST_ITER_CLOSURES.map((m) => [m, '0:T'])), max_by: '0:T,T', min_by: '0:T,T', fold: '1:?,T' },
  },
  Vec: {
    params: ['T'],
    returns: {
      iter: 'Iter<T>',
      iter_mut: 'Iter<T>',
      into_iter: 'Iter<T>',
      drain: 'Iter<T>',
      first: 'Option<T>',
      last: 'Option<T>',
      first_mut: 'Option<T>',
      last_mut: 'Option<T>',
      get: 'Option<T>',
      get_mut: 'Option<T>',
      pop: 'Option<T>',
      pop_front: 'Option<T>',
      pop_back: 'Option<T>',
      front: 'Option<T>',
      back: 'Option<T>',
      '[]': 'T',
    },
    closures: {
      retain: '0:T',
      retain_mut: '0:T',
      sort_by_key: '0:T',
      sort_by: '0:T,T',
      sort_unstable_by: '0:T,T',
      sort_unstable_by_key: '0:T',
      dedup_by_key: '0:T',
      binary_search_by: '0:T',
      binary_search_by_key: '1:T',
    },
  },
  HashMap: {
    params: ['K', 'V'],
    returns: {
      get: 'Option<V>',
      get_mut: 'Option<V>',
      remove: 'Option<V>',
      insert: 'Option<V>',
      values: 'Iter<V>',
      values_mut: 'Iter<V>',
      into_values: 'Iter<V>',
      keys: 'Iter<K>',
      into_keys: 'Iter<K>',
      '[]': 'V',
    },
    closures: { retain: '0:K,V' },
  },
  HashSet: { params: ['T'], returns: { iter: 'Iter<T>', into_iter: 'Iter<T>', get: 'Option<T>', take: 'Option<T>', drain: 'Iter<T>' }, closures: { retain: '0:T' } },
  Option: {
    params: ['T'],
    returns: {
      unwrap: 'T',
      expect: 'T',
      unwrap_or: 'T',
      unwrap_or_default: 'T',
      unwrap_or_else: 'T',
      unwrap_unchecked: 'T',
      as_ref: 'Option<T>',
      as_mut: 'Option<T>',
      as_deref: 'Option<T>',
      as_deref_mut: 'Option<T>',
      take: 'Option<T>',
      cloned: 'Option<T>',
      copied: 'Option<T>',
      filter: 'Option<T>',
      or: 'Option<T>',
      or_else: 'Option<T>',
      iter: 'Iter<T>',
      '?': 'T',
    },
    closures: { map: '0:T', and_then: '0:T', filter: '0:T', is_some_and: '0:T', map_or: '1:T', map_or_else: '1:T', inspect: '0:T', take_if: '0:T' },
  },
  Result: {
    params: ['T', 'E'],
    returns: {
      unwrap: 'T',
      expect: 'T',
      unwrap_or: 'T',
      unwrap_or_default: 'T',
      unwrap_or_else: 'T',
      unwrap_err: 'E',
      expect_err: 'E',
      ok: 'Option<T>',
      err: 'Option<E>',
      as_ref: 'Result<T,E>',
      as_mut: 'Result<T,E>',
      '?': 'T',
    },
    closures: { map: '0:T', and_then: '0:T', map_err: '0:E', is_ok_and: '0:T', is_err_and: '0:E', inspect: '0:T', inspect_err: '0:E', unwrap_or_else: '0:E' },
  },
  RefCell: { params: ['T'], returns: { borrow: 'T', borrow_mut: 'T', into_inner: 'T', get_mut: 'T' } },
  Mutex: { params: ['T'], returns: { lock: 'Result<T,?>', try_lock: 'Result<T,?>', into_inner: 'Result<T,?>', get_mut: 'Result<T,?>' } },
  RwLock: { params: ['T'], returns: { read: 'Result<T,?>', write: 'Result<T,?>', into_inner: 'Result<T,?>', get_mut: 'Result<T,?>' } },
};

/** Rust std names read as one of the tables above. */
const RUST_ALIASES: Record<string, string> = {
  VecDeque: 'Vec',
  LinkedList: 'Vec',
  '[]': 'Vec',
  BTreeMap: 'HashMap',
  BTreeSet: 'HashSet',
  IntoIter: 'Iter',
  IterMut: 'Iter',
  Values: 'Iter',
  Keys: 'Iter',
  Peekable: 'Iter',
};

/** Rust smart pointers and guards a member access sees through (auto-deref). */
const RUST_DEREF = new Set(['Box', 'Rc', 'Arc', 'Ref', 'RefMut', 'MutexGuard', 'RwLockReadGuard', 'RwLockWriteGuard', 'Cow']);

/** Java collection methods giving an element. */
const JAVA_ELEMENT = 'get getFirst getLast removeFirst removeLast peek poll pop element first last pollFirst pollLast peekFirst peekLast take floor ceiling higher lower'.split(
  ' ',
);
const JAVA_COLLECTION: StdType = {
  params: ['E'],
  returns: {
    ...Object.fromEntries(JAVA_ELEMENT.map((m) => [m, 'E'])),
    stream: 'Stream<E>',
    parallelStream: 'Stream<E>',
    iterator: 'Iterator<E>',
    listIterator: 'Iterator<E>',
    '[]': 'E',
  },
  closures: { forEach: '0:E', removeIf: '0:E', replaceAll: '0:E', sort: '0:E,E' },
};
/** Stream operations that keep the element type. */
const JAVA_STREAM_SAME = 'filter sorted distinct limit skip peek takeWhile dropWhile parallel sequential unordered onClose'.split(' ');
/** Stream operations whose lambda takes an element. */
const JAVA_STREAM_LAMBDAS = 'filter map forEach forEachOrdered anyMatch allMatch noneMatch peek flatMap mapToInt mapToLong mapToDouble mapToObj takeWhile dropWhile mapMulti'.split(
  ' ',
);
const JAVA_MAP: StdType = {
  params: ['K', 'V'],
  returns: {
    get: 'V',
    getOrDefault: 'V',
    put: 'V',
    remove: 'V',
    putIfAbsent: 'V',
    computeIfAbsent: 'V',
    computeIfPresent: 'V',
    compute: 'V',
    merge: 'V',
    replace: 'V',
    values: 'Collection<V>',
    keySet: 'Set<K>',
    navigableKeySet: 'Set<K>',
    entrySet: 'Set<Entry<K,V>>',
    firstKey: 'K',
    lastKey: 'K',
    firstEntry: 'Entry<K,V>',
    lastEntry: 'Entry<K,V>',
    floorEntry: 'Entry<K,V>',
    ceilingEntry: 'Entry<K,V>',
  },
  closures: { forEach: '0:K,V', computeIfAbsent: '1:K', computeIfPresent: '1:K,V', compute: '1:K,V', replaceAll: '0:K,V', merge: '2:V,V' },
};

const JAVA_STD: Record<string, StdType> = {
  Collection: JAVA_COLLECTION,
  Map: JAVA_MAP,
  Entry: { params: ['K', 'V'], returns: { getKey: 'K', getValue: 'V', setValue: 'V' } },
  Iterator: { params: ['E'], returns: { next: 'E', previous: 'E' }, closures: { forEachRemaining: '0:E' } },
  Stream: {
    params: ['T'],
    returns: {
      ...Object.fromEntries(JAVA_STREAM_SAME.map((m) => [m, 'Stream<T>'])),
      findFirst: 'Optional<T>',
      findAny: 'Optional<T>',
      min: 'Optional<T>',
      max: 'Optional<T>',
      toList: 'List<T>',
      iterator: 'Iterator<T>',
    },
    closures: { ...Object.fromEntries(JAVA_STREAM_LAMBDAS.map((m) => [m, '0:T'])), sorted: '0:T,T', min: '0:T,T', max: '0:T,T' },
  },
  Optional: {
    params: ['T'],
    returns: { get: 'T', orElse: 'T', orElseThrow: 'T', orElseGet: 'T', filter: 'Optional<T>', or: 'Optional<T>' },
    closures: { ifPresent: '0:T', ifPresentOrElse: '0:T', map: '0:T', filter: '0:T', flatMap: '0:T' },
  },
};

const JAVA_ALIASES: Record<string, string> = Object.fromEntries([
  ...'List ArrayList LinkedList Set HashSet LinkedHashSet TreeSet SortedSet NavigableSet Queue Deque ArrayDeque PriorityQueue Iterable Vector Stack CopyOnWriteArrayList CopyOnWriteArraySet BlockingQueue BlockingDeque LinkedBlockingQueue LinkedBlockingDeque ArrayBlockingQueue PriorityBlockingQueue ConcurrentLinkedQueue ConcurrentLinkedDeque SequencedCollection SequencedSet []'
    .split(' ')
    .map((n) => [n, 'Collection']),
  ...'HashMap TreeMap LinkedHashMap ConcurrentHashMap SortedMap NavigableMap EnumMap Hashtable ConcurrentMap ConcurrentSkipListMap WeakHashMap IdentityHashMap SequencedMap'
    .split(' ')
    .map((n) => [n, 'Map']),
  ['ListIterator', 'Iterator'],
]);

/**
 * Parses a type as written. References, lifetimes, `mut`, `dyn`/`impl`, Java wildcards
 * (`? extends T` → T) and annotations are dropped; `&[T]`, `[T; N]` and `T[]` are `[]` of T. A
 * tuple, a function type or anything else not a plain (generic) path gives undefined.
 */
export function parseType(text: string): GType | undefined {
  const p = { s: text, i: 0 };
  const t = readType(p);
  skipSpace(p);
  return t && p.i === p.s.length ? t : undefined;
}

function skipSpace(p: { s: string; i: number }): void {
  while (p.i < p.s.length && /\s/.test(p.s[p.i])) p.i++;
}

function readType(p: { s: string; i: number }): GType | undefined {
  skipSpace(p);
  // `&'a mut`, `dyn`, `impl`, `final`, `? extends`, `? super`, annotations.
  for (;;) {
    const m = /^(?:&|'\w+\s*|mut\b|dyn\b|impl\b|final\b|\?\s*(?:extends|super)\b|@\w+(?:\.\w+)*)\s*/.exec(p.s.slice(p.i));
    if (!m || m[0] === '') break;
    p.i += m[0].length;
  }
  let t: GType | undefined;
  if (p.s[p.i] === '[') {
    p.i++;
    const inner = readType(p);
    skipSpace(p);
    if (p.s[p.i] === ';') {
      const close = p.s.indexOf(']', p.i);
      if (close < 0) return undefined;
      p.i = close;
    }
    if (!inner || p.s[p.i] !== ']') return undefined;
    p.i++;
    t = { name: '[]', args: [inner] };
  } else if (p.s[p.i] === '?') {
    p.i++;
    t = UNKNOWN;
  } else {
    const m = PATH_NAME.exec(p.s.slice(p.i));
    if (!m) return undefined;
    p.i += m[0].length;
    const name = m[0].split(/::|\./).pop()!.trim();
    const args: GType[] = [];
    skipSpace(p);
    if (p.s[p.i] === '<') {
      p.i++;
      for (;;) {
        skipSpace(p);
        if (p.s[p.i] === '>') break;
        const a = readType(p);
        if (!a) return undefined;
        args.push(a);
        skipSpace(p);
        if (p.s[p.i] === ',') p.i++;
        else if (p.s[p.i] !== '>') return undefined;
      }
      p.i++;
    }
    t = { name, args };
  }
  skipSpace(p);
  while (p.s.startsWith('[]', p.i)) {
    p.i += 2;
    t = { name: '[]', args: [t] };
    skipSpace(p);
  }
  return t;
}

/** What a table's entry for `t` is, with its parameters bound to `t`'s arguments. */
function entryOf(t: GType, family: Family): { std: StdType; bind: Map<string, GType> } | undefined {
  const tables = family === 'rust' ? RUST_STD : family === 'java' ? JAVA_STD : undefined;
  const aliases = family === 'rust' ? RUST_ALIASES : JAVA_ALIASES;
  if (!tables) return undefined;
  const key = tables[t.name] ? t.name : aliases[t.name];
  const std = key ? tables[key] : undefined;
  if (!std) return undefined;
  const bind = new Map<string, GType>();
  std.params.forEach((p, i) => bind.set(p, t.args.length === std.params.length ? t.args[i] : UNKNOWN));
  return { std, bind };
}

/** A table's type text with its parameters replaced. */
function instantiate(text: string, bind: Map<string, GType>): GType | undefined {
  const t = parseType(text);
  const sub = (x: GType): GType => bind.get(x.name) ?? { name: x.name, args: x.args.map(sub) };
  return t ? sub(t) : undefined;
}

/** Through smart pointers and guards to what a member access reaches (`Box<Account>` → Account). */
export function derefType(t: GType, family: Family): GType {
  let cur = t;
  while (family === 'rust' && RUST_DEREF.has(cur.name) && cur.args.length >= 1) cur = cur.args[cur.args.length === 2 && cur.name === 'Cow' ? 1 : 0];
  return cur;
}

/** Undefined for a type nobody wrote. */
export function known(t: GType | undefined): GType | undefined {
  return t && t.name !== '?' ? t : undefined;
}

/**
 * The type `member` of a std/JDK container gives (`'?'` for Rust's `?` operator, `'[]'` for
 * indexing): undefined when the tables do not list it.
 */
export function memberResult(t: GType, member: string, family: Family): GType | undefined {
  const e = entryOf(derefType(t, family), family);
  const text = e?.std.returns[member];
  return e && text ? known(instantiate(text, e.bind)) : undefined;
}

/**
 * The type of parameter `param` of the closure or lambda passed as argument `arg` of
 * `member` on a value of type `t`: undefined when the tables do not say.
 */
export function closureParam(t: GType, member: string, arg: number, param: number, family: Family): GType | undefined {
  const e = entryOf(derefType(t, family), family);
  const spec = e?.std.closures?.[member];
  if (!e || !spec) return undefined;
  const [at, params] = spec.split(':');
  if (Number(at) !== arg) return undefined;
  const p = params.split(',')[param];
  return p ? known(instantiate(p, e.bind)) : undefined;
}

/** The element type a `for` loop over a value of type `t` binds (`for a in v`, `for (var a : v)`). */
export function loopElement(t: GType, family: Family): GType | undefined {
  const d = derefType(t, family);
  if (family === 'rust') {
    const e = entryOf(d, family);
    if (!e) return undefined;
    if (e.std === RUST_STD.Iter || e.std === RUST_STD.Vec || e.std === RUST_STD.HashSet || e.std === RUST_STD.Option) return known(e.bind.get('T'));
    return undefined;
  }
  return memberResult(d, 'iterator', family) ? memberResult(memberResult(d, 'iterator', family)!, 'next', family) : undefined;
}
