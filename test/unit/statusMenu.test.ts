/** The status bar item's menu (src/vscode/statusMenu.ts): what it offers in each state. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, outageActions, statusMenuItems, type MenuState } from '../../src/vscode/statusMenu';

const READY: MenuState = {
  configured: true,
  endpoint: 'http://127.0.0.1:8080/v1',
  model: 'qwen2.5-coder:1.5b-base',
  enabled: true,
  status: 'ready',
  language: { id: 'typescript', enabled: true },
  hasApiKey: false,
};
const time = (ms: number) => `T${ms}`;
const commands = (s: MenuState) => statusMenuItems(s, time).map((i) => i.command);

describe('status menu', () => {
  it("not configured: a model on this machine, then one's own server, and nothing that needs an endpoint", () => {
    const items = statusMenuItems({ ...READY, configured: false, endpoint: '', model: '', status: 'not-configured' }, time);
    const got = items.map((i) => i.command);
    assert.deepEqual(got.slice(0, 2), [COMMANDS.runLocal, COMMANDS.configure]);
    assert.match(items[0].label, /Run a model on this machine/);
    assert.match(items[1].label, /Use my server/);
    for (const c of [COMMANDS.snooze, COMMANDS.report, COMMANDS.setKey, COMMANDS.disableLanguage]) assert.ok(!got.includes(c), c);
    assert.ok(got.includes(COMMANDS.log));
  });

  it('configured: snooze for 15 and 60 minutes, off for this language, the report and the log', () => {
    const items = statusMenuItems(READY, time);
    const snoozes = items.filter((i) => i.command === COMMANDS.snooze).map((i) => i.args);
    assert.deepEqual(snoozes, [[15], [60]]);
    assert.deepEqual(items.find((i) => i.command === COMMANDS.disableLanguage)?.args, ['typescript']);
    for (const c of [COMMANDS.report, COMMANDS.log, COMMANDS.configure, COMMANDS.setKey, COMMANDS.disable])
      assert.ok(
        items.some((i) => i.command === c),
        c,
      );
    assert.equal(items[0].command, COMMANDS.snooze);
  });

  it('snoozed: resume comes first and says until when; no second snooze', () => {
    const items = statusMenuItems({ ...READY, snoozedUntil: 42 }, time);
    assert.equal(items[0].command, COMMANDS.resume);
    assert.match(items[0].description ?? '', /until T42/);
    assert.ok(!items.some((i) => i.command === COMMANDS.snooze));
  });

  it('a language turned off is offered back on', () => {
    assert.ok(commands({ ...READY, language: { id: 'markdown', enabled: false } }).includes(COMMANDS.enableLanguage));
  });

  it('a refused connection (unreachable) does not offer Set API Key', () => {
    assert.ok(!commands({ ...READY, status: 'unreachable' }).includes(COMMANDS.setKey));
    assert.ok(commands({ ...READY, status: 'error' }).includes(COMMANDS.setKey));
  });

  it('the built-in engine on: configured without an endpoint; its model, restart and the way back to a server; no API key', () => {
    const engine = { ...READY, configured: false, endpoint: '', model: '', localEngine: { enabled: true, model: 'stories260K', phase: 'ready' } };
    const items = statusMenuItems(engine, time);
    const got = items.map((i) => i.command);
    for (const c of [COMMANDS.snooze, COMMANDS.report, COMMANDS.runLocal, COMMANDS.restartEngine, COMMANDS.stopLocal]) assert.ok(got.includes(c), c);
    assert.ok(!got.includes(COMMANDS.setKey));
    assert.match(items.find((i) => i.command === COMMANDS.runLocal)?.description ?? '', /stories260K · ready/);
    // Off, with an endpoint: the engine is offered as the other way.
    assert.ok(commands({ ...READY, localEngine: { enabled: false, model: 'x', phase: 'off' } }).includes(COMMANDS.runLocal));
  });

  it('every command it offers is registered in package.json (or is VS Code’s own)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    const offered = new Set(
      [
        READY,
        { ...READY, snoozedUntil: 1, hasApiKey: true },
        { ...READY, enabled: false },
        { ...READY, configured: false },
        { ...READY, localEngine: { enabled: true, model: 'm', phase: 'ready' } },
      ].flatMap(commands),
    );
    for (const c of offered) assert.ok(contributed.has(c) || c.startsWith('workbench.'), c);
  });

  it('the outage notice offers Set API Key only when the endpoint asked for a key', () => {
    assert.ok(!outageActions('unreachable').includes('Set API Key'));
    assert.ok(!outageActions('http').includes('Set API Key'));
    assert.equal(outageActions('auth')[0], 'Set API Key');
  });
});
