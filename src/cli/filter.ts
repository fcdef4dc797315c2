/**
 * `intent-complete filter --repo DIR --cases FILE.jsonl [--as-is] [--max-lines N] [--multiline auto|always|never]`
 * Each case line `{"file","line","character","completion"}`: the filter's verdict on that completion
 * at that cursor.
 * - Default (the benchmarks' holes): the document is the hole document (the file with the rest of
 *   the line removed), the language the one the workspace index reads the file as, and the
 *   suggestion multi-line when the completion is; the workspace index leaves the file's on-disk text
 *   out of every answer.
 * - `--as-is` (the extension's judgement): the document is the file on disk unchanged, the language
 *   VS Code's id for its name, the single/multi-line choice and the replace range the extension's
 *   own (core/filter/asIs.ts); the output adds `languageId`, `multiline`, `decided`, `insert` and `range` (the text after the
 *   cursor the suggestion replaces, '' when none).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, type MultilineMode } from '../core/config';
import { makeHoleDocument } from '../core/eval/holes';
import { judgeAsIs } from '../core/filter/asIs';
import { ConsistencyFilter } from '../core/filter/consistency';
import { IndexKnowledge } from '../core/filter/indexKnowledge';
import { languageForPath, vscodeLanguageId } from '../core/lang/languageIds';

export interface FilterCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** One line of a cases file (other fields, such as `expect`, are passed through). */
export interface FilterCase {
  file: string;
  line: number;
  character: number;
  completion: string;
  /** Why the server ended the answer (`--as-is`): 'length' cuts its last line, as the pipeline does. */
  finish?: 'stop' | 'length';
}

const stdio: FilterCliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
const USAGE = 'usage: intent-complete filter --repo DIR --cases FILE.jsonl [--as-is] [--max-lines N] [--multiline auto|always|never]\n';
const MULTILINE_MODES: readonly MultilineMode[] = ['auto', 'always', 'never'];

/** The offset of a line and character in a text (the character clamped to its line, as an editor does). */
export function offsetOf(text: string, line: number, character: number): number {
  return makeHoleDocument(text, line, character).offset;
}

export async function runFilter(argv: string[], io: FilterCliIo = stdio): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { repo: { type: 'string' }, cases: { type: 'string' }, 'max-lines': { type: 'string' }, 'as-is': { type: 'boolean' }, multiline: { type: 'string' } },
    strict: true,
  });
  const mode = (values.multiline ?? DEFAULTS.multiline) as MultilineMode;
  if (!values.repo || !values.cases || !MULTILINE_MODES.includes(mode)) {
    io.err(USAGE);
    return 2;
  }
  const root = path.resolve(values.repo);
  const knowledge = await IndexKnowledge.build(root);
  const filter = new ConsistencyFilter(knowledge);
  const maxLines = values['max-lines'] ? Number(values['max-lines']) : DEFAULTS.maxLines;
  let failed = 0;
  for (const [n, line] of fs.readFileSync(values.cases, 'utf8').split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      const c = JSON.parse(line) as FilterCase;
      const abs = path.join(root, c.file);
      const fileText = fs.readFileSync(abs, 'utf8');
      const languageId = vscodeLanguageId(c.file);
      const offset = offsetOf(fileText, c.line, c.character);
      const r = values['as-is']
        ? timed(() => ({
            languageId,
            ...judgeAsIs(filter, { docText: fileText, offset, languageId, completion: c.completion, finish: c.finish, docPath: abs, multilineMode: mode, maxLines }),
          }))
        : checkHole(filter, knowledge, root, abs, fileText, c, maxLines);
      io.out(JSON.stringify({ ...c, ...r.result, ms: Math.round(r.ms * 1000) / 1000 }) + '\n');
    } catch (e) {
      // A bad case (not JSON, no such file, a line past the end) is reported; the others still run.
      failed++;
      io.err(`${values.cases}:${n + 1}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

/** The benchmarks' judgement: the hole document, with the index holding it while the case runs. */
function checkHole(filter: ConsistencyFilter, knowledge: IndexKnowledge, root: string, abs: string, fileText: string, c: FilterCase, maxLines: number) {
  const hole = makeHoleDocument(fileText, c.line, c.character);
  const languageId = languageForPath(c.file) ?? 'plaintext';
  const docPrefix = hole.text.slice(0, hole.offset);
  const docSuffix = hole.text.slice(hole.offset);
  // The index holds the hole document while the case runs: the file's text on disk is never seen.
  const rel = path.relative(root, abs).split(path.sep).join('/');
  const saved = knowledge.index.file(rel);
  if (!knowledge.index.updateSync(rel, hole.text, languageId)) knowledge.index.remove(rel);
  try {
    return timed(() => {
      const r = filter.check({ text: c.completion, docPrefix, docSuffix, languageId, stop: [], multiline: c.completion.includes('\n'), maxLines, docPath: abs });
      return { verdict: r.verdict, shown: r.shown, unknown: r.unknown, cleanups: r.cleanups, additionalEdits: r.additionalEdits };
    });
  } finally {
    if (saved) knowledge.index.setOutline(saved.path, saved.text, saved.languageId, saved.outline);
    else knowledge.index.remove(rel);
  }
}

/** A judgement and the milliseconds it took. */
function timed<T>(f: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = f();
  return { result, ms: performance.now() - t0 };
}
