/**
 * Replay evaluation on a repository: sample holes (docs/benchmarks.md, "Definitions"), run each through
 * the full completion pipeline (the same CompletionPipeline as ghost text) against the configured
 * endpoint, and score what would be shown against what was removed. Shared by the VS Code command
 * and `intent-complete eval`.
 *
 * Honesty: for a hole the document is the hole document (makeHoleDocument); the file's text on
 * disk is read only to make that document, to sample and to score, never given to the pipeline.
 *
 * Figures (all over the sampled holes unless said otherwise):
 * - exactMatch, editSimilarity, idExactMatch, idF1: CrossCodeEval's definitions (metrics.ts) of
 *   the suggestion's first line (the hole is the rest of one line) as shown after the filter;
 *   a hole with nothing shown scores 0.
 * - unknownNameRateBefore/After: among holes where the model proposed something (non-empty after
 *   clean-up), the share whose proposal before the consistency filter / whose ghost text after it
 *   names an unknown entity: an identifier (strings, comments, keywords removed; names the
 *   suggestion declares itself excepted) that occurs in no file of the repository as it is on disk.
 * - correctKeptRate: among holes whose proposal before the filter was an exact match, the share
 *   still an exact match after it. null when no proposal was correct.
 * - latencyMs: nearest-rank p50/p95 of the pipeline's total time per hole.
 * - falseDrops (on the run): each correct proposal the filter made incorrect, with its reason
 *   (falseDrops.ts).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionCache } from '../cache/completionCache';
import type { Settings } from '../config';
import { ContextEngine } from '../context/engine';
import { isSecretPath } from '../workspace/exclusion';
import { indexWorkspace } from '../workspace/indexer';
import { SymbolIndex } from '../workspace/symbolIndex';
import { listWorkspaceFiles, readTextFile, WorkspaceIgnore } from '../workspace/workspaceFiles';
import { makeHoleDocument, sampleHoles, type HoleCase } from '../eval/holes';
import { declaredNames } from '../lang/identifiers';
import { cleanup } from '../filter/cleanup';
import { ConsistencyFilter } from '../filter/consistency';
import { IndexKnowledge } from '../filter/indexKnowledge';
import { DependencyKnowledge } from '../filter/workspaceKnowledge';
import { ModelClient, type GenerateOptions, type GenerateResult } from '../model/client';
import { EndpointHealth } from '../model/health';
import { CompletionPipeline } from '../pipeline';
import { LANGUAGE_FOR_EXTENSION } from '../lang/parser';
import { nullLogger, type BuiltPrompt, type CompletionRequest, type Logger } from '../types';
import { falseDropOf, type FalseDrop } from './falseDrops';
import { editSimilarity, exactMatch, idExactMatch, idF1, namesIn, percentile, unknownNames } from './metrics';

/** The figures of a run (`intent-complete eval --json` prints these keys and `falseDrops`). */
export interface EvalSummary {
  exactMatch: number;
  editSimilarity: number;
  idExactMatch: number;
  idF1: number;
  unknownNameRateBefore: number | null;
  unknownNameRateAfter: number | null;
  correctKeptRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
  holes: number;
  model: string;
}

export interface HoleResult extends HoleCase {
  languageId: string;
  /** The model proposed something (non-empty after clean-up, before the consistency filter). */
  proposed: boolean;
  /** Ghost text would show something. */
  shownAny: boolean;
  verdict: 'keep' | 'truncate' | 'drop' | 'none';
  unknownBefore: string[];
  unknownAfter: string[];
  exactMatch: boolean;
  editSimilarity: number;
  idExactMatch: boolean;
  idF1: number;
  correctBefore: boolean;
  latencyMs: number;
  error?: string;
  /** Only when asked for (includeText): the proposal before the filter, the ghost text, the ground truth. */
  before?: string;
  shown?: string;
  groundTruth?: string;
}

/** One evaluation run, as kept for the report. */
export interface EvalRun {
  at: number;
  /** Folder name of the repository (not its path). */
  repo: string;
  endpoint: string;
  /** What the endpoint turned out to be and how it was asked (model/route.ts describe). */
  endpointInfo?: string;
  seed: number;
  /** Holes asked for; `summary.holes` is how many were evaluated. */
  requested: number;
  cancelled: boolean;
  summary: EvalSummary;
  counts: { proposed: number; shown: number; unknownBefore: number; unknownAfter: number; correctBefore: number; correctKept: number; errors: Record<string, number> };
  /** Correct proposals the filter altered (absent from runs stored before they were recorded). */
  falseDrops?: FalseDrop[];
  holes: HoleResult[];
}

export interface EvalOptions {
  /** Repository root on disk. */
  root: string;
  settings: Settings;
  apiKey?: string;
  holes: number;
  seed: number;
  signal?: AbortSignal;
  log?: Logger;
  onProgress?: (done: number, total: number, last: HoleResult | undefined) => void;
  /** Keep ground truths in the per-hole results (never in the persisted store by default). */
  includeText?: boolean;
  /** Sample holes only from files under this folder (relative to root, / separators). */
  under?: string;
  /** Files considered at most (default 5000). */
  maxFiles?: number;
  now?: () => number;
}

/** Source languages sampled: those with a grammar (not markdown or plain text). */
const SAMPLED = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'rust', 'java']);

interface RepoFile {
  path: string;
  absPath: string;
  text: string;
  languageId: string;
}

/** The repository's source files (ignore rules and secret files respected) with their text. */
export function readRepository(root: string, maxFiles = 5000): RepoFile[] {
  const exts = new Set(
    Object.entries(LANGUAGE_FOR_EXTENSION)
      .filter(([, l]) => SAMPLED.has(l))
      .map(([e]) => e),
  );
  const out: RepoFile[] = [];
  for (const f of listWorkspaceFiles(root, { maxFiles, extensions: exts })) {
    const languageId = LANGUAGE_FOR_EXTENSION[path.extname(f.path).toLowerCase()];
    const text = readTextFile(f.absPath);
    if (languageId && text !== undefined) out.push({ path: f.path, absPath: f.absPath, text, languageId });
  }
  return out;
}

/** A ModelClient that remembers the last answer and prompt, to score the proposal before the filter. */
class RecordingClient extends ModelClient {
  last: { prompt: BuiltPrompt; result: GenerateResult } | undefined;

  override async generate(prompt: BuiltPrompt, opts: GenerateOptions): Promise<GenerateResult> {
    const result = await super.generate(prompt, opts);
    this.last = { prompt, result };
    return result;
  }
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl);
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Summary figures of per-hole results. Pure. */
export function summarizeHoles(results: readonly HoleResult[], model: string): { summary: EvalSummary; counts: EvalRun['counts'] } {
  const n = results.length;
  const avg = (f: (r: HoleResult) => number) => (n ? round(results.reduce((a, r) => a + f(r), 0) / n) : 0);
  const proposed = results.filter((r) => r.proposed);
  const unknownBefore = proposed.filter((r) => r.unknownBefore.length > 0).length;
  const unknownAfter = proposed.filter((r) => r.shownAny && r.unknownAfter.length > 0).length;
  const correctBefore = results.filter((r) => r.correctBefore).length;
  const correctKept = results.filter((r) => r.correctBefore && r.exactMatch).length;
  const errors: Record<string, number> = {};
  for (const r of results) if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
  const lat = results.filter((r) => r.error !== 'cancelled').map((r) => r.latencyMs);
  const p = (q: number) => {
    const v = percentile(lat, q);
    return v === undefined ? null : round(v, 1);
  };
  return {
    summary: {
      exactMatch: avg((r) => (r.exactMatch ? 1 : 0)),
      editSimilarity: avg((r) => r.editSimilarity),
      idExactMatch: avg((r) => (r.idExactMatch ? 1 : 0)),
      idF1: avg((r) => r.idF1),
      unknownNameRateBefore: proposed.length ? round(unknownBefore / proposed.length) : null,
      unknownNameRateAfter: proposed.length ? round(unknownAfter / proposed.length) : null,
      correctKeptRate: correctBefore ? round(correctKept / correctBefore) : null,
      latencyMs: { p50: p(50), p95: p(95) },
      holes: n,
      model,
    },
    counts: {
      proposed: proposed.length,
      shown: results.filter((r) => r.shownAny).length,
      unknownBefore,
      unknownAfter,
      correctBefore,
      correctKept,
      errors,
    },
  };
}

/** Runs the evaluation. Never throws for endpoint failures: they are counted per hole. */
export async function evaluateRepository(opts: EvalOptions): Promise<EvalRun> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? nullLogger;
  const settings = opts.settings;
  if (!settings.endpoint) throw new Error('no endpoint configured');
  if (!settings.model) throw new Error('no model configured');
  const files = readRepository(opts.root, opts.maxFiles);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const under = opts.under ? opts.under.replace(/\\/g, '/').replace(/^\.?\/+|\/+$/g, '') + '/' : '';
  const holes = sampleHoles(under ? files.filter((f) => f.path.startsWith(under)) : files, opts.holes, opts.seed);
  // Names of the repository as it is on disk: the reference for "unknown entity".
  const known = new Set<string>();
  for (const f of files) namesIn(f.text, f.languageId, known);

  // The same stages as ghost text: a symbol index of the workspace for related context, and the
  // workspace knowledge of the consistency filter. For each hole, its file is replaced by the hole
  // document in both (and restored after), so neither ever sees the removed text.
  const root = path.resolve(opts.root);
  const index = new SymbolIndex({ root });
  await indexWorkspace(index, root);
  const knowledge = new IndexKnowledge(index, root, DependencyKnowledge.read(root));
  const ignore = new WorkspaceIgnore(root);
  const context = new ContextEngine({
    relativePath: (req) =>
      path
        .relative(root, req.doc.fsPath ?? req.doc.uri)
        .split(path.sep)
        .join('/'),
    repoName: path.basename(root),
    index,
    isExcluded: (p) => ignore.ignores(p) || isSecretPath(p),
  });
  const client = new RecordingClient({ endpoint: settings.endpoint, apiKey: opts.apiKey });
  // Know the server and choose how to talk to it, exactly as ghost text does (model/route.ts).
  const server = await client.probe(settings.model, false, opts.signal);
  const route = client.route(settings);
  const endpointInfo = server.reached ? `${route.describe}${route.note ? ` (${route.note})` : ''}` : `nothing answered at ${settings.endpoint}`;
  log.info(`eval: ${endpointInfo}`);
  const health = new EndpointHealth();
  const filter = new ConsistencyFilter();
  filter.setKnowledge(knowledge);
  const repoName = path.basename(root);
  const results: HoleResult[] = [];
  const falseDrops: FalseDrop[] = [];
  opts.onProgress?.(0, holes.length, undefined);
  let cancelled = false;
  for (const h of holes) {
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    const file = byPath.get(h.file)!;
    const doc = makeHoleDocument(file.text, h.line, h.character);
    const lineStart = doc.offset - Math.min(h.character, doc.offset);
    const req: CompletionRequest = {
      doc: { uri: pathToFileURL(file.absPath).toString(), fsPath: file.absPath, languageId: file.languageId, text: doc.text, version: 1 },
      cursor: { line: h.line, character: doc.offset - lineStart, offset: doc.offset },
      explicit: false,
    };
    // A cold start per hole: a fresh cache, so no hole is answered from another's request.
    const saved = index.file(h.file);
    // The index (and so the filter's knowledge) holds the hole document, never the file on disk.
    if (!index.updateSync(h.file, doc.text, file.languageId)) index.remove(h.file);
    const pipeline = new CompletionPipeline({
      context,
      cache: new CompletionCache(),
      filter,
      health,
      client: () => client,
      log,
    });
    client.last = undefined;
    const outcome = await pipeline.complete(req, settings, opts.signal).finally(() => {
      if (saved) index.setOutline(saved.path, saved.text, saved.languageId, saved.outline);
      else index.remove(h.file);
      context.forget(req.doc.uri);
    });
    if (outcome.error?.kind === 'cancelled') {
      cancelled = true;
      break;
    }
    const docPrefix = doc.text.slice(0, doc.offset);
    const docSuffix = doc.text.slice(doc.offset);
    let before = '';
    const last = client.last as { prompt: BuiltPrompt; result: GenerateResult } | undefined;
    if (last?.result.ok) {
      const raw = last.result.candidates[0]?.text ?? '';
      before = cleanup({
        text: raw,
        prefix: docPrefix,
        suffix: docSuffix,
        stop: last.prompt.stop,
        multiline: last.prompt.multiline,
        maxLines: settings.maxLines,
        languageId: file.languageId,
      }).text;
    }
    const shown = outcome.text;
    const pred = firstLine(shown);
    const lang = file.languageId;
    const r: HoleResult = {
      ...h,
      languageId: lang,
      proposed: before.trim() !== '',
      shownAny: shown.trim() !== '',
      verdict: outcome.filter?.verdict ?? 'none',
      unknownBefore: unknownNames(before, lang, known, declaredNames(before, lang)),
      unknownAfter: unknownNames(shown, lang, known, declaredNames(shown, lang)),
      exactMatch: exactMatch(pred, doc.groundTruth, lang),
      editSimilarity: editSimilarity(pred, doc.groundTruth),
      idExactMatch: idExactMatch(pred, doc.groundTruth, lang),
      idF1: idF1(pred, doc.groundTruth, lang),
      correctBefore: exactMatch(firstLine(before), doc.groundTruth, lang),
      latencyMs: outcome.timings.total,
      error: outcome.error?.kind,
      ...(opts.includeText ? { before, shown, groundTruth: doc.groundTruth } : {}),
    };
    results.push(r);
    const drop = falseDropOf({ hole: h, proposal: before, shown, filter: outcome.filter, correctBefore: r.correctBefore, correctAfter: r.exactMatch });
    if (drop) falseDrops.push(drop);
    opts.onProgress?.(results.length, holes.length, r);
  }
  const { summary, counts } = summarizeHoles(results, settings.model);
  return {
    at: now(),
    repo: repoName,
    endpoint: settings.endpoint,
    endpointInfo,
    seed: opts.seed,
    requested: opts.holes,
    cancelled,
    summary,
    counts,
    falseDrops,
    holes: results,
  };
}
