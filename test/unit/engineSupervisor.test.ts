import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSupervisor, type EngineState } from '../../src/engine/supervisor';
import { testModelFile } from '../shared/testModel';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function completeOnce(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: 8, temperature: 0 }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { choices: { text: string }[] }).choices[0].text;
}

describe('engine supervisor: the engine in a child process', function () {
  this.timeout(90_000);
  const sups: EngineSupervisor[] = [];
  const make = (o: Partial<ConstructorParameters<typeof EngineSupervisor>[0]> = {}) => {
    const s = new EngineSupervisor({ modelFile: testModelFile(), threads: 1, contextSize: 256, sequences: 1, backoffMs: 50, ...o });
    sups.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of sups.splice(0)) await s.stop();
  });

  it('starts the engine in another process and hands out its URL and token', async () => {
    const sup = make();
    const ep = await sup.acquire();
    assert.equal(sup.state, 'ready');
    assert.notEqual(sup.pid, process.pid);
    assert.ok(alive(sup.pid));
    assert.ok((await completeOnce(ep.url, ep.token)).length > 0);
    const pid = sup.pid;
    await sup.stop();
    assert.equal(sup.state, 'stopped');
    assert.equal(alive(pid), false);
  });

  it('restarts the engine after its process is killed, at the same URL and with the same token', async () => {
    const sup = make();
    const states: EngineState[] = [];
    sup.on('state', (s: EngineState) => states.push(s));
    const ep = await sup.acquire();
    const first = sup.pid!;
    process.kill(first, 'SIGKILL');
    await waitFor('a new engine process', () => sup.state === 'ready' && sup.pid !== undefined && sup.pid !== first);
    assert.ok(states.includes('restarting'));
    assert.equal(sup.starts, 2);
    const again = await sup.acquire();
    assert.equal(again.url, ep.url);
    assert.equal(again.token, ep.token);
    assert.ok((await completeOnce(again.url, again.token)).length > 0);
  });

  it('unloads the engine after the idle period and starts it again on the next need', async () => {
    const sup = make({ idleMs: 300 });
    await sup.acquire();
    const pid = sup.pid;
    await waitFor('the idle unload', () => sup.state === 'stopped');
    await waitFor('the process to end', () => !alive(pid), 5000);
    const ep = await sup.acquire();
    assert.equal(sup.starts, 2);
    assert.ok((await completeOnce(ep.url, ep.token)).length > 0);
  });

  it('runs the engine from the CLI entry too (as from the CLI bundle, started with IC_ENGINE_WORKER=1)', async () => {
    const sup = make({ entry: path.resolve(__dirname, '../../src/cli/main.js') });
    const ep = await sup.acquire();
    assert.ok((await completeOnce(ep.url, ep.token)).length > 0);
  });

  it('says why when the engine cannot start, and gives up after the restarts allowed', async () => {
    const bad = path.join(os.tmpdir(), `not-a-model-${process.pid}.gguf`);
    fs.writeFileSync(bad, 'not a gguf file');
    try {
      const sup = make({ modelFile: bad, maxRestarts: 1 });
      const failed = new Promise<Error>((r) => sup.once('failed', r));
      await assert.rejects(sup.acquire(), /could not start/);
      assert.match((await failed).message, /2 times in a row/);
      assert.equal(sup.state, 'failed');
    } finally {
      fs.rmSync(bad, { force: true });
    }
  });
});
