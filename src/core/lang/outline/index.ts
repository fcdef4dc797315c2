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
import { createHash } from 'node:crypto';
import type { Tree } from '../parser';
import { parserIfReady, getParser } from '../parser';
import type { Acc } from './nodes';
import { outlineGo } from './go';
import { outlineJava } from './java';
import { outlinePython } from './python';
import { outlineRust } from './rust';
import { outlineTs } from './typescript';
import { OUTLINE_LANGUAGES, type Outline, type OutlineSymbol } from './types';

export * from './types';
export { bareTypeName } from './nodes';

/** The outline of a parsed file. Never throws on odd trees (ERROR nodes, missing fields). */
export function outlineFromTree(tree: Tree, text: string, languageId: string): Outline {
  const acc: Acc = { symbols: [], imports: [], exports: new Set(), reexportAll: [] };
  const root = tree.rootNode;
  try {
    switch (languageId) {
      case 'typescript':
      case 'typescriptreact':
      case 'javascript':
      case 'javascriptreact':
        outlineTs(root, text, acc);
        break;
      case 'python':
        outlinePython(root, text, acc);
        break;
      case 'go':
        outlineGo(root, text, acc);
        break;
      case 'rust':
        outlineRust(root, text, acc);
        break;
      case 'java':
        outlineJava(root, text, acc);
        break;
      default:
        break;
    }
  } catch {
    // A grammar surprise must not take the index down: keep what was collected.
  }
  return {
    languageId,
    packageName: acc.packageName,
    symbols: acc.symbols,
    imports: acc.imports,
    exports: [...acc.exports],
    reexportAll: acc.reexportAll,
    hasErrors: root.hasError,
  };
}

export function emptyOutline(languageId: string): Outline {
  return { languageId, symbols: [], imports: [], exports: [], reexportAll: [], hasErrors: false };
}

/** Outlines cached by content (language + text hash): the same text is never parsed twice. */
export class OutlineCache {
  private readonly map = new Map<string, Outline>();
  private readonly treeListeners = new Set<(tree: Tree, text: string, languageId: string) => void>();
  constructor(private readonly max = 4000) {}

  /**
   * Also hands every tree this cache parses to `listener` (before the tree is freed), so another
   * reader of the same files (the consistency filter) needs no parse of its own. Returns the unsubscribe.
   */
  onTree(listener: (tree: Tree, text: string, languageId: string) => void): () => void {
    this.treeListeners.add(listener);
    return () => this.treeListeners.delete(listener);
  }

  static key(text: string, languageId: string): string {
    return `${languageId}:${createHash('sha1').update(text).digest('base64')}`;
  }

  get(text: string, languageId: string): Outline | undefined {
    const k = OutlineCache.key(text, languageId);
    const o = this.map.get(k);
    if (o) {
      this.map.delete(k);
      this.map.set(k, o);
    }
    return o;
  }

  /** The outline, parsing only when the grammar is loaded; undefined when it is not (yet). */
  outlineSync(text: string, languageId: string): Outline | undefined {
    if (!OUTLINE_LANGUAGES.has(languageId)) return emptyOutline(languageId);
    const k = OutlineCache.key(text, languageId);
    const hit = this.map.get(k);
    if (hit) {
      this.map.delete(k);
      this.map.set(k, hit);
      return hit;
    }
    const parser = parserIfReady(languageId);
    if (!parser) return undefined;
    const tree = parser.parse(text);
    if (!tree) return emptyOutline(languageId);
    try {
      const o = outlineFromTree(tree, text, languageId);
      this.set(k, o);
      for (const l of this.treeListeners) {
        try {
          l(tree, text, languageId);
        } catch {
          /* a listener's failure is its own */
        }
      }
      return o;
    } finally {
      tree.delete();
    }
  }

  /** Stores an outline computed elsewhere (e.g. from a live incremental tree). */
  put(text: string, languageId: string, outline: Outline): void {
    this.set(OutlineCache.key(text, languageId), outline);
  }

  async outline(text: string, languageId: string): Promise<Outline> {
    if (OUTLINE_LANGUAGES.has(languageId)) await getParser(languageId);
    return this.outlineSync(text, languageId) ?? emptyOutline(languageId);
  }

  private set(k: string, o: Outline): void {
    this.map.set(k, o);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/** Renders symbols as compact code: signatures, members indented, no bodies. */
export function renderSymbols(symbols: readonly OutlineSymbol[], languageId: string, indent = ''): string {
  let out = '';
  for (const s of symbols) out += renderSymbol(s, languageId, indent);
  return out;
}

export function renderSymbol(s: OutlineSymbol, languageId: string, indent = '', parent?: OutlineSymbol): string {
  const py = languageId === 'python';
  const lines = (sig: string) =>
    sig
      .split('\n')
      .map((l) => indent + l)
      .join('\n');
  const ownBody = s.kind === 'type' ? /\{(…)?$/.test(s.signature) : s.kind !== 'variable' && s.kind !== 'function';
  if (s.members.length === 0 || !ownBody) {
    let sig = s.signature.replace(/\{…\}$/, '{ … }');
    if (/=>$/.test(sig)) sig += ' …';
    if (py) return `${lines(sig)}${/^(def|class|async def)\b/.test(sig.split('\n').pop() ?? '') ? (sig.endsWith(':') ? ' ...' : ': ...') : ''}\n`;
    if (parent?.kind === 'enum' && s.kind === 'enumMember' && languageId !== 'rust') return `${lines(sig)},\n`;
    if (s.kind === 'enumMember') return `${lines(sig)}${/,$/.test(sig) ? '' : ','}\n`;
    if (languageId === 'rust' && s.kind === 'field') return `${lines(sig.replace(/,$/, ''))},\n`;
    const brace = /\{$/.test(sig) ? ' }' : '';
    const semi = brace || /[;,}]$/.test(sig) || languageId === 'go' || (languageId === 'rust' && s.kind === 'method' && false) ? '' : ';';
    return `${lines(sig)}${brace}${semi}\n`;
  }
  let body = '';
  let prev = '';
  for (const m of s.members) {
    const r = renderSymbol(m, languageId, indent + (py ? '    ' : languageId === 'go' ? '\t' : '  '), s);
    if (r !== prev) body += r;
    prev = r;
  }
  if (py) return `${lines(s.signature.replace(/:?$/, ':'))}\n${body}`;
  const sig = s.signature.replace(/\{…?$/, '').trimEnd();
  return `${lines(sig + ' {')}\n${body}${indent}}\n`;
}
