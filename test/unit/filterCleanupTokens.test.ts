/**
 * Clean-up of what is never code in a model's answer: control tokens of every family (sentinels,
 * end tokens, chat markers, read from model/families.ts), reasoning blocks, chat preambles — and
 * the early stop, which must decide on the code after them, not on them.
 */
import * as assert from 'node:assert/strict';
import { cleanup, suggestionStart, type CleanupInput } from '../../src/core/filter/cleanup';
import { FAMILIES, controlTokens } from '../../src/core/model/families';
import { earlyStopRule } from '../../src/core/model/earlyStop';

/** `|` marks the cursor. */
function run(doc: string, text: string, extra: Partial<CleanupInput> = {}) {
  const at = doc.indexOf('|');
  return cleanup({ text, prefix: doc.slice(0, at), suffix: doc.slice(at + 1), stop: [], multiline: false, maxLines: 8, ...extra });
}

/** The first prefix of `text` at which the rule closes the stream, or the whole text. */
function decidedAt(stop: (t: string) => boolean, text: string): string {
  for (let n = 1; n <= text.length; n++) if (stop(text.slice(0, n))) return text.slice(0, n);
  return text;
}

const LINE = 'function total(xs: number[]) {\n  return |\n}\n';

describe('filter clean-up: control tokens and reasoning', () => {
  it("every family's control tokens end the answer (none is in a second list)", () => {
    for (const f of FAMILIES) {
      for (const token of controlTokens(f)) {
        if (token === '<s>') continue;
        const r = run(LINE, `xs.length;${token}\n}\n`);
        assert.equal(r.text, 'xs.length;', `${f.id} ${token}`);
      }
    }
  });

  it('a control token or chat role header at the start is stripped, and the answer after it kept', () => {
    assert.equal(run(LINE, '<|fim_middle|>xs.length;').text, 'xs.length;');
    assert.equal(run(LINE, '<｜fim▁hole｜>xs.length;').text, 'xs.length;');
    assert.equal(run(LINE, '<[fim-middle]>xs.length;<[end▁of▁sentence]>').text, 'xs.length;');
    assert.equal(run(LINE, '<|im_start|>assistant\nxs.length;<|im_end|>').text, 'xs.length;');
    assert.equal(run(LINE, '<|start_header_id|>assistant<|end_header_id|>\nxs.length;<|eot_id|>').text, 'xs.length;');
    assert.equal(run(LINE, '<start_of_turn>model\nxs.length;<end_of_turn>').text, 'xs.length;');
  });

  it('`</s>` ends an answer, but not the HTML strike-through it closes', () => {
    assert.equal(run(LINE, 'xs.length;</s>').text, 'xs.length;');
    const html = '<p>\n  |\n</p>\n';
    assert.equal(run(html, '<s>old price</s> new price').text, '<s>old price</s> new price');
  });

  it('a reasoning block before the code is dropped and the code keeps its indentation', () => {
    const body = 'function total(xs: number[]) {\n|\n}\n';
    const r = run(body, '<think>\nSum them.\n</think>\n\n  return xs.reduce((a, b) => a + b, 0);', { multiline: true });
    assert.equal(r.text, '  return xs.reduce((a, b) => a + b, 0);');
    const go = 'func (s *Store) Len() int {\n|\n}\n';
    assert.equal(
      run(go, '<think>\nread lock\n</think>\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\treturn len(s.items)', { multiline: true }).text,
      '\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\treturn len(s.items)',
    );
  });

  it('reasoning whose <think> the chat template wrote (only `</think>` in the answer) is dropped', () => {
    assert.equal(run(LINE, 'The caller wants the count.\nSo return the length.\n</think>\n\nxs.length;').text, 'xs.length;');
  });

  it('an open reasoning block leaves nothing', () => {
    assert.equal(run(LINE, '<think>\nThe caller wants the count, so').text, '');
  });
});

describe('early stop: decided on the code, not on what comes before it', () => {
  const single = earlyStopRule({ multiline: false, maxLines: 8, lineBefore: '  return ' });

  it('a chat preamble line does not decide a single-line suggestion; the code line after its fence does', () => {
    const got = decidedAt(single, 'Here is the completion:\n\n```typescript\nxs.length;\n```\n');
    assert.ok(got.endsWith('xs.length;\n'), JSON.stringify(got));
    assert.equal(run(LINE, got).text, 'xs.length;');
  });

  it('a chat opening with the code on the next line, no fence', () => {
    const got = decidedAt(single, 'Sure! Here is the rest of the line:\nxs.length;\nThat returns the count.');
    assert.ok(got.endsWith('xs.length;\n'), JSON.stringify(got));
  });

  it('leaked tokens and a closed reasoning block before the code do not decide', () => {
    assert.ok(decidedAt(single, '<|im_start|>assistant\nxs.length;\nmore').endsWith('xs.length;\n'));
    assert.ok(decidedAt(single, '<think>\nCount.\n</think>\nxs.length;\nmore').endsWith('xs.length;\n'));
  });

  it('multi-line: a preamble at column 0 does not close the block the person opened', () => {
    const block = earlyStopRule({ multiline: true, maxLines: 8, lineBefore: '    ' });
    const answer = "Sure! Here's the implementation:\n\n```csharp\nreturn _lines.Sum(l => l.Quantity);\n```\n\nThis adds them up.\n";
    const got = decidedAt(block, answer);
    assert.ok(got.includes('return _lines.Sum'), JSON.stringify(got));
  });

  it('suggestionStart: undefined while the start cannot be told, the code once it can', () => {
    assert.equal(suggestionStart('<think>\nstill thinking'), undefined);
    assert.equal(suggestionStart('Here is the code:\n'), undefined);
    assert.equal(suggestionStart('``'), undefined);
    assert.equal(suggestionStart('```ts\nconst a = 1;\n'), 'const a = 1;\n');
    assert.equal(suggestionStart('const a = 1;\n'), 'const a = 1;\n');
    // A blank first line is the cursor's line ending: kept, so the rule reads the next line as line 2.
    assert.equal(suggestionStart('\n  return a;\n'), '\n  return a;\n');
  });
});

describe('filter clean-up: what a chat model restates', () => {
  it("the file's first line restated before the code (`<?php`) is dropped; a first line that is code stays", () => {
    const php = '<?php\n\nfinal class Invoice\n{\n    public function isEmpty(): bool\n    {\n        |\n    }\n}\n';
    assert.equal(run(php, '```php\n<?php\n\nreturn $this->lines === [];\n```', { multiline: true }).text, 'return $this->lines === [];');
    const go = 'package store\n\nfunc Len() int {\n\t|\n}\n';
    assert.equal(run(go, 'return 0', { multiline: true }).text, 'return 0');
  });

  it("one line indented in the model's own unit, under a sibling line, comes to the cursor's indentation", () => {
    const css = '.card {\n  display: flex;\n  |\n}\n';
    assert.equal(run(css, '    gap: 8px;').text, 'gap: 8px;');
    // Under a line that opens a block, deeper indentation may be meant: left alone.
    const py = 'if ready:\n    |\n';
    assert.equal(run(py, '    start()').text, 'start()');
    const nested = 'def f():\n    if ready:\n    |\n';
    assert.equal(run(nested, '        start()').text, '    start()');
  });
});

describe('early stop: prose that is the suggestion', () => {
  it('a docstring line ending in a period decides at once (only chat that introduces code waits)', () => {
    assert.equal(suggestionStart('Return the users aged 18 or over.\n'), 'Return the users aged 18 or over.\n');
    assert.equal(suggestionStart('The list of users is as follows:\n'), undefined);
  });
});

describe('filter clean-up: fences in a Markdown document', () => {
  const readme = '# Service\n\n## Running\n\n1. Install with `npm ci`.\n2. |\n';

  it("a fenced block is the document's content: not taken for the wrapper of an answer", () => {
    assert.equal(run(readme, 'Start the service:\n\n```bash\nnpm start\n```', { languageId: 'markdown' }).text, 'Start the service:');
    const section = '# Service\n\n|\n';
    const r = run(section, 'Run it locally.\n\n```bash\nnpm start\n```\n\nThen open the page.', { languageId: 'markdown', multiline: true });
    assert.equal(r.text, 'Run it locally.\n\n```bash\nnpm start\n```\n\nThen open the page.');
  });

  it('a fence tagged as Markdown, or one chat introduces, still wraps the answer', () => {
    assert.equal(run(readme, '```markdown\nStart the service with `npm start`.\n```', { languageId: 'markdown' }).text, 'Start the service with `npm start`.');
    assert.equal(run(readme, 'Here is the next step:\n```\nStart the service with `npm start`.\n```', { languageId: 'markdown' }).text, 'Start the service with `npm start`.');
  });

  it('in code, the same answer is a preamble and a fence around code', () => {
    const sh = '#!/bin/sh\n|\n';
    assert.equal(run(sh, 'Start the service:\n\n```bash\nnpm start\n```', { languageId: 'shellscript' }).text, 'npm start');
  });
});

describe('filter clean-up: a control token on a line of its own among the chat', () => {
  it('is dropped, and the code after it kept', () => {
    assert.equal(run(LINE, 'Here is the missing code:\n<|fim_middle|>\nxs.length;').text, 'xs.length;');
    assert.equal(run(LINE, '```ts\n<｜fim▁end｜>\nxs.length;\n```').text, 'xs.length;');
  });

  it('after the first line of code a control token still ends the answer', () => {
    assert.equal(run('function f() {\n|\n}\n', '  const n = 1;\n<|fim_middle|>\n  return n;', { multiline: true }).text, '  const n = 1;');
  });
});
