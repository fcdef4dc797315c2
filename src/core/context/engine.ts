/**
 * The context stage: document + cursor → prompt, under the token budget.
 *
 *   1. the current document's outline (live incremental tree) replaces its entry in the symbol
 *      index, so nothing ever sees the file on disk in place of the editor's text;
 *   2. related declarations are ranked (related.ts) and chosen greedily within the related share
 *      of the budget; the current file's own declarations that fall outside the prefix/suffix
 *      window are added as an outline;
 *   3. the prompt is ordered least volatile first, so consecutive requests share a long common
 *      prefix (server KV cache): related context, then the current file. Related context is
 *      sticky per document: what an earlier request of the file showed stays, in its place and
 *      with the same text, while its file is unchanged and the cursor stays within
 *      STICKY_REGION_LINES of where it was last a candidate; new pieces are appended after it (by path, then line), and
 *      the best-ranked pieces for the position always get in (room is made by dropping the newest
 *      sticky pieces first). The prefix window starts on a line after an anchor that moves only
 *      when the window no longer fits, by half the window at once;
 *   4. the chosen FIM template renders it; the whole prompt (sentinels included) is at most
 *      `contextBudget × 4` characters.
 */
import type { Settings } from '../config';
import type { BuiltPrompt, CompletionRequest, Snippet } from '../types';
import { outlineFromTree, emptyOutline, OUTLINE_LANGUAGES, type Outline } from '../lang/outline';
import { TreeCache } from '../lang/parser';
import { localsInScope, type LocalDeclaration } from '../lang/locals';
import { CHARS_PER_TOKEN, DEFAULT_SPLIT, keptRoom, LOCALS_SHARE, OWN_BELOW_CODE_SHARE, OWN_OUTLINE_SHARE, type BudgetSplit, type Rooms } from './budget';
import { wantsMultiline } from './multiline';
import { ownOutline } from './ownOutline';
import { commentSyntax, countLines, prefixView, prefixWindowStart, suffixView, verbatimStart, type PrefixView, type ViewHead } from './prefixView';
import { recentEditItems, type EditorState } from './recentEdits';
import { cursorTargets } from './cursorTargets';
import { byPackValue, relatedItems, type RelatedItem } from './related';
import { continues, sameScope, scopeAt } from './scope';
import { requestWindows, stillThere, WINDOW_QUERY_STEP, type NearCursor } from './similar';
import { STICKY_DOCUMENTS, STICKY_REGION_LINES, stickyPack, toSnippets, type Piece, type PieceGroup, type ShownLayout } from './sticky';
import type { SymbolIndex } from '../workspace/symbolIndex';
import { resolveApi, templateFor, type FimTemplate } from './templates';

export interface SnippetSource {
  /** Related code for this request, best first, within `maxChars`. */
  snippets(req: CompletionRequest, maxChars: number): Snippet[];
}

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

interface Selection {
  key: string;
  items: RelatedItem[];
}

/** A prompt made by `compose`, with the sticky state it was made from and what `commit` leaves for the next request. */
interface Composed {
  prompt: BuiltPrompt;
  commit: () => void;
  layout: ShownLayout | undefined;
  window: WindowStart | undefined;
}

/** Where a document's last prompt's prefix window started (in the document), the text there, and where its verbatim part started. */
interface WindowStart {
  start: number;
  mark: string;
  keepFrom: number;
}

interface Ahead {
  uri: string;
  text: string;
  offset: number;
  settings: string;
  indexVersion: number | undefined;
  made: Composed;
}

/** The settings a prompt depends on. */
function settingsKey(s: Settings): string {
  return `${s.model}\u0000${s.fimTemplate}\u0000${s.apiStyle}\u0000${s.contextBudget}\u0000${s.multiline}`;
}

export class ContextEngine {
  private readonly trees: TreeCache;
  private lastOutline: { uri: string; text: string; outline: Outline } | undefined;
  private lastSelection: Selection | undefined;
  private lastWindows: { key: string; all: Piece[]; ideal: Piece[] } | undefined;
  private lastOwn: { uri: string; start: number; max: number; code: number; locals: string; above: string; below: string; text: string | undefined } | undefined;
  /** Per document (uri): where its last prompt's prefix window started, and the text there. */
  private readonly windowStarts = new Map<string, WindowStart>();
  /** The comment-stripped part above the verbatim part of the last prompt's document (prefixView.ts). */
  private lastHead: ViewHead | undefined;
  /** Per document (uri): the related pieces of its last prompt, in prompt order (sticky layout), and what they were made from. */
  private readonly shown = new Map<string, ShownLayout>();
  /** Index changes made by this engine (the current document), to tell them from other files' changes. */
  private ownChanges = 0;
  private readonly split: BudgetSplit;
  /** The prompt `prepare` made for the request it was given (taken, or dropped, by the next `build`). */
  private ahead: Ahead | undefined;

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

  /** The local declarations in scope at the cursor (lang/locals.ts), from the live tree. */
  private localsAt(req: CompletionRequest): LocalDeclaration[] {
    const tree = this.trees.get(req.doc.uri, req.doc.text, req.doc.languageId);
    return tree ? localsInScope(tree.rootNode, req.doc.languageId, req.cursor.line, req.cursor.character) : [];
  }

  /** Forget the live tree of a closed document. */
  forget(uri: string): void {
    this.trees.delete(uri);
    this.shown.delete(uri);
    this.windowStarts.delete(uri);
    if (this.lastOutline?.uri === uri) this.lastOutline = undefined;
  }

  /** What every prompt for this request starts from: template, budget, path, the template's own size, the suffix. */
  private frame(req: CompletionRequest, settings: Settings) {
    const api = resolveApi(settings);
    const template = templateFor(settings.model, settings.fimTemplate, api);
    const budget = settings.contextBudget * CHARS_PER_TOKEN;
    const relPath = this.opts.relativePath(req);
    const { text, languageId } = req.doc;
    const offset = req.cursor.offset;
    const render = (prefix: string, suffix: string, snippets: Snippet[]) => template.render({ prefix, suffix, snippets, path: relPath, repoName: this.opts.repoName, languageId });
    const size = (r: { prompt: string; suffix?: string }) => r.prompt.length + (r.suffix?.length ?? 0);
    const overhead = size(render('', '', []));
    // Suffix: whole lines after the cursor, up to its share.
    const suffixMax = Math.floor(budget * this.split.suffix);
    const { text: suffixText, end: suffixEnd } = suffixView(text, offset, suffixMax, languageId);
    return { api, template, budget, relPath, text, languageId, offset, render, size, overhead, suffixText, suffixEnd };
  }

  /**
   * The prompt for this request. When `prepare` made it for this very document, position, settings
   * and index, and nothing an earlier prompt left behind has changed since, that one is taken: the
   * same prompt, made during the debounce wait instead of after it.
   */
  build(req: CompletionRequest, settings: Settings): BuiltPrompt {
    const ahead = this.ahead;
    this.ahead = undefined;
    const made = ahead && this.stillFits(ahead, req, settings) ? ahead.made : this.compose(req, settings);
    made.commit();
    return made.prompt;
  }

  /**
   * The prompt for this request, for a reader other than ghost text (Edit Selection): made as
   * `build` would make it, but it leaves nothing behind for the next ghost-text prompt (no sticky
   * layout, no window start) and keeps a prompt `prepare` made.
   */
  preview(req: CompletionRequest, settings: Settings): BuiltPrompt {
    return this.compose(req, settings).prompt;
  }

  private stillFits(a: Ahead, req: CompletionRequest, settings: Settings): boolean {
    const uri = req.doc.uri;
    return (
      a.uri === uri &&
      a.offset === req.cursor.offset &&
      a.settings === settingsKey(settings) &&
      a.indexVersion === this.opts.index?.version &&
      a.made.layout === this.shown.get(uri) &&
      a.made.window === this.windowStarts.get(uri) &&
      a.text.length === req.doc.text.length &&
      a.text === req.doc.text
    );
  }

  /** The prompt for this request and what it leaves for the next one (`commit`), without leaving it yet. */
  private compose(req: CompletionRequest, settings: Settings): Composed {
    const { template, budget, relPath, text, languageId, offset, render, size, overhead, suffixText, suffixEnd } = this.frame(req, settings);
    // What the previous prompt of this document left: its related layout and where its window started.
    const layout = this.shown.get(req.doc.uri);
    const last = this.windowStarts.get(req.doc.uri);
    let remember: (() => void) | undefined;

    // The text above the cursor as the prompt shows it: comment-only lines far above the cursor
    // left out (prefixView.ts). Window starts below are offsets in it (`vText`).
    const keepFrom = commentSyntax(languageId) ? verbatimStart(text, offset, last?.keepFrom) : 0;
    const { view, head } = prefixView(text, offset, keepFrom, languageId, this.lastHead);
    this.lastHead = head;
    const vText = view.text;
    const vOffset = view.offset;
    // The previous start of this document's window, if the text there is still the same.
    const prevStart = last && last.start <= offset && text.startsWith(last.mark, last.start) ? view.toView(last.start) : undefined;

    // Related context.
    let snippets: Snippet[] = [];
    /** The window start the current file's outline was made for (kept unless the prompt overflows). */
    let planned: number | undefined;
    const index = this.opts.index;
    const fullPrefixLen = vOffset;
    if (index) {
      // The code right after the suffix, for the current file's outline (see OWN_BELOW_CODE_SHARE).
      const belowMax = text.length > suffixEnd ? Math.floor(budget * OWN_BELOW_CODE_SHARE) : 0;
      const { outline, groups, relatedMax } = this.candidates(req, relPath, template, budget, overhead, view, suffixText.length, layout?.rooms.related);
      const cursorLine = req.cursor.line;
      // A piece of the last prompt that is no longer a candidate here (its name scrolled out of
      // the names near the cursor, a similar-name lead changed) or is now clipped differently
      // stays as it was shown while its file is unchanged and the cursor is still near where it
      // was last a candidate: otherwise every such piece cut the related part, and the whole
      // current file after it, out of the server's prefix cache.
      const keep = layout
        ? (p: Piece) => {
            const source = layout.sources.get(p.path);
            const at = layout.earned.get(p.key);
            // A window of the current file stays while its lines are still there as they were
            // (moved by the lines added or removed since, when it lies below the cursor).
            const same = p.path === relPath ? stillThere(p, text, source, cursorLine, languageId) : index.file(p.path)?.text === source;
            return source !== undefined && at !== undefined && Math.abs(cursorLine - at) <= STICKY_REGION_LINES && same;
          }
        : undefined;
      // Must-haves: declarations of the names on the line being typed and the line above (what the
      // person is working with right now) that the prompt does not show yet.
      // Within the function the last prompt was made in, the related part stays as it was (only
      // what no longer fits or whose file changed goes): the person is still working on the same
      // thing, and every change there, an addition too, moves the rest of the prompt out of the
      // server's prefix cache. In another function the best pieces for the position get their
      // share again. Measured in docs/benchmarks.md ("Prompt prefix reuse: scope and suffix").
      const scope = scopeAt(outline.symbols, cursorLine, text, layout?.scope);
      const fresh = layout && (sameScope(layout.scope, scope) || continues(layout, scope, text)) ? 0 : this.split.fresh;
      const pieces = stickyPack(groups, layout?.pieces, fresh, keep, fresh === 0);
      const rooms: Rooms = { related: relatedMax };
      remember = () => this.remember(req.doc.uri, pieces, groups, cursorLine, layout, scope, rooms);
      snippets = toSnippets(pieces);
      // The current file's declarations that the prefix window will cut off.
      const prefixRoom = budget - overhead - suffixText.length - snippetCost(snippets, template, languageId);
      const cut = fullPrefixLen > prefixRoom;
      // A prefix that reaches the top of the file: the code below gets what the related part left,
      // kept while the prefix still fits beside it (so it changes once per bucket typed at most, not per keystroke).
      const belowRoom = cut ? belowMax : keptRoom(layout?.rooms.below, prefixRoom, fullPrefixLen, belowMax);
      rooms.below = cut ? undefined : belowRoom;
      if (cut || belowRoom > 200) {
        let ownMax = (cut ? Math.floor(budget * OWN_OUTLINE_SHARE) : 0) + belowRoom;
        const locals = cut ? this.localsAt(req) : [];
        if (locals.length) {
          // The locals above where the window would start get room of their own, up to LOCALS_SHARE.
          const from = countLines(text.slice(0, view.toReal(Math.max(0, vOffset - (prefixRoom - ownMax))))) - 1;
          const want = locals.filter((l) => l.line < from).reduce((n, l) => n + l.text.length + 8, 0);
          ownMax += Math.min(want, Math.floor(budget * LOCALS_SHARE));
        }
        // Where the window will start (sticky like the window itself, so this outline changes only when the window moves).
        planned = cut ? prefixWindowStart(vText, vOffset, Math.max(0, prefixRoom - ownMax), prevStart) : 0;
        const plannedReal = view.toReal(planned);
        // Made from the text above the window and below the suffix only, and kept while that text
        // is the same (the outline of the document being typed varies with its parse errors).
        const belowStart = suffixEnd;
        const below = text.slice(belowStart);
        const c = this.lastOwn;
        // The locals shown (those above the window) change with the block the cursor is in, not only with the text above the window.
        const windowLine = locals.length ? countLines(text.slice(0, plannedReal)) - 1 : 0;
        const localsKey = locals
          .filter((l) => l.line < windowLine)
          .map((l) => l.line)
          .join(',');
        const own =
          c &&
          c.uri === req.doc.uri &&
          c.start === plannedReal &&
          c.max === ownMax &&
          c.code === belowRoom &&
          c.locals === localsKey &&
          text.length - c.below.length === belowStart &&
          text.startsWith(c.above) &&
          text.endsWith(c.below)
            ? c.text
            : ownOutline(outline, text, plannedReal, belowStart, vText.slice(planned, vOffset) + suffixText, languageId, ownMax, belowRoom, locals);
        this.lastOwn = { uri: req.doc.uri, start: plannedReal, max: ownMax, code: belowRoom, locals: localsKey, above: text.slice(0, plannedReal), below, text: own };
        if (own) snippets.push({ path: relPath, text: own, reason: 'current file outline' });
      }
    } else if (this.opts.snippetSource) {
      snippets = this.opts.snippetSource.snippets(req, Math.floor(budget * this.split.related));
    }

    // Prefix: from a line that moves in steps, as much as fits; exact fit (estimates above are approximate).
    let room = budget - overhead - suffixText.length - snippetCost(snippets, template, languageId);
    let prefix = '';
    let rendered = render(prefix, suffixText, snippets);
    let start = vOffset;
    for (let guard = 0; guard < 64; guard++) {
      start = guard === 0 && planned !== undefined ? planned : room > 0 ? prefixWindowStart(vText, vOffset, room, planned ?? prevStart) : vOffset;
      prefix = vText.slice(start, vOffset);
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
    const realStart = view.toReal(start);
    const windowStart = { start: realStart, mark: text.slice(realStart, Math.min(offset, realStart + 64)), keepFrom };
    const commit = () => {
      remember?.();
      this.windowStarts.delete(req.doc.uri);
      this.windowStarts.set(req.doc.uri, windowStart);
      if (this.windowStarts.size > STICKY_DOCUMENTS) this.windowStarts.delete(this.windowStarts.keys().next().value as string);
    };
    const prompt: BuiltPrompt = {
      ...rendered,
      prefix,
      suffixText,
      snippets,
      template: template.name,
      multiline: wantsMultiline(prefix, suffixText, settings.multiline),
    };
    return { prompt, commit, layout, window: last };
  }

  /**
   * The work of `build` that does not depend on earlier prompts, done ahead (e.g. while the
   * scheduler's debounce waits, before the request goes out): the live tree and outline of the
   * document, the related items for this position and the similar-code windows, into the caches
   * `build` reads for the same document and position. Leaves the sticky prompt state (what earlier
   * prompts showed, where their window started) alone, so the prompt `build` makes afterwards is
   * the one it would have made without this call.
   */
  prepare(req: CompletionRequest, settings: Settings): void {
    if (!this.opts.index) return;
    // The whole prompt, kept for a `build` of the same request (see there); nothing is committed.
    const made = this.compose(req, settings);
    this.ahead = { uri: req.doc.uri, text: req.doc.text, offset: req.cursor.offset, settings: settingsKey(settings), indexVersion: this.opts.index.version, made };
  }

  /** The ranked candidates of the related part (declarations, similar windows) for this position. */
  private candidates(
    req: CompletionRequest,
    relPath: string,
    template: FimTemplate,
    budget: number,
    overhead: number,
    view: PrefixView,
    suffixLen: number,
    keptRelated: number | undefined,
  ): { outline: Outline; groups: PieceGroup[]; relatedMax: number } {
    const { text } = req.doc;
    const offset = req.cursor.offset;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const outline = this.currentOutline(req, relPath);
    const share = Math.floor(budget * this.split.related);
    const relatedMax = Math.max(share, keptRoom(keptRelated !== undefined && keptRelated > share ? keptRelated : undefined, budget - overhead, view.offset + suffixLen, Infinity));
    const items = this.select(req, relPath, outline, text.slice(lineStart, offset));
    const similarMax = Math.floor(budget * this.split.similar);
    const lineCost = template.repoLevel || template.name === 'chat' ? 0 : 3;
    const declCost = (p: Piece, newPath: boolean) => p.text.length + countLines(p.text) * lineCost + (newPath ? p.path.length + 16 : 0);
    const groups: PieceGroup[] = [
      {
        kind: 'decl',
        ranked: items.map((it) => ({ key: it.key, path: it.path, line: it.line, text: it.text, reason: it.reason, kind: 'decl' as const })),
        max: relatedMax - similarMax,
        cost: declCost,
      },
    ];
    if (similarMax > 0) {
      // Windows are chosen knowing which files the declarations come from (this request's ideal ones).
      const declPaths = stickyPack([{ ...groups[0] }], undefined, this.split.fresh);
      // What the prompt shows of the current file around the cursor, at most (no windows from there).
      const aboveRoom = Math.max(0, budget - overhead - suffixLen - relatedMax);
      const near = { aboveFrom: view.toReal(Math.max(0, view.offset - aboveRoom)), below: suffixLen + Math.floor(budget * OWN_BELOW_CODE_SHARE) };
      const w = this.similarWindows(req, relPath, declPaths, similarMax, template, near);
      groups.push({ kind: 'window', ranked: w.all, ideal: w.ideal, max: similarMax, cost: (p) => declCost(p, true) });
    }
    return { outline, groups, relatedMax };
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

  /** Usage windows like the code above the cursor (similar.ts), cached while the query line, the index and the chosen files stay. */
  private similarWindows(
    req: CompletionRequest,
    relPath: string,
    chosen: readonly Piece[],
    max: number,
    template: FimTemplate,
    near: NearCursor,
  ): { all: Piece[]; ideal: Piece[] } {
    const index = this.opts.index!;
    const queryEnd = req.cursor.line - (req.cursor.line % WINDOW_QUERY_STEP);
    const key = `${req.doc.uri}|${queryEnd}|${index.version - this.ownChanges}|${[...new Set(chosen.map((s) => s.path))].sort().join(',')}|${max}`;
    if (this.lastWindows?.key === key) return this.lastWindows;
    this.lastWindows = { key, ...requestWindows(index, req, relPath, chosen, max, template, near, this.opts.isExcluded) };
    return this.lastWindows;
  }

  private remember(uri: string, pieces: Piece[], groups: readonly PieceGroup[], cursorLine: number, prev: ShownLayout | undefined, scope: string, rooms: Rooms): void {
    const index = this.opts.index;
    const earned = new Map<string, number>();
    const sources = new Map<string, string>();
    const candidates = new Set(groups.flatMap((g) => [...g.ranked, ...(g.ideal ?? [])].map((p) => p.key)));
    for (const p of pieces) {
      // Where the piece last was a candidate: here, or (kept without being one) where it was before.
      const at = candidates.has(p.key) ? cursorLine : prev?.earned.get(p.key);
      if (at !== undefined) earned.set(p.key, at);
      const text = index?.file(p.path)?.text;
      if (text !== undefined) sources.set(p.path, text);
    }
    this.shown.delete(uri);
    this.shown.set(uri, { pieces, earned, sources, scope, line: cursorLine, rooms });
    if (this.shown.size > STICKY_DOCUMENTS) this.shown.delete(this.shown.keys().next().value as string);
  }
}

/** Approximate characters the snippets add to a prompt in this template. */
function snippetCost(snippets: readonly Snippet[], template: FimTemplate, languageId: string): number {
  if (snippets.length === 0) return 0;
  const empty = template.render({ prefix: '', suffix: '', snippets: [], path: '', repoName: '', languageId });
  const full = template.render({ prefix: '', suffix: '', snippets: [...snippets], path: '', repoName: '', languageId });
  return full.prompt.length - empty.prompt.length + 8;
}
