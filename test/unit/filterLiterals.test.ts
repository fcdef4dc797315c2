/**
 * Strings, docstrings and comments: their words are prose, never names. Cases from real code (the
 * CPython email package's docstrings, a Go query in a raw string, a Java text block) and from what
 * models send there (a docstring line, a docstring closed and followed by code, a one-line cut that
 * leaves a string open).
 */
import * as assert from 'node:assert/strict';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import type { FilterInput } from '../../src/core/filter/types';
import { blankLiterals, literalState } from '../../src/core/filter/literals';
import { preloadAll } from '../../src/core/lang/parser';

/** `|` marks the cursor. */
function input(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}): FilterInput {
  const at = doc.indexOf('|');
  return { text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId, stop: [], multiline: false, maxLines: 8, ...extra };
}

/** A module in the style of email/charset.py: a class whose methods have docstrings. */
const CHARSET_PY = [
  'import email.base64mime',
  '',
  'class Charset:',
  '    def get_body_encoding(self):',
  '        """Return the content-transfer-encoding used for body encoding.',
  '',
  "        This is either the string `quoted-printable' or `base64' depending on",
  '        the encoding used, or it is a function in which case you should call',
  '        the function with a single argument, the Message object being',
  '        encoded.  The function should then set the Content-Transfer-Encoding',
  '        header itself to whatever is appropriate.',
  '',
  '        Returns "quoted-printable" if self.body_encoding is QP.',
  '        Returns "base64" if self.body_encoding is BASE64.',
  '        Returns conversion function otherwise.',
  '        """',
  '        assert self.body_encoding != SHORTEST',
  '',
  '    def __init__(self):',
  '        self.body_encoding = SHORTEST',
  '',
].join('\n');

function at(doc: string, line: number, col: number): string {
  const lines = doc.split('\n');
  lines[line] = lines[line].slice(0, col) + '|';
  return lines.join('\n');
}

describe('filter: strings, docstrings and comments are prose', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  it('a line inside a Python docstring is not read as names (email/charset.py style)', () => {
    const doc = at(CHARSET_PY, 7, 8);
    const r = new ConsistencyFilter().check(input(doc, 'character set, but that includes some 8-bit characters that are normally not', 'python'));
    assert.equal(r.verdict, 'keep', JSON.stringify(r));
  });

  it('a sentence of a docstring starting with a derived or compound word is kept (Functionally, Anything, Settable)', () => {
    const doc = at(CHARSET_PY, 7, 8);
    for (const text of ['Functionally identical to the base encoder.', 'Settable attributes:', 'Anything else will raise a TypeError.']) {
      assert.equal(new ConsistencyFilter().check(input(doc, text, 'python')).verdict, 'keep', text);
    }
  });

  it('a docstring the suggestion closes is prose up to its quotes; the block ends there', () => {
    const doc = at(CHARSET_PY, 15, 8);
    const kept = new ConsistencyFilter().check(input(doc, 'Returns None when nothing is set.\n        """\n        return self.body_encodr', 'python', { multiline: true }));
    assert.equal(kept.verdict, 'keep', JSON.stringify(kept));
    assert.equal(kept.shown, 'Returns None when nothing is set.\n        """');
  });

  it('a comment is prose up to its end; the code lines after it are checked for names', () => {
    const doc = 'class Charset:\n    def __init__(self):\n        self.body_encoding = None  # |\n';
    const text = 'set from the charset map\n        self.header_encoding = self.body_encoding';
    assert.equal(new ConsistencyFilter().check(input(doc, text, 'python', { multiline: true })).verdict, 'keep');
    const r = new ConsistencyFilter().check(input(doc, 'set from the charset map\n        self.header_encoding = self.body_encodr', 'python', { multiline: true }));
    assert.equal(r.verdict, 'truncate');
    assert.deepEqual(r.unknown, ['body_encodr']);
    assert.equal(r.shown, 'set from the charset map');
  });

  it('a docstring begun on the cursor line and left open by a one-line cut is prose', () => {
    const doc = 'class Charset:\n    def get_output_charset(self):\n        |\n        return self.output_charset\n';
    const r = new ConsistencyFilter().check(input(doc, '"""Return the output character set.', 'python'));
    assert.equal(r.verdict, 'keep', JSON.stringify(r));
    const typed = 'class Charset:\n    def get_output_charset(self):\n        """Return the output |\n        return self.output_charset\n';
    assert.equal(new ConsistencyFilter().check(input(typed, 'character set, which is usually the input one.', 'python')).verdict, 'keep');
  });

  it('a one-line string the cut leaves unterminated names nothing; code before it is still checked', () => {
    const doc = 'def check(value):\n    if not value:\n        |\n';
    const r = new ConsistencyFilter().check(input(doc, 'raise ValueError("header value contains a bare newline', 'python'));
    assert.equal(r.verdict, 'keep', JSON.stringify(r));
    const bad = new ConsistencyFilter().check(input(doc, 'raise HeaderValueErr("header value contains a bare newline', 'python'));
    assert.equal(bad.verdict, 'drop');
    assert.deepEqual(bad.unknown, ['HeaderValueErr']);
    const ts = 'function check(value: string) {\n  if (!value) {\n    |\n  }\n}\n';
    assert.equal(new ConsistencyFilter().check(input(ts, "throw new Error('header value contains a bare newline", 'typescript')).verdict, 'keep');
  });

  it('a # inside a string is not a comment: the names after it are checked', () => {
    const doc = 'def quote(s):\n    |\n';
    const r = new ConsistencyFilter().check(input(doc, 'return "#" + quote_chars(s)', 'python'));
    assert.equal(r.verdict, 'drop');
    assert.deepEqual(r.unknown, ['quote_chars']);
  });

  it('a method bound by an import in a Python class body is a member (email/message.py: from email.iterators import walk)', () => {
    const doc = [
      'class Message:',
      '    def get_charsets(self, failobj=None):',
      '        """Return a list containing the charset(s) used in this message."""',
      '        |',
      '',
      '    def get_content_charset(self, failobj=None):',
      '        return failobj',
      '',
      '    from email.iterators import walk',
      '',
    ].join('\n');
    const r = new ConsistencyFilter().check(input(doc, 'return [part.get_content_charset(failobj) for part in self.walk()]', 'python'));
    assert.equal(r.verdict, 'keep', JSON.stringify(r));
  });

  it('a line inside a Go raw string or a Java text block is not read as names', () => {
    const go = 'package store\n\nconst listQuery = `\n\tSELECT id, name\n\t|\n`\n';
    assert.equal(new ConsistencyFilter().check(input(go, 'FROM accounts WHERE owner_id = $1', 'go')).verdict, 'keep');
    const java = 'class Store {\n  static final String QUERY = """\n      SELECT id, name\n      |\n      """;\n}\n';
    assert.equal(new ConsistencyFilter().check(input(java, 'FROM accounts WHERE owner_id = ?', 'java')).verdict, 'keep');
  });

  it('a line inside a TS block comment is prose, and a regex with quotes opens no string', () => {
    const doc = 'const QUOTE = /[\'"]/g;\n/**\n * Splits a header |\n */\nexport function split(h: string) {}\n';
    assert.equal(new ConsistencyFilter().check(input(doc, 'value at commas outside quotes.', 'typescript')).verdict, 'keep');
    const state = literalState('const QUOTE = /[\'"]/g;\nconst x = ', 'typescript');
    assert.equal(state.cursor, undefined, 'the quotes in the regex open nothing');
  });

  it('the lexer resumed from an earlier scan of the same document agrees with a fresh scan', () => {
    const block = 'def f():\n    """Doc with \'quotes\' and # hashes."""\n    return "a" + \'b\'  # note\n\n';
    const long = block.repeat(400) + 'def g():\n    """Open docstring\n    ';
    const fresh = literalState(long, 'python');
    literalState(long.slice(0, 20000), 'python');
    const resumed = literalState(long, 'python');
    assert.deepEqual(resumed, fresh);
    assert.equal(fresh.cursor?.kind, 'docstring');
    assert.equal(literalState(block.repeat(300), 'python').cursor, undefined);
  });

  it('blankLiterals keeps offsets and line breaks', () => {
    const text = '    parts of the header."""\n    return x';
    const out = blankLiterals(text, { kind: 'docstring', close: '"""', escapes: true }, 'python');
    assert.equal(out.length, text.length);
    assert.equal(out, ' '.repeat(27) + '\n    return x');
  });
});
