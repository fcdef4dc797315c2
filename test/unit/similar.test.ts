import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseWindows, IDF_WEIGHT, jaccard, topWindows, type Window } from '../../src/core/context/similar';
import { windowTokenSet } from '../../src/core/lang/identifiers';

/** The definition, computed the slow way: every window's token set built from scratch. */
function naiveTopWindows(query: string, files: { path: string; text: string }[], W: number, stride: number, k: number, idf = false): Window[] {
  const q = windowTokenSet(query);
  // With idf: Σ weight over the intersection / Σ weight over the union, a token's weight from how many files hold it.
  const holders = new Map<string, number>();
  for (const f of files) for (const t of windowTokenSet(f.text)) holders.set(t, (holders.get(t) ?? 0) + 1);
  const w = (t: string) => (idf ? IDF_WEIGHT(files.length, holders.get(t) ?? 0) : 1);
  const weighted = (a: Set<string>, b: Set<string>) => {
    if (!a.size || !b.size) return 0;
    let inter = 0;
    let union = 0;
    for (const t of new Set([...a, ...b])) {
      union += w(t);
      if (a.has(t) && b.has(t)) inter += w(t);
    }
    return inter / union;
  };
  const all: Window[] = [];
  for (const f of files) {
    const lines = f.text.split('\n').map((l) => windowTokenSet(l));
    for (let start = 0; start < Math.max(1, lines.length - W + stride); start += stride) {
      const end = Math.min(lines.length, start + W);
      const set = new Set<string>();
      for (let i = start; i < end; i++) for (const t of lines[i]) set.add(t);
      const score = idf ? weighted(q, set) : jaccard(q, set);
      if (score > 0) all.push({ path: f.path, startLine: start, endLine: end, text: '', score });
      if (end >= lines.length) break;
    }
  }
  return chooseWindows(all, k, files);
}

describe('context/similar topWindows (sliding window)', () => {
  // Real files: this repository's context sources.
  const dir = path.join(__dirname, '..', '..', '..', 'src', 'core', 'context');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => ({ path: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));

  it('gives exactly the windows and scores of the from-scratch definition', () => {
    assert.ok(files.length >= 5);
    let compared = 0;
    for (const [W, stride, k] of [
      [60, 10, 4],
      [20, 5, 6],
      [7, 3, 5],
      [5, 9, 3], // stride longer than the window: lines skipped between windows
      [20, 5, 100000], // every non-overlapping window, so every file's scores are compared
    ]) {
      for (const f of files.slice(0, 6)) {
        const lines = f.text.split('\n');
        const query = lines.slice(Math.floor(lines.length / 3), Math.floor(lines.length / 3) + 60).join('\n');
        const others = files.filter((o) => o !== f);
        const got = topWindows(query, others, { windowLines: W, stride, k });
        assert.deepEqual(got, naiveTopWindows(query, others, W, stride, k), `${f.path} W=${W} stride=${stride}`);
        assert.ok(got.length > 0);
        compared++;
      }
    }
    assert.equal(compared, 30);
  });

  it('with idf: the windows of the weighted definition, scores equal up to rounding', () => {
    let compared = 0;
    for (const f of files.slice(0, 6)) {
      const lines = f.text.split('\n');
      const query = lines.slice(Math.floor(lines.length / 2), Math.floor(lines.length / 2) + 15).join('\n');
      const others = files.filter((o) => o !== f);
      const got = topWindows(query, others, { windowLines: 20, stride: 5, k: 12, idf: true });
      const want = naiveTopWindows(query, others, 20, 5, 12, true);
      assert.deepEqual(
        got.map((x) => `${x.path}:${x.startLine}`),
        want.map((x) => `${x.path}:${x.startLine}`),
        f.path,
      );
      got.forEach((x, i) => assert.ok(Math.abs(x.score - want[i].score) < 1e-9));
      compared++;
    }
    assert.equal(compared, 6);
  });

  it('with idf, a window sharing a name few files have outranks one sharing names every file has', () => {
    const common = 'const value = options.value ?? result.value;';
    const files = [
      { path: 'a.ts', text: `${common}\nreturn result;` },
      { path: 'b.ts', text: `const tally = ledgerEntries.length;\nreturn result;` },
      ...['c', 'd', 'e', 'f'].map((n) => ({ path: `${n}.ts`, text: `${common}\nlog(${n});` })),
    ];
    const query = 'const value = ledgerEntries.at(options.value);';
    const plain = topWindows(query, files, { windowLines: 2, stride: 1, k: 1 });
    const idf = topWindows(query, files, { windowLines: 2, stride: 1, k: 1, idf: true });
    assert.notEqual(plain[0].path, 'b.ts');
    assert.equal(idf[0].path, 'b.ts');
  });

  it("never returns a window overlapping a file's excluded lines (the current file's shown part)", () => {
    const f = [...files].sort((a, b) => b.text.length - a.text.length)[0];
    const lines = f.text.split('\n');
    assert.ok(lines.length > 300);
    const query = lines.slice(0, 60).join('\n');
    const all = topWindows(query, [f], { windowLines: 20, stride: 5, k: 1000 });
    const best = all[0];
    assert.ok(best && best.startLine < 60, "the query's own lines score best");
    const ruled = topWindows(query, [{ ...f, exclude: [0, 80] }], { windowLines: 20, stride: 5, k: 1000 });
    assert.ok(ruled.length > 0);
    assert.ok(
      ruled.every((w) => w.startLine >= 80),
      JSON.stringify(ruled.map((w) => w.startLine)),
    );
    // The best window outside the range is still found.
    const outside = all.filter((w) => w.startLine >= 80);
    assert.ok(outside.length > 0 && ruled[0].score >= Math.max(...outside.map((w) => w.score)));
  });

  it('choosing among thousands of windows (only the best few sorted) gives what sorting them all gives', () => {
    // Every window of this repo's sources, with scores from a real query, ties included.
    const all: Window[] = [];
    const query = windowTokenSet(files[0].text.split('\n').slice(0, 60).join('\n'));
    for (const f of files) {
      const lines = f.text.split('\n');
      for (let start = 0; start < lines.length; start++) {
        const set = windowTokenSet(lines.slice(start, start + 20).join('\n'));
        all.push({ path: f.path, startLine: start, endLine: Math.min(lines.length, start + 20), text: '', score: Math.round(jaccard(query, set) * 50) / 50 });
      }
    }
    assert.ok(all.length > 1000, String(all.length));
    const reference = (k: number) => {
      const sorted = [...all].sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
      const out: Window[] = [];
      for (const w of sorted) {
        if (out.length >= k) break;
        if (!out.some((c) => c.path === w.path && w.startLine < c.endLine && c.startLine < w.endLine))
          out.push({
            ...w,
            text: files
              .find((f) => f.path === w.path)!
              .text.split('\n')
              .slice(w.startLine, w.endLine)
              .join('\n'),
          });
      }
      return out;
    };
    for (const k of [1, 4, 24, 200])
      assert.deepEqual(
        chooseWindows(
          all.map((w) => ({ ...w })),
          k,
          files,
        ),
        reference(k),
        `k=${k}`,
      );
  });

  it('scores nothing for an empty query or empty files', () => {
    assert.deepEqual(topWindows('', files), []);
    assert.deepEqual(topWindows('foo bar', [{ path: 'a', text: '' }]), []);
  });
});
