/**
 * `intent-complete bench context --repo DIR [--holes 400] [--seed 7] [--budget 2048] [--model NAME] [--language ID] [--json]`
 *
 * Samples holes (docs/benchmarks.md, "Definitions") and, for each, builds three prompts with the same
 * template and budget: ours (ContextEngine), prefixOnly and jaccardNeighbors (baselines.ts).
 * Reports per prompt kind:
 *  - target identifiers: the ground truth's identifiers (lang/identifiers.ts) read in the whole
 *    file, so string literals, comments and regular expressions are not code even where the hole
 *    line continues one opened above (a template literal's second line has no identifiers);
 *  - idRecall: recalled target identifiers / all target identifiers (micro-average over holes);
 *    an identifier is recalled when it occurs as an identifier token in the prompt text (the
 *    prompt plus the `suffix` field for suffix-style templates);
 *  - crossFileIdRecall: the same over target identifiers that occur nowhere in the hole document;
 *  - meanPromptTokens (4 characters a token);
 *  - build ms p50/p95, cold (first build for the hole document: full parse, index update) and
 *    warm (the next keystroke: the first character of the ground truth typed, incremental re-parse);
 *  - typingPrefixShare: replaying the typing of the ground truth character by character, the mean
 *    share of each prompt that is a common prefix with the previous request's prompt.
 * For every hole the index sees the hole document for the current file, never the file on disk.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, type Settings } from '../core/config';
import { jaccardNeighborsPrompt, prefixOnlyPrompt } from '../bench/baselines';
import { CHARS_PER_TOKEN, type BudgetSplit } from '../core/context/budget';
import { ContextEngine } from '../core/context/engine';
import { resolveApi } from '../core/context/templates';
import { indexWorkspace, readRepository, type RepoFile } from '../core/workspace/indexer';
import { SymbolIndex } from '../core/workspace/symbolIndex';
import { templateFor } from '../core/context/templates';
import { makeHoleDocument, sampleHoles, type HoleCase } from '../core/eval/holes';
import { declaredInRange } from '../core/eval/declared';
import { codeMask, identifierSet, targetIdentifiers } from '../core/lang/identifiers';
import { OUTLINE_LANGUAGES } from '../core/lang/outline';
import { getParser, parserIfReady } from '../core/lang/parser';
import type { CliIo } from './prompt';

const stdio: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export interface KindReport {
  idRecall: number;
  crossFileIdRecall: number;
  /** Recall over the cross-file targets that another indexed file declares (what related context can bring; see crossFileCeiling). */
  crossFileDeclaredRecall: number;
  meanPromptTokens: number;
  buildMs: { cold: { p50: number; p95: number }; warm: { p50: number; p95: number } };
  typingPrefixShare: number;
}

export interface ContextBenchReport {
  repo: string;
  language: string;
  files: number;
  indexedFiles: number;
  indexMs: number;
  /** Plain tree-sitter parse of the same files in this process after the build: code warm, grammars loaded (--parse-floor). */
  parseFloorMs?: number;
  /**
   * Plain tree-sitter parse of the same files in a fresh process (--parse-floor), run before the
   * build: runtime init and grammar loads included, and the same one-off cost of V8 optimising the
   * parser's WebAssembly that the index build pays. The fair floor for `indexMs`.
   */
  parseFloorColdMs?: number;
  /** CPU time (all threads, user + system) of the index build and of the cold floor: less sensitive than wall time to a busy machine. */
  indexCpuMs?: number;
  parseFloorColdCpuMs?: number;
  holes: number;
  seed: number;
  budget: number;
  model: string;
  template: string;
  targets: number;
  crossFileTargets: number;
  /**
   * What the cross-file targets are: the share that occurs in another file of the repository, and
   * the share that another indexed file declares. The rest are names of the language's library,
   * of packages, or new ones; a prompt made of the repository's code holds those only by chance.
   */
  crossFileCeiling: { inRepo: number; declared: number };
  results: Record<'ours' | 'prefixOnly' | 'jaccardNeighbors', KindReport>;
}

const KINDS = ['ours', 'prefixOnly', 'jaccardNeighbors'] as const;
type Kind = (typeof KINDS)[number];

function lineCountOk(text: string, min?: number, max?: number): boolean {
  if (min === undefined && max === undefined) return true;
  const n = text.split('\n').length;
  return n >= (min ?? 0) && n <= (max ?? Infinity);
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export interface ContextBenchOptions {
  repo: string;
  holes: number;
  seed: number;
  budget: number;
  model: string;
  language?: string;
  /** Holes whose typing is replayed (the replay is slower than one build). */
  replayHoles?: number;
  /**
   * Before each hole, `ours` first builds a prompt at the end of the line this many lines above
   * it (same document), so what the engine keeps per document (sticky related layout, window
   * start) is what a person coming from there brings: measures what stickiness costs in recall.
   */
  approachLines?: number;
  split?: Partial<BudgetSplit>;
  /** Sample holes only in files with at least this many lines (timing on large files). */
  minLines?: number;
  maxLines?: number;
  /** Also time a plain tree-sitter parse of every indexed file (the floor the index build is compared with). */
  parseFloor?: boolean;
}

/**
 * A plain parse of every source file under `root`, timed from a cold start of tree-sitter: runtime
 * init and the grammar loads included, files read beforehand (not timed). Meant to run in a fresh
 * process (`bench context --repo DIR --parse-floor-child`), so nothing is warm.
 */
export async function plainParse(root: string): Promise<{ files: number; ms: number; loadMs: number; cpuMs: number }> {
  const files = readRepository(root).filter((f) => OUTLINE_LANGUAGES.has(f.languageId));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const l of new Set(files.map((f) => f.languageId))) await getParser(l);
  const loadMs = performance.now() - t0;
  for (const f of files) parserIfReady(f.languageId)?.parse(f.text)?.delete();
  const ms = Math.round(performance.now() - t0);
  const c = process.cpuUsage(c0);
  return { files: files.length, ms, loadMs: Math.round(loadMs), cpuMs: Math.round((c.user + c.system) / 1000) };
}

/** plainParse() in a fresh Node process running this CLI; undefined when that cannot be done. */
function coldParseFloor(root: string): { ms: number; cpuMs: number } | undefined {
  const cli = process.argv[1];
  if (!cli || !/(intent-complete|cli)\.js$/.test(cli)) return undefined;
  const r = spawnSync(process.execPath, [cli, 'bench', 'context', '--repo', root, '--parse-floor-child'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  try {
    const j = JSON.parse(r.stdout) as { ms: number; cpuMs: number };
    return typeof j.ms === 'number' ? j : undefined;
  } catch {
    return undefined;
  }
}

export async function benchContext(o: ContextBenchOptions): Promise<ContextBenchReport> {
  const root = path.resolve(o.repo);
  const files = readRepository(root);
  const counts = new Map<string, number>();
  for (const f of files) if (OUTLINE_LANGUAGES.has(f.languageId)) counts.set(f.languageId, (counts.get(f.languageId) ?? 0) + 1);
  const language = o.language ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'typescript';
  const family = (l: string) => (l === 'typescriptreact' ? 'typescript' : l === 'javascriptreact' ? 'javascript' : l);
  // The cold floor first, in its own process (nothing shared with this one), so the two never overlap.
  const cold = o.parseFloor ? coldParseFloor(root) : undefined;
  const index = new SymbolIndex({ root });
  const c0 = process.cpuUsage();
  const built = await indexWorkspace(index, root);
  const cpu = process.cpuUsage(c0);
  const byPath = new Map<string, RepoFile>(files.map((f) => [f.path, f]));
  const holes: HoleCase[] = sampleHoles(
    files.filter((f) => family(f.languageId) === family(language) && lineCountOk(f.text, o.minLines, o.maxLines)),
    o.holes,
    o.seed,
  );
  let parseFloorMs: number | undefined;
  if (o.parseFloor) {
    const t0 = performance.now();
    for (const f of files) {
      if (!OUTLINE_LANGUAGES.has(f.languageId)) continue;
      const tree = parserIfReady(f.languageId)?.parse(f.text);
      tree?.delete();
    }
    parseFloorMs = Math.round(performance.now() - t0);
  }

  const settings: Settings = { ...DEFAULTS, model: o.model, contextBudget: o.budget };
  const template = templateFor(settings.model, settings.fimTemplate, resolveApi(settings));
  const budgetChars = o.budget * CHARS_PER_TOKEN;
  const engine = new ContextEngine({
    relativePath: (req) =>
      path
        .relative(root, req.doc.fsPath ?? req.doc.uri)
        .split(path.sep)
        .join('/'),
    repoName: path.basename(root),
    index,
    split: o.split,
  });

  const acc: Record<Kind, { hit: number; crossHit: number; declHit: number; tokens: number[]; cold: number[]; warm: number[]; share: number[] }> = {
    ours: { hit: 0, crossHit: 0, declHit: 0, tokens: [], cold: [], warm: [], share: [] },
    prefixOnly: { hit: 0, crossHit: 0, declHit: 0, tokens: [], cold: [], warm: [], share: [] },
    jaccardNeighbors: { hit: 0, crossHit: 0, declHit: 0, tokens: [], cold: [], warm: [], share: [] },
  };
  let targets = 0;
  let crossTargets = 0;
  let crossInRepo = 0;
  let crossDeclared = 0;
  // Which files hold a name (as an identifier token): for crossFileCeiling.
  const holders = new Map<string, number>();
  const fileTokens = files.map((f) => identifierSet(f.text));
  for (const set of fileTokens) for (const t of set) holders.set(t, (holders.get(t) ?? 0) + 1);
  const tokensOf = new Map(files.map((f, i) => [f.path, fileTokens[i]]));
  const replay = o.replayHoles ?? 40;

  const masks = new Map<string, string>();
  holes.forEach((h, hi) => {
    const f = byPath.get(h.file)!;
    const saved = index.file(h.file);
    const hole = makeHoleDocument(f.text, h.line, h.character);
    const lineStart = hole.text.lastIndexOf('\n', hole.offset - 1) + 1;
    // Read in the file, so a line that continues a template literal or holds a regular expression yields only its code's names.
    let masked = masks.get(h.file);
    if (masked === undefined) masks.set(h.file, (masked = codeMask(f.text, f.languageId)));
    // Minus what the ground truth declares as the parse of the whole file tells it (parameters, fields, members too).
    const tree = parserIfReady(f.languageId)?.parse(f.text);
    const declared = tree ? declaredInRange(tree.rootNode, hole.offset, hole.offset + hole.groundTruth.length) : new Set<string>();
    tree?.delete();
    const targetIds = targetIdentifiers(masked.slice(hole.offset, hole.offset + hole.groundTruth.length), f.languageId).filter((t) => !declared.has(t));
    const docTokens = identifierSet(hole.text);
    const cross = targetIds.filter((t) => !docTokens.has(t));
    targets += targetIds.length;
    crossTargets += cross.length;
    // The file on disk holds the ground truth's names itself: another file holds it when more than this one do.
    const own = tokensOf.get(h.file);
    crossInRepo += cross.filter((t) => (holders.get(t) ?? 0) > (own?.has(t) ? 1 : 0)).length;
    const crossDecl = cross.filter((t) => index.declarations(t).some((d) => d.path !== h.file));
    crossDeclared += crossDecl.length;

    const buildAt = (kind: Kind, text: string, offset: number) => {
      const cursorLine = h.line;
      if (kind === 'ours') {
        return engine.build(
          {
            doc: { uri: f.absPath, fsPath: f.absPath, languageId: f.languageId, text, version: 1 },
            cursor: { line: cursorLine, character: offset - lineStart, offset },
            explicit: false,
          },
          settings,
        );
      }
      const input = { text, offset, cursorLine, path: h.file, repoName: path.basename(root), languageId: f.languageId, template, budgetChars };
      if (kind === 'prefixOnly') return prefixOnlyPrompt(input);
      // The baseline reads its neighbours from the index, where the current file is the hole document.
      engine.currentOutline(
        { doc: { uri: f.absPath, fsPath: f.absPath, languageId: f.languageId, text, version: 1 }, cursor: { line: cursorLine, character: 0, offset }, explicit: false },
        h.file,
      );
      return jaccardNeighborsPrompt(input, index);
    };

    for (const kind of KINDS) {
      // IC_BENCH_KINDS=ours (comma list) skips the other prompt kinds: quicker runs while developing.
      if (process.env.IC_BENCH_KINDS && !process.env.IC_BENCH_KINDS.split(',').includes(kind)) continue;
      engine.forget(f.absPath);
      if (kind === 'ours' && o.approachLines && h.line - o.approachLines >= 0) {
        const from = hole.text
          .split('\n')
          .slice(0, h.line - o.approachLines + 1)
          .join('\n').length;
        const fromLineStart = hole.text.lastIndexOf('\n', from - 1) + 1;
        engine.build(
          {
            doc: { uri: f.absPath, fsPath: f.absPath, languageId: f.languageId, text: hole.text, version: 1 },
            cursor: { line: h.line - o.approachLines, character: from - fromLineStart, offset: from },
            explicit: false,
          },
          settings,
        );
      }
      const t0 = performance.now();
      const p = buildAt(kind, hole.text, hole.offset);
      acc[kind].cold.push(performance.now() - t0);
      const promptText = p.prompt + (p.suffix !== undefined ? '\n' + p.suffix : '');
      const chars = p.prompt.length + (p.suffix?.length ?? 0);
      if (chars > budgetChars) throw new Error(`${kind} prompt over budget: ${chars} > ${budgetChars} (${h.file}:${h.line})`);
      acc[kind].tokens.push(chars / CHARS_PER_TOKEN);
      const have = identifierSet(promptText);
      acc[kind].hit += targetIds.filter((t) => have.has(t)).length;
      acc[kind].crossHit += cross.filter((t) => have.has(t)).length;
      acc[kind].declHit += crossDecl.filter((t) => have.has(t)).length;
      if (process.env.IC_BENCH_DEBUG) {
        const miss = targetIds.filter((t) => !have.has(t));
        // `*name`: cross-file target; trailing `@`: some indexed file declares it. For ours' cross-file
        // misses, then why it was not shown: `#r/p` = rank r of the first ranked related item whose
        // text has it, p = rank of the first item not packed into the prompt (IC_BENCH_DEBUG=2 adds
        // that item's key and size); `-` no ranked item has it; `~` a declaring item is ranked but its
        // rendering lacks the name.
        const why = (m: string): string => {
          if (kind !== 'ours' || !cross.includes(m)) return '';
          const decls = index.declarations(m).filter((d) => d.path !== h.file);
          if (!decls.length) return '';
          const items = (engine as unknown as { lastSelection?: { items: { key: string; text: string }[] } }).lastSelection?.items ?? [];
          const r = items.findIndex((it) => identifierSet(it.text).has(m));
          if (r >= 0) {
            const shown = (engine as unknown as { shown: Map<string, { pieces: { key: string }[] }> }).shown.get(f.absPath)?.pieces ?? [];
            const keys = new Set(shown.map((x) => x.key));
            return `#${r}/${items.findIndex((it) => !keys.has(it.key))}${process.env.IC_BENCH_DEBUG === '2' ? `[${items[r].key} ${items[r].text.length}c]` : ''}`;
          }
          const cut = items.some((it) => decls.some((d) => it.key.startsWith(`${d.path}#${d.container ?? m}#`)));
          return cut ? '~' : '-';
        };
        if (miss.length)
          process.stderr.write(
            `${kind} ${h.file}:${h.line} miss ${miss.map((m) => (cross.includes(m) ? `*${m}` : m) + (index.hasName(m) ? '@' + why(m) : '')).join(' ')} | ${hole.groundTruth.trim().slice(0, 80)}\n`,
          );
      }
      // Warm: the next keystroke.
      if (hole.groundTruth.length > 0) {
        const typed = hole.text.slice(0, hole.offset) + hole.groundTruth[0] + hole.text.slice(hole.offset);
        const t1 = performance.now();
        buildAt(kind, typed, hole.offset + 1);
        acc[kind].warm.push(performance.now() - t1);
      }
      // Typing replay: each prompt against the previous request's prompt.
      if (hi < replay && hole.groundTruth.length > 1) {
        let prev = p.prompt;
        const steps = Math.min(hole.groundTruth.length, 40);
        for (let k = 1; k <= steps; k++) {
          const typed = hole.text.slice(0, hole.offset) + hole.groundTruth.slice(0, k) + hole.text.slice(hole.offset);
          const q = buildAt(kind, typed, hole.offset + k).prompt;
          acc[kind].share.push(q.length ? commonPrefix(prev, q) / q.length : 1);
          prev = q;
        }
      }
    }
    // The next hole sees this file as it is on disk again.
    if (saved) index.setOutline(saved.path, saved.text, saved.languageId, saved.outline);
    engine.forget(f.absPath);
  });

  const results = {} as Record<Kind, KindReport>;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  for (const k of KINDS) {
    const a = acc[k];
    results[k] = {
      idRecall: r3(targets ? a.hit / targets : 0),
      crossFileIdRecall: r3(crossTargets ? a.crossHit / crossTargets : 0),
      crossFileDeclaredRecall: r3(crossDeclared ? a.declHit / crossDeclared : 0),
      meanPromptTokens: Math.round(a.tokens.reduce((s, x) => s + x, 0) / Math.max(1, a.tokens.length)),
      buildMs: { cold: { p50: r2(pct(a.cold, 50)), p95: r2(pct(a.cold, 95)) }, warm: { p50: r2(pct(a.warm, 50)), p95: r2(pct(a.warm, 95)) } },
      typingPrefixShare: r3(a.share.reduce((s, x) => s + x, 0) / Math.max(1, a.share.length)),
    };
  }
  return {
    repo: root,
    language,
    files: files.length,
    indexedFiles: built.files,
    indexMs: Math.round(built.ms),
    ...(parseFloorMs !== undefined ? { parseFloorMs } : {}),
    ...(cold ? { parseFloorColdMs: cold.ms, parseFloorColdCpuMs: cold.cpuMs, indexCpuMs: Math.round((cpu.user + cpu.system) / 1000) } : {}),
    holes: holes.length,
    seed: o.seed,
    budget: o.budget,
    model: o.model,
    template: template.name,
    targets,
    crossFileTargets: crossTargets,
    crossFileCeiling: { inRepo: r3(crossTargets ? crossInRepo / crossTargets : 0), declared: r3(crossTargets ? crossDeclared / crossTargets : 0) },
    results,
  };
}

export async function runBenchContext(argv: string[], io: CliIo = stdio): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: 'string' },
      holes: { type: 'string', default: '400' },
      seed: { type: 'string', default: '7' },
      budget: { type: 'string', default: '2048' },
      model: { type: 'string', default: '' },
      language: { type: 'string' },
      replay: { type: 'string' },
      approach: { type: 'string' },
      'split-related': { type: 'string' },
      'split-suffix': { type: 'string' },
      'split-similar': { type: 'string' },
      'split-fresh': { type: 'string' },
      'min-lines': { type: 'string' },
      'max-lines': { type: 'string' },
      'parse-floor': { type: 'boolean', default: false },
      'parse-floor-child': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.repo) {
    io.err('usage: intent-complete bench context --repo DIR [--holes 400] [--seed 7] [--budget 2048] [--model NAME] [--json]\n');
    return 2;
  }
  if (values['parse-floor-child']) {
    io.out(JSON.stringify(await plainParse(path.resolve(values.repo))) + '\n');
    return 0;
  }
  const split: Partial<BudgetSplit> = {};
  if (values['split-related']) split.related = Number(values['split-related']);
  if (values['split-suffix']) split.suffix = Number(values['split-suffix']);
  if (values['split-similar']) split.similar = Number(values['split-similar']);
  if (values['split-fresh']) split.fresh = Number(values['split-fresh']);
  const r = await benchContext({
    repo: values.repo,
    holes: Number(values.holes),
    seed: Number(values.seed),
    budget: Number(values.budget),
    model: values.model ?? '',
    language: values.language,
    replayHoles: values.replay !== undefined ? Number(values.replay) : undefined,
    approachLines: values.approach !== undefined ? Number(values.approach) : undefined,
    split,
    minLines: values['min-lines'] ? Number(values['min-lines']) : undefined,
    maxLines: values['max-lines'] ? Number(values['max-lines']) : undefined,
    parseFloor: values['parse-floor'],
  });
  if (values.json) {
    io.out(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  io.out(
    `bench context: ${r.repo} (${r.language}, ${r.indexedFiles} files indexed in ${r.indexMs} ms${r.parseFloorColdMs !== undefined ? ` (CPU ${r.indexCpuMs} ms); plain parse ${r.parseFloorColdMs} ms in a fresh process (CPU ${r.parseFloorColdCpuMs} ms)` : ''}${r.parseFloorMs !== undefined ? `, ${r.parseFloorMs} ms warm` : ''})\n` +
      `${r.holes} holes, seed ${r.seed}, budget ${r.budget} tokens, template ${r.template}; ${r.targets} target ids, ${r.crossFileTargets} cross-file ` +
      `(${(r.crossFileCeiling.inRepo * 100).toFixed(0)} % of them occur in another file, ${(r.crossFileCeiling.declared * 100).toFixed(0)} % are declared by one)\n\n`,
  );
  const head = ['prompt', 'idRecall', 'crossFile', 'crossDeclared', 'tokens', 'cold p50/p95 ms', 'warm p50/p95 ms', 'typing prefix'];
  const rows = KINDS.map((k) => {
    const x = r.results[k];
    return [
      k,
      x.idRecall.toFixed(3),
      x.crossFileIdRecall.toFixed(3),
      x.crossFileDeclaredRecall.toFixed(3),
      String(x.meanPromptTokens),
      `${x.buildMs.cold.p50} / ${x.buildMs.cold.p95}`,
      `${x.buildMs.warm.p50} / ${x.buildMs.warm.p95}`,
      x.typingPrefixShare.toFixed(3),
    ];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [head, ...rows]) io.out(row.map((c, i) => c.padEnd(w[i])).join('  ') + '\n');
  return 0;
}
