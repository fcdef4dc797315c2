/**
 * True lines of real code the consistency filter must keep, each next to an invented name of the
 * same shape that it must still catch: JSX tags and attributes, ES private members, open worlds
 * (unresolvable imports and bases), languages without a grammar, declarations in the suggestion.
 */
import * as assert from 'node:assert/strict';
import { ConsistencyFilter, type FilterInput } from '../../src/core/filter/consistency';
import { preloadAll } from '../../src/core/syntax/parser';

/** `|` marks the cursor. */
function input(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}): FilterInput {
  const at = doc.indexOf('|');
  assert.ok(at >= 0, 'document needs a | cursor');
  return { text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId, stop: [], multiline: false, maxLines: 8, ...extra };
}

function check(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}) {
  return new ConsistencyFilter().check(input(doc, text, languageId, extra));
}

function assertKept(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}): void {
  const r = check(doc, text, languageId, extra);
  assert.equal(r.verdict, 'keep', `${languageId}: ${JSON.stringify(text)} dropped for ${JSON.stringify(r.unknown)}`);
}

function assertCaught(doc: string, text: string, languageId: string, unknown: string[], extra: Partial<FilterInput> = {}): void {
  const r = check(doc, text, languageId, extra);
  assert.notEqual(r.verdict, 'keep', `${languageId}: ${JSON.stringify(text)} kept`);
  assert.deepEqual(r.unknown, unknown);
}

describe('consistency filter keeps true lines', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  describe('JSX', () => {
    const cart = 'type Cart = { summary(): string; items: string[] };\nexport function CartView({ cart }: { cart: Cart }) {\n  return (\n    <section>\n      |\n    </section>\n  );\n}\n';

    it('lower-case tags are intrinsic elements, attribute names are not bindings', () => {
      assertKept(cart, '<pre>{cart.summary()}</pre>', 'typescriptreact');
      assertKept(cart, '<button type="button" className="primary" aria-label="Checkout" onClick={() => cart.summary()}>Pay</button>', 'typescriptreact');
      assertKept(cart, '<svg:rect xlink:href="#cart" data-count={cart.items.length} />', 'typescriptreact');
      assertKept(cart, '<cart-badge count={cart.items.length}></cart-badge>', 'javascriptreact');
      assertKept(cart, '<ul>', 'typescriptreact');
    });

    it('a line of an element\'s text or of a multi-line tag\'s attributes is JSX, not code', () => {
      const text = 'function Greeting({ user }) {\n  return (\n    <p className="greeting">\n      |\n    </p>\n  );\n}\n';
      assertKept(text, 'Welcome back, {user.name}! You have new messages.', 'javascriptreact');
      assertCaught(text, 'Welcome back, {usr.name}!', 'javascriptreact', ['usr']);
      const tag = 'function Field({ value, onChange }) {\n  return (\n    <input\n      |\n    />\n  );\n}\n';
      assertKept(tag, 'type="text" value={value} onChange={(e) => onChange(e.target.value)}', 'javascriptreact');
      assertCaught(tag, 'value={value} onChange={handleChange}', 'javascriptreact', ['handleChange']);
    });

    it('components, member tags and expressions are still checked', () => {
      assertCaught(cart, '<CartSummary cart={cart} />', 'typescriptreact', ['CartSummary']);
      assertCaught(cart, '<pre>{cart.summaryText()}</pre>', 'typescriptreact', ['summaryText']);
      assertCaught(cart, '<Layout.Footer>{cart.summary()}</Layout.Footer>', 'typescriptreact', ['Layout', 'Footer']);
    });
  });

  describe('ES private members', () => {
    const router =
      "import { BaseRouter } from 'router-core';\n" +
      'export class Router extends BaseRouter {\n' +
      '  #matchResult: string[] = [];\n' +
      '  #routes = new Map<string, number>();\n' +
      '  static #instances = 0;\n' +
      '  #getParamValue(key: string): string {\n    return this.#matchResult.find((p) => p.startsWith(key)) ?? key;\n  }\n' +
      '  get #size(): number {\n    return this.#routes.size;\n  }\n' +
      '  match(key: string, other: unknown) {\n    |\n  }\n' +
      '  #reset() {\n    this.#routes.clear();\n  }\n' +
      '}\n';

    it('private fields, methods, accessors and statics the class declares are known, on any receiver', () => {
      for (const lang of ['typescript', 'javascript']) {
        const doc = lang === 'typescript' ? router : router.replace(/: string\[\]|: number|: string|: unknown|<string, number>|import .*\n/g, '');
        assertKept(doc, 'return this.#getParamValue(key) ?? this.#matchResult;', lang);
        assertKept(doc, 'if (this.#size === 0) this.#reset();', lang);
        assertKept(doc, 'Router.#instances += 1;', lang);
        assertKept(doc, 'return other instanceof Router && other.#routes.size === this.#size;', lang);
        assertKept(doc, 'if (#routes in (other as object)) return;'.replace(lang === 'javascript' ? ' as object' : '\0', ''), lang);
      }
    });

    it('a private name no class here declares is caught', () => {
      assertCaught(router, 'return this.#matchResults;', 'typescript', ['#matchResults']);
      assertCaught(router, 'this.#clearCache();', 'javascript', ['#clearCache']);
      assertCaught(router, 'return #route in other;', 'javascript', ['#route']);
    });

    it('a private member the suggestion declares is its own', () => {
      assertKept('class Counter {\n  |\n}\n', '#count = 0;', 'typescript');
      assertKept('class Counter {\n  #count = 0;\n  |\n}\n', '#bump() { this.#count++; }', 'javascript');
    });
  });
});
