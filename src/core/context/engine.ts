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
import type { ResolvedApi, Settings } from '../config';
import type { BuiltPrompt, CompletionRequest, Snippet } from '../types';
import { outlineFromTree, emptyOutline, OUTLINE_LANGUAGES, renderSymbol, type Outline, type OutlineSymbol } from '../syntax/outline';
import { TreeCache } from '../syntax/parser';
import { byPackValue, relatedItems, cursorTargets, type RelatedItem } from './related';
import { topWindows } from './similar';
import { importStatementAt, importWithout, shareImports } from './ownImports';
import { localsInScope, type LocalDeclaration } from '../syntax/locals';
import { codeLines, commentSyntax, prefixView, suffixView, verbatimStart, type PrefixView, type ViewHead } from './prefixView';
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
 * context gets what the file does not use. The suffix share is 5% (was 15%, then 8%): in a
 * prefix-suffix-middle prompt everything after the cursor is sent anew on each request (no server
 * prefix cache covers it); at 15% that alone capped prefix reuse near 0.85, at 8% near 0.91
 * (idRecall cost of 8% → 5%: 0.3–0.5 points; docs/benchmarks.md).
 */
export interface BudgetSplit {
  /** Max share of the suffix. */
  suffix: number;
  /** Min share of related declarations (more when the file is short). */
  related: number;
  /** Part of the related share for usage windows similar to the code above the cursor (names no index defines: library APIs). */
  similar: number;
  /** Share of each related part the best pieces for the position always get (the rest may be kept from earlier requests of the document). */
  fresh: number;
}

export const DEFAULT_SPLIT: Readonly<BudgetSplit> = { suffix: 0.05, related: 0.45, similar: 0.2, fresh: 0.5 };

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
 * The API for these settings without a probe: the explicit apiStyle, else chat for chat-only models,
 * else /v1/completions. The pipeline passes settings already resolved by the endpoint's route
 * (model/route.ts), whose apiStyle is the way chosen for that server.
 */
export function resolveApi(settings: Settings): ResolvedApi {
  if (settings.apiStyle !== 'auto') return settings.apiStyle;
  if (looksChatOnly(settings.model) || settings.fimTemplate === 'chat') return 'chat';
  return 'completions';
}

/** A line that opens a docstring or doc comment and leaves it open: `"""`, `"""Return the`, `/**`. */
const OPENS_DOC = /^\s*(?:[rRuU]?("""|''')(?!.*\1)|\/\*\*(?!.*\*\/))/;
/** What an editor may have closed after a docstring's opening: nothing, or its closing quotes. */
const DOC_CLOSED_AFTER = /^\s*(?:"""|'''|\*\/)?\s*$/;

/**
 * Whether a multi-line suggestion is wanted here: the cursor ends a line that opens a block, or a
 * docstring or doc comment the person has opened on this line (it is completed as a block).
 */
export function wantsMultiline(prefix: string, suffix: string, mode: Settings['multiline']): boolean {
  if (mode !== 'auto') return mode === 'always';
  const lineBefore = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const lineAfter = suffix.slice(0, suffix.indexOf('\n') < 0 ? suffix.length : suffix.indexOf('\n'));
  if (OPENS_DOC.test(lineBefore) && DOC_CLOSED_AFTER.test(lineAfter)) return true;
  if (lineAfter.trim() !== '' && !/^[)\]}>;,]*$/.test(lineAfter.trim())) return false;
  if (lineBefore.trim() === '') {
    // An empty line right after a line that opens a block.
    const prevLines = prefix.slice(0, prefix.length - lineBefore.length).trimEnd();
    return /[{:([]$|=>$/.test(prevLines);
  }
  return /[{:([]\s*$|=>\s*$/.test(lineBefore);
}

/** Slack unit for the rooms sized by the document (`keptRoom`: they change at most once per bucket typed). */
const DOC_BUCKET = 1024;
/** Max share of the outline of the current file's declarations outside the window. */
const OWN_OUTLINE_SHARE = 0.12;
/**
 * Extra room, as a share of the budget, for the enclosing function's locals above the window
 * (syntax/locals.ts), taken only as far as they need it (swept: 0, 0.03, 0.06, 0.1; docs/benchmarks.md).
 */
const LOCALS_SHARE = 0.06;
/**
 * The current file's outline also shows declarations below the suffix (helpers a file defines
 * after their first use); one there counts this many times its distance from the window's edge
 * against one above the window (docs/benchmarks.md, "Cross-file recall, round 4").
 */
const OWN_BELOW_DISTANCE = 2;
/**
 * Share of the budget for the code right after the suffix, shown verbatim in the current file's
 * outline (the part of the prompt before the prefix, so it stays put while the person types; a
 * longer FIM suffix would come after the prefix and be re-sent on every keystroke).
 */
const OWN_BELOW_CODE_SHARE = 0.1;

interface Selection {
  key: string;
  items: RelatedItem[];
}

/** Lines a similar-code window is shown past its matched lines (half the 20-line window; measured in docs/benchmarks.md). */
export const WINDOW_CONTINUATION = 10;

/**
 * Lines [start + shift, end + shift) of a file (clamped to it, keeping the window's length): a matched window
 * moved down by `shift` lines, so it ends with what came after the match.
 */
export function continuationOf(lines: readonly string[], startLine: number, endLine: number, shift: number): { text: string; startLine: number; endLine: number } {
  const end = Math.min(lines.length, endLine + shift);
  const start = Math.min(Math.max(0, startLine + shift), Math.max(startLine, end - (endLine - startLine)));
  return { text: lines.slice(start, end).join('\n'), startLine: start, endLine: end };
}

/**
 * Lines the similar-windows query moves by (see similarWindows). 1 since the query is 15 lines:
 * 12-corpus idRecall / crossFile with step 4 0.9302 / 0.4843, 2 0.9320 / 0.4917, 1 0.9329 / 0.5002,
 * and the typing replay's client overhead and prefix reuse (zod) unchanged (p95 4.8 ms, 0.915);
 * the 10-90 ms per re-score once measured was with 60-line queries and no prepare-ahead.
 */
const WINDOW_QUERY_STEP = 1;
/**
 * Lines above the cursor similar-code windows are matched against. Measured (docs/benchmarks.md,
 * "… windows matched to the last 15 lines", step 4): 60 (Copilot's) 0.9226 / 0.4718, 30 0.9282 / 0.4688,
 * 20 0.9293 / 0.4876, 15 0.9302 / 0.4843, 8 0.9299 / 0.4874 (12-corpus idRecall / crossFile): the
 * code just above says more about what comes next than the whole screen does.
 */
const WINDOW_QUERY_LINES = 15;

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

  /** The local declarations in scope at the cursor (syntax/locals.ts), from the live tree. */
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
    const render = (prefix: string, suffix: string, snippets: Snippet[]) =>
      template.render({ prefix, suffix, snippets, path: relPath, repoName: this.opts.repoName, languageId });
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
        const localsKey = locals.filter((l) => l.line < windowLine).map((l) => l.line).join(',');
        const own =
          c && c.uri === req.doc.uri && c.start === plannedReal && c.max === ownMax && c.code === belowRoom && c.locals === localsKey && text.length - c.below.length === belowStart && text.startsWith(c.above) && text.endsWith(c.below)
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

  /** Usage windows like the code above the cursor, from imported, related and same-folder files; cached per line. */
  private similarWindows(req: CompletionRequest, relPath: string, chosen: readonly Piece[], max: number, template: FimTemplate, near: { aboveFrom: number; below: number }): { all: Piece[]; ideal: Piece[] } {
    const index = this.opts.index!;
    // The query is the WINDOW_QUERY_LINES lines above a line that moves in steps of WINDOW_QUERY_STEP
    // (windows are re-scored when it moves, cached while it stays).
    const queryEnd = req.cursor.line - (req.cursor.line % WINDOW_QUERY_STEP);
    const key = `${req.doc.uri}|${queryEnd}|${index.version - this.ownChanges}|${[...new Set(chosen.map((s) => s.path))].sort().join(',')}|${max}`;
    if (this.lastWindows?.key === key) return this.lastWindows;
    const lines = req.doc.text.split('\n');
    const query = lines.slice(Math.max(0, queryEnd - WINDOW_QUERY_LINES), queryEnd).join('\n');
    const candidates = new Set([...index.importsOf(relPath), ...chosen.map((s) => s.path), ...index.siblingsOf(relPath)]);
    candidates.delete(relPath);
    const files = [...candidates]
      .filter((p) => !this.opts.isExcluded?.(p))
      .sort()
      .map((p) => ({ path: p, text: index.file(p)?.text ?? '' }))
      .filter((f) => f.text);
    // The current file itself, away from what the prompt shows of it anyway: code like the code
    // above the cursor further up or down the file (the next case of a switch, the sibling method)
    // names what the person is about to type. Windows are shown moved down by WINDOW_CONTINUATION,
    // so the range ruled out is moved up by as much.
    const fromLine = Math.min(queryEnd, countLines(req.doc.text.slice(0, near.aboveFrom)) - 1);
    let toLine = queryEnd + WINDOW_QUERY_STEP;
    for (let chars = 0; toLine < lines.length && chars < near.below; ) chars += lines[toLine++].length + 1;
    const own = { path: relPath, text: req.doc.text, exclude: [fromLine - WINDOW_CONTINUATION, toLine - WINDOW_CONTINUATION] as const };
    const lineCost = template.repoLevel || template.name === 'chat' ? 1 : 4;
    const ideal: Piece[] = [];
    const all: Piece[] = [];
    let room = max;
    const linesOf = new Map<string, string[]>();
    // The best windows for this position (`ideal`), and a few more that may stay if an earlier
    // request showed them (`all`: the candidates sticky windows are kept among).
    for (const [i, w] of topWindows(query, [...files, own], { windowLines: 20, stride: 5, k: 24, idf: true }).entries()) {
      // Shown: the matched window's second half and what follows it (the lines after code like the
      // code above the cursor are what is likely to come next; its first half repeats names the
      // document already has).
      let fileLines = linesOf.get(w.path);
      if (!fileLines) linesOf.set(w.path, (fileLines = (index.file(w.path)?.text ?? '').split('\n')));
      const shown = continuationOf(fileLines, w.startLine, w.endLine, WINDOW_CONTINUATION);
      // A current-file window moved (clamped at the file's end) mostly into what the prompt shows anyway.
      if (w.path === relPath && Math.min(shown.endLine, toLine) - Math.max(shown.startLine, fromLine) > (shown.endLine - shown.startLine) / 2) continue;
      const piece = (t: string): Piece => ({ key: `${w.path}#window#${shown.startLine}`, path: w.path, line: shown.startLine, endLine: shown.endLine, text: t, reason: 'similar code', kind: 'window' });
      // Without blank and comment-only lines (more code in the same room).
      let t = windowText(fileLines, shown.startLine, shown.endLine, req.doc.languageId);
      if (!t.trim()) continue;
      all.push(piece(t));
      if (i >= 6) continue;
      const cost = (x: string) => x.length + countLines(x) * (lineCost - 1) + w.path.length + 16;
      const full = countLines(t);
      while (cost(t) > room && t.includes('\n')) t = t.slice(0, t.lastIndexOf('\n'));
      // A window clipped to a couple of lines (a lone `}`) is not code a model can use.
      if (cost(t) > room || !t.trim() || (countLines(t) < Math.min(full, MIN_WINDOW_LINES))) continue;
      room -= cost(t);
      ideal.push(piece(t));
    }
    this.lastWindows = { key, all, ideal };
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

/** A piece of related context: one declaration, or one window of similar code. */
export interface Piece {
  /** Identity across requests (path#name, or path#window#line). */
  key: string;
  path: string;
  line: number;
  /** Windows: the line after the window (to tell overlapping windows). */
  endLine?: number;
  text: string;
  reason: string;
  kind: 'decl' | 'window';
}

/** A document's last related layout: its pieces, the cursor line each was last a candidate at, and the text of their files then. */
interface ShownLayout {
  pieces: Piece[];
  earned: Map<string, number>;
  sources: Map<string, string>;
  /** The declaration the cursor was in (scopeAt). */
  scope: string;
  /** The cursor line. */
  line: number;
  /** The room the related part had and the code below the suffix got (kept while they fit: see `keptRoom`). */
  rooms: Rooms;
}

/** Rooms that depend on the document's size, remembered per document. */
interface Rooms {
  related: number;
  /** Unset when the prefix window was cut (the code below then has its fixed share). */
  below?: number;
}

/**
 * A room sized by what the document leaves of the budget (`free` less the `used` part): the last
 * prompt's (`kept`) while it still fits, so typing does not change it, nor everything after it in
 * the prompt; when it stops fitting, one that leaves a whole bucket to type into before it changes
 * again. A new one (no kept room, or the document left far more room than it did: text deleted,
 * less related context) leaves half a bucket, as much on average as rounding the document's size up
 * to a bucket did, but without the change at the next bucket boundary however close it was.
 */
export function keptRoom(kept: number | undefined, free: number, used: number, max: number): number {
  const room = (slack: number) => Math.min(max, free - used - slack);
  if (kept === undefined || room(DOC_BUCKET / 2) >= kept + 2 * DOC_BUCKET) return room(DOC_BUCKET / 2);
  if (kept <= max && used + kept <= free) return kept;
  return room(DOC_BUCKET);
}

/**
 * Identifies the piece of work the cursor line is in: the innermost function or method of the
 * outline, else (outside all of them) its STICKY_REGION_LINES-line band. A function being typed often has no symbol while its text does
 * not parse (its body is unfinished): then the previous scope (`prev`, a declaration) holds while
 * the cursor is still in the block its header line opens, as the indentation of the lines between
 * tells, so half-typed code does not flip between the declaration and a band.
 */
export function scopeAt(symbols: readonly OutlineSymbol[], line: number, text?: string, prev?: string): string {
  const found = declarationAt(symbols, line);
  if (found || text === undefined || prev === undefined) return found ?? `band:${Math.floor(line / STICKY_REGION_LINES)}`;
  const header = /^(\d+):/.exec(prev);
  const from = header ? Number(header[1]) : -1;
  return from >= 0 && from <= line && insideBlock(text, from, line) ? prev : `band:${Math.floor(line / STICKY_REGION_LINES)}`;
}

/** Whether every non-blank line after `header` up to `line` (excluded) is indented deeper than it. */
function insideBlock(text: string, header: number, line: number): boolean {
  if (line - header > 2 * STICKY_REGION_LINES) return false;
  // On the header line itself: nothing between.
  if (line === header) return true;
  let at = 0;
  for (let i = 0; i < header; i++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return false;
    at = nl + 1;
  }
  const lines = text.slice(at).split('\n', line - header);
  if (lines.length < line - header) return false;
  const indent = (l: string) => l.length - l.trimStart().length;
  const h = indent(lines[0]);
  if (lines[0].trim() === '') return false;
  return lines.slice(1).every((l) => l.trim() === '' || indent(l) > h);
}

function declarationAt(symbols: readonly OutlineSymbol[], line: number): string | undefined {
  let best: OutlineSymbol | undefined;
  const visit = (xs: readonly OutlineSymbol[]) => {
    for (const x of xs) {
      if (x.line > line || x.endLine < line) continue;
      // Functions and methods are what one works on; an object's keys or a class's fields are not.
      if (!best || x.kind === 'function' || x.kind === 'method' || x.kind === 'constructor') best = x;
      visit(x.members);
    }
  };
  visit(symbols);
  // Only a function's body is one piece of work: outside one (a run of interfaces, type aliases,
  // fields) the cursor's band is.
  return best && (best.kind === 'function' || best.kind === 'method' || best.kind === 'constructor') ? `${best.line}:${best.name}` : undefined;
}

/**
 * Whether a function scope is where the last request already was, in a band because the function
 * did not parse then: its header is above that request's line and that line was in its block.
 */
function continues(layout: ShownLayout, scope: string, text: string): boolean {
  const header = /^(\d+):/.exec(scope);
  if (!header || !layout.scope.startsWith('band:')) return false;
  const from = Number(header[1]);
  return from < layout.line && insideBlock(text, from, layout.line + 1);
}

/** Whether two scopes are the same piece of work: equal, or the same function's overloads (same name). */
export function sameScope(a: string | undefined, b: string): boolean {
  if (a === b) return true;
  const name = (x: string) => (/^\d+:(.+)$/.exec(x) ?? [])[1];
  return a !== undefined && name(a) !== undefined && name(a) === name(b);
}

/** How far (lines) the cursor may move from where a shown piece was last a candidate and still keep it without it being one. */
const STICKY_REGION_LINES = 40;

/** A similar-code window clipped to fewer lines than this is left out. */
const MIN_WINDOW_LINES = 4;

/** Documents whose last related layout is remembered. */
const STICKY_DOCUMENTS = 32;
/** How full (share of its room) the related part must be for a frozen request to add nothing to it. */
const FROZEN_FULL = 0.5;

/** Share of the related budget the best-ranked pieces for the position are always given. */
const FRESH_SHARE = 0.5;

/** One kind of related piece with its own share of the budget. */
export interface PieceGroup {
  kind: Piece['kind'];
  /** Every candidate, best first. */
  ranked: readonly Piece[];
  /** The pieces this position would get on its own, best first (default: greedy over `ranked` within `max`). */
  ideal?: readonly Piece[];
  max: number;
  /** Characters a piece adds to the prompt (`newPath`: its file's header too). */
  cost: (p: Piece, newPath: boolean) => number;
}

/**
 * Chooses and orders related pieces so that consecutive requests of a document keep a common
 * prefix. Per group (declarations, windows), within its `max`:
 *  - the ideal pieces for this position (greedy by rank); the ones within the first `freshShare`
 *    of `max` always get in;
 *  - the previous request's pieces (`prev`, in prompt order) stay, in their order, from the start
 *    for as long as each is still a candidate of its group with the same text, or `keep` says it
 *    may stay as it was shown (its source unchanged, the cursor still near); room for the
 *    must-have pieces is made by dropping the newest of them first (the end of the sticky part:
 *    the cheapest place for the prompts to differ);
 *  - new pieces follow, by path, declarations before windows, then line.
 * `frozen` (the same function as the previous request), once the kept pieces fill half the room:
 * the sticky run is the whole result, nothing is added, and what no longer fits is dropped from
 * the end.
 * With no previous layout the result is the ideal pieces, by path, then line.
 */
export function stickyPack(
  groups: readonly PieceGroup[],
  prev: readonly Piece[] | undefined,
  freshShare = FRESH_SHARE,
  keep?: (p: Piece) => boolean,
  frozen = false,
): Piece[] {
  const total = (g: PieceGroup, xs: readonly Piece[]) => xs.reduce((n, p, i) => n + g.cost(p, xs.findIndex((q) => q.path === p.path) === i), 0);
  const greedy = (g: PieceGroup, cands: readonly Piece[], start: readonly Piece[] = []): Piece[] => {
    const paths = new Set(start.map((p) => p.path));
    const keys = new Set(start.map((p) => p.key));
    let used = total(g, start);
    const out: Piece[] = [];
    for (const p of cands) {
      if (keys.has(p.key) || overlaps(p, start) || overlaps(p, out)) continue;
      const c = g.cost(p, !paths.has(p.path));
      if (used + c > g.max) continue;
      used += c;
      paths.add(p.path);
      keys.add(p.key);
      out.push(p);
      if (g.max - used < 40) break;
    }
    return out;
  };
  const state = groups.map((g) => {
    const ideal = g.ideal ? [...g.ideal] : greedy(g, g.ranked);
    const must: Piece[] = [];
    const paths = new Set<string>();
    let used = 0;
    for (const p of ideal) {
      const c = g.cost(p, !paths.has(p.path));
      if (used + c > g.max * freshShare) break;
      used += c;
      paths.add(p.path);
      must.push(p);
    }
    const byKey = new Map(g.ranked.map((p) => [p.key, p]));
    for (const p of ideal) byKey.set(p.key, p);
    return { g, ideal, must, byKey };
  });
  const groupOf = (p: Piece) => state.find((s) => s.g.kind === p.kind);
  // The sticky run: previous pieces, from the start, while each is still a candidate, unchanged (or may be kept as shown).
  const kept: Piece[] = [];
  for (const p of prev ?? []) {
    const s = groupOf(p);
    const now = s?.byKey.get(p.key);
    // Frozen, a piece that went is skipped (the prompts differ from there on either way).
    if (!s || ((!now || now.text !== p.text) && !keep?.(p))) {
      if (frozen) continue;
      break;
    }
    kept.push(p);
  }
  const keptOf = (s: (typeof state)[number]) => kept.filter((p) => p.kind === s.g.kind);
  // Frozen only once the related part holds something: a part chosen while the document was nearly
  // empty (a new file, its imports not typed yet) still fills up as the person types.
  const keptCost = state.reduce((n, s) => n + total(s.g, keptOf(s)), 0);
  if (frozen && keptCost >= FROZEN_FULL * state.reduce((n, s) => n + s.g.max, 0)) {
    // Still working on the same thing: nothing is added (every addition re-sends the current file
    // after it); only what no longer fits goes, from the end.
    while (kept.length > 0 && state.some((s) => total(s.g, keptOf(s)) > s.g.max)) {
      const over = new Set(state.filter((s) => total(s.g, keptOf(s)) > s.g.max).map((s) => s.g.kind));
      let i = kept.length - 1;
      while (i > 0 && !over.has(kept[i].kind)) i--;
      kept.splice(i, 1);
    }
    if (kept.length > 0) return kept;
  }
  const missing = (s: (typeof state)[number]) => s.must.filter((m) => !kept.some((k) => k.key === m.key) && !overlaps(m, kept));
  // Room for the missing must-haves: drop the newest kept piece that is not one itself (a must-have
  // dropped here would only come back after the rest, moving everything after it), then any.
  const isMust = (p: Piece) => groupOf(p)!.must.some((m) => m.key === p.key);
  while (kept.length > 0 && state.some((s) => total(s.g, [...keptOf(s), ...missing(s)]) > s.g.max)) {
    const over = new Set(state.filter((s) => total(s.g, [...keptOf(s), ...missing(s)]) > s.g.max).map((s) => s.g.kind));
    let i = kept.length - 1;
    while (i >= 0 && (isMust(kept[i]) || !over.has(kept[i].kind))) i--;
    if (i < 0) i = kept.length - 1;
    kept.splice(i, 1);
  }
  const fresh = state.flatMap((s) => greedy(s.g, [...missing(s), ...s.ideal], keptOf(s)));
  fresh.sort(byPathLine);
  return [...kept, ...fresh];
}

function overlaps(p: Piece, xs: readonly Piece[]): boolean {
  if (p.kind !== 'window') return false;
  return xs.some((x) => x.kind === 'window' && x.path === p.path && p.line < (x.endLine ?? x.line + 1) && x.line < (p.endLine ?? p.line + 1));
}

function byPathLine(a: Piece, b: Piece): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'decl' ? -1 : 1;
  return a.line - b.line;
}

/** Pieces in prompt order → snippets: consecutive pieces of one file share a snippet. */
function toSnippets(pieces: readonly Piece[]): Snippet[] {
  const out: (Snippet & { lastKind: Piece['kind'] })[] = [];
  for (const p of pieces) {
    const text = p.text.replace(/\n+$/, '');
    const last = out[out.length - 1];
    if (last && last.path === p.path) {
      last.text += p.kind === 'window' || last.lastKind === 'window' ? `\n…\n${text}` : `\n${text}`;
      if (!last.reason.includes(p.reason)) last.reason += `, ${p.reason}`;
      last.lastKind = p.kind;
    } else out.push({ path: p.path, text, reason: p.reason, lastKind: p.kind });
  }
  return out.map(({ path, text, reason }) => ({ path, text, reason }));
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
 * Where the prefix window starts. The window ends at the cursor and holds at most `room`
 * characters. With no earlier start for the document (`prev`): the first line start that leaves
 * an eighth of the room free (room for the next lines typed). With one: it stays while the window still fits and is no more than three
 * quarters of the room short of full (the person typed on, the room stayed about the same), so consecutive
 * prompts share their prefix (the server's KV cache); once the window no longer fits, it moves on
 * past the first line start that fits by half the room at once, so this happens once per half a
 * window of typing (at the cost of a window 50–100% full after such a move).
 */
export function prefixWindowStart(text: string, offset: number, room: number, prev?: number): number {
  if (offset <= room) return 0;
  if (room <= 0) return offset;
  const earliest = offset - room;
  const cursorLineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineStartFrom = (pos: number): number => {
    const p = pos <= 0 || text[pos - 1] === '\n' ? Math.max(0, pos) : text.indexOf('\n', pos) + 1;
    return p <= 0 && pos > 0 ? -1 : p;
  };
  const fullest = (): number => {
    const p = lineStartFrom(earliest);
    return p < 0 || p > cursorLineStart ? earliest : p;
  };
  const slack = Math.floor(room / 2);
  if (prev === undefined || prev > cursorLineStart || (prev > 0 && text[prev - 1] !== '\n')) {
    // A first window leaves an eighth of the room free, so the next lines typed do not move it at once.
    const p = lineStartFrom(earliest + Math.floor(room / 8));
    return p < 0 || p > cursorLineStart ? fullest() : p;
  }
  // Kept while it fits, unless far more of the file would fit now (the room grew, the cursor moved up).
  if (prev >= earliest) return prev - earliest <= Math.floor((room * 3) / 4) ? prev : fullest();
  // The window no longer fits: move on by half the room.
  const p = lineStartFrom(earliest + slack);
  return p < 0 || p > cursorLineStart ? fullest() : p;
}

/**
 * The current file's outline for a prompt whose prefix window starts at `windowStart` and whose
 * suffix ends before line `belowLine`, within `max` characters: its import statements first (each on
 * one line, without the names `shown` — the window and suffix text — has; half the room at most,
 * shared out evenly), then the declarations above the window and below the suffix, nearest
 * first (one below counts OWN_BELOW_DISTANCE times its distance), in file order.
 */
export function ownOutline(
  outline: Outline,
  text: string,
  windowStart: number,
  belowStart: number,
  shown: string,
  languageId: string,
  max: number,
  belowCodeMax = 0,
  locals: readonly LocalDeclaration[] = [],
): string | undefined {
  const startLine = countLines(text.slice(0, windowStart)) - 1;
  const lines = text.split('\n');
  // The code right after the suffix, whole lines (taken from `max` first); declarations below it follow.
  let belowLine = belowStart < text.length ? countLines(text.slice(0, belowStart)) - 1 : Infinity;
  let belowCode: { line: number; text: string } | undefined;
  if (belowCodeMax > 0 && belowStart < text.length) {
    const { code, lines: used } = codeLines(lines, belowLine, belowCodeMax, languageId);
    if (code.trim()) {
      belowCode = { line: belowLine, text: code + '\n' };
      belowLine += used;
      max -= belowCode.text.length;
    }
  }
  const importLines = [...new Set(outline.imports.map((i) => i.line))].filter((l) => l < startLine).sort((a, b) => a - b);
  // Names the window and the suffix show anyway are left out of the import lists.
  const visible = new Set(shown.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const stmts: string[] = [];
  const importRows = new Set<number>();
  let skipTo = -1;
  for (const l of importLines) {
    if (l <= skipTo) continue;
    const { text: stmt, end } = importStatementAt(lines, l, startLine - 1, languageId);
    skipTo = end;
    for (let r = l; r <= end; r++) importRows.add(r);
    const full = importWithout(stmt, visible, Infinity, languageId);
    if (full) stmts.push(full);
  }
  // The lines each name occurs on, import statements left out.
  const occurs = new Map<string, number[]>();
  lines.forEach((l, r) => {
    if (!importRows.has(r)) for (const w of l.match(/[A-Za-z_$][\w$]*/g) ?? []) (occurs.get(w) ?? occurs.set(w, []).get(w)!).push(r);
  });
  // Half the outline's room for the imports. A name the file imports but uses nowhere else is likely
  // what is about to be typed (an import written or added first, a use being retyped): clipped
  // lists keep such names first.
  const bound = new Set(outline.imports.flatMap((i) => i.bindings.map((b) => b.local)));
  const imports = shareImports(stmts, visible, Math.floor(max / 2), languageId, (name) => bound.has(name) && !occurs.has(name))
    .map((s) => s + '\n')
    .join('');
  let room = max - imports.length;
  const chosen: { line: number; text: string }[] = [];
  // Declarations above the window (nearest first) and below the suffix (nearest first), by
  // distance from the window's edge; one below counts BELOW_DISTANCE times its distance.
  // `local`: the one-line rendering of a local declaration (`s` then only gives its lines).
  const cands: { s: OutlineSymbol; d: number; above: boolean; local?: string }[] = [];
  for (const s of outline.symbols) {
    if (s.line < startLine) cands.push({ s, d: Math.max(0, startLine - s.endLine), above: true });
    else if (s.line >= belowLine) cands.push({ s, d: (s.line - belowLine) * OWN_BELOW_DISTANCE, above: false });
  }
  // The enclosing function's locals the window no longer shows are in scope: candidates by the same distance.
  const scoped = locals.filter((l) => l.line < startLine).map((l) => ({ l, d: Math.max(0, startLine - l.endLine) }));
  // Likewise a declaration of the file's own that nothing else in it refers to (a helper just
  // written, about to be called) comes first.
  const unreferenced = (s: OutlineSymbol) => !s.exported && (occurs.get(s.name) ?? []).every((r) => r >= s.line && r <= s.endLine);
  const fresh = new Set(cands.filter((c) => unreferenced(c.s)).map((c) => c.s));
  cands.sort((a, b) => Number(fresh.has(b.s)) - Number(fresh.has(a.s)) || a.d - b.d || a.s.line - b.s.line);
  for (const { l, d } of scoped) {
    // Before the first declaration that is farther away (and not a fresh one).
    const at = cands.findIndex((c) => !fresh.has(c.s) && c.d > d);
    const indent = /^[ \t]*/.exec(lines[l.line] ?? '')![0];
    const s: OutlineSymbol = { name: '', kind: 'variable', signature: '', line: l.line, endLine: l.endLine, exported: false, heritage: [], members: [] };
    cands.splice(at < 0 ? cands.length : at, 0, { s, d, above: true, local: indent + l.text + '\n' });
  }
  for (const { s, local } of cands) {
    if (local !== undefined) {
      if (local.length > room) continue;
      room -= local.length;
      chosen.push({ line: s.line, text: local });
      if (room < 40) break;
      continue;
    }
    // Members the prompt does not show (of the class the cursor is in: those above the window and
    // below the suffix), nearest the window first as far as room allows, in file order.
    const hidden = s.members.filter((m) => m.line < startLine || m.line >= belowLine);
    const gap = (m: OutlineSymbol) => (m.line < startLine ? startLine - m.endLine : (m.line - belowLine) * OWN_BELOW_DISTANCE);
    const rank = new Map([...hidden].sort((a, b) => Number(unreferenced(b)) - Number(unreferenced(a)) || gap(a) - gap(b) || a.line - b.line).map((m, i) => [m, i]));
    const withFirst = (n: number) => renderSymbol({ ...s, members: hidden.filter((m) => rank.get(m)! < n) }, languageId);
    // One declaration's members take at most half the room (the declarations after it count too).
    const cap = Math.max(room / 2, renderSymbol({ ...s, members: [] }, languageId).length);
    let r = withFirst(hidden.length);
    if (r.length > cap) {
      let lo = 0;
      let hi = hidden.length - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (withFirst(mid).length <= cap) lo = mid;
        else hi = mid - 1;
      }
      r = withFirst(lo);
    }
    if (r.length > room) continue;
    room -= r.length;
    chosen.push({ line: s.line, text: r });
    if (room < 40) break;
  }
  if (belowCode) chosen.push(belowCode);
  chosen.sort((a, b) => a.line - b.line);
  const out = imports + chosen.map((c) => c.text).join('');
  return out.trim() ? out.replace(/\n+$/, '') : undefined;
}

/**
 * A similar-code window's text: lines [start, end) of a file without blank and comment-only lines,
 * and without the indentation they all share (12-corpus idRecall 0.9414 -> 0.9420: more code in the same room).
 */
export function windowText(lines: readonly string[], start: number, end: number, languageId: string): string {
  const code = codeLines(lines.slice(start, end), 0, Infinity, languageId).code;
  const rows = code.split('\n');
  const common = Math.min(...rows.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  return common > 0 && Number.isFinite(common) ? rows.map((l) => l.slice(common)).join('\n') : code;
}

/** Whether a window of the current document shown earlier (when the document was `before`) is still in it unchanged. */
function stillThere(p: Piece, text: string, before: string | undefined, cursorLine: number, languageId: string): boolean {
  if (p.endLine === undefined || before === undefined) return false;
  const lines = text.split('\n');
  const shift = p.line > cursorLine ? lines.length - countLines(before) : 0;
  return p.text !== '' && windowText(lines, p.line + shift, p.endLine + shift, languageId).startsWith(p.text);
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
