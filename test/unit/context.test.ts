import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULTS, type Settings } from '../../src/core/config';
import { ContextEngine } from '../../src/core/context/engine';
import { prefixWindowStart } from '../../src/core/context/prefixView';
import { sameScope, scopeAt } from '../../src/core/context/scope';
import { stickyPack, type Piece, type PieceGroup } from '../../src/core/context/sticky';
import { codeLines } from '../../src/core/context/prefixView';
import { outlineFromTree } from '../../src/core/lang/outline';
import { indexWorkspace } from '../../src/core/workspace/indexer';
import { SymbolIndex } from '../../src/core/workspace/symbolIndex';
import { infillBody, templateFor, TEMPLATES } from '../../src/core/context/templates';
import { WorkspaceIgnore } from '../../src/core/workspace/workspaceFiles';
import { isSecretPath, looksBinary } from '../../src/core/workspace/exclusion';
import { makeHoleDocument } from '../../src/core/eval/holes';
import { parse, preloadAll } from '../../src/core/lang/parser';
import type { CompletionRequest } from '../../src/core/types';
import { benchContext, plainParse } from '../../src/cli/benchContext';
import { runPrompt } from '../../src/cli/prompt';
import { meanSharedPrefix } from './support';

const FIX = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'context');
const SHOP = path.join(FIX, 'ts-shop');

async function indexed(root: string): Promise<SymbolIndex> {
  const index = new SymbolIndex({ root });
  await indexWorkspace(index, root);
  return index;
}

function request(root: string, rel: string, text: string, offset: number): CompletionRequest {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const abs = path.join(root, rel);
  return {
    doc: {
      uri: abs,
      fsPath: abs,
      languageId: rel.endsWith('.tsx') ? 'typescriptreact' : rel.endsWith('.py') ? 'python' : rel.endsWith('.go') ? 'go' : 'typescript',
      text,
      version: 1,
    },
    cursor: { line, character: offset - before.lastIndexOf('\n') - 1, offset },
    explicit: false,
  };
}

function engineFor(root: string, index: SymbolIndex): ContextEngine {
  const ignore = new WorkspaceIgnore(root);
  return new ContextEngine({
    relativePath: (req) => path.relative(root, req.doc.fsPath!).split(path.sep).join('/'),
    repoName: path.basename(root),
    index,
    isExcluded: (p) => ignore.ignores(p) || isSecretPath(p),
  });
}

const settings = (over: Partial<Settings> = {}): Settings => ({ ...DEFAULTS, model: 'qwen2.5-coder-1.5b', ...over });

describe('workspace/symbolIndex (real parses of fixture workspaces)', () => {
  let shop: SymbolIndex;
  before(async function () {
    this.timeout(60000);
    await preloadAll();
    shop = await indexed(SHOP);
  });

  it('knows every declared name, members and heritage', () => {
    assert.ok(shop.hasName('Inventory') && shop.hasName('needsReorder') && shop.hasName('formatCents'));
    assert.equal(shop.hasName('sendMsg'), false);
    const t = shop.typeInfo('Notifier')!;
    assert.equal(t.kind, 'class');
    assert.deepEqual(t.members, ['sendReceipt', 'formatGreeting']);
    assert.deepEqual(
      shop.typeInfo('Inventory')!.declarations.map((d) => d.path),
      ['src/models/product.ts'],
    );
    assert.equal(shop.declarations('reserve')[0].container, 'Inventory');
  });

  it('resolves relative imports, index files, tsconfig paths, and knows importers', () => {
    assert.deepEqual(shop.resolveImport('src/services/cart.ts', '../models'), ['src/models/index.ts']);
    assert.deepEqual(shop.resolveImport('src/services/pricing.ts', '@models/product'), ['src/models/product.ts']);
    assert.deepEqual(shop.resolveImport('src/services/cart.ts', '@util'), ['src/util/index.ts']);
    assert.deepEqual(shop.resolveImport('src/services/cart.ts', 'lodash'), []);
    assert.deepEqual(shop.importsOf('src/services/cart.ts').sort(), ['src/models/customer.ts', 'src/models/index.ts', 'src/services/pricing.ts', 'src/util/index.ts']);
    assert.deepEqual(shop.importersOf('src/services/pricing.ts'), ['src/services/cart.ts']);
  });

  it('never indexes ignored (.aiignore) or secret files', () => {
    assert.equal(shop.hasName('leakedHelperNeverShown'), false);
    assert.ok(!shop.paths().some((p) => p.includes('secret') || p.includes('.env')));
  });

  it('applies ignore files to workspace paths only: a path outside the workspace neither matches nor throws', () => {
    const ignore = new WorkspaceIgnore(SHOP);
    assert.ok(shop.paths().length > 0);
    assert.equal(ignore.ignores('src/secret/keys.ts'), true);
    for (const p of ['/tmp/intent-edit-x/f0.ts', '../elsewhere/a.ts', '..', 'C:\\work\\a.ts', '']) assert.equal(ignore.ignores(p), false, p);
  });

  it('replaces a file entry as a whole on update, and forgets it on remove and rename', async () => {
    const ix = new SymbolIndex({ config: { tsPaths: [], dependencies: [] } });
    await ix.update('a.ts', 'export class Old { gone(): void {} }', 'typescript');
    assert.ok(ix.hasName('Old') && ix.hasName('gone'));
    await ix.update('a.ts', 'export class New { kept(): void {} }\n', 'typescript');
    assert.equal(ix.hasName('Old'), false);
    assert.equal(ix.hasName('gone'), false);
    assert.deepEqual(ix.typeInfo('New')!.members, ['kept']);
    ix.rename('a.ts', 'b.ts');
    assert.deepEqual(
      ix.declarations('New').map((d) => d.path),
      ['b.ts'],
    );
    ix.remove('b.ts');
    assert.equal(ix.hasName('New'), false);
    assert.equal(ix.size, 0);
  });

  it('merges members through extends, cycles safe', async () => {
    const ix = new SymbolIndex({ config: { tsPaths: [], dependencies: [] } });
    await ix.update('a.ts', 'interface A extends B { a: number }\ninterface B extends A { b: string }\nclass C implements B { c() {} }', 'typescript');
    assert.deepEqual([...ix.membersOf('C')].sort(), ['a', 'b', 'c']);
  });

  it('resolves Python packages (absolute, relative, __init__) and Go packages through go.mod', async () => {
    const py = await indexed(path.join(FIX, 'py-shop'));
    assert.deepEqual(py.resolveImport('shop/cart.py', 'shop.models.item'), ['shop/models/item.py']);
    assert.deepEqual(py.resolveImport('shop/__init__.py', '.models.item'), ['shop/models/item.py']);
    assert.deepEqual(py.resolveImport('shop/cart.py', '.'), ['shop/__init__.py']);
    assert.ok(py.importsOf('shop/cart.py').includes('shop/models/__init__.py'), py.importsOf('shop/cart.py').join(','));
    assert.ok(py.moduleNames().includes('shop.models.item'));
    const go = await indexed(path.join(FIX, 'go-shop'));
    assert.deepEqual(go.resolveImport('cmd/server/main.go', 'example.com/shop/store'), ['store/store.go']);
    assert.deepEqual(go.resolveImport('cmd/server/main.go', 'fmt'), []);
    assert.ok(go.moduleNames().includes('example.com/shop/store'));
    assert.deepEqual(go.typeInfo('Store')!.members, ['Name', 'items', 'Add', 'Count']);
  });
});

describe('context/engine: prompt assembly', () => {
  let index: SymbolIndex;
  let engine: ContextEngine;
  const cartPath = 'src/services/cart.ts';
  const cartText = () => fs.readFileSync(path.join(SHOP, cartPath), 'utf8');

  before(async function () {
    this.timeout(60000);
    await preloadAll();
    index = await indexed(SHOP);
    engine = engineFor(SHOP, index);
  });

  it('puts definitions from other files first (under their paths), then the current file', () => {
    const text = cartText();
    const at = text.indexOf('    await this.notifier.sendReceipt') + 4;
    const hole = makeHoleDocument(text, text.slice(0, at).split('\n').length - 1, 4);
    const p = engine.build(request(SHOP, cartPath, hole.text, hole.offset), settings());
    assert.ok(p.prompt.startsWith('<|repo_name|>ts-shop\n<|file_sep|>'), p.prompt.slice(0, 80));
    const current = p.prompt.indexOf(`<|file_sep|>${cartPath}\n<|fim_prefix|>`);
    assert.ok(current > 0);
    const related = p.prompt.slice(0, current);
    // The receiver's type is defined in another file: its outline is there, with the member to call.
    assert.ok(related.includes('<|file_sep|>src/models/customer.ts\n'), related);
    assert.ok(related.includes('abstract sendReceipt(customer: Customer, totalCents: number): Promise<void>;'), related);
    assert.ok(related.includes('quantityOf(sku: ProductId): number;'));
    // Snippets are in path order (deterministic), never bodies.
    const paths = p.snippets.map((s) => s.path);
    assert.deepEqual(paths, [...paths].sort());
    // Declarations are signatures, never bodies: code with bodies comes only as similar-code
    // windows, after the declarations of the same file and set off by `…`.
    const product = p.snippets.find((s) => s.path === 'src/models/product.ts');
    assert.ok(product, JSON.stringify(p.snippets.map((s) => [s.path, s.reason])));
    const declPart = product.text.split('\n…\n')[0];
    assert.ok(declPart.includes('reserve(sku: ProductId, amount: number): boolean;'), declPart);
    assert.ok(!declPart.includes('this.levels.set(sku, have - amount)'), declPart);
    assert.ok(p.stop.includes('<|file_sep|>') && p.stop.includes('<|fim_middle|>'));
  });

  it('shows code like the code above the cursor from far up the current file, outside its prefix', async () => {
    // A fresh index: the document joins the index it is built against.
    const own = await indexed(SHOP);
    const rel = 'src/services/dispatch.ts';
    const kinds = ['close', 'pin', 'unpin', 'dock', 'undock', 'split', 'merge', 'hide', 'show', 'focus', 'blur', 'grow', 'shrink', 'lock', 'unlock', 'raise', 'lower', 'open'];
    const handler = (k: string) => (k === 'open' ? 'openPanelAnimated' : `${k}Panel`);
    const route = (name: string, upTo: number, tail: string[]) => [
      `export function ${name}(event: PanelEvent, options: PanelOptions) {`,
      '  switch (event.kind) {',
      ...kinds.slice(0, upTo).flatMap((k) => [`    case '${k}':`, `      return ${handler(k)}(event.target, options.animate, options.durationMs);`]),
      ...tail,
    ];
    // Far more than the prefix window holds between the two.
    const filler = Array.from({ length: 300 }, (_, i) => `export const limit${i} = ${i * 7};`);
    const second = ['unpin', 'close', 'dock', 'undock', 'split', 'merge', 'hide', 'show', 'focus', 'blur', 'grow', 'shrink', 'lock', 'unlock', 'raise', 'lower'];
    const text = [
      ...route('routeFirst', kinds.length, ['  }', '}']),
      ...filler,
      'export function routeSecond(event: PanelEvent, options: PanelOptions) {',
      '  switch (event.kind) {',
      ...second.flatMap((k) => [`    case '${k}':`, `      return ${handler(k)}(event.target, options.animate, options.durationMs);`]),
      "    case 'open':",
      '      ',
      '  }',
      '}',
      '',
    ].join('\n');
    const offset = text.indexOf("    case 'open':\n      \n") + "    case 'open':\n      ".length;
    const p = engineFor(SHOP, own).build(request(SHOP, rel, text, offset), settings()).prompt;
    const current = p.indexOf(`<|file_sep|>${rel}\n<|fim_prefix|>`);
    assert.ok(current > 0);
    assert.ok(!p.slice(current).includes('openPanelAnimated'), 'the prefix does not reach the top of the file');
    const head = p.slice(0, current);
    assert.ok(head.includes(`<|file_sep|>${rel}\n`), head.slice(-2000));
    assert.ok(head.includes('return openPanelAnimated(event.target, options.animate, options.durationMs);'), head.slice(-2000));
  });

  it('code below the suffix leaves out blank and comment-only lines', () => {
    const lines = ['  a();', '', '  // why', '  /**', '   * doc', '   */', '  b(); // keep', '  /* one */', '  c();', '  d();'];
    assert.deepEqual(codeLines(lines, 0, 1000, 'typescript'), { code: '  a();\n  b(); // keep\n  c();\n  d();', lines: 10 });
    // Whole lines up to the room; `lines` counts the file's lines taken, comments included.
    assert.deepEqual(codeLines(lines, 0, 28, 'typescript'), { code: '  a();\n  b(); // keep', lines: 8 });
    assert.deepEqual(codeLines(['x = 1', '# note', 'y = 2'], 0, 100, 'python'), { code: 'x = 1\ny = 2', lines: 3 });
  });

  it('sees the hole document, never the file on disk, for the current file', () => {
    const text = cartText();
    const line = text.split('\n').findIndex((l) => l.includes('existing.quantity += quantity'));
    const hole = makeHoleDocument(text, line, 4);
    const removed = hole.groundTruth;
    engine.build(request(SHOP, cartPath, hole.text, hole.offset), settings());
    assert.equal(index.file(cartPath)!.text, hole.text);
    assert.ok(!index.file(cartPath)!.text.includes(removed));
    // A name that only the removed text declared is gone from the index.
    const hole2 = makeHoleDocument(
      text,
      text.split('\n').findIndex((l) => l.includes('totalCents(): number {')),
      2,
    );
    engine.build(request(SHOP, cartPath, hole2.text, hole2.offset), settings());
    assert.equal(
      index.declarations('totalCents').some((d) => d.path === cartPath),
      false,
    );
  });

  it('never puts ignored or secret files into the prompt', () => {
    const text = "import { signingKeySecretValue } from '../secret/keys';\nexport const x = signingKeySecretValue;\n";
    const p = engine.build(request(SHOP, 'src/services/uses-secret.ts', text, text.length), settings());
    assert.ok(!p.prompt.includes('never-in-a-prompt'));
    assert.ok(!p.prompt.includes('leakedHelperNeverShown'));
    assert.ok(!p.snippets.some((s) => s.path.includes('secret')));
  });

  it('applies .gitignore too, for related context', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-ctx-'));
    fs.writeFileSync(path.join(tmp, '.gitignore'), 'gen/\n');
    fs.mkdirSync(path.join(tmp, 'gen'));
    fs.writeFileSync(path.join(tmp, 'gen', 'api.ts'), 'export function generatedOnlyName(): void {}\n');
    fs.writeFileSync(path.join(tmp, 'lib.ts'), 'export function visibleName(): number { return 1 }\n');
    const ix = await indexed(tmp);
    assert.equal(ix.hasName('generatedOnlyName'), false);
    assert.equal(ix.hasName('visibleName'), true);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const name of Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]) {
    it(`stays within the budget with template ${name} (sentinels included) and keeps sentinels as stop words`, () => {
      const text = cartText().repeat(6);
      const offset = Math.floor(text.length * 0.6);
      for (const budget of [256, 1024, 2048]) {
        const s = settings({ fimTemplate: name, contextBudget: budget, apiStyle: name === 'chat' ? 'chat' : 'completions' });
        const p = engine.build(request(SHOP, cartPath, text, offset), s);
        const size = p.prompt.length + (p.suffix?.length ?? 0);
        assert.ok(size <= budget * 4, `${name} ${budget}: ${size}`);
        assert.ok(p.prefix.length > 0, `${name} ${budget}: the prefix must not be squeezed out`);
        for (const st of p.stop) assert.ok(st.length > 0);
      }
    });
  }

  it('shares a long common prefix between consecutive keystrokes (typing replay)', () => {
    const text = cartText();
    const line = text.split('\n').findIndex((l) => l.includes('const total = this.totalCents();'));
    const hole = makeHoleDocument(text, line, 4);
    const prompts: string[] = [];
    for (let k = 0; k <= hole.groundTruth.length; k++) {
      const doc = hole.text.slice(0, hole.offset) + hole.groundTruth.slice(0, k) + hole.text.slice(hole.offset);
      prompts.push(engine.build(request(SHOP, cartPath, doc, hole.offset + k), settings()).prompt);
    }
    const { mean } = meanSharedPrefix(prompts);
    assert.ok(mean >= 0.9, `mean shared prefix ${mean}`);
  });

  it('keeps related context in place across lines of a file (sticky layout), so prompts share their prefix', () => {
    // A person retypes the file line by line; one prompt per line, as a request path that serves
    // most keystrokes from its cache sends. A small budget makes related pieces compete.
    const text = cartText();
    const lines = text.split('\n');
    const from = lines.findIndex((l) => l.includes('class Cart'));
    assert.ok(from > 0);
    const s = settings({ fimTemplate: 'suffix', apiStyle: 'completions', contextBudget: 384 });
    const fresh = engineFor(SHOP, index);
    const prompts: string[] = [];
    for (let l = from + 1; l < lines.length - 1; l++) {
      const offset = lines.slice(0, l).join('\n').length + 1 + lines[l].length;
      // The file as typed so far (the rest of it not yet there), cursor at the end of line l.
      const doc = text.slice(0, offset) + '\n';
      prompts.push(fresh.build(request(SHOP, cartPath, doc, offset), s).prompt);
    }
    const { mean, shares } = meanSharedPrefix(prompts);
    assert.ok(shares.length >= 10);
    assert.ok(mean >= 0.9, `mean shared prefix ${mean.toFixed(3)} over ${shares.length} lines: ${shares.map((x) => x.toFixed(2)).join(' ')}`);
  });

  it('moves the prefix window start only when the window no longer fits, by half the room', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const room = 3000;
    // Fresh: a window that leaves an eighth of the room free, starting on a line.
    let offset = text.length - 5000;
    const a = prefixWindowStart(text, offset, room);
    assert.ok(a === 0 || text[a - 1] === '\n');
    assert.ok(offset - a <= (room * 7) / 8 && offset - a > (room * 7) / 8 - 40, `${offset - a}`);
    // Typing on: the start stays put while the window fits.
    let start = a;
    let moves = 0;
    for (; offset < text.length - 1000; offset += 10) {
      const next = prefixWindowStart(text, offset, room, start);
      assert.ok(next === 0 || text[next - 1] === '\n');
      assert.ok(offset - next <= room, 'the window fits');
      if (next !== start) {
        moves++;
        // A move leaves about half the room free (then the start stays for ~half a window of typing).
        assert.ok(offset - next <= room / 2 + 40, `moved to ${offset - next} before the cursor`);
      }
      start = next;
    }
    // 4000 characters of typing with a 3000-character window: a move per ~1500 characters.
    assert.ok(moves >= 2 && moves <= 3, `moves ${moves}`);
    // The cursor far from the previous start (moved away): the fullest window again.
    assert.equal(prefixWindowStart(text, 1000 + room, room, 100), prefixWindowStart(text, 1000 + room, room));
  });
});

describe('context/engine: stickyPack (what changes the related part between requests)', () => {
  const piece = (name: string, path: string, len = 20): Piece => ({
    key: `${path}#${name}`,
    path,
    line: name.charCodeAt(0),
    text: name.padEnd(len, '.'),
    reason: 'definition',
    kind: 'decl',
  });
  const group = (ranked: Piece[], max: number): PieceGroup => ({ kind: 'decl', ranked, max, cost: (p) => p.text.length });
  const keys = (ps: readonly Piece[]) => ps.map((p) => p.key);

  it('keeps a shown piece that is no longer a candidate here when `keep` allows it (the cause of most related-part breaks)', () => {
    const [a, b, c, d] = [piece('a', 'x.ts'), piece('b', 'x.ts'), piece('c', 'y.ts'), piece('d', 'z.ts')];
    const prev = [a, b, c];
    // b's name scrolled out of the names near the cursor: no longer ranked; d is new.
    const g = group([d, a, c], 200);
    assert.deepEqual(keys(stickyPack([g], prev, 0.5, (p) => p.key === b.key)), keys([a, b, c, d]));
    // Not allowed (file changed, cursor moved away): the run stops at b, as before.
    assert.deepEqual(keys(stickyPack([g], prev, 0.5, () => false)).slice(0, 2), keys([a, c]));
    // Kept as shown even when the candidate's text is now clipped differently.
    const bShort = { ...b, text: 'b'.padEnd(12, '.') };
    const out = stickyPack([group([d, a, bShort, c], 200)], prev, 0.5, () => true);
    assert.deepEqual(keys(out), keys([a, b, c, d]));
    assert.equal(out[1].text, b.text);
  });

  it('makes room for a must-have piece by dropping the newest kept piece that is not one, leaving must-haves in place', () => {
    const [a, b, c, m] = [piece('a', 'p.ts'), piece('b', 'p.ts'), piece('c', 'q.ts'), piece('m', 'r.ts')];
    const n = piece('n', 'a.ts', 30);
    const prev = [a, b, c, m];
    // n and m are the best for the position (must-haves: 50 of 100 with fresh 0.5); kept + n is 110.
    const out = stickyPack([group([n, m, a, b, c], 100)], prev, 0.5);
    assert.deepEqual(keys(out), keys([a, b, m, n]));
  });

  it('frozen (same function): adds nothing even with room, drops from the end what no longer fits', () => {
    const [a, b, c, d] = [piece('a', 'x.ts'), piece('b', 'x.ts'), piece('c', 'y.ts'), piece('d', 'z.ts')];
    const prev = [a, b, c];
    // d is a new candidate and would fit.
    assert.deepEqual(keys(stickyPack([group([d, a, b, c], 90)], prev, 0)), keys([a, b, c, d]));
    assert.deepEqual(keys(stickyPack([group([d, a, b, c], 90)], prev, 0, undefined, true)), keys([a, b, c]));
    // The room shrank to two pieces: the last one goes, the start of the part stays.
    assert.deepEqual(keys(stickyPack([group([d, a, b, c], 45)], prev, 0, undefined, true)), keys([a, b]));
    // A piece whose file changed (neither a candidate any more nor kept) goes; the rest stay in order.
    assert.deepEqual(keys(stickyPack([group([a, c], 80)], prev, 0, () => false, true)), keys([a, c]));
    // A part that holds little (chosen while the document was nearly empty) still fills up.
    assert.deepEqual(keys(stickyPack([group([d, a], 200)], [a], 0, undefined, true)), keys([a, d]));
  });
});

describe('context/engine: the related part within one function (prompt-cache reuse)', () => {
  // Eight modules of types; two functions of the current file use different ones on each line.
  let root: string;
  let index: SymbolIndex;
  const types = Array.from({ length: 8 }, (_, i) => `Kind${i}`);
  before(async function () {
    this.timeout(60000);
    await preloadAll();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-scope-'));
    fs.mkdirSync(path.join(root, 'src'));
    for (const t of types) {
      const members = Array.from({ length: 6 }, (_, j) => `  ${t.toLowerCase()}Field${j}: string;`).join('\n');
      fs.writeFileSync(path.join(root, 'src', `${t}.ts`), `export interface ${t} {\n${members}\n}\nexport function make${t}(): ${t} { return {} as ${t}; }\n`);
    }
    index = await indexed(root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const imports = types.map((t) => `import { ${t}, make${t} } from './${t}';`).join('\n');
  const fn = (name: string, used: string[]) => `export function ${name}() {\n${used.map((t) => `  const v${t} = make${t}();\n  v${t}.${t.toLowerCase()}Field0;`).join('\n')}\n}\n`;
  const text = `${imports}\n\n${fn('first', types.slice(0, 4))}\n${fn('second', types.slice(4))}`;
  const related = (prompt: string, rel: string) => prompt.slice(0, prompt.indexOf(`<|file_sep|>${rel}\n`));
  const at = (needle: string) => text.indexOf(needle) + needle.length;

  it('names the function or method the cursor is in (scopeAt)', async () => {
    const tree = (await parse(text, 'typescript'))!;
    const outline = outlineFromTree(tree, text, 'typescript');
    tree.delete();
    const line = (needle: string) => text.slice(0, at(needle)).split('\n').length - 1;
    assert.match(scopeAt(outline.symbols, line('vKind1.kind1Field0')), /:first$/);
    assert.equal(scopeAt(outline.symbols, line('vKind1.kind1Field0')), scopeAt(outline.symbols, line('vKind3.kind3Field0')));
    assert.match(scopeAt(outline.symbols, line('vKind6.kind6Field0')), /:second$/);
    assert.match(scopeAt(outline.symbols, 0), /^band:0$/);
  });

  it('keeps the scope of a function whose unfinished body does not parse, until its block ends', async () => {
    // The person is typing the body of `second`: the text does not parse into a function yet.
    const typing = `${imports}\n\n${fn('first', types.slice(0, 2))}\nexport function second() {\n  const v = makeKind5(\n    if (v.\n`;
    const tree = (await parse(typing, 'typescript'))!;
    const outline = outlineFromTree(tree, typing, 'typescript');
    tree.delete();
    const lines = typing.split('\n');
    const header = lines.findIndex((l) => l.startsWith('export function second'));
    const cursor = lines.length - 1;
    const prev = `${header}:second`;
    assert.ok(!/:second$/.test(scopeAt(outline.symbols, cursor)), 'the fixture must not parse into `second`');
    assert.equal(scopeAt(outline.symbols, cursor, typing, prev), prev);
    // On the header line itself.
    assert.equal(scopeAt(outline.symbols, header, typing, prev), prev);
    // Past the end of the block (a line back at the header's indentation) the band again.
    const after = `${typing}}\nconst x = 1;\n`;
    assert.match(scopeAt(outline.symbols, cursor + 2, after, prev), /^band:/);
    // Another function's overloads and body are one scope; two functions are not.
    assert.ok(sameScope('10:write', '14:write'));
    assert.ok(!sameScope('10:write', '14:read'));
    assert.ok(!sameScope('band:0', 'band:1'));
  });

  it('treats a run of interfaces as one band, not one scope per interface', async () => {
    const types = 'export interface A {\n  a: string;\n}\nexport interface B {\n  b: number;\n}\n';
    const tree = (await parse(types, 'typescript'))!;
    const outline = outlineFromTree(tree, types, 'typescript');
    tree.delete();
    assert.equal(scopeAt(outline.symbols, 1), scopeAt(outline.symbols, 4));
  });

  it('keeps the related part as it is while the cursor stays in one function, and re-ranks it in another', () => {
    const rel = 'src/current.ts';
    fs.writeFileSync(path.join(root, rel), text);
    const engine = engineFor(root, index);
    // A budget where the eight types compete for the related part.
    const s = settings({ contextBudget: 640 });
    const build = (needle: string) => engine.build(request(root, rel, text, at(needle)), s).prompt;
    const a = related(build('vKind0.kind0Field0;'), rel);
    const b = related(build('vKind3.kind3Field0;'), rel);
    // Same function, other names near the cursor: what was shown stays, in place, and nothing is
    // added after it (an addition would move the current file out of the server's prefix cache).
    assert.equal(b, a, `related part changed within the function:\n${a}\n----\n${b}`);
    // Another function: the best pieces for its lines come in.
    const c = related(build('vKind7.kind7Field0;'), rel);
    assert.ok(c.includes('interface Kind7'), c);
    // Without the previous layout the first function's last line would have been ranked afresh.
    const freshB = related(engineFor(root, index).build(request(root, rel, text, at('vKind3.kind3Field0;')), s).prompt, rel);
    assert.notEqual(freshB, a, 'the fixture must make the related part differ between the two lines');
  });

  it('keeps what comes before the prefix while a short file grows across a size bucket', () => {
    // The whole file fits, so the related part and the code below the suffix get the room the file
    // leaves. Rounding the file's size up to 1,024 characters changed both the moment the person
    // typed across a multiple of 1,024, and with them every byte after, the whole file included.
    const rel = 'src/growing.ts';
    const s = settings({ contextBudget: 640 });
    const cursorNeedle = 'vKind1.kind1Field0;\n';
    const sized = (pad: number) => `// ${'n'.repeat(pad)}\n${text}`;
    const build = (engine: ContextEngine, t: string, offset: number) => engine.build(request(root, rel, t, offset), s).prompt;
    // The prompt's suffix, to place the cursor just below a multiple of 1,024 (offset + suffix).
    const probe = build(engineFor(root, index), sized(0), at(cursorNeedle) + 3);
    const suffixLen = probe.indexOf('<|fim_middle|>') - probe.indexOf('<|fim_suffix|>') - '<|fim_suffix|>'.length;
    const need = at(cursorNeedle) + 3 + suffixLen;
    const pad = 2048 - 20 - need > 0 && 2048 - 20 - need < 1024 ? 2048 - 20 - need : 1024 - 20 - need;
    assert.ok(pad >= 0, `fixture too long: ${need}`);
    const t0 = sized(pad);
    const cursor = at(cursorNeedle) + 3 + pad + 4;
    fs.writeFileSync(path.join(root, rel), t0);
    const engine = engineFor(root, index);
    const typed = '  vKind2.kind2Field1;\n  vKind3.kind3Field2;\n';
    const heads: string[] = [];
    for (let n = 0; n <= typed.length; n += 3) {
      const t = t0.slice(0, cursor) + typed.slice(0, n) + t0.slice(cursor);
      const prompt = build(engine, t, cursor + n);
      assert.ok(prompt.includes(`<|file_sep|>${rel}\n<|fim_prefix|>// n`), 'the prefix must reach the top of the file');
      heads.push(prompt.slice(0, prompt.indexOf('<|fim_prefix|>')));
    }
    assert.ok(heads[0].includes('interface Kind'), 'the fixture must show related declarations');
    for (let i = 1; i < heads.length; i++) assert.equal(heads[i], heads[0], `changed after ${i * 3} characters typed`);
  });
});

describe('context/templates', () => {
  const input = {
    prefix: 'const a = ',
    suffix: ';\n',
    snippets: [{ path: 'b.ts', text: 'export const bee = 1;', reason: 'test' }],
    path: 'a.ts',
    repoName: 'r',
    languageId: 'typescript',
  };

  it('chooses the template from the model name', () => {
    const pick = (m: string) => templateFor(m, 'auto', 'completions').name;
    assert.equal(pick('Qwen2.5-Coder-7B'), 'qwen');
    assert.equal(pick('qwen3-coder:30b'), 'qwen3');
    assert.equal(pick('CodeQwen1.5-7B'), 'codeqwen');
    assert.equal(pick('granite-code:8b'), 'granite');
    assert.equal(pick('JetBrains/Mellum-4b-base'), 'mellum');
    assert.equal(pick('ByteDance-Seed/Seed-Coder-8B-Base'), 'seedcoder');
    assert.equal(pick('mistral-large-latest'), 'plain', 'a Mistral chat model is not Codestral');
    assert.equal(pick('qwen2.5:7b'), 'plain', 'a general Qwen model has no FIM training');
    assert.equal(pick('bigcode/starcoder2-3b'), 'starcoder');
    assert.equal(pick('deepseek-coder-6.7b-base'), 'deepseek');
    assert.equal(pick('codellama:7b-code'), 'codellama');
    assert.equal(pick('codestral-latest'), 'codestral');
    assert.equal(pick('codegemma:2b'), 'codegemma');
    assert.equal(pick('gpt-3.5-turbo-instruct-ish-unknown'), 'plain');
    assert.equal(templateFor('unknown-model', 'auto', 'mistral-fim').name, 'suffix');
    assert.equal(templateFor('anything', 'deepseek', 'completions').name, 'deepseek');
    assert.equal(templateFor('qwen', 'auto', 'chat').name, 'chat');
  });

  it('renders each family with its sentinels, which are always stop words', () => {
    const expect: Record<string, string> = {
      qwen: '<|repo_name|>r\n<|file_sep|>b.ts\nexport const bee = 1;\n<|file_sep|>a.ts\n<|fim_prefix|>const a = <|fim_suffix|>;\n<|fim_middle|>',
      starcoder: '<repo_name>r<file_sep>b.ts\nexport const bee = 1;\n<file_sep>a.ts\n<fim_prefix>const a = <fim_suffix>;\n<fim_middle>',
      deepseek: '<｜fim▁begin｜>// Path: b.ts\n// export const bee = 1;\nconst a = <｜fim▁hole｜>;\n<｜fim▁end｜>',
      codellama: '<PRE> // Path: b.ts\n// export const bee = 1;\nconst a =  <SUF>;\n <MID>',
      codestral: '[SUFFIX];\n[PREFIX] // Path: b.ts\n// export const bee = 1;\nconst a = ',
      codegemma: '<|fim_prefix|>// Path: b.ts\n// export const bee = 1;\nconst a = <|fim_suffix|>;\n<|fim_middle|>',
      qwen3: '<|repo_name|>r\n<|file_sep|>b.ts\nexport const bee = 1;\n<|file_sep|>a.ts\n<|fim_prefix|>const a = <|fim_suffix|>;\n<|fim_middle|>',
      codeqwen: '<reponame>r\n<file_sep>b.ts\nexport const bee = 1;\n<file_sep>a.ts\n<fim_prefix>const a = <fim_suffix>;\n<fim_middle>',
      granite: '<fim_prefix>// Path: b.ts\n// export const bee = 1;\nconst a = <fim_suffix>;\n<fim_middle>',
      mellum: '<filename>b.ts\nexport const bee = 1;\n<filename>a.ts\n<fim_suffix>;\n<fim_prefix>const a = <fim_middle>',
      seedcoder: '<[fim-suffix]>;\n<[fim-prefix]>// Path: b.ts\n// export const bee = 1;\nconst a = <[fim-middle]>',
    };
    for (const [name, prompt] of Object.entries(expect)) {
      const r = TEMPLATES[name as keyof typeof TEMPLATES].render(input);
      assert.equal(r.prompt, prompt, name);
      for (const sentinel of prompt.match(/<[|｜][^>]*[|｜]>|<[a-z_]+>|<(PRE|SUF|MID)>|\[(SUFFIX|PREFIX)\]|<\[[a-z-]+\]>/g) ?? [])
        assert.ok(r.stop.includes(sentinel), `${name}: ${sentinel} is not a stop word`);
    }
    assert.deepEqual(
      TEMPLATES.qwen3.render(input).messages?.map((m) => m.role),
      ['system', 'user'],
      'Qwen3-Coder: the FIM string inside a chat message',
    );
    assert.equal(TEMPLATES.qwen3.render(input).messages?.[1].content, expect.qwen3);
    const s = TEMPLATES.suffix.render(input);
    assert.equal(s.suffix, ';\n');
    assert.equal(TEMPLATES.plain.render(input).suffix, undefined);
    const chat = TEMPLATES.chat.render(input);
    assert.equal(chat.messages?.length, 2);
    assert.ok(chat.messages![1].content.includes('b.ts') && chat.stop.length > 0);
  });

  it('builds a llama.cpp /infill body with related files as input_extra', () => {
    const body = infillBody({ prefix: 'const a = ', suffixText: ';\n', snippets: input.snippets }, { cachePrompt: true, nPredict: 64 });
    assert.deepEqual(body, {
      input_prefix: 'const a = ',
      input_suffix: ';\n',
      input_extra: [{ filename: 'b.ts', text: 'export const bee = 1;' }],
      prompt: '',
      cache_prompt: true,
      n_predict: 64,
    });
  });
});

describe('CLI: prompt and bench context on fixtures', () => {
  it('prompt prints one JSON line per case with the exact prompt and its build time', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-cases-'));
    const cases = path.join(tmp, 'cases.jsonl');
    fs.writeFileSync(
      cases,
      JSON.stringify({ file: 'src/services/cart.ts', line: 40, character: 4 }) + '\n' + JSON.stringify({ file: 'src/services/restock.ts', line: 12, character: 6 }) + '\n',
    );
    let out = '';
    const code = await runPrompt(['--repo', SHOP, '--cases', cases, '--model', 'qwen2.5-coder', '--budget', '512'], { out: (s) => (out += s), err: () => undefined });
    assert.equal(code, 0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; character: number; prompt: string; ms: number });
    assert.equal(lines.length, 2);
    for (const l of lines) {
      assert.ok(l.prompt.length <= 512 * 4 && l.prompt.includes('<|fim_prefix|>') && typeof l.ms === 'number');
    }
    // The removed text of the hole is not in the prompt.
    const disk = fs.readFileSync(path.join(SHOP, 'src/services/cart.ts'), 'utf8').split('\n')[40].trim();
    assert.ok(disk.length > 0 && !lines[0].prompt.includes(disk), disk);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('plainParse (the --parse-floor floor) parses every source file of each language', async function () {
    this.timeout(60000);
    const dir = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'outline');
    const sources = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => /\.(ts|js|py|go|rs|java)$/.test(f));
    const r = await plainParse(dir);
    assert.equal(r.files, sources.length);
    assert.ok(r.files >= 9, String(r.files));
    assert.ok(r.ms >= r.loadMs && r.cpuMs > 0, JSON.stringify(r));
  });

  it('looksBinary: the fast path agrees with the control-character count', () => {
    assert.equal(looksBinary('const a = 1;\n\tlet b = "é";\r\n'), false);
    assert.equal(looksBinary('x\u0000y'), true);
    assert.equal(looksBinary('\u0001\u0002\u0003abcdefg'), true); // 3 of 10 are control characters
    assert.equal(looksBinary('a\u001bb' + 'c'.repeat(100)), false); // one escape in a text file
    assert.equal(looksBinary(''), false);
  });

  it('bench context reports recall for ours and both baselines; ours is at least prefixOnly', async function () {
    this.timeout(60000);
    const r = await benchContext({ repo: SHOP, holes: 40, seed: 7, budget: 512, model: '', replayHoles: 3 });
    assert.equal(r.language, 'typescript');
    assert.equal(r.holes, 40);
    for (const k of ['ours', 'prefixOnly', 'jaccardNeighbors'] as const) {
      const x = r.results[k];
      assert.ok(x.idRecall >= 0 && x.idRecall <= 1);
      assert.ok(x.crossFileIdRecall >= 0 && x.crossFileIdRecall <= 1);
      assert.ok(x.meanPromptTokens > 0 && x.meanPromptTokens <= 512);
      assert.ok(x.buildMs.cold.p95 >= x.buildMs.cold.p50);
    }
    assert.ok(r.results.ours.idRecall >= r.results.prefixOnly.idRecall, JSON.stringify(r.results));
    assert.ok(r.targets > 0);
    // What the cross-file targets are: every declared one also occurs in another file; prefixOnly shows none of them.
    assert.ok(r.crossFileTargets > 0, JSON.stringify(r));
    assert.ok(r.crossFileCeiling.declared > 0 && r.crossFileCeiling.declared <= r.crossFileCeiling.inRepo && r.crossFileCeiling.inRepo <= 1, JSON.stringify(r.crossFileCeiling));
    assert.equal(r.results.prefixOnly.crossFileDeclaredRecall, 0);
    assert.ok(r.results.ours.crossFileDeclaredRecall > 0, JSON.stringify(r.results.ours));
  });
});
