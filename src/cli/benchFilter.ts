/**
 * `intent-complete bench filter --repo DIR [--holes 400] [--seed 7] [--language typescript] [--json]`
 *
 * For sampled holes, runs the consistency filter on the ground truth (keepRate: shown unchanged)
 * and on perturbed copies (catchRate: dropped, or the wrong name is not in what is shown):
 *  - invented: one used name replaced by a plausible name that exists nowhere in the workspace,
 *    its dependencies or the builtins (abbreviation, synonym swap, plural/singular, case, suffix);
 *  - wrongMember: in `x.m` where x's type resolves (to a type with a closed member list holding m),
 *    m replaced by a member of another workspace type that x's type does not have.
 * Filter time per candidate (document analysis warm: it happens once per document version, while
 * the model request is in flight) and the analysis time itself are reported separately.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { listWorkspaceFiles, readTextFile } from '../core/workspace/workspaceFiles';
import { makeHoleDocument, sampleHoles, seededRandom } from '../core/eval/holes';
import { identifiersOf, isIdentifier, targetIdentifiers, wholeNamePattern } from '../core/lang/identifiers';
import { builtins, familyOf } from '../core/filter/builtins';
import { ConsistencyFilter } from '../core/filter/consistency';
import type { FilterInput } from '../core/filter/types';
import { TypeResolver } from '../core/filter/resolve';
import { IndexKnowledge } from '../core/filter/indexKnowledge';
import { languageForPath } from '../core/lang/languageIds';

export type InventedKind = 'abbreviation' | 'synonym' | 'number' | 'case' | 'suffix';

export interface FilterBenchReport {
  repo: string;
  language: string;
  holes: number;
  files: number;
  keepRate: number;
  kept: number;
  invented: { cases: number; caught: number; catchRate: number; byKind: Record<string, { cases: number; caught: number; catchRate: number }> };
  wrongMember: { cases: number; caught: number; catchRate: number };
  filterMs: { p50: number; p95: number; max: number; n: number };
  /**
   * Per candidate, the fastest of `repeat` runs of the same check (the first run gives the verdict
   * and `filterMs`): pre-emption by other processes on a shared machine inflates single runs; the
   * repeats find the index's own caches warm, as a warm index does.
   */
  filterMinMs: { p50: number; p95: number; repeat: number };
  analyzeMs: { p50: number; p95: number };
  indexMs: number;
  /** Hole documents whose parse is broken around the cursor, read with the text before it (see ConsistencyFilter.factsAt). */
  repairs: number;
  falseDrops: { file: string; line: number; groundTruth: string; verdict: string; shown: string; unknown: string[]; cleanups: string[] }[];
  missed: { kind: string; file: string; line: number; original: string; replacement: string; shown: string }[];
  slowest: { file: string; line: number; ms: number; text: string }[];
}

const SYNONYMS: [string, string][] = [
  ['get', 'fetch'],
  ['fetch', 'retrieve'],
  ['load', 'read'],
  ['read', 'load'],
  ['create', 'make'],
  ['make', 'build'],
  ['build', 'construct'],
  ['remove', 'delete'],
  ['delete', 'remove'],
  ['update', 'modify'],
  ['set', 'assign'],
  ['add', 'append'],
  ['find', 'search'],
  ['send', 'post'],
  ['start', 'begin'],
  ['stop', 'halt'],
  ['init', 'setup'],
  ['parse', 'decode'],
  ['is', 'check'],
  ['has', 'contains'],
  ['to', 'as'],
  ['value', 'val'],
  ['error', 'err'],
  ['message', 'msg'],
  ['count', 'total'],
  ['list', 'array'],
  ['item', 'element'],
  ['user', 'account'],
  ['name', 'label'],
  ['path', 'route'],
  ['options', 'settings'],
  ['config', 'settings'],
  ['result', 'outcome'],
  ['data', 'payload'],
];

const ABBREVIATIONS: [string, string][] = [
  ['Message', 'Msg'],
  ['message', 'msg'],
  ['Button', 'Btn'],
  ['Number', 'Num'],
  ['number', 'num'],
  ['Request', 'Req'],
  ['request', 'req'],
  ['Response', 'Res'],
  ['response', 'res'],
  ['Error', 'Err'],
  ['error', 'err'],
  ['Value', 'Val'],
  ['value', 'val'],
  ['Index', 'Idx'],
  ['index', 'idx'],
  ['Config', 'Cfg'],
  ['config', 'cfg'],
  ['Context', 'Ctx'],
  ['context', 'ctx'],
  ['Options', 'Opts'],
  ['options', 'opts'],
  ['Parameter', 'Param'],
  ['Element', 'Elem'],
  ['Source', 'Src'],
  ['Destination', 'Dst'],
  ['Count', 'Cnt'],
  ['Length', 'Len'],
  ['String', 'Str'],
  ['Object', 'Obj'],
  ['Function', 'Fn'],
  ['Callback', 'Cb'],
  ['Property', 'Prop'],
  ['Attribute', 'Attr'],
  ['Directory', 'Dir'],
  ['Document', 'Doc'],
];

/** Candidate invented variants of a name, by kind. */
export function inventedVariants(name: string, kind: InventedKind): string[] {
  const out: string[] = [];
  const parts = name.split(/(?<=[a-z0-9])(?=[A-Z])|_/);
  switch (kind) {
    case 'abbreviation':
      for (const [long, short] of ABBREVIATIONS) if (name.includes(long)) out.push(name.replace(long, short));
      if (name.length > 5) out.push(name.replace(/(?<=.)[aeiou](?=[a-z])/g, ''));
      break;
    case 'synonym':
      for (const [a, b] of SYNONYMS) {
        const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
        if (parts[0] === a) out.push(b + name.slice(a.length));
        if (parts[0] === cap(a)) out.push(cap(b) + name.slice(a.length));
        const i = parts.indexOf(cap(a));
        if (i > 0) out.push(parts.slice(0, i).join('') + cap(b) + parts.slice(i + 1).join(''));
      }
      break;
    case 'number':
      if (/ies$/.test(name)) out.push(name.replace(/ies$/, 'y'));
      else if (/s$/.test(name) && !/ss$/.test(name)) out.push(name.slice(0, -1));
      else if (/y$/.test(name)) out.push(name.slice(0, -1) + 'ies');
      else out.push(name + 's');
      break;
    case 'case':
      if (/^[a-z]/.test(name)) out.push(name[0].toUpperCase() + name.slice(1));
      if (/^[A-Z][a-z]/.test(name)) out.push(name[0].toLowerCase() + name.slice(1));
      if (/[a-z][A-Z]/.test(name)) out.push(name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
      if (name.includes('_')) out.push(name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
      out.push(name.toUpperCase());
      break;
    case 'suffix':
      for (const s of ['Async', 'Sync', 'Impl', 'Helper', 'Internal', 'List', 'Map', 'Data', 'Info', '2']) out.push(name + s);
      break;
  }
  return [...new Set(out)].filter((v) => v !== name && isIdentifier(v));
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function replaceWord(text: string, from: string, to: string): string | undefined {
  const m = wholeNamePattern(from).exec(text);
  return m ? text.slice(0, m.index) + to + text.slice(m.index + from.length) : undefined;
}

function hasWord(text: string, w: string): boolean {
  return wholeNamePattern(w).test(text);
}

export async function benchFilter(opts: { repo: string; holes: number; seed: number; language: string; repeat?: number }): Promise<FilterBenchReport> {
  const root = path.resolve(opts.repo);
  const family = familyOf(opts.language);
  const t0 = performance.now();
  const knowledge = await IndexKnowledge.build(root);
  const indexMs = performance.now() - t0;
  const filter = new ConsistencyFilter(knowledge);
  const files: { path: string; text: string; languageId: string }[] = [];
  for (const f of listWorkspaceFiles(root)) {
    const languageId = languageForPath(f.path);
    if (!languageId || familyOf(languageId) !== family) continue;
    const text = readTextFile(f.absPath);
    if (text !== undefined) files.push({ path: f.path, text, languageId });
  }
  const holes = sampleHoles(files, opts.holes, opts.seed);
  const rand = seededRandom(opts.seed * 31 + 1);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const times: number[] = [];
  const minTimes: number[] = [];
  const repeat = Math.max(1, opts.repeat ?? 3);
  const analyzeTimes: number[] = [];
  const kinds: InventedKind[] = ['abbreviation', 'synonym', 'number', 'case', 'suffix'];
  const byKind: Record<string, { cases: number; caught: number; catchRate: number }> = {};
  for (const k of kinds) byKind[k] = { cases: 0, caught: 0, catchRate: 0 };
  let kept = 0;
  let invCases = 0;
  let invCaught = 0;
  let wmCases = 0;
  let wmCaught = 0;
  const falseDrops: FilterBenchReport['falseDrops'] = [];
  const missed: FilterBenchReport['missed'] = [];
  const slow: FilterBenchReport['slowest'] = [];

  for (const h of holes) {
    const file = byPath.get(h.file)!;
    const abs = path.join(root, h.file);
    const hole = makeHoleDocument(file.text, h.line, h.character);
    // The shared index holds the hole document while its cases run (restored below): the filter
    // never sees the file's text on disk.
    const saved = knowledge.index.file(h.file);
    if (!knowledge.index.updateSync(h.file, hole.text, file.languageId)) knowledge.index.remove(h.file);
    const docPrefix = hole.text.slice(0, hole.offset);
    const docSuffix = hole.text.slice(hole.offset);
    const ta = performance.now();
    filter.prepare(hole.text, file.languageId, hole.offset);
    analyzeTimes.push(performance.now() - ta);
    const input = (text: string): FilterInput => ({ text, docPrefix, docSuffix, languageId: file.languageId, stop: [], multiline: false, maxLines: 8, docPath: abs });
    const run = (text: string) => {
      const t = performance.now();
      const r = filter.check(input(text));
      const ms = performance.now() - t;
      times.push(ms);
      let min = ms;
      for (let i = 1; i < repeat; i++) {
        const t2 = performance.now();
        filter.check(input(text));
        min = Math.min(min, performance.now() - t2);
      }
      minTimes.push(min);
      slow.push({ file: h.file, line: h.line, ms: Math.round(ms * 1000) / 1000, text });
      slow.sort((a, b) => b.ms - a.ms);
      if (slow.length > 5) slow.pop();
      return r;
    };
    const gt = hole.groundTruth.replace(/\s+$/, '');
    const r = run(hole.groundTruth);
    if (r.verdict === 'keep' && r.shown === gt) kept++;
    else falseDrops.push({ file: h.file, line: h.line, groundTruth: hole.groundTruth, verdict: r.verdict, shown: r.shown, unknown: r.unknown, cleanups: r.cleanups });

    // invented
    const docTokens = new Set(identifiersOf(hole.text, file.languageId));
    // The filter's own reading of the document at the cursor and of the ground truth.
    const { facts, s: read } = filter.analyze(input(gt), gt);
    const s = read ?? { refs: [], introduced: new Set<string>(), assignedMembers: new Set<string>(), parseErrors: 0, parsed: false };
    const lineBefore = docPrefix.slice(docPrefix.lastIndexOf('\n') + 1);
    // Names the ground truth uses (not those it declares, nor words in strings or comments).
    const used = new Set(s.refs.filter((x) => x.kind !== 'module' && !s.introduced.has(x.name)).map((x) => x.name));
    const targets = targetIdentifiers(gt, file.languageId).filter((n) => n.length >= 3 && used.has(n));
    const kindOrder = [...kinds].sort(() => rand() - 0.5);
    let done = false;
    for (const kind of kindOrder) {
      for (const name of [...targets].sort(() => rand() - 0.5)) {
        const variant = inventedVariants(name, kind).find(
          (v) =>
            !docTokens.has(v) &&
            !knowledge.hasName(v) &&
            !builtins.isGlobal(v, family) &&
            !(family === 'ts' && (builtins.isAnyTsMember(v) || builtins.tsType(v))) &&
            !(family === 'python' && builtins.isPythonBuiltinMember(v)),
        );
        if (!variant) continue;
        // Replace one use of the name (where it is used, not where it is a key or a declaration).
        const use = s.refs.find((x) => x.name === name && x.at !== undefined && x.at >= lineBefore.length);
        const at = use ? use.at! - lineBefore.length : -1;
        const perturbed = at >= 0 && gt.slice(at, at + name.length) === name ? gt.slice(0, at) + variant + gt.slice(at + name.length) : replaceWord(gt, name, variant);
        if (!perturbed) continue;
        const pr = run(perturbed);
        const caught = pr.verdict === 'drop' || !hasWord(pr.shown, variant);
        invCases++;
        byKind[kind].cases++;
        if (caught) {
          invCaught++;
          byKind[kind].caught++;
        } else missed.push({ kind: `invented/${kind}`, file: h.file, line: h.line, original: gt, replacement: perturbed, shown: pr.shown });
        done = true;
        break;
      }
      if (done) break;
    }

    // wrongMember
    const resolver = new TypeResolver(facts, knowledge, family, abs);
    const members = s.refs.filter((x) => x.kind === 'member' && x.at !== undefined && x.at >= lineBefore.length);
    for (const ref of members.sort(() => rand() - 0.5)) {
      const ms = resolver.receiver(ref.receiver, hole.offset);
      if (!ms || ms.open || !ms.members.has(ref.name)) continue;
      const pool = knowledge
        .typeMembers(abs)
        .filter((m) => m.type !== ms.typeName && !ms.members.has(m.member) && !builtins.universalMember(m.member, family) && /^[A-Za-z_]/.test(m.member));
      if (pool.length === 0) continue;
      const pick = pool[Math.floor(rand() * pool.length)].member;
      const at = ref.at! - lineBefore.length;
      const perturbed = gt.slice(0, at) + pick + gt.slice(at + ref.name.length);
      const pr = run(perturbed);
      const caught = pr.verdict === 'drop' || !pr.shown.includes(gt.slice(0, at) + pick);
      wmCases++;
      if (caught) wmCaught++;
      else missed.push({ kind: 'wrongMember', file: h.file, line: h.line, original: gt, replacement: perturbed, shown: pr.shown });
      break;
    }
    if (saved) knowledge.index.setOutline(saved.path, saved.text, saved.languageId, saved.outline);
    else knowledge.index.remove(h.file);
  }
  for (const k of kinds) byKind[k].catchRate = byKind[k].cases ? byKind[k].caught / byKind[k].cases : 0;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    repo: root,
    language: opts.language,
    holes: holes.length,
    files: files.length,
    keepRate: holes.length ? r3(kept / holes.length) : 0,
    kept,
    invented: { cases: invCases, caught: invCaught, catchRate: invCases ? r3(invCaught / invCases) : 0, byKind },
    wrongMember: { cases: wmCases, caught: wmCaught, catchRate: wmCases ? r3(wmCaught / wmCases) : 0 },
    filterMs: { p50: r3(quantile(times, 0.5)), p95: r3(quantile(times, 0.95)), max: r3(Math.max(0, ...times)), n: times.length },
    filterMinMs: { p50: r3(quantile(minTimes, 0.5)), p95: r3(quantile(minTimes, 0.95)), repeat },
    analyzeMs: { p50: r3(quantile(analyzeTimes, 0.5)), p95: r3(quantile(analyzeTimes, 0.95)) },
    indexMs: Math.round(indexMs),
    repairs: filter.repairs,
    falseDrops: falseDrops.slice(0, 12),
    missed: missed.slice(0, 12),
    slowest: slow,
  };
}

export function formatFilterReport(r: FilterBenchReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `bench filter: ${r.repo} (${r.language}, ${r.files} files, ${r.holes} holes; index ${r.indexMs} ms)`,
    `  keepRate              ${pct(r.keepRate)}  (${r.kept}/${r.holes})`,
    `  catchRate invented    ${pct(r.invented.catchRate)}  (${r.invented.caught}/${r.invented.cases})`,
    ...Object.entries(r.invented.byKind).map(([k, v]) => `    ${k.padEnd(18)}  ${pct(v.catchRate)}  (${v.caught}/${v.cases})`),
    `  catchRate wrongMember ${pct(r.wrongMember.catchRate)}  (${r.wrongMember.caught}/${r.wrongMember.cases})`,
    `  filter ms per candidate  p50 ${r.filterMs.p50}  p95 ${r.filterMs.p95}  max ${r.filterMs.max}  (n=${r.filterMs.n}; document analysis p50 ${r.analyzeMs.p50} p95 ${r.analyzeMs.p95}, once per version)`,
    `  filter ms per candidate, fastest of ${r.filterMinMs.repeat} runs  p50 ${r.filterMinMs.p50}  p95 ${r.filterMinMs.p95}`,
  ];
  if (r.falseDrops.length) {
    lines.push('  false drops (ground truth not shown unchanged):');
    for (const d of r.falseDrops.slice(0, 8))
      lines.push(
        `    ${d.file}:${d.line + 1} ${d.verdict} unknown=[${d.unknown.join(', ')}] cleanups=[${d.cleanups.join(', ')}]  ${JSON.stringify(d.groundTruth.trim().slice(0, 80))}`,
      );
  }
  lines.push(`  slowest: ${r.slowest.map((x) => `${x.ms} ms ${x.file}:${x.line + 1}`).join(', ')}`);
  if (r.missed.length) {
    lines.push('  missed perturbations:');
    for (const m of r.missed.slice(0, 6)) lines.push(`    ${m.kind} ${m.file}:${m.line + 1}  ${JSON.stringify(m.replacement.trim().slice(0, 80))}`);
  }
  return lines.join('\n') + '\n';
}

export async function runBenchFilter(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { repo: { type: 'string' }, holes: { type: 'string' }, seed: { type: 'string' }, language: { type: 'string' }, repeat: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (!values.repo) {
    process.stderr.write('usage: intent-complete bench filter --repo DIR [--holes 400] [--seed 7] [--language typescript] [--repeat 3] [--json]\n');
    return 2;
  }
  const repeat = Number(values.repeat ?? 3);
  if (!Number.isInteger(repeat) || repeat < 1) {
    process.stderr.write('bench filter: --repeat must be a whole number ≥ 1\n');
    return 2;
  }
  const report = await benchFilter({ repo: values.repo, holes: Number(values.holes ?? 400), seed: Number(values.seed ?? 7), language: values.language ?? 'typescript', repeat });
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatFilterReport(report));
  return 0;
}
