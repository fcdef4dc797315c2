/**
 * Generic type arguments followed through Rust std and JDK results (generics.ts, receiverTypes.ts):
 * a receiver whose type is not written (`let a = map.get_mut(&id)?`, a closure over `values()`, a
 * lambda in `stream().filter()`) is typed as the container's element, so an invented member of it
 * is caught, its real members are kept, and where the chain leaves the tables the world is open.
 */
import * as assert from 'node:assert/strict';
import { ConsistencyFilter } from '../../src/core/filter/consistency';
import { closureParam, memberResult, parseType, type GType } from '../../src/core/filter/generics';
import { preloadAll } from '../../src/core/lang/parser';

/** `|` marks the cursor. */
function verdictOf(doc: string, text: string, languageId: string): { verdict: string; unknown: string[] } {
  const at = doc.indexOf('|');
  assert.ok(at >= 0, 'document needs a | cursor');
  const r = new ConsistencyFilter().check({ text, docPrefix: doc.slice(0, at), docSuffix: doc.slice(at + 1), languageId, stop: [], multiline: true, maxLines: 8 });
  return { verdict: r.verdict, unknown: r.unknown };
}

const KEPT = { verdict: 'keep', unknown: [] };

/** The suggestion is dropped or cut where it names `name`, and only `name` is unknown. */
function assertCaught(r: { verdict: string; unknown: string[] }, name: string): void {
  assert.notEqual(r.verdict, 'keep');
  assert.deepEqual(r.unknown, [name]);
}
const show = (t: GType | undefined): string => (t ? (t.args.length ? `${t.name}<${t.args.map(show).join(', ')}>` : t.name) : 'undefined');

describe('filter: generic std/JDK results', () => {
  before(async function () {
    this.timeout(60000);
    await preloadAll();
  });

  describe('the tables', () => {
    it('parses written types, references, lifetimes and wildcards dropped', () => {
      assert.equal(show(parseType("&'a mut HashMap<u64, Vec<Account>>")), 'HashMap<u64, Vec<Account>>');
      assert.equal(show(parseType('Map<String, ? extends List<Book>>')), 'Map<String, List<Book>>');
      assert.equal(show(parseType('&[Account]')), '[]<Account>');
      assert.equal(show(parseType('Book[]')), '[]<Book>');
      assert.equal(parseType('(u32, String)'), undefined);
    });

    it('follows a type argument through a method, and knows nothing of a method it does not list', () => {
      const map = parseType('HashMap<u64, Account>')!;
      assert.equal(show(memberResult(memberResult(map, 'get_mut', 'rust')!, '?', 'rust')), 'Account');
      assert.equal(show(closureParam(memberResult(map, 'values', 'rust')!, 'map', 0, 0, 'rust')), 'Account');
      assert.equal(memberResult(map, 'entry', 'rust'), undefined);
      const list = parseType('List<Book>')!;
      assert.equal(show(closureParam(memberResult(list, 'stream', 'java')!, 'filter', 0, 0, 'java')), 'Book');
      assert.equal(memberResult(memberResult(list, 'stream', 'java')!, 'map', 'java'), undefined);
      // A type argument nobody wrote (`new ArrayList<>()`) gives nothing.
      assert.equal(memberResult(parseType('ArrayList')!, 'get', 'java'), undefined);
    });
  });

  describe('Rust', () => {
    const bank = `use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: u64,
    pub balance: i64,
}

pub struct Bank {
    accounts: HashMap<u64, Account>,
    log: Vec<Account>,
}

impl Bank {
    pub fn deposit(&mut self, id: u64, amount: i64) -> Option<i64> {
        let account = self.accounts.get_mut(&id)?;
        |
    }
}
`;

    it('types a local from `get_mut(&id)?` on a HashMap field: an invented method is caught, fields and derives kept', () => {
      assertCaught(verdictOf(bank, 'account.credit(amount);', 'rust'), 'credit');
      assert.deepEqual(verdictOf(bank, 'account.balance += amount;\n        let same = account.clone().eq(account);', 'rust'), KEPT);
    });

    it('types a closure parameter over values(), iter() and first()', () => {
      assertCaught(verdictOf(bank, 'let total: i64 = self.accounts.values().map(|a| a.total_balance).sum();', 'rust'), 'total_balance');
      assert.deepEqual(verdictOf(bank, 'let total: i64 = self.accounts.values().map(|a| a.balance).sum();', 'rust'), KEPT);
      assertCaught(verdictOf(bank, 'let big = self.log.iter().filter(|a| a.is_large()).count();', 'rust'), 'is_large');
      assertCaught(verdictOf(bank, 'let first = self.log.first().unwrap();\n        let b = first.balanse;', 'rust'), 'balanse');
      assertCaught(verdictOf(bank, 'for a in self.log.iter() {\n            a.audit();\n        }', 'rust'), 'audit');
    });

    it('is open where the chain leaves the tables (a map to a new type, an entry, a tuple)', () => {
      assert.deepEqual(verdictOf(bank, 'let n = self.accounts.values().map(|a| a.id).map(|x| x.count_ones()).sum::<u32>();', 'rust'), KEPT);
      assert.deepEqual(verdictOf(bank, 'let e = self.accounts.entry(id).or_default();\n        e.credit(amount);', 'rust'), KEPT);
      assert.deepEqual(verdictOf(bank, 'for (k, v) in self.accounts.iter() { v.credit(*k as i64); }', 'rust'), KEPT);
    });

    it('a pattern that binds the name again shadows the older declaration (its type is not followed)', () => {
      const text = 'let pairs: Vec<(u64, String)> = Vec::new();\n        for (id, account) in pairs {\n            account.push_str("!");\n        }';
      assert.deepEqual(verdictOf(bank, text, 'rust'), KEPT);
      assert.deepEqual(verdictOf(bank, 'match self.log.first() {\n            Some(account) => account.balance,\n            None => 0,\n        };', 'rust'), KEPT);
    });

    it('a type with a derive of another crate stays open', () => {
      const doc = bank.replace('#[derive(Debug, Clone, PartialEq)]', '#[derive(Debug, Serialize)]');
      assert.deepEqual(verdictOf(doc, 'account.serialize_field();', 'rust'), KEPT);
    });
  });

  describe('Java', () => {
    const library = `import java.util.*;

public class Library {
    static class Book {
        private final String title;
        Book(String title) { this.title = title; }
        public String getTitle() { return title; }
    }

    private final List<Book> books = new ArrayList<>();
    private final Map<String, Book> byIsbn = new HashMap<>();

    public Optional<Book> first() {
        return books.stream()
                |
    }
}
`;

    it('types a lambda parameter of a Stream from a List<T>: an invented getter is caught, a real one kept', () => {
      assertCaught(verdictOf(library, '.filter(b -> b.getAuthor() != null).findFirst();', 'java'), 'getAuthor');
      assert.deepEqual(verdictOf(library, '.filter(b -> b.getTitle().isEmpty()).findFirst();', 'java'), KEPT);
    });

    it('follows Map values, entries and Optional', () => {
      const doc = library.replace('return books.stream()\n                |', '|');
      assertCaught(verdictOf(doc, 'for (var b : byIsbn.values()) {\n            b.getAuthor();\n        }', 'java'), 'getAuthor');
      assertCaught(verdictOf(doc, 'var found = Optional.ofNullable(byIsbn.get("x"));\n        byIsbn.forEach((k, v) -> v.getTitel());', 'java'), 'getTitel');
      assert.deepEqual(verdictOf(doc, 'var b = byIsbn.get("x");\n        return Optional.of(b.getTitle());', 'java'), KEPT);
      assert.deepEqual(verdictOf(doc, 'for (Map.Entry<String, Book> e : byIsbn.entrySet()) {\n            e.getValue().getTitle();\n        }', 'java'), KEPT);
    });

    it('types a switch pattern binding (`case Book b ->`), not as a lambda parameter', () => {
      const doc = library.replace('return books.stream()\n                |', 'Object o = books.get(0);\n        |');
      assertCaught(verdictOf(doc, 'String t = switch (o) { case Book b -> b.getAuthor(); default -> ""; };', 'java'), 'getAuthor');
      assert.deepEqual(verdictOf(doc, 'String t = switch (o) { case Book b -> b.getTitle(); default -> ""; };', 'java'), KEPT);
    });

    it('an array local has length and clone, and nothing invented', () => {
      const doc = library.replace('return books.stream()\n                |', 'Book[] shelf = books.toArray(new Book[0]);\n        var copy = shelf;\n        |');
      assert.deepEqual(verdictOf(doc, 'int n = copy.length + copy.clone().length;', 'java'), KEPT);
      assertCaught(verdictOf(doc, 'int n = copy.size();', 'java'), 'size');
    });

    it('is open after map() to whatever the lambda returns', () => {
      assert.deepEqual(verdictOf(library, '.map(b -> b.getTitle()).filter(t -> t.whatever()).findFirst();', 'java'), KEPT);
    });
  });
});
