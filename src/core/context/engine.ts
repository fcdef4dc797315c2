/**
 * The context stage: document + cursor → prompt, under the token budget.
 *
 *   1. the current document's outline (live incremental tree) replaces its entry in the symbol
 *      index, so nothing ever sees the file on disk in place of the editor's text;
 *   2. related declarations are ranked (related.ts) and chosen greedily within the related share
 *      of the budget; the current file's own declarations that fall outside the prefix/suffix
 *      window are added as an outline;
 *   3. the prompt is ordered least volatile first: related snippets in a deterministic order
 *      (by path, then line), then the current file; the prefix window starts on a line that
 *      moves in steps, so consecutive keystrokes share a long common prefix (server KV cache);
 *   4. the chosen FIM template renders it; the whole prompt (sentinels included) is at most
 *      `contextBudget × 4` characters.
 */
import type { ResolvedApi, Settings } from '../config';
import type { BuiltPrompt, CompletionRequest, Snippet } from '../types';
import { outlineFromTree, emptyOutline, OUTLINE_LANGUAGES, renderSymbol, type Outline } from '../syntax/outline';
import { TreeCache } from '../syntax/parser';
import { byPackValue, relatedItems, cursorTargets, type RelatedItem } from './related';
import { topWindows } from './similar';
import type { SymbolIndex } from './symbolIndex';
import { looksChatOnly, templateFor, type FimTemplate } from './templates';

/** A token is 4 characters of prompt text (docs/cli-and-benchmarks.md). */
export const CHARS_PER_TOKEN = 4;

export interface SnippetSource {
  /** Related code for this request, best first, within `maxChars`. */
  snippets(req: CompletionRequest, maxChars: number): Snippet[];
}

/** What the editor knows beyond the document: open editors and recent edit places (workspace-relative). */
export interface EditorState {
  openFiles: readonly string[];
  recentEdits: readonly { path: string; line: number }[];
}

/**
 * How the budget is shared. Measured (docs/benchmarks.md, "Context (issue 7)"): with the whole
 * current file fitting, related declarations add the most identifiers per character; the suffix
 * adds least past its first lines. `related` is a floor: when the current file is short, related
 * context gets what the file does not use.
 */
export interface BudgetSplit {
  /** Max share of the suffix. */
  suffix: number;
  /** Min share of related declarations (more when the file is short). */
  related: number;
  /** Part of the related share for usage windows similar to the code above the cursor (names no index defines: library APIs). */
  similar: number;
}

export const DEFAULT_SPLIT: Readonly<BudgetSplit> = { suffix: 0.15, related: 0.35, similar: 0.1 };

export interface ContextOptions {
  /** Path of the document relative to the workspace root, for the prompt and the index. */
  relativePath: (req: CompletionRequest) => string;
  repoName: string;
  /** Extra snippets (used when there is no index). */
  snippetSource?: SnippetSource;
  /** The workspace symbol index; without it the prompt is prefix/suffix only. */
  index?: SymbolIndex;
  /** Live trees of open documents (incremental re-parse). */
  trees?: TreeCache;
  editorState?: () => EditorState;
  /** Workspace-relative paths that must not be read into context (.aiignore/.gitignore, secrets). */
  isExcluded?: (relPath: string) => boolean;
  split?: Partial<BudgetSplit>;
}

/**
 * Resolves apiStyle auto against the model name and what is known of the endpoint: llama.cpp's
 * /infill only when the endpoint was detected as a llama.cpp server whose model has FIM tokens
 * (ModelClient.detectInfill) and no template was chosen by hand (an explicit template means the
 * person wants that prompt sent to /v1/completions).
 */
export function resolveApi(settings: Settings, endpoint?: { infill?: boolean }): ResolvedApi {
  if (settings.apiStyle !== 'auto') return settings.apiStyle;
  if (looksChatOnly(settings.model) || settings.fimTemplate === 'chat') return 'chat';
  if (endpoint?.infill === true && settings.fimTemplate === 'auto') return 'llamacpp-infill';
  return 'completions';
}

/** Whether a multi-line suggestion is wanted here: the cursor ends a line that opens a block. */
export function wantsMultiline(prefix: string, suffix: string, mode: Settings['multiline']): boolean {
  if (mode !== 'auto') return mode === 'always';
  const lineBefore = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const lineAfter = suffix.slice(0, suffix.indexOf('\n') < 0 ? suffix.length : suffix.indexOf('\n'));
  if (lineAfter.trim() !== '' && !/^[)\]}>;,]*$/.test(lineAfter.trim())) return false;
  if (lineBefore.trim() === '') {
    // An empty line right after a line that opens a block.
    const prevLines = prefix.slice(0, prefix.length - lineBefore.length).trimEnd();
    return /[{:([]$|=>$/.test(prevLines);
  }
  return /[{:([]\s*$|=>\s*$/.test(lineBefore);
}

/** Lines the prefix window's start moves by (prefix-cache friendliness). */
const PREFIX_STEP_LINES = 32;
/** Document size buckets for the related share (so it does not change per keystroke). */
const DOC_BUCKET = 1024;
/** Max share of the outline of the current file's declarations outside the window. */
const OWN_OUTLINE_SHARE = 0.12;

interface Selection {
  key: string;
  items: RelatedItem[];
}

export class ContextEngine {
  private readonly trees: TreeCache;
  private lastOutline: { uri: string; text: string; outline: Outline } | undefined;
  private lastSelection: Selection | undefined;
  private lastWindows: { key: string; snippets: Snippet[] } | undefined;
  /** Index changes made by this engine (the current document), to tell them from other files' changes. */
  private ownChanges = 0;
  private readonly split: BudgetSplit;

  constructor(private readonly opts: ContextOptions) {
    this.trees = opts.trees ?? new TreeCache(8);
    this.split = { ...DEFAULT_SPLIT, ...opts.split };
  }

  get index(): SymbolIndex | undefined {
    return this.opts.index;
  }

  /** The outline of the document as it is now (live tree, incremental); also refreshes the index entry. */
  currentOutline(req: CompletionRequest, relPath: string): Outline {
    const { doc } = req;
    if (this.lastOutline && this.lastOutline.uri === doc.uri && this.lastOutline.text === doc.text) return this.lastOutline.outline;
    let outline = emptyOutline(doc.languageId);
    if (OUTLINE_LANGUAGES.has(doc.languageId)) {
      const tree = this.trees.get(doc.uri, doc.text, doc.languageId);
      if (tree) outline = outlineFromTree(tree, doc.text, doc.languageId);
    }
    this.lastOutline = { uri: doc.uri, text: doc.text, outline };
    const index = this.opts.index;
    // Only files (not untitled buffers) have a place in the workspace index.
    if (index && doc.fsPath) {
      const before = index.version;
      index.setOutline(relPath, doc.text, doc.languageId, outline);
      this.ownChanges += index.version - before;
    }
    return outline;
  }

  /** Forget the live tree of a closed document. */
  forget(uri: string): void {
    this.trees.delete(uri);
    if (this.lastOutline?.uri === uri) this.lastOutline = undefined;
  }

  build(req: CompletionRequest, settings: Settings): BuiltPrompt {
    const api = resolveApi(settings);
    const template = templateFor(settings.model, settings.fimTemplate, api);
    const budget = settings.contextBudget * CHARS_PER_TOKEN;
    const relPath = this.opts.relativePath(req);
    const { text, languageId } = req.doc;
    const offset = req.cursor.offset;
    const render = (prefix: string, suffix: string, snippets: Snippet[]) =>
      template.render({ prefix, suffix, snippets, path: relPath, repoName: this.opts.repoName, languageId });
    const size = (r: { prompt: string; suffix?: string }) => r.prompt.length + (r.suffix?.length ?? 0);
    const overhead = size(render('', '', []));

    // Suffix: whole lines after the cursor, up to its share.
    const suffixMax = Math.floor(budget * this.split.suffix);
    const suffixText = text.length - offset > suffixMax ? cutAtLine(text.slice(offset, offset + suffixMax), 'end') : text.slice(offset);

    // Related context.
    let snippets: Snippet[] = [];
    const index = this.opts.index;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const fullPrefixLen = offset;
    if (index) {
      const outline = this.currentOutline(req, relPath);
      const docNeed = Math.ceil((fullPrefixLen + suffixText.length) / DOC_BUCKET) * DOC_BUCKET;
      const relatedMax = Math.max(Math.floor(budget * this.split.related), budget - overhead - docNeed);
      const items = this.select(req, relPath, outline, text.slice(lineStart, offset));
      const similarMax = Math.floor(budget * this.split.similar);
      snippets = this.pack(items, relatedMax - similarMax, template, languageId);
      if (similarMax > 0) snippets = mergeSnippets(snippets, this.similarWindows(req, relPath, snippets, similarMax, template));
      // The current file's declarations that the prefix window will cut off.
      const prefixRoom = budget - overhead - suffixText.length - snippetCost(snippets, template, languageId);
      if (fullPrefixLen > prefixRoom) {
        const ownMax = Math.floor(budget * OWN_OUTLINE_SHARE);
        const own = ownOutline(outline, text, prefixWindowStart(text, offset, Math.max(0, prefixRoom - ownMax)), languageId, ownMax);
        if (own) snippets.push({ path: relPath, text: own, reason: 'current file outline' });
      }
    } else if (this.opts.snippetSource) {
      snippets = this.opts.snippetSource.snippets(req, Math.floor(budget * this.split.related));
    }

    // Prefix: from a line that moves in steps, as much as fits; exact fit (estimates above are approximate).
    let room = budget - overhead - suffixText.length - snippetCost(snippets, template, languageId);
    let prefix = '';
    let rendered = render(prefix, suffixText, snippets);
    for (let guard = 0; guard < 64; guard++) {
      prefix = room > 0 ? text.slice(prefixWindowStart(text, offset, room), offset) : '';
      rendered = render(prefix, suffixText, snippets);
      const over = size(rendered) - budget;
      if (over <= 0) break;
      if (room - over >= Math.min(offset, 1024) || snippets.length === 0) room -= over;
      else {
        // Related context must not squeeze the prefix out: drop the least valuable (last chosen) snippet.
        snippets = snippets.slice(0, -1);
        room = budget - overhead - suffixText.length - snippetCost(snippets, template, languageId);
      }
    }
    return {
      ...rendered,
      prefix,
      suffixText,
      snippets,
      template: template.name,
      multiline: wantsMultiline(prefix, suffixText, settings.multiline),
    };
  }

  /** Related items for this position; reused while the cursor stays on a line and nothing else changed. */
  private select(req: CompletionRequest, relPath: string, outline: Outline, linePrefix: string): RelatedItem[] {
    const index = this.opts.index!;
    const t = cursorTargets(linePrefix);
    const external = index.version - this.ownChanges;
    const lineCount = countLines(req.doc.text);
    const state = this.opts.editorState?.();
    const key = [req.doc.uri, req.cursor.line, lineCount, external, t.receiverChain.join('.'), t.callee ?? '', state?.openFiles.join(',') ?? ''].join('|');
    if (this.lastSelection?.key === key) return this.lastSelection.items;
    const items = relatedItems({
      index,
      currentPath: relPath,
      languageId: req.doc.languageId,
      text: req.doc.text,
      cursorLine: req.cursor.line,
      linePrefix,
      outline,
      isExcluded: this.opts.isExcluded,
      openFiles: state?.openFiles,
    });
    if (state) items.push(...recentEditItems(index, state, relPath, this.opts.isExcluded));
    items.sort(byPackValue);
    this.lastSelection = { key, items };
    return items;
  }

  /** Usage windows like the code above the cursor, from imported, related and same-folder files; cached per line. */
  private similarWindows(req: CompletionRequest, relPath: string, chosen: readonly Snippet[], max: number, template: FimTemplate): Snippet[] {
    const index = this.opts.index!;
    const key = `${req.doc.uri}|${req.cursor.line}|${index.version - this.ownChanges}|${chosen.map((s) => s.path).join(',')}|${max}`;
    if (this.lastWindows?.key === key) return this.lastWindows.snippets;
    const lines = req.doc.text.split('\n');
    const query = lines.slice(Math.max(0, req.cursor.line - 60), req.cursor.line).join('\n');
    const candidates = new Set([...index.importsOf(relPath), ...chosen.map((s) => s.path), ...index.siblingsOf(relPath)]);
    candidates.delete(relPath);
    const files = [...candidates]
      .filter((p) => !this.opts.isExcluded?.(p))
      .sort()
      .map((p) => ({ path: p, text: index.file(p)?.text ?? '' }))
      .filter((f) => f.text);
    const lineCost = template.name === 'qwen' || template.name === 'starcoder' || template.name === 'chat' ? 1 : 4;
    const out: Snippet[] = [];
    let room = max;
    for (const w of topWindows(query, files, { windowLines: 20, stride: 5, k: 6 })) {
      let t = w.text.replace(/\n+$/, '');
      const cost = (x: string) => x.length + countLines(x) * (lineCost - 1) + w.path.length + 16;
      while (cost(t) > room && t.includes('\n')) t = t.slice(0, t.lastIndexOf('\n'));
      if (cost(t) > room || !t.trim()) continue;
      room -= cost(t);
      out.push({ path: w.path, text: t, reason: 'similar code' });
    }
    this.lastWindows = { key, snippets: out };
    return out;
  }

  /** Greedy in the given order (related.ts byPackValue) within `max` characters; output grouped per file, ordered by path then line. */
  private pack(items: RelatedItem[], max: number, template: FimTemplate, languageId: string): Snippet[] {
    const chosen: RelatedItem[] = [];
    const paths = new Set<string>();
    let used = 0;
    const lineCost = template.name === 'qwen' || template.name === 'starcoder' || template.name === 'chat' ? 0 : 3;
    for (const it of items) {
      const cost = it.text.length + countLines(it.text) * lineCost + (paths.has(it.path) ? 0 : it.path.length + 16);
      if (used + cost > max) continue;
      used += cost;
      paths.add(it.path);
      chosen.push(it);
      if (max - used < 40) break;
    }
    chosen.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    const out: Snippet[] = [];
    for (const it of chosen) {
      const last = out[out.length - 1];
      if (last && last.path === it.path) {
        last.text += it.text;
        if (!last.reason.includes(it.reason)) last.reason += `, ${it.reason}`;
      } else out.push({ path: it.path, text: it.text, reason: it.reason });
    }
    for (const s of out) s.text = s.text.replace(/\n+$/, '');
    void languageId;
    return out;
  }
}

/** Adds window snippets after the declarations of the same file (or as new files), keeping path order. */
function mergeSnippets(decls: Snippet[], windows: Snippet[]): Snippet[] {
  const out = decls.map((s) => ({ ...s }));
  for (const w of windows) {
    const same = out.find((s) => s.path === w.path);
    if (same) {
      same.text += `\n…\n${w.text}`;
      if (!same.reason.includes(w.reason)) same.reason += `, ${w.reason}`;
    } else out.push({ ...w });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function countLines(s: string): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Approximate characters the snippets add to a prompt in this template. */
function snippetCost(snippets: readonly Snippet[], template: FimTemplate, languageId: string): number {
  if (snippets.length === 0) return 0;
  const empty = template.render({ prefix: '', suffix: '', snippets: [], path: '', repoName: '', languageId });
  const full = template.render({ prefix: '', suffix: '', snippets: [...snippets], path: '', repoName: '', languageId });
  return full.prompt.length - empty.prompt.length + 8;
}

/**
 * Where the prefix window starts: the earliest line on a PREFIX_STEP_LINES boundary such that the
 * text from it to the cursor fits in `room`; when no whole step fits, a line boundary as close as fits.
 */
export function prefixWindowStart(text: string, offset: number, room: number): number {
  if (offset <= room) return 0;
  if (room <= 0) return offset;
  const earliest = offset - room;
  // Line starts at or after `earliest`.
  let line = 0;
  let pos = 0;
  let firstFit = -1;
  while (pos <= offset) {
    if (pos >= earliest) {
      if (firstFit < 0) firstFit = pos;
      if (line % PREFIX_STEP_LINES === 0) return pos;
    }
    const nl = text.indexOf('\n', pos);
    if (nl < 0 || nl >= offset) break;
    pos = nl + 1;
    line++;
  }
  return firstFit >= 0 ? firstFit : earliest;
}

/**
 * Imports and declarations of the current file above the window that starts at `windowStart`,
 * within `max` characters: imports first, then declarations nearest the window.
 */
function ownOutline(outline: Outline, text: string, windowStart: number, languageId: string, max: number): string | undefined {
  const startLine = countLines(text.slice(0, windowStart)) - 1;
  const lines = text.split('\n');
  const importLines = [...new Set(outline.imports.map((i) => i.line))].filter((l) => l < startLine).sort((a, b) => a - b);
  let imports = '';
  for (const l of importLines) {
    let end = l;
    while (end < startLine - 1 && end - l < 12 && !/[;'")]\s*$|^\s*import\s+\S+\s*$|^\s*(from|use)\b.*[^,({]\s*$/.test(lines[end])) end++;
    const chunk = lines.slice(l, end + 1).join('\n') + '\n';
    if (imports.length + chunk.length > max / 2) break;
    imports += chunk;
  }
  let room = max - imports.length;
  const chosen: { line: number; text: string }[] = [];
  const above = outline.symbols.filter((s) => s.line < startLine).sort((a, b) => b.line - a.line);
  for (const s of above) {
    let r = renderSymbol({ ...s, members: s.members.filter((m) => m.line < startLine) }, languageId);
    if (r.length > room) r = renderSymbol({ ...s, members: [] }, languageId);
    if (r.length > room) continue;
    room -= r.length;
    chosen.push({ line: s.line, text: r });
    if (room < 40) break;
  }
  chosen.sort((a, b) => a.line - b.line);
  const out = imports + chosen.map((c) => c.text).join('');
  return out.trim() ? out.replace(/\n+$/, '') : undefined;
}

function recentEditItems(index: SymbolIndex, state: EditorState, current: string, excluded?: (p: string) => boolean): RelatedItem[] {
  const out: RelatedItem[] = [];
  const seen = new Set<string>();
  for (const e of state.recentEdits.slice(-4)) {
    if (e.path === current || excluded?.(e.path)) continue;
    const f = index.file(e.path);
    if (!f) continue;
    const from = Math.max(0, e.line - 5);
    const key = `${e.path}#edit#${Math.floor(from / 10)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const text = f.text.split('\n').slice(from, e.line + 6).join('\n') + '\n';
    out.push({ path: e.path, line: from, text, score: 0.8, reason: 'recent edit', key });
  }
  return out;
}

/** Trims a window to whole lines so the prompt starts (or ends) on a line boundary. */
function cutAtLine(s: string, side: 'start' | 'end'): string {
  if (side === 'start') {
    const nl = s.indexOf('\n');
    return nl >= 0 && nl < s.length - 1 ? s.slice(nl + 1) : s;
  }
  const nl = s.lastIndexOf('\n');
  return nl > 0 ? s.slice(0, nl + 1) : s;
}
