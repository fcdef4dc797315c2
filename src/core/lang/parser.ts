/**
 * Tree-sitter (web-tree-sitter 0.25.10 + tree-sitter-wasms grammars): one runtime, one Parser per
 * language, grammars loaded off the keystroke path. Works both from the esbuild bundle (wasm
 * files next to dist/extension.js) and from compiled sources (wasm files in node_modules).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { GRAMMAR_FOR_LANGUAGE } from './languageIds';

// The grammar for each language and the language of each extension: one table, languageIds.ts.
export { GRAMMAR_FOR_LANGUAGE, LANGUAGE_FOR_EXTENSION, languageForPath } from './languageIds';

export function hasGrammar(languageId: string): boolean {
  return languageId in GRAMMAR_FOR_LANGUAGE;
}

/** Where the wasm files are: next to the bundle (dist/) or in node_modules. */
function locate(file: string): string {
  const candidates = [
    path.join(__dirname, file),
    path.join(__dirname, 'grammars', file),
    path.join(__dirname, '..', 'dist', file),
    path.join(__dirname, '..', 'dist', 'grammars', file),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  // Only unbundled code (out/) gets here: it finds the packages in node_modules at run time. A
  // plain require.resolve would ask the bundler to resolve packages it inlines, which it cannot.
  const resolve = createRequire(__filename).resolve;
  if (file === 'tree-sitter.wasm') return path.join(path.dirname(resolve('web-tree-sitter')), file);
  return path.join(path.dirname(resolve('tree-sitter-wasms/package.json')), 'out', file);
}

let runtime: Promise<void> | undefined;
const languages = new Map<string, Promise<Language | undefined>>();
/** The last grammar load started (loads run one after another). */
let loadChain: Promise<unknown> = Promise.resolve();
const parsers = new Map<string, Parser>();

function initRuntime(): Promise<void> {
  runtime ??= Parser.init({ locateFile: (name: string) => locate(name) } as unknown as Parameters<typeof Parser.init>[0]);
  return runtime;
}

/**
 * Loads the grammar for a language (once). Resolves undefined for languages without a grammar
 * or when loading fails: callers fall back to plain text.
 */
export function loadLanguage(languageId: string): Promise<Language | undefined> {
  const grammar = GRAMMAR_FOR_LANGUAGE[languageId];
  if (!grammar) return Promise.resolve(undefined);
  let p = languages.get(grammar);
  if (!p) {
    // One Language.load at a time: web-tree-sitter's loader is not safe to run concurrently
    // (two grammars loading together can leave one unusable, silently).
    const prev = loadChain;
    p = (async () => {
      await initRuntime();
      const bytes = await fs.promises.readFile(locate(`tree-sitter-${grammar}.wasm`));
      await prev;
      return Language.load(new Uint8Array(bytes));
    })().catch(() => undefined);
    loadChain = p;
    languages.set(grammar, p);
  }
  return p;
}

/** Loads every grammar we ship, in the background (activation, CLI start). */
export async function preloadAll(): Promise<void> {
  // Creating the parser too, so parserIfReady() (the keystroke path) finds it.
  // Files are read together; the loads themselves are serialised in loadLanguage().
  await Promise.all([...new Set(Object.keys(GRAMMAR_FOR_LANGUAGE))].map((lang) => getParser(lang)));
}

/** A parser for a language whose grammar is already loaded; undefined otherwise (never waits). */
export function parserIfReady(languageId: string): Parser | undefined {
  const grammar = GRAMMAR_FOR_LANGUAGE[languageId];
  if (!grammar) return undefined;
  return parsers.get(grammar);
}

/** A parser for a language, loading its grammar if needed. */
export async function getParser(languageId: string): Promise<Parser | undefined> {
  const grammar = GRAMMAR_FOR_LANGUAGE[languageId];
  if (!grammar) return undefined;
  const existing = parsers.get(grammar);
  if (existing) return existing;
  const lang = await loadLanguage(languageId);
  if (!lang) return undefined;
  const again = parsers.get(grammar);
  if (again) return again;
  const parser = new Parser();
  parser.setLanguage(lang);
  parsers.set(grammar, parser);
  return parser;
}

/** Parses text; the caller owns the tree and must delete() it. */
export async function parse(text: string, languageId: string, oldTree?: Tree): Promise<Tree | undefined> {
  const parser = await getParser(languageId);
  return parser?.parse(text, oldTree) ?? undefined;
}

export type { Language, Parser, Tree };
export type { Node as SyntaxNode, Point, Edit } from 'web-tree-sitter';

// ---------------------------------------------------------------------------------------------
// Live trees: incremental re-parse on change, bounded LRU that frees wasm memory on eviction.

/** The single edit that turns `oldText` into `newText` (common prefix/suffix), for `tree.edit`. */
export function computeEdit(oldText: string, newText: string): import('web-tree-sitter').Edit | undefined {
  if (oldText === newText) return undefined;
  const max = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && oldText.charCodeAt(oldText.length - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)) tail++;
  const oldEnd = oldText.length - tail;
  const newEnd = newText.length - tail;
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(oldText, start),
    oldEndPosition: pointAt(oldText, oldEnd),
    newEndPosition: pointAt(newText, newEnd),
  } as import('web-tree-sitter').Edit;
}

/** Row/column (UTF-16) of an offset. */
export function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

interface LiveTree {
  tree: Tree;
  text: string;
  languageId: string;
}

/**
 * Parsed trees of open documents, keyed by document id. `get` re-parses incrementally from the
 * previous version of the same document (`tree.edit` + `parser.parse(text, oldTree)`); the least
 * recently used tree is deleted (wasm memory freed) when more than `max` are live.
 */
export class TreeCache {
  private readonly live = new Map<string, LiveTree>();
  /** Counters for tests and benchmarks. */
  readonly stats = { full: 0, incremental: 0, hits: 0, evicted: 0 };

  constructor(private readonly max = 8) {}

  /**
   * The tree for this text, parsing only what changed since the last call for `key`. Never waits:
   * undefined when the language has no grammar or its grammar is not loaded yet. The tree is
   * owned by the cache: do not delete it, do not keep it past the next `get` for the same key.
   */
  get(key: string, text: string, languageId: string): Tree | undefined {
    const prev = this.live.get(key);
    if (prev && prev.text === text && prev.languageId === languageId) {
      this.touch(key, prev);
      this.stats.hits++;
      return prev.tree;
    }
    const parser = parserIfReady(languageId);
    if (!parser) return undefined;
    let tree: Tree | null;
    if (prev && prev.languageId === languageId) {
      const edit = computeEdit(prev.text, text);
      if (edit) prev.tree.edit(edit);
      tree = parser.parse(text, prev.tree);
      this.stats.incremental++;
    } else {
      tree = parser.parse(text);
      this.stats.full++;
    }
    if (prev) prev.tree.delete();
    this.live.delete(key);
    if (!tree) return undefined;
    this.live.set(key, { tree, text, languageId });
    while (this.live.size > this.max) {
      const [oldest, entry] = this.live.entries().next().value as [string, LiveTree];
      entry.tree.delete();
      this.live.delete(oldest);
      this.stats.evicted++;
    }
    return tree;
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  get size(): number {
    return this.live.size;
  }

  delete(key: string): void {
    const e = this.live.get(key);
    if (e) {
      e.tree.delete();
      this.live.delete(key);
    }
  }

  clear(): void {
    for (const e of this.live.values()) e.tree.delete();
    this.live.clear();
  }

  private touch(key: string, e: LiveTree): void {
    this.live.delete(key);
    this.live.set(key, e);
  }
}
