import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutlineCache, renderSymbols, type Outline, type OutlineSymbol } from '../../src/core/lang/outline';
import { preloadAll } from '../../src/core/lang/parser';

const FIX = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
const read = (p: string) => fs.readFileSync(path.join(FIX, p), 'utf8');

function find(syms: readonly OutlineSymbol[], name: string): OutlineSymbol {
  const s = syms.find((x) => x.name === name);
  assert.ok(s, `no symbol ${name} in ${syms.map((x) => x.name).join(', ')}`);
  return s;
}
const names = (s: OutlineSymbol) => s.members.map((m) => m.name);

describe('lang/outline (real grammars, fixtures of each language)', () => {
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

  it('TypeScript: a field or variable initialised with `new Foo(…)` or `… as Foo` has type Foo', async () => {
    const o = await cache.outline(
      'class Shell {\n  readonly health = new EndpointHealth();\n  private cfg = load() as Config;\n  count = 0;\n}\nconst cache = new lru.LRUCache<string, number>({ max: 1 });\nconst n = raw as number;\n',
      'typescript',
    );
    const shell = find(o.symbols, 'Shell');
    assert.equal(find(shell.members, 'health').typeName, 'EndpointHealth');
    assert.equal(find(shell.members, 'cfg').typeName, 'Config');
    assert.equal(find(shell.members, 'count').typeName, undefined);
    assert.equal(find(o.symbols, 'cache').typeName, 'LRUCache');
    // `as number`: a predefined type names nothing to look up.
    assert.equal(find(o.symbols, 'n').typeName, undefined);
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
    assert.deepEqual(
      o.imports.map((i) => i.module),
      ['events', './money', './inventory.js'],
    );
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
    assert.deepEqual(
      o.imports.map((i) => [i.module, i.bindings[0].local]),
      [
        ['errors', 'errors'],
        ['fmt', 'fmt'],
        ['strings', 'sq'],
      ],
    );
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
    assert.deepEqual(
      names(find(inv.members, 'Item')).filter((n, i, a) => a.indexOf(n) === i),
      ['sku', 'title', 'priceCents'],
    );
    assert.ok(o.symbols.some((s) => s.name === 'Reserver' && s.kind === 'interface'));
  });

  // Unmodified real-world files (test/fixtures/outline/real/README.md): whole files of the kind a
  // workspace holds, not written for these tests.
  const lineOf = (file: string, needle: string) => {
    const i = read(file).indexOf(needle);
    assert.ok(i >= 0, needle);
    return read(file).slice(0, i).split('\n').length - 1;
  };

  it('Go, real code (the standard library context.go): interfaces, embedded structs, methods on unexported receivers, grouped vars', async () => {
    const f = 'outline/real/context.go';
    const o = await outline(f, 'go');
    assert.equal(o.hasErrors, false);
    assert.equal(o.packageName, 'context');
    assert.deepEqual(
      o.imports.map((i) => [i.module, i.bindings[0].local]),
      [
        ['errors', 'errors'],
        ['internal/reflectlite', 'reflectlite'],
        ['sync', 'sync'],
        ['sync/atomic', 'atomic'],
        ['time', 'time'],
      ],
    );
    const ctx = find(o.symbols, 'Context');
    assert.equal(ctx.kind, 'interface');
    assert.deepEqual(names(ctx), ['Deadline', 'Done', 'Err', 'Value']);
    assert.equal(find(ctx.members, 'Err').returnType, 'error');
    const cancel = find(o.symbols, 'cancelCtx');
    assert.equal(cancel.kind, 'struct');
    assert.equal(cancel.exported, false);
    assert.deepEqual(cancel.heritage, ['Context']);
    assert.deepEqual(names(cancel), ['mu', 'done', 'children', 'err', 'Value', 'Done', 'Err', 'String', 'cancel']);
    assert.equal(find(cancel.members, 'mu').typeName, 'Mutex');
    assert.equal(find(cancel.members, 'cancel').signature, 'func (c *cancelCtx) cancel(removeFromParent bool, err error)');
    assert.equal(find(cancel.members, 'cancel').line, lineOf(f, 'func (c *cancelCtx) cancel('));
    const timer = find(o.symbols, 'timerCtx');
    assert.deepEqual(timer.heritage, ['cancelCtx']);
    assert.deepEqual(names(timer), ['timer', 'deadline', 'Deadline', 'String', 'cancel']);
    assert.equal(find(timer.members, 'timer').typeName, 'Timer');
    assert.deepEqual(names(find(o.symbols, 'valueCtx')), ['key', 'val', 'String', 'Value']);
    assert.equal(find(o.symbols, 'emptyCtx').kind, 'type');
    assert.deepEqual(names(find(o.symbols, 'emptyCtx')), ['Deadline', 'Done', 'Err', 'Value', 'String']);
    const wt = find(o.symbols, 'WithTimeout');
    assert.equal(wt.signature, 'func WithTimeout(parent Context, timeout time.Duration) (Context, CancelFunc)');
    assert.equal(wt.line, lineOf(f, 'func WithTimeout('));
    assert.equal(find(o.symbols, 'Background').returnType, 'Context');
    assert.equal(find(o.symbols, 'DeadlineExceeded').typeName, 'error');
    for (const n of ['Context', 'Canceled', 'DeadlineExceeded', 'CancelFunc', 'WithCancel', 'WithDeadline', 'WithTimeout', 'WithValue', 'Background', 'TODO'])
      assert.ok(o.exports.includes(n), n);
    for (const n of ['cancelCtx', 'emptyCtx', 'propagateCancel', 'closedchan']) assert.ok(!o.exports.includes(n), n);
  });

  it('Rust, real code (once_cell 1.17 lib.rs): pub modules with structs, generic impls, trait impls as heritage, where clauses, use aliases', async () => {
    const f = 'outline/real/once_cell.rs';
    const o = await outline(f, 'rust');
    assert.equal(o.hasErrors, false);
    const unsync = o.symbols.find((s) => s.name === 'unsync' && s.kind === 'namespace');
    const sync = o.symbols.find((s) => s.name === 'sync' && s.kind === 'namespace');
    assert.ok(unsync && sync);
    assert.deepEqual(o.exports.filter((n) => n === 'unsync' || n === 'sync').sort(), ['sync', 'unsync']);
    const cell = find(unsync.members, 'OnceCell');
    assert.equal(cell.kind, 'struct');
    assert.equal(cell.signature, 'pub struct OnceCell<T>');
    for (const h of ['Default', 'Debug', 'Clone', 'PartialEq', 'Eq', 'From']) assert.ok(cell.heritage.includes(h), h);
    for (const m of ['inner', 'new', 'with_value', 'get', 'get_mut', 'set', 'try_insert', 'get_or_init', 'get_or_try_init', 'take', 'into_inner'])
      assert.ok(names(cell).includes(m), m);
    const init = find(cell.members, 'get_or_init');
    assert.equal(init.kind, 'method');
    assert.equal(init.signature, 'pub fn get_or_init<F>(&self, f: F) -> &T where F: FnOnce() -> T,');
    assert.equal(init.returnType, 'T');
    assert.equal(find(cell.members, 'inner').exported, false);
    assert.equal(find(cell.members, 'inner').typeName, 'UnsafeCell');
    const lazy = find(unsync.members, 'Lazy');
    assert.equal(find(lazy.members, 'force_mut').returnType, 'T'); // `-> &mut T`
    assert.equal(find(lazy.members, 'force').line, lineOf(f, 'pub fn force(this: &Lazy<T, F>) -> &T'));
    assert.ok(lazy.heritage.includes('Deref') && lazy.heritage.includes('DerefMut'));
    const syncCell = find(sync.members, 'OnceCell');
    assert.equal(syncCell.signature, 'pub struct OnceCell<T>(Imp<T>);');
    assert.ok(names(syncCell).includes('wait') && names(syncCell).includes('get_unchecked'));
    assert.ok(o.imports.some((i) => i.module === 'super::imp' && i.bindings.some((b) => b.local === 'Imp' && b.imported === 'OnceCell')));
    assert.ok(o.imports.some((i) => i.module === 'core::cell' && i.bindings.map((b) => b.local).join() === 'Cell,UnsafeCell'));
    const unwrap = find(o.symbols, 'unwrap_unchecked');
    assert.equal(unwrap.exported, false);
    assert.equal(unwrap.returnType, 'T');
  });

  it('Java, real code (JLine DefaultHistory from the JDK): annotations, overloads, static and wildcard imports, nested private classes', async () => {
    const f = 'outline/real/DefaultHistory.java';
    const o = await outline(f, 'java');
    assert.equal(o.hasErrors, false);
    assert.equal(o.packageName, 'jdk.internal.org.jline.reader.impl.history');
    assert.ok(o.imports.some((i) => i.module === 'java.util' && i.bindings[0].local === '*'));
    assert.ok(o.imports.some((i) => i.module === 'jdk.internal.org.jline.reader' && i.bindings[0].local === 'LineReader'));
    assert.ok(o.imports.some((i) => i.module === 'jdk.internal.org.jline.reader.LineReader' && i.bindings[0].local === 'HISTORY_IGNORE'));
    const h = find(o.symbols, 'DefaultHistory');
    assert.equal(h.kind, 'class');
    assert.deepEqual(h.heritage, ['History']);
    assert.deepEqual(o.exports, ['DefaultHistory']);
    assert.equal(h.members.filter((m) => m.kind === 'constructor').length, 2);
    assert.equal(h.members.filter((m) => m.name === 'addHistoryLine').length, 2);
    assert.equal(find(h.members, 'DEFAULT_HISTORY_SIZE').signature, 'public static final int DEFAULT_HISTORY_SIZE = 500');
    assert.equal(find(h.members, 'items').typeName, 'LinkedList');
    assert.equal(find(h.members, 'getPath').exported, false);
    assert.equal(find(h.members, 'iterator').returnType, 'ListIterator');
    const load = find(h.members, 'load');
    assert.equal(load.signature, '@Override public void load() throws IOException');
    assert.equal(load.line, lineOf(f, '@Override\n    public void load()'));
    const entry = find(h.members, 'EntryImpl');
    assert.deepEqual(entry.heritage, ['Entry']);
    assert.deepEqual(names(entry), ['index', 'time', 'line', 'EntryImpl', 'index', 'time', 'line', 'toString']);
    const data = find(h.members, 'HistoryFileData');
    assert.equal(data.exported, false);
    assert.ok(names(data).includes('incEntriesInFile'));
    assert.equal(h.endLine, read(f).trimEnd().split('\n').length - 1);
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
