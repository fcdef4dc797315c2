/**
 * Ranking of related context (related.ts, nameSimilarity.ts) on real tree-sitter parses of a small
 * workspace written to a temp folder: namespace imports, name-similar siblings, value per character.
 */
import * as assert from 'node:assert/strict';
import { requestAt } from './support';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULTS } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { indexWorkspace } from '../../src/core/workspace/indexer';
import { nameSimilarity } from '../../src/core/context/nameSimilarity';
import { relatedItems } from '../../src/core/context/related';
import { scopeTypes } from '../../src/core/context/nearNames';
import { keywordsFor } from '../../src/core/lang/identifiers';
import { SymbolIndex } from '../../src/core/workspace/symbolIndex';
import { makeHoleDocument } from '../../src/core/eval/holes';
import { outlineFromTree } from '../../src/core/lang/outline';
import { preloadAll, TreeCache } from '../../src/core/lang/parser';

const API = `export interface Params { message?: string }
export function _email<T>(Class: new () => T, params?: Params): T { return new Class(); }
export function _uuid<T>(Class: new () => T, params?: Params): T { return new Class(); }
export function _cidrv4<T>(Class: new () => T, params?: Params): T { return new Class(); }
export function _cidrv6<T>(Class: new () => T, params?: Params): T { return new Class(); }
export function _base64<T>(Class: new () => T, params?: Params): T { return new Class(); }
export function parseDuration(text: string): number { return text.length; }
export function formatBytes(n: number): string { return String(n); }
`;

const SCHEMAS = `import * as core from "../core/index.js";

export class ZodEmail {}
export class ZodCIDRv4 {}
export class ZodCIDRv6 {}

export function email(params?: core.Params): ZodEmail {
  return core._email(ZodEmail, params);
}

export function cidrv4(params?: core.Params): ZodCIDRv4 {
  return core._cidrv4(ZodCIDRv4, params);
}

export function cidrv6(params?: core.Params): ZodCIDRv6 {
  return core._cidrv6(ZodCIDRv6, params);
}
`;

function workspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-related-'));
  fs.mkdirSync(path.join(root, 'core'));
  fs.mkdirSync(path.join(root, 'classic'));
  fs.writeFileSync(path.join(root, 'core/api.ts'), API);
  fs.writeFileSync(path.join(root, 'core/index.ts'), 'export * from "./api.js";\n');
  fs.writeFileSync(path.join(root, 'classic/schemas.ts'), SCHEMAS);
  return root;
}

describe('context/nameSimilarity', () => {
  it('scores siblings of regularly named declarations above unrelated names', () => {
    assert.ok(nameSimilarity('_cidrv6', 'ZodCIDRv6') > nameSimilarity('_cidrv4', 'ZodCIDRv6'));
    assert.ok(nameSimilarity('$ZodCUID2', '$ZodCUID') > 0.8);
    assert.ok(nameSimilarity('_float64', 'ZodMiniFloat64') >= 0.7);
    assert.ok(nameSimilarity('parseDuration', 'ZodCIDRv6') < 0.2);
    // Too short to say anything.
    assert.equal(nameSimilarity('id', 'id'), 0);
  });
});

describe('context/related: ranking on real parses', () => {
  let root: string;
  let index: SymbolIndex;
  const trees = new TreeCache(4);
  before(async function () {
    this.timeout(60000);
    await preloadAll();
    root = workspace();
    index = new SymbolIndex({ root });
    await indexWorkspace(index, root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  function holeAt(lineText: string) {
    const line = SCHEMAS.split('\n').findIndex((l) => l.includes(lineText));
    const hole = makeHoleDocument(SCHEMAS, line, 2);
    const tree = trees.get('schemas', hole.text, 'typescript')!;
    const outline = outlineFromTree(tree, hole.text, 'typescript');
    index.setOutline('classic/schemas.ts', hole.text, 'typescript', outline);
    return { hole, line, outline };
  }

  it('offers the namespace module’s declaration named like the code around the cursor (core._cidrv6 in cidrv6())', () => {
    const { hole, line, outline } = holeAt('return core._cidrv6(');
    assert.ok(!hole.text.includes('_cidrv6'), 'the hole removed the only use');
    const items = relatedItems({ index, currentPath: 'classic/schemas.ts', languageId: 'typescript', text: hole.text, cursorLine: line, linePrefix: '  ', outline });
    const names = items.map((i) => i.key.split('#')[1]);
    assert.ok(names.includes('_cidrv6'), names.join(','));
    const sib = items.find((i) => i.key.includes('#_cidrv6#'))!;
    assert.equal(sib.path, 'core/api.ts');
    assert.match(sib.text, /^function _cidrv6<T>\(Class: new \(\) => T, params\?: Params\): T;/);
    // Unrelated declarations of the same module are not offered by name.
    assert.ok(!names.includes('parseDuration') && !names.includes('formatBytes'), names.join(','));
    // The sibling ranks above the other unused helpers of the module.
    const rank = (n: string) => names.indexOf(n);
    assert.ok(rank('_base64') < 0 || rank('_cidrv6') < rank('_base64'));
  });

  it('puts the sibling declaration, under its path, into the built prompt', () => {
    const { hole } = holeAt('return core._cidrv6(');
    const abs = path.join(root, 'classic/schemas.ts');
    const engine = new ContextEngine({ relativePath: () => 'classic/schemas.ts', repoName: 'ws', index });
    const p = engine.build(requestAt(hole.text, hole.offset, { uri: abs, fsPath: abs }), { ...DEFAULTS, model: '', contextBudget: 2048 });
    const snip = p.snippets.find((s) => s.path === 'core/api.ts');
    assert.ok(snip, p.snippets.map((s) => s.path).join(','));
    // The declaration (signature, no body), not a usage window.
    assert.match(snip!.text, /function _cidrv6<T>\(Class: new \(\) => T, params\?: Params\): T;/);
    assert.match(p.prompt, /core\/api\.ts[\s\S]*function _cidrv6<T>\(Class: new \(\) => T, params\?: Params\): T;/);
  });
});

describe('context/related: declared types of variables in scope', () => {
  const CHECKER = `import type { Knowledge } from './knowledge';
import { Report } from './report';

export class Checker {
  private knowledge: Knowledge;
  constructor(k: Knowledge) {
    this.knowledge = k;
  }

  check(name: string, fromFile: string): boolean {
    const ws = this.knowledge;
    const report = new Report(name);
    report.add(fromFile);
    if (ws.hasName(name)) return true;
    return false;
  }
}
`;
  it('finds the type of an alias of a field (const ws = this.knowledge) and of `new` (outline field types from a real parse)', async () => {
    await preloadAll();
    const trees = new TreeCache(2);
    const line = CHECKER.split('\n').findIndex((l) => l.includes('if (ws.hasName'));
    const hole = makeHoleDocument(CHECKER, line, 4);
    const outline = outlineFromTree(trees.get('checker', hole.text, 'typescript')!, hole.text, 'typescript');
    const localTypes = new Map<string, string>();
    for (const c of outline.symbols) for (const m of c.members) if (m.typeName) localTypes.set(m.name, m.typeName);
    assert.equal(localTypes.get('knowledge'), 'Knowledge');
    const types = scopeTypes({ text: hole.text, cursorLine: line, languageId: 'typescript' }, localTypes, keywordsFor('typescript'));
    assert.ok(types.has('Knowledge'), [...types.keys()].join(','));
    assert.ok(types.has('Report'), [...types.keys()].join(','));
    // Nearer uses weigh more: `report` (line above) over `ws` (two lines above).
    assert.ok(types.get('Report')! > types.get('Knowledge')!);
    // Type names themselves are not looked up as variables.
    assert.ok(!types.has('Checker'));
  });
});

describe('context/related: a named import outranks a big type that merely shares member names', () => {
  it('ranks the imported literal-union type over an unrelated interface with many same-named members', async function () {
    this.timeout(60000);
    await preloadAll();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-related-'));
    try {
      fs.mkdirSync(path.join(root, 'core'));
      fs.mkdirSync(path.join(root, 'classic'));
      fs.mkdirSync(path.join(root, 'locales'));
      fs.writeFileSync(path.join(root, 'core/checks.ts'), 'export type Formats =\n  | "email"\n  | "url"\n  | "uuid"\n  | "ksuid"\n  | "json_string"\n  | "e164";\n');
      const members = ['email', 'url', 'uuid', 'nanoid', 'cuid', 'ulid', 'ipv4', 'ipv6', 'base64', 'date', 'time', 'duration'];
      fs.writeFileSync(path.join(root, 'classic/schemas.ts'), `export interface ZodString {\n${members.map((m) => `  ${m}(params?: string): this;`).join('\n')}\n}\n`);
      const locale = `import type { Formats } from "../core/checks.js";\n\nconst Nouns: { [k in Formats]?: string } = {\n${members.map((m) => `  ${m}: "${m.toUpperCase()}",`).join('\n')}\n  ksuid: "KSUID",\n};\nexport default Nouns;\n`;
      fs.writeFileSync(path.join(root, 'locales/en.ts'), locale);
      const index = new SymbolIndex({ root });
      await indexWorkspace(index, root);
      const line = locale.split('\n').findIndex((l) => l.includes('ksuid:'));
      const hole = makeHoleDocument(locale, line, 2);
      const outline = outlineFromTree(new TreeCache(2).get('en', hole.text, 'typescript')!, hole.text, 'typescript');
      index.setOutline('locales/en.ts', hole.text, 'typescript', outline);
      const items = relatedItems({ index, currentPath: 'locales/en.ts', languageId: 'typescript', text: hole.text, cursorLine: line, linePrefix: '  ', outline });
      const rank = (name: string) => items.findIndex((i) => i.key.split('#')[1] === name);
      assert.ok(rank('Formats') >= 0, items.map((i) => i.key).join(','));
      assert.ok(rank('ZodString') < 0 || rank('Formats') < rank('ZodString'), items.map((i) => `${i.key} ${i.score.toFixed(2)}`).join(', '));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
