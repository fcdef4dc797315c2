import * as assert from 'node:assert/strict';
import { TestOpenAIServer } from '../server/openaiServer';
import { detectLocalServers, FIRST_RUN_ACTIONS, FIRST_RUN_TIMEOUT_MS, firstRunOffer, modelFit, pickModel } from '../../src/vscode/firstRun';

/** Holds the thread as the extension host's start does (the workspace index parsing every file). */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* spin */
  }
}

describe('first run: local server detection', () => {
  it('finds a server that answers /v1/models and skips one that refuses connections', async () => {
    const up = await TestOpenAIServer.start({ models: ['llama3-chat', 'qwen2.5-coder:1.5b-base'] });
    const down = await TestOpenAIServer.start();
    const downUrl = down.url;
    await down.down();
    try {
      const found = await detectLocalServers(1000, [
        { name: 'Up', endpoint: up.url },
        { name: 'Down', endpoint: downUrl },
      ]);
      assert.deepEqual(
        found.map((f) => f.name),
        ['Up'],
      );
      assert.deepEqual(found[0].models, ['llama3-chat', 'qwen2.5-coder:1.5b-base']);
      assert.equal(up.requests[0].path, '/v1/models');
    } finally {
      await up.stop();
    }
  });

  it('at start-up, finds a server that answered while the thread was busy for longer than an answer takes', async () => {
    const up = await TestOpenAIServer.start({ models: ['qwen2.5-coder:1.5b-base'] });
    try {
      const looking = detectLocalServers(FIRST_RUN_TIMEOUT_MS, [{ name: 'Ollama', endpoint: up.url }]);
      busy(600);
      assert.deepEqual(
        (await looking).map((f) => f.name),
        ['Ollama'],
      );
    } finally {
      await up.stop();
    }
  });

  it('prefers a base code model', () => {
    assert.equal(pickModel(['llama3-chat', 'qwen2.5-coder:7b-instruct', 'qwen2.5-coder:1.5b-base']), 'qwen2.5-coder:1.5b-base');
    assert.equal(pickModel(['nomic-embed-text:latest', 'llama3.2:3b', 'starcoder2:3b']), 'starcoder2:3b');
  });

  it('never offers an embedding model, and says why it prefers one', async () => {
    assert.equal(pickModel(['nomic-embed-text:latest', 'mxbai-embed-large']), undefined);
    assert.match(modelFit('qwen2.5-coder:1.5b-base').why, /fills in the middle \(Qwen2\.5-Coder, base model/);
    const up = await TestOpenAIServer.start({ models: ['nomic-embed-text:latest', 'qwen2.5-coder:7b'] });
    try {
      const found = await detectLocalServers(1000, [{ name: 'Ollama', endpoint: up.url }]);
      assert.deepEqual(found[0].models, ['qwen2.5-coder:7b']);
    } finally {
      await up.stop();
    }
  });

  it("the first-run notice: with no server found it still offers a model on this machine and one's own server", () => {
    const none = firstRunOffer(undefined);
    assert.deepEqual(none.actions, [FIRST_RUN_ACTIONS.runLocal, FIRST_RUN_ACTIONS.useServer]);
    assert.equal(FIRST_RUN_ACTIONS.runLocal, 'Run a Model on This Machine');
    assert.match(none.text, /downloads only then/);
    const found = firstRunOffer({ server: { name: 'Ollama', endpoint: 'http://127.0.0.1:11434/v1', models: ['qwen2.5-coder:1.5b-base'] }, model: 'qwen2.5-coder:1.5b-base' });
    assert.deepEqual(found.actions, [FIRST_RUN_ACTIONS.useFound, FIRST_RUN_ACTIONS.chooseServer, FIRST_RUN_ACTIONS.runLocal]);
    assert.match(found.text, /found Ollama at http:\/\/127\.0\.0\.1:11434\/v1\. Use it with model qwen2\.5-coder:1\.5b-base\?/);
  });
});
