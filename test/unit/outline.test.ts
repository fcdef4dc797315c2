import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutlineCache, renderSymbols, type Outline, type OutlineSymbol } from '../../src/core/syntax/outline';
import { preloadAll } from '../../src/core/syntax/parser';

const FIX = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
const read = (p: string) => fs.readFileSync(path.join(FIX, p), 'utf8');

function find(syms: readonly OutlineSymbol[], name: string): OutlineSymbol {
  const s = syms.find((x) => x.name === name);
  assert.ok(s, `no symbol ${name} in ${syms.map((x) => x.name).join(', ')}`);
  return s;
}
const names = (s: OutlineSymbol) => s.members.map((m) => m.name);

describe('syntax/outline (real grammars, fixtures of each language)', () => {
  const cache = new OutlineCache();
  const outline = (file: string, lang: string): Promise<Outline> => cache.outline(read(file), lang);

  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  it('TypeScript: classes with members and heritage, interfaces, enums, type aliases, imports with aliases, re-exports', async () => {
    const o = await outline('context/ts-shop/src/models/product.ts', 'typescript');
    const inv = find(o.symbols, 'Inventory');
    assert.equal(inv.kind, 'class');
    assert.deepEqual(names(inv), ['levels', 'constructor', 'reorderThreshold', 'quantityOf', 'restock', 'reserve', 'statusOf', 'needsReorder']);
    assert.equal(find(inv.members, 'quantityOf').signature, 'quantityOf(sku: ProductId): number');
    assert.equal(find(inv.members, 'statusOf').returnType, 'StockStatus');
    assert.deepEqual(names(find(o.symbols, 'StockStatus')), ['InStock', 'Backorder', 'OutOfStock']);
    assert.deepEqual(names(find(o.symbols, 'Product')), ['sku', 'title', 'priceCents', 'tags', 'discontinued']);
    assert.equal(find(o.symbols, 'ProductId').kind, 'type');
    assert.deepEqual(o.exports.sort(), ['Inventory', 'Product', 'ProductId', 'StockStatus']);
    const rendered = renderSymbols(o.symbols, 'typescript');
    assert.ok(!rendered.includes('this.levels.get'), 'no bodies in the outline');
    assert.ok(rendered.includes('reserve(sku: ProductId, amount: number): boolean;'));

    const cart = await outline('context/ts-shop/src/services/cart.ts', 'typescript');
    assert.deepEqual(cart.imports[0], {
      module: '../models',
      bindings: ['Inventory', 'StockStatus', 'Customer', 'Product'].map((n) => ({ local: n, imported: n })),
      line: 0,
    });
    const c = find(cart.symbols, 'Cart');
    assert.ok(names(c).includes('inventory') && names(c).includes('checkout'), names(c).join(','));
    assert.equal(find(c.members, 'pricing').typeName, 'PriceCalculator');
    const idx = await outline('context/ts-shop/src/models/index.ts', 'typescript');
    assert.deepEqual(idx.reexportAll, ['./product', './customer']);
  });

  it('TypeScript: tolerates ERROR nodes (accessor fields), namespaces, default exports, abstract classes', async () => {
    const o = await outline('outline/widgets.ts', 'typescript');
    assert.equal(o.hasErrors, true, 'the 0.1.13 grammar does not know `accessor`');
    const w = find(o.symbols, 'Widget');
    assert.ok(names(w).includes('mount') && names(w).includes('render'));
    assert.deepEqual(find(o.symbols, 'StockBadge').heritage, ['Widget']);
    assert.deepEqual(names(find(o.symbols, 'Widgets')), ['registry', 'register']);
    assert.equal(find(o.symbols, 'createBadge').returnType, 'StockBadge');
  });

  it('TSX: components and props interfaces', async () => {
    const o = await outline('context/ts-shop/src/app.tsx', 'typescriptreact');
    assert.equal(o.hasErrors, false);
    assert.deepEqual(names(find(o.symbols, 'CartViewProps')), ['cart', 'featured', 'onAdd']);
    assert.match(find(o.symbols, 'CartView').signature, /^function CartView\(\{ cart, featured, onAdd \}: CartViewProps\)$/);
  });

  it('JavaScript: classes, private fields, require() and import, module.exports', async () => {
    const o = await outline('outline/cart.js', 'javascript');
    const cart = find(o.symbols, 'Cart');
    assert.deepEqual(cart.heritage, ['EventEmitter']);
    assert.deepEqual(names(cart), ['#lines', 'fromJSON', 'constructor', 'add', 'size']);
    assert.deepEqual(o.imports.map((i) => i.module), ['events', './money', './inventory.js']);
    assert.deepEqual(names(find(o.symbols, 'helpers')), ['clamp', 'isEmpty']);
    assert.deepEqual(o.exports.sort(), ['Cart', 'formatTotal', 'helpers']);
  });

  it('Python: classes with bases, methods, self fields, decorators, from-imports with aliases', async () => {
    const o = await outline('outline/inventory.py', 'python');
    const inv = find(o.symbols, 'Inventory');
    assert.deepEqual(inv.heritage, ['object']);
    for (const m of ['reorder_threshold', '__init__', 'levels', '_reserved', 'quantity_of', 'reserve', 'total_units', '_audit']) assert.ok(names(inv).includes(m), m);
    assert.equal(find(inv.members, 'levels').typeName, 'Dict');
    assert.deepEqual(find(o.symbols, 'TrackedInventory').heritage, ['Inventory']);
    assert.match(find(inv.members, 'total_units').signature, /^@property\ndef total_units\(self\) -> int$/);
    assert.deepEqual(o.imports.find((i) => i.module === '.errors')?.bindings, [{ local: 'StockError', imported: 'OutOfStockError' }]);
    assert.equal(find(o.symbols, 'load_inventory').returnType, 'Inventory');
    assert.ok(!renderSymbols(o.symbols, 'python').includes('raise StockError'));
  });

  it('Go: package, structs with embedded types, interfaces, methods attached to their receiver type', async () => {
    const o = await outline('outline/store.go', 'go');
    assert.equal(o.packageName, 'store');
    const inv = find(o.symbols, 'Inventory');
    assert.deepEqual(inv.heritage, ['Auditor']);
    assert.deepEqual(names(inv), ['levels', 'threshold', 'QuantityOf', 'Reserve', 'String']);
    assert.deepEqual(find(o.symbols, 'Reserver').heritage, ['Stringer']);
    assert.deepEqual(o.imports.map((i) => [i.module, i.bindings[0].local]), [['errors', 'errors'], ['fmt', 'fmt'], ['strings', 'sq']]);
    assert.ok(!o.exports.includes('Auditor') || find(o.symbols, 'Auditor').exported);
  });

  it('Rust: structs, enums, traits, impl blocks (trait impls become heritage), use trees; tolerates async closures', async () => {
    const o = await outline('outline/inventory.rs', 'rust');
    const inv = find(o.symbols, 'Inventory');
    assert.deepEqual(inv.heritage, ['Reserve', 'Display']);
    for (const m of ['levels', 'threshold', 'new', 'status_of', 'refresh', 'reserve', 'quantity_of', 'fmt']) assert.ok(names(inv).includes(m), m);
    assert.deepEqual(names(find(o.symbols, 'Status')), ['InStock', 'Backorder', 'OutOfStock']);
    assert.deepEqual(find(o.symbols, 'Reserve').heritage, ['Display']);
    assert.deepEqual(o.imports.find((i) => i.module === 'crate::errors')?.bindings, [{ local: 'Error', imported: 'StockError' }]);
    assert.equal(find(o.symbols, 'Item').exported, true);
  });

  it('Java: package, imports, class heritage, nested enum and record, interfaces', async () => {
    const o = await outline('outline/Inventory.java', 'java');
    assert.equal(o.packageName, 'com.example.shop.store');
    const inv = find(o.symbols, 'Inventory');
    assert.deepEqual(inv.heritage, ['AbstractStore', 'Reserver', 'Comparable']);
    for (const m of ['DEFAULT_THRESHOLD', 'levels', 'threshold', 'quantityOf', 'reserve', 'audit', 'compareTo', 'Status', 'Item']) assert.ok(names(inv).includes(m), m);
    assert.equal(find(inv.members, 'audit').exported, false);
    assert.deepEqual(names(find(inv.members, 'Item')).filter((n, i, a) => a.indexOf(n) === i), ['sku', 'title', 'priceCents']);
    assert.ok(o.symbols.some((s) => s.name === 'Reserver' && s.kind === 'interface'));
  });

  it('caches by content: the same text is outlined once, another text again', async () => {
    const text = read('outline/store.go');
    const a = await cache.outline(text, 'go');
    assert.equal(await cache.outline(text, 'go'), a);
    assert.notEqual(await cache.outline(text + '\nfunc Extra() {}\n', 'go'), a);
    assert.ok(cache.get(text, 'go'));
  });

  it('gives an empty outline for languages without a grammar', async () => {
    const o = await cache.outline('# Title\n', 'markdown');
    assert.deepEqual(o.symbols, []);
  });
});
