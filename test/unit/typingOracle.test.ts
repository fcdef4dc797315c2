/**
 * The typing replay's oracle places the cursor from the prompt alone, also in a file that itself
 * holds FIM markers (a file of prompt templates), using the real context stage's prompt.
 */
import * as assert from 'node:assert/strict';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { locateCursor, type OracleFile } from '../../src/bench/oracle';
import type { CompletionRequest } from '../../src/core/types';

const FILE = [
  'export const QWEN = {',
  '  build: (p: string, s: string) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,',
  "  stop: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>'],",
  '};',
  'export function render(prefix: string, suffix: string): string {',
  '  return QWEN.build(prefix, suffix);',
  '}',
  "export const after = '<|fim_suffix|> in the suffix too';",
  '',
].join('\n');

function promptAt(file: OracleFile, typed: number): string {
  const text = file.text.slice(0, file.start + typed) + file.text.slice(file.end);
  const offset = file.start + typed;
  const before = text.slice(0, offset);
  const req: CompletionRequest = {
    doc: { uri: 'bench://t/templates.ts', languageId: 'typescript', text, version: typed },
    cursor: { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1, offset },
    explicit: false,
  };
  const settings: Settings = { ...DEFAULTS, languages: { ...DEFAULTS.languages }, endpoint: 'http://127.0.0.1:1/v1', model: 'qwen2.5-coder-oracle' };
  return new ContextEngine({ relativePath: () => 'templates.ts', repoName: 'bench' }).build(req, settings).prompt;
}

describe('typing replay oracle: locating the cursor', () => {
  it('finds the cursor in a file whose text holds <|fim_prefix|> and <|fim_suffix|>', () => {
    const start = FILE.indexOf('  return QWEN');
    const end = FILE.indexOf('\n', start);
    const file: OracleFile = { text: FILE, start, end };
    for (const typed of [0, 5, 12, end - start]) {
      assert.equal(locateCursor(promptAt(file, typed), file), start + typed, `typed ${typed}`);
    }
  });
  it('finds nothing for a prompt from another file', () => {
    const start = FILE.indexOf('  return QWEN');
    const file: OracleFile = { text: FILE, start, end: FILE.indexOf('\n', start) };
    assert.equal(locateCursor('<|fim_prefix|>const x = 1;\n<|fim_suffix|>\n<|fim_middle|>', file), undefined);
  });
});
