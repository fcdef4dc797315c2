/**
 * Clean-up of what real models send: duplicates of the lines after the cursor, completions that
 * start on the next line after a finished statement, chat preambles and fences. Cases from code
 * the models completed (CPython's email package, zod-style TypeScript, Go).
 */
import * as assert from 'node:assert/strict';
import { wantsMultiline } from '../../src/core/context/multiline';
import { cleanup, type CleanupInput } from '../../src/core/filter/cleanup';

/** `|` marks the cursor. */
function run(doc: string, text: string, extra: Partial<CleanupInput> = {}) {
  const at = doc.indexOf('|');
  return cleanup({ text, prefix: doc.slice(0, at), suffix: doc.slice(at + 1), stop: [], multiline: false, maxLines: 8, ...extra });
}

describe('filter clean-up: duplicates of what follows', () => {
  it('a first line that repeats the next line is dropped even when more lines follow', () => {
    const doc = 'def get_params(self):\n    |\n    params = self._get_params_preserve(failobj, header)\n    if params is failobj:\n';
    const r = run(doc, 'params = self._get_params_preserve(failobj, header)\n    if params is failobj:\n        return failobj', { multiline: true });
    assert.equal(r.text, '');
    assert.ok(r.applied.includes('next-line-duplicate'));
  });

  it('trailing ; and , and white space do not make a line different', () => {
    const ts = 'export function parse(input: string) {\n  |\n  const result = schema.safeParse(input);\n}\n';
    assert.equal(run(ts, 'const result = schema.safeParse(input)').text, '');
    const obj = 'const shape = {\n  |\n  name: z.string(),\n};\n';
    assert.equal(run(obj, 'name: z.string()').text, '');
    const go = 'func (b *Basket) Add(item Item) {\n\t|\n\tb.items = append(b.items, item)\n}\n';
    assert.equal(run(go, 'b.items = append(b.items, item)  ').text, '');
  });

  it('`};` and `}` are the same closing line: the suggestion ends before it', () => {
    const doc = 'const handlers = {\n  onClose() {\n    |\n  }\n};\n';
    const r = run(doc, 'this.stop();\n  };', { multiline: true });
    assert.equal(r.text, 'this.stop();');
    const block = 'if (ready) {\n  start();\n|\n}\n';
    assert.equal(run(block, '};', { multiline: true }).text, '');
  });

  it('a different line, or a closer at another indentation, is kept', () => {
    const doc = 'def f(a):\n    |\n    return a\n';
    assert.equal(run(doc, 'a = a + 1').text, 'a = a + 1');
    const nested = 'function f() {\n  if (a) {\n    b();\n  |\n}\n';
    assert.equal(run(nested, '}', { multiline: true }).text, '}');
  });
});

describe('filter clean-up: a completion that starts on the next line', () => {
  it('after a finished statement, `\\n}` is shown though the position asked for one line', () => {
    const doc = 'function add(a: number, b: number) {\n  return a + b|\n';
    const r = run(doc, '\n}\n\nexport function sub(a: number, b: number) {');
    assert.equal(r.text, '\n}');
    assert.ok(r.applied.includes('next-line-start'));
    const py = 'def charset_count(msg):\n    n = len(msg.get_charsets())|\n\ndef other():\n';
    assert.equal(run(py, '\n    return n\n\ndef other():').text, '\n    return n');
  });

  it('only after a finished statement: an open expression or text after the cursor still drops it', () => {
    assert.equal(run('const total = a +|\n', '\n  b;').text, '');
    assert.equal(run('call(a, |)\n', '\nb').text, '');
    assert.equal(run('\n|\n', '\nfoo();').text, '');
  });

  it('a next line that repeats the line after the cursor is still a duplicate', () => {
    const doc = 'function add(a: number, b: number) {\n  return a + b|\n}\n';
    assert.equal(run(doc, '\n}').text, '');
  });
});

describe('filter clean-up: chat around the code', () => {
  const doc = 'def get_filename(self, failobj=None):\n    missing = object()\n    |\n';

  it('a preamble and a fence are removed and the fenced code kept', () => {
    const r = run(doc, "Here is the completed code:\n```python\nfilename = self.get_param('filename', missing, 'content-disposition')\n```\nThis looks the parameter up.", {
      multiline: true,
    });
    assert.equal(r.text, "filename = self.get_param('filename', missing, 'content-disposition')");
    assert.ok(r.applied.includes('fence'));
    const blank = run(doc, "Sure! Here's the missing line.\n\n```\nfilename = self.get_param('filename', missing)\n```", { multiline: true });
    assert.equal(blank.text, "filename = self.get_param('filename', missing)");
  });

  it('a chat opening without a fence is dropped; alone it leaves nothing', () => {
    assert.equal(run(doc, "The completed code is:\nfilename = self.get_param('filename')", { multiline: true }).text, "filename = self.get_param('filename')");
    assert.equal(run(doc, 'Certainly! Here is the code:').text, '');
  });

  it('code that merely starts like a sentence is kept', () => {
    const ts = 'function f(items: string[]) {\n  |\n}\n';
    assert.equal(run(ts, 'this.items = items;').text, 'this.items = items;');
    assert.equal(run(doc, 'ok = True', { multiline: true }).text, 'ok = True');
  });
});

describe('filter clean-up: a docstring the person started is completed as a block', () => {
  const doc = 'class Charset:\n    def get_output_charset(self):\n        """|\n        return self.output_charset or self.input_charset\n';

  it('the position asks for several lines', () => {
    const at = doc.indexOf('|');
    assert.equal(wantsMultiline(doc.slice(0, at), doc.slice(at + 1), 'auto'), true);
    const typed = 'def decode_header(header):\n    """Decode a message header value';
    assert.equal(wantsMultiline(typed, '\n    return header\n', 'auto'), true);
    assert.equal(wantsMultiline('def f():\n    """One line."""', '\n', 'auto'), false);
    assert.equal(wantsMultiline('QUERY = """', '\n', 'auto'), false, 'a string, not a docstring');
  });

  it('the block is the docstring through its closing quotes, not the code the model wrote after it', () => {
    const text =
      'Return the output character set.\n\n        This is the input charset when no output charset is set.\n        """\n        return self.output_charset or self.input_charset';
    const r = run(doc, text, { multiline: true, languageId: 'python' });
    assert.equal(r.text, 'Return the output character set.\n\n        This is the input charset when no output charset is set.\n        """');
    assert.ok(r.applied.includes('literal-end'));
  });

  it('a doc comment likewise ends at */', () => {
    const ts = 'export class Charset {\n  /**|\n  getOutput(): string {\n';
    const r = run(ts, '\n   * The output character set.\n   */\n  get output(): string {', { multiline: true, languageId: 'typescript' });
    assert.equal(r.text, '\n   * The output character set.\n   */');
  });
});
