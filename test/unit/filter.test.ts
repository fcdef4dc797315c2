/**
 * The consistency filter over real tree-sitter parses: invented names, members checked against
 * the receiver's resolved type, introduced names, modules, auto-import, prose (English and
 * Chinese), candidate ranking. A small workspace on disk provides the cross-file knowledge.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import type { FilterInput } from '../../src/core/filter/types';
import { IndexKnowledge } from '../../src/core/filter/indexKnowledge';
import { preloadAll } from '../../src/core/lang/parser';

/** `|` marks the cursor. */
function input(doc: string, text: string, languageId = 'typescript', extra: Partial<FilterInput> = {}): FilterInput {
  const at = doc.indexOf('|');
  assert.ok(at >= 0, 'document needs a | cursor');
  return { text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId, stop: [], multiline: false, maxLines: 8, ...extra };
}

describe('consistency filter (real parses)', () => {
  let dir: string;
  let ws: IndexKnowledge;
  const docPath = () => path.join(dir, 'src', 'app.ts');

  before(async function () {
    this.timeout(60000);
    await preloadAll();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-filter-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'demo', dependencies: { 'left-pad': '1.0.0' } }));
    fs.writeFileSync(
      path.join(dir, 'src', 'store.ts'),
      'export class BaseStore {\n  protected size = 0;\n  clear(): void {}\n}\n' +
        'export class MemoryStore extends BaseStore {\n  private items = new Map<string, string>();\n  get(key: string) { return this.items.get(key); }\n  put(key: string, value: string) { this.items.set(key, value); }\n}\n' +
        'export interface Options { verbose: boolean; name: string }\n' +
        'export interface ServerOptions extends Options { port: number }\n' +
        'export function sendMessage(text: string): string { return text; }\n',
    );
    fs.writeFileSync(path.join(dir, 'src', 'other.ts'), 'export class Logger {\n  flushAll(): void {}\n}\n');
    fs.writeFileSync(path.join(dir, 'src', 'app.ts'), 'ON DISK TEXT THAT MUST NOT BE SEEN fetchUser\n');
    ws = await IndexKnowledge.build(dir, { dependencies: false });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const f = () => new ConsistencyFilter(ws);

  it('keeps a call to a method the class has and drops an invented abbreviation (sendMessage → sendMsg)', () => {
    const doc = 'class Chat {\n  sendMessage(m: string) { return m; }\n  run() {\n    |\n  }\n}\n';
    assert.equal(f().check(input(doc, 'this.sendMessage("hi");')).verdict, 'keep');
    const r = f().check(input(doc, 'this.sendMsg("hi");'));
    assert.equal(r.verdict, 'drop');
    assert.deepEqual(r.unknown, ['sendMsg']);
  });

  it('checks this.x against the class and its workspace base class', () => {
    const doc = "import { MemoryStore } from './store';\nclass Cache extends MemoryStore {\n  run() {\n    |\n  }\n}\n";
    const opts = { docPath: docPath() };
    assert.equal(f().check(input(doc, 'this.clear();', 'typescript', opts)).verdict, 'keep', 'inherited from BaseStore via MemoryStore');
    assert.equal(f().check(input(doc, 'this.put("a", "b");', 'typescript', opts)).verdict, 'keep');
    // flushAll exists in the workspace, but on Logger, not on this class.
    const r = f().check(input(doc, 'this.flushAll();', 'typescript', opts));
    assert.equal(r.verdict, 'drop');
    assert.deepEqual(r.unknown, ['flushAll']);
  });

  it('checks members of annotated parameters (options.verbose) following interface extends', () => {
    const doc = "import { ServerOptions, Options } from './store';\nfunction start(options: ServerOptions, o2: Options) {\n  if (|) {}\n}\n";
    const opts = { docPath: docPath() };
    assert.equal(f().check(input(doc, 'options.verbose', 'typescript', opts)).verdict, 'keep');
    assert.equal(f().check(input(doc, 'options.port', 'typescript', opts)).verdict, 'keep');
    assert.equal(f().check(input(doc, 'o2.port', 'typescript', opts)).verdict, 'drop', 'port is on ServerOptions, not Options');
  });

  it('a parameter of a bodiless overload signature types nothing outside it; an untyped local shadows an outer typed name', () => {
    const opts = { docPath: docPath() };
    // zod compile.ts: `function check(def: Options): void;` (an overload) must not type every other `def` in the file.
    const overload =
      "import { Options } from './store';\nfunction check(def: Options): void;\nfunction check(def: Options): void { def.verbose; }\nfunction other(schema: { x: number }) {\n  const def = schema as unknown as { keyType: string };\n  |\n}\n";
    assert.equal(f().check(input(overload, 'if (def.keyType) {}', 'typescript', opts)).verdict, 'keep');
    const inImpl = "import { Options } from './store';\nfunction check(def: Options): void;\nfunction check(def: Options): void {\n  |\n}\n";
    assert.equal(f().check(input(inImpl, 'if (def.port) {}', 'typescript', opts)).verdict, 'drop', 'the implementation still types its own def');
    const shadow =
      "import { Options } from './store';\nfunction run(def: Options) {\n  if (def.verbose) {\n    const def = other() as unknown as { keyType: string };\n    |\n  }\n}\n";
    assert.equal(f().check(input(shadow, 'if (def.keyType) {}', 'typescript', opts)).verdict, 'keep');
  });

  it('resolves `new T()` initialisers and lib types (Map, console, fs)', () => {
    const doc = "import * as fs from 'node:fs';\nconst m = new Map<string, number>();\n|\n";
    assert.equal(f().check(input(doc, 'm.set("a", 1);')).verdict, 'keep');
    assert.equal(f().check(input(doc, 'm.put("a", 1);')).verdict, 'drop');
    assert.equal(f().check(input(doc, 'console.log(fs.readFileSync("x", "utf8"));')).verdict, 'keep');
    assert.deepEqual(f().check(input(doc, 'console.logg("x");')).unknown, ['logg']);
    assert.deepEqual(f().check(input(doc, 'fs.readFileSyncc("x");')).unknown, ['readFileSyncc']);
  });

  it('knows names the suggestion introduces: params, locals, destructuring, loop variables, keys, labels', () => {
    const doc = 'const rows: string[] = [];\n|\n';
    const text = 'for (const [i, row] of rows.entries()) { const { length: len } = row; outer: for (const c of row) { if (len > i) break outer; } const o = { key: c => c }; }';
    assert.equal(f().check(input(doc, text)).verdict, 'keep');
    assert.equal(f().check(input(doc, 'rows.forEach((item, idx) => console.log(item, idx));')).verdict, 'keep');
  });

  it('truncates at the first line naming an unknown entity and drops when the first line does', () => {
    const doc = 'function main(items: string[]) {\n  |\n}\n';
    const r = f().check(input(doc, 'const n = items.length;\n  const m = fetchUser(n);\n  return m;', 'typescript', { multiline: true, docPath: docPath() }));
    assert.equal(r.verdict, 'truncate');
    assert.equal(r.shown, 'const n = items.length;');
    assert.deepEqual(r.unknown, ['fetchUser'], 'fetchUser is only in the on-disk text of this file, which must not count');
    assert.equal(f().check(input(doc, 'fetchUser(items);', 'typescript', { docPath: docPath() })).verdict, 'drop');
  });

  it('drops an import of a package nobody provides, keeps workspace and runtime modules', () => {
    const doc = '|\n';
    const opts = { docPath: docPath() };
    assert.equal(f().check(input(doc, "import { pad } from 'left-padz';", 'typescript', opts)).verdict, 'drop');
    assert.equal(f().check(input(doc, "import { readFileSync } from 'node:fs';", 'typescript', opts)).verdict, 'keep');
    assert.equal(f().check(input(doc, "import { sendMessage } from './store';", 'typescript', opts)).verdict, 'keep');
    assert.equal(f().check(input(doc, "const x = require('./nope');", 'javascript', { docPath: path.join(dir, 'src', 'app.js') })).verdict, 'drop');
  });

  it('grounded auto-import: a workspace export the file does not import yet is kept, with the import as an edit', () => {
    const doc = "import { MemoryStore } from './store';\n\nexport function hello() {\n  return |\n}\n";
    const r = f().check(input(doc, 'sendMessage("hi");', 'typescript', { docPath: docPath() }));
    assert.equal(r.verdict, 'keep');
    assert.deepEqual(r.additionalEdits, [{ offset: doc.indexOf(';') + 1, text: "\nimport { sendMessage } from './store';" }]);
    // Logger comes from other.ts.
    const r2 = f().check(input(doc, 'new Logger().flushAll();', 'typescript', { docPath: docPath() }));
    assert.equal(r2.verdict, 'keep');
    assert.equal(r2.additionalEdits?.[0].text, "\nimport { Logger } from './other';");
  });

  it('JavaScript: this.x assigned in the constructor is a member; others are not', () => {
    const doc = 'class Counter {\n  constructor() {\n    this.count = 0;\n  }\n  inc() {\n    |\n  }\n}\n';
    assert.equal(f().check(input(doc, 'this.count += 1;', 'javascript')).verdict, 'keep');
    assert.equal(f().check(input(doc, 'this.total += 1;', 'javascript')).verdict, 'drop');
  });

  it('JavaScript: Name.x = (…) => { with its body still open declares x (the snippet parses with its brackets closed)', () => {
    const doc = 'class Num {\n  static of() { return new Num(); }\n}\n|\n';
    assert.equal(f().check(input(doc, 'Num.create = (params) => {', 'javascript')).verdict, 'keep');
    assert.equal(f().check(input(doc, 'Num.create = function (params) {', 'javascript')).verdict, 'keep');
    assert.equal(f().check(input(doc, 'Num.make(1);', 'javascript')).verdict, 'drop', 'a static never assigned is still unknown');
    const untyped = 'function setup(inst) {\n  |\n}\n';
    assert.equal(f().check(input(untyped, 'inst.exclde = (values) => {', 'javascript')).verdict, 'drop', 'on an untyped receiver the assigned name must exist somewhere');
  });

  it('Python: self members, builtins, stdlib modules, typed parameters', () => {
    const doc = 'import os\n\nclass Store:\n    def __init__(self):\n        self.items = {}\n\n    def put(self, key: str, value):\n        |\n';
    assert.equal(f().check(input(doc, 'self.items[key] = os.path.join(value, str(len(key)))', 'python')).verdict, 'keep');
    assert.deepEqual(f().check(input(doc, 'self.entries[key] = value', 'python')).unknown, ['entries']);
    assert.equal(f().check(input(doc, 'import requestz', 'python')).verdict, 'drop');
    assert.equal(f().check(input(doc, 'for k, v in self.items.items(): print(k, v)', 'python')).verdict, 'keep');
    assert.equal(f().check(input(doc, 'return fetch_user(key)', 'python')).verdict, 'drop');
  });

  it('ranks several candidates: fewest unknown names, then parse errors, then length', () => {
    const doc = 'class Chat {\n  sendMessage(m: string) { return m; }\n  run() {\n    |\n  }\n}\n';
    const r = f().best([input(doc, 'this.sendMsg("a");'), input(doc, 'this.sendMessage("a"'), input(doc, 'this.sendMessage("a");'), input(doc, 'this.sendMessage();')]);
    assert.equal(r.shown, 'this.sendMessage("a");');
  });

  it("a method's first line typed over (its body closes the class early; the class parses as an ERROR): still read as a class body", () => {
    // The hole: the line `second(): number {` is gone, its body and closing brace are still there.
    const doc =
      'export class Tracker {\n  private pending?: number;\n\n  first(uri: string): number {\n    const p = this.pending;\n    if (!p) return 0;\n    return p;\n  }\n\n  |\n' +
      "    const p = this.pending;\n    if (!p) return undefined;\n    this.pending = undefined;\n    return { kind: 'gone', id: p };\n  }\n}\n";
    const filter = f();
    const r = filter.check(input(doc, 'second(): number {'));
    assert.equal(r.verdict, 'keep', `a method declaration, not a call of an unknown function: ${r.unknown}`);
    assert.equal(filter.repairs, 1, 'the document was completed from the text before the cursor');
    assert.equal(filter.check(input(doc, 'private count = this.pending;')).verdict, 'keep');
    // Members are still checked: declared before the cursor or anywhere in the document.
    assert.equal(filter.check(input(doc, 'private count = this.pendingCount;')).verdict, 'drop');
  });

  it('this.m with m declared further down a class the broken parse ends early (the rest of a line is not there yet)', () => {
    // The hole: the rest of `this.getAll().forEach((query) => {` is gone; its body's `})` now closes the class.
    const doc =
      'export class Cache {\n  private items: string[] = [];\n  clear(): void {\n    batch(() => {\n      |\n        this.remove(query)\n      })\n    })\n  }\n\n' +
      '  remove(q: string): void {\n    this.items = this.items.filter((x) => x !== q);\n  }\n\n  getAll(): string[] {\n    return this.items;\n  }\n\n  async #refresh(): Promise<void> {}\n}\nfunction batch(f: () => void) { f(); }\n';
    const filter = f();
    assert.equal(filter.check(input(doc, 'this.getAll().forEach((query) => {')).verdict, 'keep');
    assert.equal(filter.check(input(doc, 'this.remove(this.getAll()[0]);')).verdict, 'keep');
    // Names the class declares nowhere are still caught, as are its members' look-alikes.
    assert.deepEqual(filter.check(input(doc, 'this.getEvery().forEach((query) => {')).unknown, ['getEvery']);
    assert.deepEqual(filter.check(input(doc, 'this.removeAll();')).unknown, ['removeAll']);
  });

  it('a line of a multi-line parameter list or type literal parses there (parameters, lib types, mapped keys)', () => {
    const params = 'export function call<T extends (...a: any[]) => boolean>(\n  fn: T,\n  |\n): boolean {\n  return fn(...params);\n}\n';
    assert.equal(f().check(input(params, 'params: Parameters<T>,')).verdict, 'keep');
    assert.deepEqual(f().check(input(params, 'params: Paramters<T>,')).unknown, ['Paramters']);
    const mapped = 'export type WithRequired<TTarget, TKey extends keyof TTarget> = TTarget & {\n  |\n}\n';
    assert.equal(f().check(input(mapped, '[_ in TKey]: {}')).verdict, 'keep');
    assert.deepEqual(f().check(input(mapped, '[_ in TKeys]: {}')).unknown, ['TKeys']);
  });

  it('template literals: names in ${…} are checked, template text is not', () => {
    // A substitution opened on an earlier line.
    const multi = 'export function describe(input: string): string {\n  return `got ${\n    |\n  } here`;\n}\n';
    assert.equal(f().check(input(multi, 'input.length')).verdict, 'keep');
    assert.deepEqual(f().check(input(multi, 'inputAsync.length')).unknown, ['inputAsync']);
    // A template begun on this line, the cursor in its text.
    const same = 'export function title(hl: { start: number }, kind: string): string {\n  const t = `line |\n  return t;\n}\n';
    assert.equal(f().check(input(same, '${hl.start + 1} of ${kind}`;')).verdict, 'keep');
    assert.deepEqual(f().check(input(same, '${hl.strt + 1} of ${kind}`;')).unknown, ['strt']);
    // Template text begun on an earlier line: words are text; a substitution is code.
    const text = 'export function body(kind: string): string {\n  return `first line\n  second |`;\n}\n';
    assert.equal(f().check(input(text, 'line with ordinary wordz and ${kind}')).verdict, 'keep');
    assert.equal(f().check(input(text, 'line ${kindz}')).verdict, 'drop');
    // A plain string begun on this line: what follows its closing quote is checked.
    const str = "export function pick(kind: string): string {\n  return kind === 'a|\n}\n";
    assert.equal(f().check(input(str, "' ? kind : 'b';")).verdict, 'keep');
    assert.deepEqual(f().check(input(str, "' ? kindz : 'b';")).unknown, ['kindz']);
  });

  it('a type qualified by a namespace import is not the global of the same name (vscode.Range is not DOM Range)', () => {
    const opts = { docPath: docPath() };
    const doc = "import * as vscode from 'vscode';\nexport function f() {\n  const hl = new vscode.Range(1, 2);\n  |\n}\n";
    assert.equal(f().check(input(doc, 'return hl.start.line;', 'typescript', opts)).verdict, 'keep');
    // The global one still resolves where nothing else is meant.
    const dom = 'export function g() {\n  const r = new Range();\n  |\n}\n';
    assert.equal(f().check(input(dom, 'return r.startOffset;', 'typescript', opts)).verdict, 'keep');
    assert.equal(f().check(input(dom, 'return r.start;', 'typescript', opts)).verdict, 'drop');
  });

  it("node modules' named exports (fs.promises) are members of the module", () => {
    const doc = "import * as fs from 'node:fs';\nexport async function read() {\n  |\n}\n";
    assert.equal(f().check(input(doc, "const b = await fs.promises.readFile('x');")).verdict, 'keep');
    assert.deepEqual(f().check(input(doc, "const b = await fs.promisez.readFile('x');")).unknown, ['promisez']);
  });

  it('names a line of TypeScript declares: export/import list aliases, infer, unfinished type declarations', () => {
    const exportsDoc = "export {\n  sendMessage,\n  |\n} from './store';\n";
    assert.equal(f().check(input(exportsDoc, 'type Options as StoreOptions,')).verdict, 'keep');
    const importsDoc = "import {\n  sendMessage,\n  |\n} from './store';\n";
    assert.equal(f().check(input(importsDoc, 'Options as StoreOptions,', 'typescript', { docPath: docPath() })).verdict, 'keep');
    assert.deepEqual(f().check(input(importsDoc, 'Optionz as StoreOptions,', 'typescript', { docPath: docPath() })).unknown, ['Optionz']);
    const inferDoc = 'export type Unwrap<T> = T extends Promise<\n  |\n>\n  ? U\n  : T;\n';
    assert.equal(f().check(input(inferDoc, 'infer U,')).verdict, 'keep');
    assert.equal(f().check(input('|\n  string;\n', 'export type Label =')).verdict, 'keep');
    const unfinished = "type Base = Pick<{ a: 1 }, 'a'>;\n|\n  T\n>;\n";
    assert.equal(f().check(input(unfinished, 'export type Only<T extends object> = Pick<')).verdict, 'keep');
    assert.deepEqual(f().check(input(unfinished, 'export type Only<T extends object> = Pik<')).unknown, ['Pik']);
  });

  it('a document of the same length but another text is analysed anew (the document cache compares texts)', () => {
    const filter = f();
    assert.equal(filter.check(input('const alpha = 1;\n|', 'alpha;')).verdict, 'keep');
    assert.equal(filter.check(input('const gamma = 1;\n|', 'alpha;')).verdict, 'drop');
    assert.equal(filter.check(input('const alpha = 1;\n|', 'alpha;')).verdict, 'keep');
  });
});

describe('consistency filter: text typed onto an analysed version (typed-ahead cache answers)', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  /**
   * The filter analysed `doc` at its cursor (as while the request was in flight); the person then
   * typed `typed` there and the cache answers `rest`. The verdict must be a fresh filter's, with no
   * new parse of the document (unless `parses`).
   */
  function typedThrough(doc: string, typed: string, rest: string, languageId = 'typescript', parses = false, extra: Partial<FilterInput> = {}) {
    const at = doc.indexOf('|');
    const text = doc.slice(0, at) + doc.slice(at + 1);
    const warm = new ConsistencyFilter();
    warm.prepare(text, languageId, at);
    const before = warm.analyses;
    const now = doc.slice(0, at) + typed + '|' + doc.slice(at + 1);
    const got = warm.check(input(now, rest, languageId, extra));
    const fresh = new ConsistencyFilter().check(input(now, rest, languageId, extra));
    assert.deepEqual(got, fresh, `typed ${JSON.stringify(typed)} then ${JSON.stringify(rest)}`);
    assert.equal(warm.analyses - before, parses ? 1 : 0, parses ? 'parsed again' : 'not parsed again');
    return got;
  }

  const chat = 'class Chat {\n  sendMessage(m: string) { return m; }\n  run() {\n    |\n  }\n}\n';

  it('typing through a line: the rest is read on the analysed version', () => {
    assert.equal(typedThrough(chat, 'this.send', 'Message("hi");').verdict, 'keep');
    const r = typedThrough(chat, 'this.send', 'Msg("hi");');
    assert.equal(r.verdict, 'drop');
    assert.deepEqual(r.unknown, ['sendMsg']);
  });

  it('a line accepted and Enter pressed: names the typed line declares or uses are known, invented ones are not', () => {
    const typed = 'const total = this.sendMessage("a");\n    ';
    assert.equal(typedThrough(chat, typed, 'return total.length;').verdict, 'keep');
    const r = typedThrough(chat, typed, 'return this.sendMsg(total);');
    assert.equal(r.verdict, 'drop');
    assert.deepEqual(r.unknown, ['sendMsg']);
    // Lines are the suggestion's: a bad second line truncates after the first.
    const t = typedThrough(chat, typed, 'const n = total.length;\n    return this.sendMsg(n);', 'typescript', false, { multiline: true });
    assert.equal(t.verdict, 'truncate');
    assert.equal(t.shown, 'const n = total.length;');
  });

  it("a name the person typed themselves counts as the document's", () => {
    assert.equal(typedThrough(chat, 'notify(recipientList, ', 'recipientList.length);').verdict, 'keep');
  });

  it('Python on the same line; across lines it is parsed again', () => {
    const py = 'class Chat:\n    def send_message(self, m):\n        return m\n\n    def run(self):\n        |\n';
    assert.equal(typedThrough(py, 'self.send_', 'message("hi")', 'python').verdict, 'keep');
    assert.equal(typedThrough(py, 'self.send_', 'msg("hi")', 'python').verdict, 'drop');
    assert.equal(typedThrough(py, 'x = self.send_message("a")\n        ', 'return x', 'python', true).verdict, 'keep');
  });
});

describe('consistency filter on prose', () => {
  before(async () => preloadAll());
  const f = new ConsistencyFilter();

  it('English: a city never mentioned is dropped or cut; known names and ordinary words are kept', () => {
    const doc = 'Our trip: we flew to Beijing and then took the train to Shanghai. |';
    assert.equal(f.check(input(doc, 'Shanghai was lovely and the food in Beijing was even better.', 'markdown')).verdict, 'keep');
    const drop = f.check(input(doc, 'Then we went on to Guangzhou.', 'markdown'));
    assert.equal(drop.verdict, 'drop');
    assert.deepEqual(drop.unknown, ['Guangzhou']);
    const cut = f.check(input(doc, 'It rained every day. Next we visited Guangzhou and Shenzhen.', 'markdown'));
    assert.equal(cut.verdict, 'truncate');
    assert.equal(cut.shown, 'It rained every day.');
    assert.deepEqual(cut.unknown, ['Guangzhou', 'Shenzhen']);
    assert.equal(f.check(input(doc, 'We were tired but happy when we got home.', 'plaintext')).verdict, 'keep');
  });

  it('Chinese: 北京 and 上海 are known, 广州 is invented', () => {
    const doc = '这次旅行我们先去了北京，然后坐高铁去了上海。|';
    assert.equal(f.check(input(doc, '上海的小笼包比北京的好吃。', 'plaintext')).verdict, 'keep');
    assert.equal(f.check(input(doc, '我们每天都走了很多路，很累但是很开心。', 'plaintext')).verdict, 'keep');
    const drop = f.check(input(doc, '最后我们去了广州。', 'plaintext'));
    assert.equal(drop.verdict, 'drop');
    assert.deepEqual(drop.unknown, ['广州']);
    const cut = f.check(input(doc, '上海很热。后来又去了杭州市。', 'plaintext'));
    assert.equal(cut.verdict, 'truncate');
    assert.equal(cut.shown, '上海很热。');
  });

  it('comments in code are prose: a code name in a comment must exist', () => {
    const doc = 'function sendMessage(text: string) {}\n// Calls |\n';
    assert.equal(f.check(input(doc, 'sendMessage() for each line.')).verdict, 'keep');
    assert.equal(f.check(input(doc, 'sendMsg() for each line.')).verdict, 'drop');
  });
});
