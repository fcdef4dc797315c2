/**
 * The typing replay's oracle server in a child process: it answers over real HTTP with the true
 * continuation, reports the model time as a duration, sees the requests' prompts, and counts a
 * session's open requests over IPC (a request the client still holds is open, a closed one is not).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { startChildOracle, type OracleHandle } from '../../src/bench/oracleProcess';
import { SESSION_HEADER } from '../../src/bench/oracle';
import { modelMsOf } from '../../src/cli/benchTypingReport';

const TEXT = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
const START = TEXT.indexOf('  return');
const END = TEXT.indexOf('\n', START);

function post(url: string, session: string, prompt: string): { done: Promise<string>; req: http.ClientRequest; firstByte: Promise<void> } {
  const body = JSON.stringify({ model: 'm', prompt, max_tokens: 16, stream: true });
  let onFirst!: () => void;
  const firstByte = new Promise<void>((r) => (onFirst = r));
  let req!: http.ClientRequest;
  const done = new Promise<string>((resolve, reject) => {
    req = http.request(`${url}/completions`, { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: session } }, (res) => {
      let out = '';
      res.on('data', (c) => {
        onFirst();
        out += String(c);
      });
      res.on('end', () => resolve(out));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  return { done, req, firstByte };
}

async function until(f: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('typing replay oracle in a child process', () => {
  let oracle: OracleHandle | undefined;
  afterEach(async () => {
    await oracle?.stop();
    oracle = undefined;
  });

  it('answers with the true continuation, reports server time as a duration and counts open requests', async function () {
    this.timeout(20000);
    // From tsc output the module forks itself (out/src/bench/oracleProcess.js).
    const entry = path.join(__dirname, '../../src/bench/oracleProcess.js');
    oracle = await startChildOracle({ latency: 300, jitter: 0, seed: 1 }, entry);
    await oracle.register('s#1', { text: TEXT, start: START, end: END });
    const prompt = `<|fim_prefix|>${TEXT.slice(0, START + 9)}<|fim_suffix|>${TEXT.slice(END)}<|fim_middle|>`;
    const a = post(oracle.url, 's#1', prompt);
    // While the model "thinks" (300 ms) the request is open at the server, and only for its session.
    await until(async () => (await oracle!.inFlight('s#1')) === 1);
    assert.equal(await oracle.inFlight('other#1'), 0);
    const sse = await a.done;
    const text = sse
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).choices[0].text)
      .join('');
    assert.ok(TEXT.slice(START + 9).startsWith(text) && text.length > 0, `continuation ${JSON.stringify(text)}`);
    await until(async () => (await oracle!.inFlight('s#1')) === 0);
    const seen = await oracle.dump();
    assert.equal(seen.hits.length, 1);
    assert.equal(seen.hits[0].session, 's#1');
    assert.equal(seen.hits[0].k, 9);
    // A duration measured in the child: at least the latency, not an absolute clock of another process.
    assert.ok(seen.hits[0].serverMs !== undefined && seen.hits[0].serverMs >= 290 && seen.hits[0].serverMs < 2000, `serverMs ${seen.hits[0].serverMs}`);
    assert.deepEqual(seen.sent, [{ session: 's#1', prompt }]);

    // A request the client abandons is no longer open at the server.
    const b = post(oracle.url, 's#1', prompt);
    b.done.catch(() => undefined);
    await until(async () => (await oracle!.inFlight('s#1')) === 1);
    b.req.destroy();
    await until(async () => (await oracle!.inFlight('s#1')) === 0);
    const after = await oracle.dump();
    assert.equal(after.hits.length, 2);
    assert.equal(after.hits[1].serverMs, undefined, 'aborted before its first byte');
  });

  it('puts the first token on the wire at once, not after formatting the rest of the answer', async function () {
    this.timeout(20000);
    // Node's http corks a response's socket until the next tick: a server that writes its whole
    // answer in one go would send the first byte only after formatting every chunk, and the replay
    // (which takes the server's time to its first write as the model's) would count that as the
    // client's. A long answer makes the difference large.
    const entry = path.join(__dirname, '../../src/bench/oracleProcess.js');
    oracle = await startChildOracle({ latency: 0, jitter: 0, seed: 1 }, entry);
    const long = `function f() {\n${'  total += compute(alpha, beta, gamma);\n'.repeat(8000)}}\n`;
    const start = long.indexOf('  total');
    await oracle.register('s#2', { text: long, start, end: long.indexOf('\n', start) });
    const prompt = `<|fim_prefix|>${long.slice(0, start + 2)}<|fim_suffix|>\n}\n<|fim_middle|>`;
    const body = JSON.stringify({ model: 'm', prompt, max_tokens: 60_000, stream: true });
    const t0 = performance.now();
    const { firstAt, endAt } = await new Promise<{ firstAt: number; endAt: number }>((resolve, reject) => {
      const req = http.request(`${oracle!.url}/completions`, { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: 's#2' } }, (res) => {
        let firstAt: number | undefined;
        res.on('data', () => (firstAt ??= performance.now()));
        res.on('end', () => (firstAt === undefined ? reject(new Error('no data')) : resolve({ firstAt, endAt: performance.now() })));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    const serverMs = (await oracle.dump()).hits[0].serverMs;
    assert.ok(serverMs !== undefined);
    const writing = endAt - firstAt;
    const beyondServer = firstAt - t0 - serverMs;
    assert.ok(writing > 60, `the answer streamed for ${writing.toFixed(1)} ms (too short to tell)`);
    assert.ok(beyondServer < writing / 2, `first byte ${beyondServer.toFixed(1)} ms beyond the server's time; the whole answer took ${writing.toFixed(1)} ms`);
  });

  it('streams a token every tokenMs and reports when each length of the answer was written', async function () {
    this.timeout(20000);
    const entry = path.join(__dirname, '../../src/bench/oracleProcess.js');
    oracle = await startChildOracle({ latency: 50, jitter: 0, seed: 1, tokenMs: 20 }, entry);
    await oracle.register('s#3', { text: TEXT, start: START, end: END });
    const prompt = `<|fim_prefix|>${TEXT.slice(0, START)}<|fim_suffix|>${TEXT.slice(END)}<|fim_middle|>`;
    await post(oracle.url, 's#3', prompt).done;
    const [hit] = (await oracle.dump()).hits;
    const writes = hit.writes ?? [];
    // 4 characters a token: "  return a + b;\n}\n" is 18 characters, 5 tokens.
    assert.deepEqual(
      writes.map(([, chars]) => chars),
      [4, 8, 12, 16, 18],
    );
    for (let i = 1; i < writes.length; i++) assert.ok(writes[i][0] - writes[i - 1][0] >= 18, `token ${i} ${(writes[i][0] - writes[i - 1][0]).toFixed(1)} ms after the one before`);
    assert.ok(hit.serverMs !== undefined && Math.abs(writes[0][0] - hit.serverMs) < 5);
    // The model's time for a suggestion decided on the first line ("  return a + b;\n", 16
    // characters) is the time of the 4th write; for the first token, the first byte's.
    assert.equal(modelMsOf(hit, 16), writes[3][0]);
    assert.equal(modelMsOf(hit, 3), Math.max(hit.serverMs!, writes[0][0]));
    assert.equal(modelMsOf(hit, undefined), hit.serverMs);
    assert.equal(modelMsOf(hit, 999), writes[4][0]);
  });

  it('fails clearly when the child cannot start', async () => {
    await assert.rejects(startChildOracle({ latency: 0, jitter: 0, seed: 1 }, path.join(__dirname, 'no-such-entry.js')), /oracle server process/);
  });
});
