/**
 * The filter's document facts over real parses: the container lookup (binary search over the
 * containers found in one walk) against a scan of all of them, and the suggestion analysis'
 * cursor walk on snippets that name nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerAt, extractFacts, type Container, type FileFacts } from '../../src/core/filter/extract';
import { analyzeSuggestion } from '../../src/core/filter/suggestion';
import { preloadAll } from '../../src/core/lang/parser';

/** The innermost container by scanning all of them (what containerAt answered before it searched). */
function scan(facts: FileFacts, offset: number): string {
  let best: Container | undefined;
  for (const c of facts.containers) if (c.start < offset && offset <= c.end && (!best || c.start >= best.start)) best = c;
  return best?.kind ?? 'code';
}

describe('filter document facts (real parses)', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  it('containerAt agrees with a scan of every container at every offset of real files', () => {
    const root = path.join(__dirname, '..', '..', '..', 'src', 'core', 'filter');
    let checked = 0;
    const kinds = new Set<string>();
    for (const file of ['consistency.ts', 'suggestion.ts', 'extract.ts']) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const facts = extractFacts(text, 'typescript');
      assert.ok(facts.containers.length > 20, `${file} has containers`);
      for (let offset = 0; offset <= text.length; offset += 7) {
        const want = scan(facts, offset);
        assert.equal(containerAt(facts, offset), want, `${file} at ${offset}`);
        kinds.add(want);
        checked++;
      }
    }
    assert.ok(checked > 1000);
    for (const k of ['class', 'code', 'object', 'interface', 'template', 'substitution', 'string']) assert.ok(kinds.has(k), `${k} in ${[...kinds]}`);
  });

  it('a template substitution is code inside the template text', () => {
    const text = 'const s = `a ${x.y} b`;\n';
    const facts = extractFacts(text, 'typescript');
    assert.equal(containerAt(facts, text.indexOf('a ')), 'template');
    assert.equal(containerAt(facts, text.indexOf('x.y') + 1), 'substitution');
  });

  it('a snippet that names nothing is not parsed unless parse errors are wanted (they rank candidates)', () => {
    const quick = analyzeSuggestion('  foo(a', ')) {', 'typescript', 'code', false);
    assert.deepEqual(quick.refs, []);
    assert.equal(quick.parseErrors, 0);
    const full = analyzeSuggestion('  foo(a', ')) {', 'typescript', 'code', true);
    assert.deepEqual(full.refs, []);
    assert.ok(full.parseErrors > 0, 'the extra bracket is a parse error');
    // A name after the boundary is always read.
    assert.deepEqual(
      analyzeSuggestion('  foo(a', ', b)', 'typescript', 'code', false).refs.map((r) => r.name),
      ['b'],
    );
  });

  it('a language with no grammar is scanned by tokens, and number literals name nothing', () => {
    const refs = analyzeSuggestion('mask = ', '0x1f | 1e5 | limit\n', 'lua').refs.map((r) => r.name);
    assert.deepEqual(refs, ['limit']);
  });
});
