/**
 * `intent-complete prompt --repo DIR --cases FILE.jsonl [--budget N] [--model NAME]`
 * For each case `{"file","line","character"}`: the exact prompt the extension would send for the
 * hole document (the file with the rest of that line removed), and the time to build it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, type Settings } from '../core/config';
import { ContextEngine } from '../core/context/engine';
import { indexWorkspace } from '../core/workspace/indexer';
import { SymbolIndex } from '../core/workspace/symbolIndex';
import { WorkspaceIgnore } from '../core/workspace/workspaceFiles';
import { isSecretPath } from '../core/workspace/exclusion';
import { makeHoleDocument } from '../core/eval/holes';
import { languageForPath } from '../core/lang/languageIds';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export async function runPrompt(argv: string[], io: CliIo = stdio): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { repo: { type: 'string' }, cases: { type: 'string' }, budget: { type: 'string' }, model: { type: 'string' }, template: { type: 'string' } },
    strict: true,
  });
  if (!values.repo || !values.cases) {
    io.err('usage: intent-complete prompt --repo DIR --cases FILE.jsonl [--budget N] [--model NAME]\n');
    return 2;
  }
  const root = path.resolve(values.repo);
  const settings: Settings = {
    ...DEFAULTS,
    model: values.model ?? '',
    contextBudget: values.budget ? Number(values.budget) : DEFAULTS.contextBudget,
    fimTemplate: (values.template as Settings['fimTemplate']) ?? 'auto',
  };
  const index = new SymbolIndex({ root });
  await indexWorkspace(index, root);
  const ignore = new WorkspaceIgnore(root);
  const engine = new ContextEngine({
    relativePath: (req) =>
      path
        .relative(root, req.doc.fsPath ?? req.doc.uri)
        .split(path.sep)
        .join('/'),
    repoName: path.basename(root),
    index,
    isExcluded: (p) => ignore.ignores(p) || isSecretPath(p),
  });
  const lines = fs
    .readFileSync(values.cases, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  for (const line of lines) {
    const c = JSON.parse(line) as { file: string; line: number; character: number };
    const abs = path.join(root, c.file);
    const disk = fs.readFileSync(abs, 'utf8');
    const hole = makeHoleDocument(disk, c.line, c.character);
    const languageId = languageForPath(c.file) ?? 'plaintext';
    const saved = index.file(c.file);
    const t0 = performance.now();
    const built = engine.build(
      {
        doc: { uri: abs, fsPath: abs, languageId, text: hole.text, version: 1 },
        cursor: { line: c.line, character: hole.offset - (hole.text.lastIndexOf('\n', hole.offset - 1) + 1), offset: hole.offset },
        explicit: false,
      },
      settings,
    );
    const ms = performance.now() - t0;
    // The next case sees this file as it is on disk again.
    if (saved) index.setOutline(saved.path, saved.text, saved.languageId, saved.outline);
    else index.remove(c.file);
    engine.forget(abs);
    io.out(JSON.stringify({ ...c, prompt: built.prompt, ...(built.suffix !== undefined ? { suffix: built.suffix } : {}), ms: Math.round(ms * 100) / 100 }) + '\n');
  }
  return 0;
}
