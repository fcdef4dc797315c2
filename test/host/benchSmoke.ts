/**
 * The benchmarks, run in CI on a small corpus (the fixture repositories), through the built CLI
 * exactly as a person runs them: `intent-complete bench context|filter|typing --json`. This is not a
 * timed test: it checks that each benchmark runs end to end, reports every strategy it compares, and
 * that the figures are sane (rates in [0, 1], ours no worse than the prefix-only prompt, no request
 * left in flight, fewer requests than a request per keystroke). It prints the figures so a CI log
 * shows them; the figures we judge by are in docs/benchmarks.md, measured on real repositories.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO_ROOT, 'bin', 'intent-complete.js');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'context');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function cli(args: string[]): Promise<Json> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args, '--json'], { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`intent-complete ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as Json);
      } catch (e) {
        reject(new Error(`intent-complete ${args.join(' ')} printed no JSON: ${String(e)}\n${stdout.slice(0, 500)}`));
      }
    });
  });
}

const failures: string[] = [];
function check(what: string, ok: boolean, detail: unknown): void {
  if (!ok) failures.push(`${what}: ${JSON.stringify(detail)}`);
}
const rate = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1;

async function benchContext(repo: string): Promise<void> {
  const r = await cli(['bench', 'context', '--repo', path.join(FIXTURES, repo), '--holes', '24', '--seed', '7', '--budget', '1024']);
  const res = r.results ?? {};
  for (const k of ['ours', 'prefixOnly', 'jaccardNeighbors']) {
    check(`bench context ${repo}: ${k} reported`, res[k] !== undefined, Object.keys(res));
    check(`bench context ${repo}: ${k} idRecall in [0, 1]`, rate(res[k]?.idRecall), res[k]?.idRecall);
    check(`bench context ${repo}: ${k} crossFileIdRecall in [0, 1]`, rate(res[k]?.crossFileIdRecall), res[k]?.crossFileIdRecall);
  }
  check(`bench context ${repo}: holes sampled`, r.holes > 0 && r.targets > 0, { holes: r.holes, targets: r.targets });
  check(`bench context ${repo}: ours idRecall ≥ prefixOnly`, res.ours?.idRecall >= res.prefixOnly?.idRecall, res);
  console.log(
    `  bench context ${repo}: ${r.holes} holes; idRecall ours ${res.ours?.idRecall} / prefixOnly ${res.prefixOnly?.idRecall} / jaccard ${res.jaccardNeighbors?.idRecall}; ` +
      `crossFile ours ${res.ours?.crossFileIdRecall} / jaccard ${res.jaccardNeighbors?.crossFileIdRecall}`,
  );
}

async function benchFilter(repo: string): Promise<void> {
  const r = await cli(['bench', 'filter', '--repo', path.join(FIXTURES, repo), '--holes', '40', '--seed', '7']);
  check(`bench filter ${repo}: keepRate in [0, 1]`, rate(r.keepRate), r.keepRate);
  check(`bench filter ${repo}: invented cases`, r.invented?.cases > 0 && rate(r.invented?.catchRate), r.invented);
  check(`bench filter ${repo}: timings`, typeof r.filterMs?.p95 === 'number', r.filterMs);
  console.log(
    `  bench filter ${repo}: ${r.holes} holes; keepRate ${r.keepRate}; invented caught ${r.invented?.caught}/${r.invented?.cases}; ` +
      `wrongMember caught ${r.wrongMember?.caught}/${r.wrongMember?.cases}; filter p50/p95 ${r.filterMs?.p50}/${r.filterMs?.p95} ms`,
  );
}

async function benchTyping(repo: string): Promise<void> {
  const r = await cli(['bench', 'typing', '--repo', path.join(FIXTURES, repo), '--files', '3', '--lines', '2', '--seed', '7']);
  const by = new Map<string, Json>((r.strategies ?? []).map((s: Json) => [s.strategy, s]));
  for (const k of ['ours', 'fixedDebounce', 'naive']) check(`bench typing ${repo}: ${k} reported`, by.has(k), [...by.keys()]);
  const ours = by.get('ours');
  const naive = by.get('naive');
  check(`bench typing ${repo}: ours leaves nothing in flight`, ours?.leftInFlight === 0, ours?.leftInFlight);
  check(`bench typing ${repo}: ours makes fewer requests than naive`, ours?.requests < naive?.requests, { ours: ours?.requests, naive: naive?.requests });
  check(`bench typing ${repo}: accepted share in [0, 1]`, rate(ours?.acceptedCharShare), ours?.acceptedCharShare);
  check(`bench typing ${repo}: the openai package's floor measured`, r.libraryFloorMs?.requests > 0 && Number.isFinite(r.libraryFloorMs?.overheadMs?.p95), r.libraryFloorMs);
  console.log(
    `  bench typing ${repo}: requests ours ${ours?.requests} / fixedDebounce ${by.get('fixedDebounce')?.requests} / naive ${naive?.requests}; ` +
      `accepted ours ${ours?.acceptedCharShare}; in flight ours ${ours?.leftInFlight}`,
  );
}

async function main(): Promise<number> {
  const t0 = Date.now();
  console.log('benchmarks on the fixture corpora (through the CLI; not timed):');
  await benchContext('ts-shop');
  await benchContext('py-shop');
  await benchContext('go-shop');
  await benchFilter('ts-shop');
  await benchTyping('ts-shop');
  console.log(`(${Math.round((Date.now() - t0) / 1000)} s)`);
  if (failures.length) {
    console.log(`\n${failures.length} failed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
    return 1;
  }
  console.log('benchmark smoke passed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.log(`benchmark smoke crashed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
