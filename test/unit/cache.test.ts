import * as assert from 'node:assert/strict';
import { CompletionCache, TYPED_AHEAD_MAX, type CacheKeyParts } from '../../src/core/cache/completionCache';

const at = (prefix: string, over: Partial<CacheKeyParts> = {}): CacheKeyParts => ({ model: 'm', prefix, suffix: '\n}\n', contextId: 'qwen', ...over });

describe('cache: typed-ahead completion cache', () => {
  it('serves an exact hit, and the remainder when the person types the first characters', () => {
    const c = new CompletionCache();
    c.set(at('function f() {\n  return '), 'a + b;');
    assert.deepEqual(c.get(at('function f() {\n  return ')), { completion: 'a + b;', typedAhead: 0 });
    assert.deepEqual(c.get(at('function f() {\n  return a +')), { completion: ' b;', typedAhead: 3 });
  });

  it('serves nothing once the typed text departs from the suggestion, or when it is all typed', () => {
    const c = new CompletionCache();
    c.set(at('x = '), 'compute(1)');
    assert.equal(c.get(at('x = comb')), undefined);
    assert.equal(c.get(at('x = compute(1)')), undefined);
  });

  it('follows a multi-line suggestion across the line break', () => {
    const c = new CompletionCache();
    c.set(at('if (x) {'), '\n  go();\n}');
    assert.deepEqual(c.get(at('if (x) {\n  go')), { completion: '();\n}', typedAhead: 5 });
  });

  it('keys on model, suffix and context identity', () => {
    const c = new CompletionCache();
    c.set(at('let a = '), '1;');
    assert.equal(c.get(at('let a = ', { model: 'other' })), undefined);
    assert.equal(c.get(at('let a = ', { contextId: 'starcoder' })), undefined);
    assert.equal(c.get(at('let a = ', { suffix: '\nlet b = 2;\n' })), undefined);
    // Trailing blanks after the cursor do not change the answer.
    assert.ok(c.get(at('let a = ', { suffix: '\n}   \n' })));
  });

  it('looks back at most TYPED_AHEAD_MAX characters', () => {
    const c = new CompletionCache();
    const long = 'x'.repeat(TYPED_AHEAD_MAX + 10);
    c.set(at('s = "'), long + '";');
    assert.ok(c.get(at('s = "' + long.slice(0, TYPED_AHEAD_MAX))));
    assert.equal(c.get(at('s = "' + long.slice(0, TYPED_AHEAD_MAX + 1))), undefined);
  });

  it('is bounded in entries and in bytes', () => {
    const byCount = new CompletionCache({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) byCount.set(at(`v${i} = `), `${i};`);
    assert.equal(byCount.size, 3);
    assert.ok(byCount.get(at('v9 = ')));
    assert.equal(byCount.get(at('v0 = ')), undefined);
    const byBytes = new CompletionCache({ maxEntries: 1000, maxBytes: 64 * 1024 });
    for (let i = 0; i < 200; i++) byBytes.set(at(`w${i} = `), 'y'.repeat(2000));
    assert.ok(byBytes.bytes <= 64 * 1024, `holds ${byBytes.bytes} bytes`);
    assert.ok(byBytes.size < 200 && byBytes.size > 0);
  });

  it('exact mode does no typed-ahead; off mode remembers nothing', () => {
    const exact = new CompletionCache({ mode: 'exact' });
    exact.set(at('q = '), 'run();');
    assert.ok(exact.get(at('q = ')));
    assert.equal(exact.get(at('q = ru')), undefined);
    const off = new CompletionCache({ mode: 'off' });
    off.set(at('q = '), 'run();');
    assert.equal(off.get(at('q = ')), undefined);
  });
});
