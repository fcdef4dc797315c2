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
import { ConsistencyFilter, type FilterInput } from '../../src/core/filter/consistency';
import { IndexKnowledge } from '../../src/core/filter/indexKnowledge';
import { preloadAll } from '../../src/core/syntax/parser';

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
      ws = await IndexKnowledge.build(dir, { dependencies: true });
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const both = (doc: string, text: string, languageId = 'typescript') => {
      // Without a workspace and with one whose package is declared but not installed.
      assert.deepEqual(verdictOf(doc, text, languageId), KEPT, `no workspace: ${text}`);
      assert.deepEqual(verdictOf(doc, text, languageId, new ConsistencyFilter(ws), { docPath: docPath() }), KEPT, `workspace: ${text}`);
    };

    it('keeps members of a default import and of what its call returns (app.listen, router.get)', () => {
      const doc = "import express from 'express';\nconst app = express();\nconst router = express.Router();\n|\n";
      both(doc, 'app.listen(3000);');
      both(doc, "router.param('id', (req, res, next, id) => next());");
      both(doc, 'express.urlencoded({ extended: true });');
      both(doc, "app.listen(3000);\napp.get('/', (req, res) => res.sendStatus(200));", 'javascript');
    });

    it('keeps members of namespace, destructured and require() imports, and of values derived from them', () => {
      both("import * as fse from 'fs-extra';\n|\n", "fse.copySync('a', 'b');");
      both("import { createClient } from 'redis';\nconst client = createClient();\nasync function main() {\n  const conn = await client.duplicate();\n  |\n}\n", "await conn.hSet('k', 'f', 'v');");
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

    it('an inner typed binding shadows an outer value from an uninstalled package', () => {
      const doc = "import express from 'express';\nconst app = express();\nclass Chat {\n  sendMessage(m: string) { return m; }\n}\nfunction run(app: Chat) {\n  |\n}\n";
      assert.deepEqual(verdictOf(doc, "app.sendMsg('x');", 'typescript'), { verdict: 'drop', unknown: ['sendMsg'] });
    });
  });
});
