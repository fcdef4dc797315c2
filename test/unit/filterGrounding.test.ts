/**
 * Name grounding where the filter can and cannot resolve a receiver, over real tree-sitter parses:
 * a value from a package that is not installed is an open world (its members are kept), while an
 * invented member of a type whose members are all known is still caught. TypeScript/JavaScript
 * imports and what is derived from them; Java classes whose bases are JDK classes; Rust impls,
 * traits, fields and variants.
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
function input(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}): FilterInput {
  const at = doc.indexOf('|');
  assert.ok(at >= 0, 'document needs a | cursor');
  return { text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId, stop: [], multiline: true, maxLines: 8, ...extra };
}

function verdictOf(doc: string, text: string, languageId: string, filter = new ConsistencyFilter(), extra: Partial<FilterInput> = {}): { verdict: string; unknown: string[] } {
  const r = filter.check(input(doc, text, languageId, extra));
  return { verdict: r.verdict, unknown: r.unknown };
}

const KEPT = { verdict: 'keep', unknown: [] };

describe('filter grounding: open worlds and closed types', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  describe('TypeScript: a line that continues a statement', () => {
    const doc = 'function drop(index: Map<string, number>, saved: boolean, key: string): void {\n  if (saved) index.set(key, 1);\n  |\n}\n';

    it('`else` after a one-line if keeps its names whole (`index` is not read as `in` and `dex`)', () => {
      assert.deepEqual(verdictOf(doc, 'else index.delete(key);', 'typescript'), KEPT);
    });

    it('an invented name after such an `else` is still caught', () => {
      const r = verdictOf(doc, 'else index.delete(keyName);', 'typescript');
      assert.notEqual(r.verdict, 'keep');
      assert.deepEqual(r.unknown, ['keyName']);
    });

    it('`catch` and `finally` on a line of their own parse as the try they continue', () => {
      const tryDoc = 'function load(index: Map<string, number>): void {\n  try {\n    index.clear();\n  }\n  |\n}\n';
      assert.deepEqual(verdictOf(tryDoc, 'catch (err) { index.clear(); }', 'typescript'), KEPT);
      assert.deepEqual(verdictOf(tryDoc, 'finally { index.clear(); }', 'typescript'), KEPT);
    });
  });

  describe('TypeScript: class members declared by constructor parameter properties', () => {
    const doc =
      'class Pool {\n  readonly texts: string[] = [];\n  constructor(\n    readonly size: number,\n    private readonly hooks: { done: () => void },\n  ) {}\n  add(index: number): void {\n    |\n  }\n}\n';

    it('a `readonly` parameter property is a member of the class', () => {
      assert.deepEqual(verdictOf(doc, 'if (index >= this.size) return;', 'typescript'), KEPT);
      assert.deepEqual(verdictOf(doc, 'this.hooks.done();', 'typescript'), KEPT);
    });

    it('an invented member of that class is still caught', () => {
      const r = verdictOf(doc, 'if (index >= this.capacity) return;', 'typescript');
      assert.notEqual(r.verdict, 'keep');
      assert.deepEqual(r.unknown, ['capacity']);
    });
  });

  describe('TypeScript/JavaScript values from packages that are not installed', () => {
    let dir: string;
    let ws: IndexKnowledge;
    const docPath = () => path.join(dir, 'src', 'server.ts');

    before(async function () {
      this.timeout(60000);
      // A workspace without node_modules: express, pg, redis are declared in package.json only.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-grounding-'));
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'api', dependencies: { express: '^4.19.0', pg: '^8.0.0', redis: '^4.0.0' } }));
      fs.writeFileSync(path.join(dir, 'src', 'chat.ts'), 'export class Chat {\n  sendMessage(text: string): string { return text; }\n}\n');
      fs.writeFileSync(path.join(dir, 'src', 'server.ts'), '\n');
      fs.writeFileSync(path.join(dir, 'src', 'table.json'), JSON.stringify({ widgetNames: 'a b' }));
      ws = await IndexKnowledge.build(dir, { dependencies: true });
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const both = (doc: string, text: string, languageId = 'typescript') => {
      // Without a workspace and with one whose package is declared but not installed.
      assert.deepEqual(verdictOf(doc, text, languageId), KEPT, `no workspace: ${text}`);
      assert.deepEqual(verdictOf(doc, text, languageId, new ConsistencyFilter(ws), { docPath: docPath() }), KEPT, `workspace: ${text}`);
    };

    it('keeps members of a JSON module the workspace holds (its keys are not in the symbol index)', () => {
      const doc = "import table from './table.json';\nexport function names(): string[] {\n  |\n}\n";
      assert.deepEqual(verdictOf(doc, "return table.widgetNames.split(' ');", 'typescript', new ConsistencyFilter(ws), { docPath: docPath() }), KEPT);
      assert.deepEqual(verdictOf(doc, "return table.widgetNames.split(' ');", 'typescript'), KEPT);
    });

    it('keeps members of a module namespace typed `typeof ns` and returned by a function of the document', () => {
      const doc =
        "import type * as Lib from 'llama-lib';\nexport type LibModule = typeof Lib;\nexport function load(): Promise<LibModule> {\n  return import('llama-lib');\n}\nexport async function start(): Promise<void> {\n  const m = await load();\n  |\n}\n";
      both(doc, 'return m.getLlama({ gpu: false });');
    });

    it('an invented member of what a document function returns, typed by a local interface, is still caught', () => {
      const doc =
        'interface Runtime {\n  start(): void;\n}\nexport function load(): Runtime {\n  return { start() {} };\n}\nexport function go(): void {\n  const m = load();\n  |\n}\n';
      const r = verdictOf(doc, 'm.startNow();', 'typescript');
      assert.notEqual(r.verdict, 'keep');
      assert.deepEqual(r.unknown, ['startNow']);
    });

    it('keeps members of a default import and of what its call returns (app.listen, router.get)', () => {
      const doc = "import express from 'express';\nconst app = express();\nconst router = express.Router();\n|\n";
      both(doc, 'app.listen(3000);');
      both(doc, "router.param('id', (req, res, next, id) => next());");
      both(doc, 'express.urlencoded({ extended: true });');
      both(doc, "app.listen(3000);\napp.get('/', (req, res) => res.sendStatus(200));", 'javascript');
    });

    it('keeps members of namespace, destructured and require() imports, and of values derived from them', () => {
      both("import * as fse from 'fs-extra';\n|\n", "fse.copySync('a', 'b');");
      both(
        "import { createClient } from 'redis';\nconst client = createClient();\nasync function main() {\n  const conn = await client.duplicate();\n  |\n}\n",
        "await conn.hSet('k', 'f', 'v');",
      );
      both("const { Pool } = require('pg');\nconst pool = new Pool();\n|\n", 'pool.totalCount;', 'javascript');
      both("function make() {\n  const express = require('express');\n  const app = express();\n  |\n}\n", 'app.listen(8080);', 'javascript');
    });

    it('keeps members of a parameter typed with a type from an uninstalled package', () => {
      const doc = "import type { Request, Response } from 'express';\nexport function handle(req: Request, res: Response) {\n  |\n}\n";
      both(doc, 'res.sendStatus(req.params.id ? 200 : 404);');
    });

    it('still drops an invented member of a local class and of a workspace class', () => {
      const local = "import express from 'express';\nclass Chat {\n  sendMessage(m: string) { return m; }\n  run() {\n    |\n  }\n}\n";
      assert.deepEqual(verdictOf(local, "this.sendMsg('hi');", 'typescript'), { verdict: 'drop', unknown: ['sendMsg'] });
      const imported = "import { Chat } from './chat';\nconst chat = new Chat();\n|\n";
      const r = verdictOf(imported, "chat.sendMsg('hi');", 'typescript', new ConsistencyFilter(ws), { docPath: docPath() });
      assert.deepEqual(r, { verdict: 'drop', unknown: ['sendMsg'] });
    });

    it("checks members of an array method's callback parameter against the array's element type", () => {
      const doc =
        'interface Item { sku: string; price: number }\nclass Cart {\n  items: Item[] = [];\n  remove(sku: string) {\n    const list: Array<Item> = this.items;\n    |\n  }\n}\n';
      assert.deepEqual(verdictOf(doc, 'return this.items.findIndex((i) => i.sku === sku && i.active);', 'typescript'), { verdict: 'drop', unknown: ['active'] });
      assert.deepEqual(verdictOf(doc, 'return list.reduce((sum, it) => sum + it.cost, 0);', 'typescript'), { verdict: 'drop', unknown: ['cost'] });
      assert.deepEqual(verdictOf(doc, 'return this.items.filter((i) => i.sku !== sku).map((i) => i.price.toFixed(2));', 'typescript'), KEPT);
      // A parameter typed in the callback is read with its own type.
      assert.deepEqual(verdictOf(doc, 'return this.items.map((i: any) => i.active);', 'typescript'), KEPT);
    });

    it('a package declared by its @types package is not an open world: an invented member is still caught', async function () {
      this.timeout(30000);
      const typed = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-grounding-types-'));
      try {
        fs.mkdirSync(path.join(typed, 'src'));
        fs.mkdirSync(path.join(typed, 'node_modules', '@types', 'geo'), { recursive: true });
        fs.writeFileSync(path.join(typed, 'package.json'), JSON.stringify({ name: 'map', devDependencies: { '@types/geo': '1.0.0' } }));
        fs.writeFileSync(path.join(typed, 'node_modules', '@types', 'geo', 'index.d.ts'), 'export declare function distanceBetween(a: number, b: number): number;\n');
        fs.writeFileSync(path.join(typed, 'src', 'main.ts'), '\n');
        const k = await IndexKnowledge.build(typed, { dependencies: true });
        const doc = "import * as geo from 'geo';\n|\n";
        const at = { docPath: path.join(typed, 'src', 'main.ts') };
        assert.deepEqual(verdictOf(doc, 'geo.distanceBetween(1, 2);', 'typescript', new ConsistencyFilter(k), at), KEPT);
        assert.deepEqual(verdictOf(doc, 'geo.distanceBtwn(1, 2);', 'typescript', new ConsistencyFilter(k), at), { verdict: 'drop', unknown: ['distanceBtwn'] });
      } finally {
        fs.rmSync(typed, { recursive: true, force: true });
      }
    });

    it('an inner typed binding shadows an outer value from an uninstalled package', () => {
      const doc = "import express from 'express';\nconst app = express();\nclass Chat {\n  sendMessage(m: string) { return m; }\n}\nfunction run(app: Chat) {\n  |\n}\n";
      assert.deepEqual(verdictOf(doc, "app.sendMsg('x');", 'typescript'), { verdict: 'drop', unknown: ['sendMsg'] });
    });
  });
  describe("Java: inherited members from JDK bases, members of the file's own classes", () => {
    const inClass = (head: string, body = '') => `import java.util.HashMap;\n\n${head} {\n${body}    public void work(String name) {\n        |\n    }\n}\n`;

    it('keeps methods inherited from a JDK base, unqualified or on this / super', () => {
      assert.deepEqual(verdictOf(inClass('public class Registry extends HashMap<String, Integer>'), 'putIfAbsent(name, 0);\nthis.merge(name, 1, Integer::sum);', 'java'), KEPT);
      assert.deepEqual(verdictOf(inClass('public class Worker extends Thread'), 'setDaemon(true);\nstart();', 'java'), KEPT);
      assert.deepEqual(verdictOf(inClass('public class AppError extends Exception'), 'String m = getMessage() + super.getLocalizedMessage();', 'java'), KEPT);
      assert.deepEqual(verdictOf(inClass('public class Task implements Runnable', '    public void run() {}\n'), 'run();', 'java'), KEPT);
    });

    it('keeps methods on JDK values and classes a wildcard import brings in', () => {
      const doc =
        'import java.util.*;\nimport java.util.stream.*;\n\npublic class Names {\n    List<String> trimmed(List<String> list, StringBuilder sb, Map<String, List<Integer>> map) {\n        |\n    }\n}\n';
      assert.deepEqual(
        verdictOf(
          doc,
          'map.computeIfAbsent("k", k -> new ArrayList<>()).add(1);\nsb.append("x").reverse();\nreturn list.stream().map(String::trim).collect(Collectors.toList());',
          'java',
        ),
        KEPT,
      );
      const statics = 'import static org.junit.Assert.*;\n\npublic class NamesTest {\n    void trims() {\n        |\n    }\n}\n';
      assert.deepEqual(verdictOf(statics, 'assertEquals(1, 1);', 'java'), KEPT);
    });

    it('reads JDK bases and JDK-typed values with their members: an invented one is dropped, a library base stays open', () => {
      assert.deepEqual(verdictOf(inClass('public class Worker extends Thread'), 'begin();', 'java'), { verdict: 'drop', unknown: ['begin'] });
      const sb = 'public class B {\n    String build(StringBuilder sb) {\n        |\n    }\n}\n';
      assert.deepEqual(verdictOf(sb, 'sb.appendLine("x");', 'java'), { verdict: 'drop', unknown: ['appendLine'] });
      const swing = 'import javax.swing.JFrame;\n\npublic class Window extends JFrame {\n    void open() {\n        |\n    }\n}\n';
      assert.deepEqual(verdictOf(swing, 'setVisible(true);\nthis.pack();', 'java'), KEPT);
    });

    it('drops an invented method of a class the file declares in full (unqualified, on this, on a typed local)', () => {
      const doc =
        'public class Basket {\n    private int total;\n    public void addItem(int price) { total += price; }\n    void run() {\n        Basket other = new Basket();\n        |\n    }\n}\n';
      assert.deepEqual(verdictOf(doc, 'this.addItem(2);\nother.addItem(3);', 'java'), KEPT);
      for (const text of ['addProduct(3);', 'this.addProduct(3);', 'other.addProduct(3);', 'return this.itemCount;']) {
        assert.equal(verdictOf(doc, text, 'java').verdict, 'drop', text);
      }
    });
  });

  describe('Rust: impls, traits, fields, variants, std methods, lifetimes', () => {
    const doc = `use std::collections::HashMap;
use std::fmt;

#[derive(Debug)]
pub enum Shape {
    Circle(f64),
    Square(f64),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shape")
    }
}

pub struct Inventory<'a> {
    items: Vec<&'a str>,
    counts: HashMap<String, usize>,
}

impl<'a> Inventory<'a> {
    pub fn new() -> Self {
        Self { items: Vec::new(), counts: HashMap::with_capacity(8) }
    }
    pub fn add(&mut self, name: &'a str) {
        |
    }
}
`;

    it('keeps trait methods, associated functions, fields, variants, std methods, wildcards and lifetimes', () => {
      for (const text of [
        'self.items.push(name);',
        'let shape = Shape::Circle(1.0);\nlet label = shape.to_string();',
        'let fresh = Self::new();\nlet m: HashMap<String, usize> = HashMap::with_capacity(4);',
        'let total: usize = self.counts.values().copied().sum();\nlet first = self.items.iter().map(|s| s.len()).next().unwrap_or_default();',
        'match self.items.first() {\n    Some(_) => {}\n    _ => {}\n}',
        "fn longest<'z>(a: &'z str, b: &'z str) -> &'z str { if a.len() > b.len() { a } else { b } }",
        "'outer: for i in 0..3 { if i == 1 { break 'outer; } }",
      ])
        assert.deepEqual(verdictOf(doc, text, 'rust'), KEPT, text);
    });

    it('drops an invented method or field of a struct with inherent impls only', () => {
      assert.deepEqual(verdictOf(doc, 'self.add_item(name);', 'rust'), { verdict: 'drop', unknown: ['add_item'] });
      assert.deepEqual(verdictOf(doc, 'self.itemz.push(name);', 'rust'), { verdict: 'drop', unknown: ['itemz'] });
      assert.deepEqual(verdictOf(doc, 'let inv = Inventory::create();', 'rust'), { verdict: 'drop', unknown: ['create'] });
      const typed = 'pub struct P { x: i32 }\n\nfn run(p: &P) {\n    |\n}\n';
      assert.deepEqual(verdictOf(typed, 'let z = p.y;', 'rust'), { verdict: 'drop', unknown: ['y'] });
    });

    it('leaves a struct with a derive or a trait impl, or a blanket impl, open', () => {
      const derived = '#[derive(Serialize)]\npub struct P { x: i32 }\n\nfn run(p: &P) {\n    |\n}\n';
      assert.deepEqual(verdictOf(derived, 'let s = p.serialize_field();', 'rust'), KEPT);
      const blanket =
        'pub struct P { x: i32 }\ntrait Describe { fn describe(&self) -> String; }\nimpl<T: std::fmt::Debug> Describe for T { fn describe(&self) -> String { format!("{:?}", self) } }\n\nfn run(p: &P) {\n    |\n}\n';
      assert.deepEqual(verdictOf(blanket, 'let d = p.describe_all();', 'rust'), KEPT);
    });
  });
  describe('Python: values from packages that are not installed', () => {
    it('keeps members of a value derived from an uninstalled package, drops an invented method of a local class', () => {
      assert.deepEqual(verdictOf('import requests\n\ndef fetch(url):\n    r = requests.get(url)\n    |\n', "return r.json()['items']", 'python'), KEPT);
      assert.deepEqual(verdictOf('import numpy as np\n\ndef grid():\n    m = np.zeros((3, 3))\n    |\n', 'return m.transpose().cumsum()', 'python'), KEPT);
      const own = 'class Chat:\n    def send_message(self, m):\n        return m\n    def run(self):\n        |\n';
      assert.deepEqual(verdictOf(own, "self.send_msg('hi')", 'python'), { verdict: 'drop', unknown: ['send_msg'] });
    });
  });

  describe('Python: a suggestion that ends inside a string the line closes', () => {
    it("checks the members in an f-string substitution the suffix's quote closes", () => {
      const doc = 'from dataclasses import dataclass\n\n@dataclass\nclass User:\n    name: str\n    email: str\n\ndef greet(user: User) -> str:\n    return f"Hello, |"\n';
      assert.deepEqual(verdictOf(doc, '{user.full_name}"', 'python'), { verdict: 'drop', unknown: ['full_name'] });
      assert.deepEqual(verdictOf(doc, '{user.name} <{user.email}>"', 'python'), KEPT);
      // Words of a plain string are not names, closed by the suffix or not.
      assert.deepEqual(verdictOf(doc.replace('f"Hello, |"', '"Hello, |"'), 'dear friend of mine"', 'python'), KEPT);
    });
  });
});
