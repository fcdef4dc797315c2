/**
 * True lines of real code the consistency filter must keep, each next to an invented name of the
 * same shape that it must still catch: JSX tags and attributes, ES private members, open worlds
 * (unresolvable imports and bases), languages without a grammar, declarations in the suggestion.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import type { FilterInput } from '../../src/core/filter/types';
import { IndexKnowledge } from '../../src/core/filter/indexKnowledge';
import type { WorkspaceKnowledge } from '../../src/core/filter/knowledge';
import { preloadAll } from '../../src/core/lang/parser';

/** `|` marks the cursor. */
function input(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}): FilterInput {
  const at = doc.indexOf('|');
  assert.ok(at >= 0, 'document needs a | cursor');
  return { text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId, stop: [], multiline: false, maxLines: 8, ...extra };
}

/** Knowledge for the next checks (none: the filter knows only the document). */
let knowledge: WorkspaceKnowledge | undefined;

function check(doc: string, text: string, languageId: string, extra: Partial<FilterInput> = {}) {
  return new ConsistencyFilter(knowledge).check(input(doc, text, languageId, extra));
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
    const cart =
      'type Cart = { summary(): string; items: string[] };\nexport function CartView({ cart }: { cart: Cart }) {\n  return (\n    <section>\n      |\n    </section>\n  );\n}\n';

    it('lower-case tags are intrinsic elements, attribute names are not bindings', () => {
      assertKept(cart, '<pre>{cart.summary()}</pre>', 'typescriptreact');
      assertKept(cart, '<button type="button" className="primary" aria-label="Checkout" onClick={() => cart.summary()}>Pay</button>', 'typescriptreact');
      assertKept(cart, '<svg:rect xlink:href="#cart" data-count={cart.items.length} />', 'typescriptreact');
      assertKept(cart, '<cart-badge count={cart.items.length}></cart-badge>', 'javascriptreact');
      assertKept(cart, '<ul>', 'typescriptreact');
    });

    it("a line of an element's text or of a multi-line tag's attributes is JSX, not code", () => {
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

  describe('Go, Rust, Java: open worlds and declarations in the suggestion', () => {
    let dir: string;
    let ws: IndexKnowledge;
    const main = 'package main\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\nfunc main() {\n\ts := Basket{}\n\tb := strings.Builder{}\n\t|\n}\n';
    const goPath = () => path.join(dir, 'main.go');

    before(async function () {
      this.timeout(60000);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-filter-go-'));
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/shop\n\ngo 1.22\n');
      fs.writeFileSync(path.join(dir, 'basket.go'), 'package main\n\ntype Basket struct {\n\titems []string\n\tOwner string\n}\n');
      fs.writeFileSync(
        path.join(dir, 'count.go'),
        'package main\n\nimport "strings"\n\nfunc (b *Basket) Count(name string) int {\n\tn := 0\n\tfor _, it := range b.items {\n\t\tif strings.EqualFold(it, name) {\n\t\t\tn++\n\t\t}\n\t}\n\treturn n\n}\n',
      );
      fs.writeFileSync(
        path.join(dir, 'Ledger.java'),
        'public class Ledger {\n  private int total;\n  public void post(int amount) { total += amount; }\n  public int balance() { return total; }\n}\n',
      );
      ws = await IndexKnowledge.build(dir, { dependencies: false });
    });

    after(() => {
      knowledge = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('Go: members of imported packages and of receivers we cannot type are open, without knowledge', () => {
      knowledge = undefined;
      assertKept(main, 'fmt.Println(s.Count("apple"))', 'go');
      assertKept(main, 'b.WriteString(strings.ToUpper(s.Owner))', 'go');
      assertCaught(main, 'fmt.Println(basket.Count("apple"))', 'go', ['basket']);
    });

    it('Go: with knowledge a receiver of a workspace type is checked against its fields and methods in every file', () => {
      knowledge = ws;
      const opts = { docPath: goPath() };
      assertKept(main, 'fmt.Println(s.Count("apple"))', 'go', opts);
      assertKept(main, 'fmt.Printf("%s has %d\\n", s.Owner, s.Count("pear"))', 'go', opts);
      assertCaught(main, 'fmt.Println(s.Total())', 'go', ['Total'], opts);
      assertKept(main, 'b.WriteString(s.Owner)', 'go', opts);
    });

    it('Java: a local of a workspace class is checked; library receivers are open', () => {
      knowledge = ws;
      const doc = 'import java.util.List;\n\nclass Report {\n  void print(Ledger ledger, List<String> lines) {\n    |\n  }\n}\n';
      const opts = { docPath: path.join(dir, 'Report.java') };
      assertKept(doc, 'lines.forEach(line -> System.out.println(line + ledger.balance()));', 'java', opts);
      assertCaught(doc, 'ledger.balanceOf(lines.size());', 'java', ['balanceOf'], opts);
    });

    it('names the suggestion declares are known: parameters, results, fields, locals, loop and pattern variables', () => {
      knowledge = undefined;
      const goFile = 'package main\n\ntype Basket struct{ items []string }\n\n|\n';
      assertKept(goFile, 'func scale(xs []float64, factor float64) (out []float64, err error) { return xs, nil }', 'go');
      assertKept(goFile, 'func (b *Basket) Add(name string) { b.items = append(b.items, name) }', 'go');
      assertKept(goFile, 'type Point struct { X, Y int; Label string }', 'go');
      assertKept('package main\n\nfunc main() {\n\titems := []int{1}\n\t|\n}\n', 'for i, item := range items { fmt.Println(i, item) }'.replace('fmt.Println', 'println'), 'go');
      const javaMethod = 'class Account {\n  void settle() {\n    |\n  }\n}\n';
      assertKept(javaMethod, 'int total = 0; for (int i = 0; i < 3; i++) { total += i; }', 'java');
      assertKept(javaMethod, 'try { Thread.sleep(10); } catch (InterruptedException ex) { ex.printStackTrace(); }', 'java');
      assertKept('class Account {\n  |\n}\n', 'public int add(int left, int right) { return left + right; }', 'java');
      assertCaught(javaMethod, 'return totl;', 'java', ['totl']);
      const rustFn = 'fn main() {\n    let v = vec![1, 2, 3];\n    |\n}\n';
      assertKept(rustFn, 'let doubled: Vec<i32> = v.iter().map(|n| n * 2).collect();', 'rust');
      assertKept(rustFn, 'for (i, item) in v.iter().enumerate() { println!("{} {}", i, item); }', 'rust');
      assertKept(rustFn, 'match v.first() { Some(_) => {}, _ => {} }', 'rust');
      assertKept(rustFn, 'if let Some(last) = v.last() { println!("{last}"); }', 'rust');
      assertCaught(rustFn, 'let n = vals.len();', 'rust', ['vals']);
    });
  });

  describe('languages we cannot resolve names in', () => {
    it('CSS, SQL, YAML, HTML, PHP, Ruby, C#, C++, Kotlin, Swift, Dart, Vue: code is not name-checked', () => {
      const cases: [string, string, string][] = [
        ['css', '.cart {\n  |\n}\n', 'background: #f0f0f0; border-radius: 4px;'],
        ['scss', '.cart {\n  &:hover {\n    |\n  }\n}\n', 'box-shadow: 0 2px 4px rgba($black, 0.2);'],
        ['sql', 'SELECT id, total\nFROM orders\n|\n', 'WHERE created_at > NOW() - INTERVAL 7 DAY ORDER BY total DESC;'],
        ['yaml', 'jobs:\n  test:\n    |\n', 'runs-on: ubuntu-latest'],
        ['html', '<main>\n  |\n</main>\n', '<p class="lead">Welcome to the Lisbon store</p>'],
        ['php', '<?php\nclass OrderController {\n  public function store($request) {\n    |\n  }\n}\n', '$order = Order::create($request->validated());'],
        ['ruby', 'class Order\n  def total\n    |\n  end\nend\n', 'line_items.sum(&:price)'],
        ['csharp', 'class Cart {\n  void Print() {\n    |\n  }\n}\n', 'Console.WriteLine($"Total: {Items.Sum(i => i.Price)}");'],
        ['cpp', 'int main() {\n  |\n}\n', 'std::vector<int> values{1, 2, 3};'],
        ['kotlin', 'class Cart {\n  fun total() {\n    |\n  }\n}\n', 'val sum = items.sumOf { it.price }'],
        ['swift', 'struct Cart {\n  func total() -> Int {\n    |\n  }\n}\n', 'return items.reduce(0) { $0 + $1.price }'],
        ['dart', 'class Cart {\n  int total() {\n    |\n  }\n}\n', 'return items.fold(0, (sum, i) => sum + i.price);'],
        ['vue', '<template>\n  |\n</template>\n', '<div v-for="item in items" :key="item.id">{{ item.name }}</div>'],
      ];
      for (const [lang, doc, text] of cases) assertKept(doc, text, lang);
    });
  });

  describe('open worlds: bases we cannot resolve', () => {
    it('a class extending a base declared nowhere we can read is open (React without node_modules, a generated client)', () => {
      knowledge = undefined;
      const counter = "import React from 'react';\n\nexport class Counter extends React.Component<{ step: number }, { n: number }> {\n  increment() {\n    |\n  }\n}\n";
      assertKept(counter, 'this.setState((s) => ({ n: s.n + this.props.step }));', 'typescriptreact');
      const named = "import { PureComponent } from 'react';\nclass Clock extends PureComponent {\n  componentDidMount() {\n    |\n  }\n}\n";
      assertKept(named, 'this.timer = setInterval(() => this.forceUpdate(), 1000);', 'javascriptreact');
      const view = 'from django.views.generic import TemplateView\n\n\nclass HomeView(TemplateView):\n    template_name = "home.html"\n\n    def get(self, request):\n        |\n';
      assertKept(view, 'return self.render_to_response(self.get_context_data())', 'python');
    });

    it('a class whose bases we know, or that has none, stays closed', () => {
      knowledge = undefined;
      const own = 'class Base {\n  reset() {}\n}\nclass Counter extends Base {\n  n = 0;\n  increment() {\n    |\n  }\n}\n';
      assertCaught(own, 'this.setState({ n: this.n + 1 });', 'typescript', ['setState']);
      assertKept(own, 'this.reset();', 'typescript');
      const py = 'class Basket:\n    def __init__(self):\n        self.items = []\n\n    def add(self, item):\n        |\n';
      assertCaught(py, 'self.itemz.append(item)', 'python', ['itemz']);
      assertKept(py, 'self.items.append(item)', 'python');
    });
  });
});
