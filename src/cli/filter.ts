/**
 * `intent-complete filter --repo DIR --cases FILE.jsonl`
 * Each case line `{"file","line","character","completion"}`: the filter's verdict on that completion
 * at that hole. The document is the hole document (the file with the rest of the line removed);
 * the workspace index leaves the file's on-disk text out of every answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { makeHoleDocument } from '../core/eval/holes';
import { ConsistencyFilter } from '../core/filter/consistency';
import { IndexKnowledge } from '../core/filter/indexKnowledge';
import { languageForPath } from '../core/syntax/parser';

export interface FilterCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: FilterCliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export async function runFilter(argv: string[], io: FilterCliIo = stdio): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { repo: { type: 'string' }, cases: { type: 'string' }, 'max-lines': { type: 'string' } }, strict: true });
  if (!values.repo || !values.cases) {
    io.err('usage: intent-complete filter --repo DIR --cases FILE.jsonl\n');
    return 2;
  }
  const root = path.resolve(values.repo);
  const knowledge = await IndexKnowledge.build(root);
  const filter = new ConsistencyFilter(knowledge);
  const maxLines = values['max-lines'] ? Number(values['max-lines']) : 8;
  for (const line of fs.readFileSync(values.cases, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line) as { file: string; line: number; character: number; completion: string };
    const abs = path.join(root, c.file);
    const hole = makeHoleDocument(fs.readFileSync(abs, 'utf8'), c.line, c.character);
    const languageId = languageForPath(c.file) ?? 'plaintext';
    const docPrefix = hole.text.slice(0, hole.offset);
    const docSuffix = hole.text.slice(hole.offset);
    // The index holds the hole document while the case runs: the file's text on disk is never seen.
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const saved = knowledge.index.file(rel);
    if (!knowledge.index.updateSync(rel, hole.text, languageId)) knowledge.index.remove(rel);
    const t0 = performance.now();
    const r = filter.check({ text: c.completion, docPrefix, docSuffix, languageId, stop: [], multiline: c.completion.includes('\n'), maxLines, docPath: abs });
    const ms = performance.now() - t0;
    if (saved) knowledge.index.setOutline(saved.path, saved.text, saved.languageId, saved.outline);
    else knowledge.index.remove(rel);
    io.out(JSON.stringify({ ...c, verdict: r.verdict, shown: r.shown, unknown: r.unknown, cleanups: r.cleanups, additionalEdits: r.additionalEdits, ms: Math.round(ms * 1000) / 1000 }) + '\n');
  }
  return 0;
}
