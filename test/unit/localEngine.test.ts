/**
 * The built-in engine's VS Code side without VS Code: the run plan from settings, the catalogue
 * quick pick, download notices, the settings' validation, and the manager's states (with a scripted
 * supervisor for the state machine, and the real engine in a child process with the real test model).
 */
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULTS, normalizeSettings, type Settings } from '../../src/core/config';
import type { Logger } from '../../src/core/types';
import { CATALOGUE, DEFAULT_MODEL_ID } from '../../src/engine/catalogue';
import type { DownloadErrorKind } from '../../src/engine/download';
import type { EngineEndpoint, EngineState, SupervisorOptions } from '../../src/engine/supervisor';
import { LocalEngine, NO_ENGINE, editNeedsChat, type EngineNotice, type EngineView, type SupervisorLike } from '../../src/vscode/localEngine/manager';
import { downloadNotice, modelPickItems, progressLine } from '../../src/vscode/localEngine/picker';
import { engineThreads, planRun, servedModelName } from '../../src/vscode/localEngine/run';
import { testModelFile } from '../shared/testModel';
import { until } from './support';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
const props: Record<string, { default: unknown; scope?: string; enum?: string[] }> = pkg.contributes.configuration.properties;
const LOCAL_KEYS = ['enabled', 'model', 'modelFile', 'threads', 'idleUnloadMinutes'].map((k) => `localEngine.${k}`);

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const settings = (over: Partial<Settings> = {}): Settings => ({ ...DEFAULTS, ...over });

describe('built-in engine settings', () => {
  it('are machine-scoped, named as agreed, and default to off with the catalogue default model', () => {
    for (const k of LOCAL_KEYS) assert.equal(props[`intentComplete.${k}`]?.scope, 'machine', k);
    assert.equal(DEFAULTS['localEngine.enabled'], false);
    assert.equal(DEFAULTS['localEngine.model'], DEFAULT_MODEL_ID);
    assert.equal(DEFAULTS['localEngine.idleUnloadMinutes'], 15);
    assert.equal(DEFAULTS['localEngine.threads'], 0);
    assert.deepEqual(props['intentComplete.localEngine.model'].enum, CATALOGUE.map((e) => e.id).sort());
  });

  it('malformed values fall back to the default and say why, never throw', () => {
    const { settings: s, problems } = normalizeSettings({
      'localEngine.enabled': 'yes',
      'localEngine.modelFile': 'models/tiny.gguf',
      'localEngine.threads': -2,
      'localEngine.idleUnloadMinutes': 'soon',
      'localEngine.model': '../../etc/passwd',
    });
    assert.equal(s['localEngine.enabled'], false);
    assert.equal(s['localEngine.modelFile'], '');
    assert.equal(s['localEngine.threads'], 0);
    assert.equal(s['localEngine.idleUnloadMinutes'], 15);
    assert.equal(s['localEngine.model'], DEFAULT_MODEL_ID);
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems.join('\n'), /localEngine\.modelFile: expected an absolute path/);
    assert.match(normalizeSettings({ 'localEngine.modelFile': '/m/model.bin' }).problems[0], /ending in \.gguf/);
    assert.equal(normalizeSettings({ 'localEngine.modelFile': '/m/Model.GGUF', 'localEngine.threads': '4' }).problems.length, 0);
  });
});

describe('built-in engine run plan', () => {
  it('threads: the setting, else about one per physical core, at least one', () => {
    assert.equal(engineThreads(3, 16), 3);
    assert.equal(engineThreads(0, 2), 1);
    assert.equal(engineThreads(0, 1), 1);
    assert.equal(engineThreads(0, 8), 4);
    assert.equal(engineThreads(0, 64), 8);
  });

  it('a model file overrides the catalogue model; its served name is the file name without .gguf', () => {
    const p = planRun(settings({ 'localEngine.modelFile': '/m/stories260K.gguf', 'localEngine.threads': 2, 'localEngine.idleUnloadMinutes': 0 }), '/store', () => false);
    assert.ok(p.ok);
    assert.deepEqual(p.run, { modelFile: '/m/stories260K.gguf', model: 'stories260K', threads: 2, idleMs: 0 });
    assert.equal(servedModelName('/a/b/Qwen.GGUF'), 'Qwen');
  });

  it('a catalogue model not downloaded yet is to be downloaded, never started', () => {
    const p = planRun(settings({ 'localEngine.model': 'qwen2.5-coder-0.5b-q8_0' }), '/store', () => false);
    assert.ok(!p.ok);
    assert.equal(p.entry.id, 'qwen2.5-coder-0.5b-q8_0');
    assert.equal(p.file, path.join('/store', 'qwen2.5-coder-0.5b-q8_0.gguf'));
    const there = planRun(settings({ 'localEngine.model': 'qwen2.5-coder-0.5b-q8_0' }), '/store', () => true);
    assert.ok(there.ok);
    assert.equal(there.run.model, 'qwen2.5-coder-0.5b-q8_0');
    assert.equal(there.run.idleMs, 15 * 60_000);
  });

  it('an unknown catalogue id falls back to the default and says so', () => {
    const p = planRun(settings({ 'localEngine.model': 'gpt-9' }), '/store', () => true);
    assert.ok(p.ok);
    assert.equal(p.run.entry?.id, DEFAULT_MODEL_ID);
    assert.match(p.problems[0], /no catalogue model is called "gpt-9"/);
  });
});

describe('built-in engine picker', () => {
  it('one item per catalogue model with size, licence and hardware, then a GGUF file on disk', () => {
    const items = modelPickItems({ downloaded: new Set(['qwen2.5-coder-0.5b-q8_0']), current: 'qwen2.5-coder-0.5b-q8_0' });
    assert.equal(items.length, CATALOGUE.length + 1);
    assert.deepEqual(items.at(-1)?.choice, { kind: 'file' });
    assert.match(items.at(-1)!.label, /Use a GGUF file on disk…/);
    for (const [i, e] of CATALOGUE.entries()) {
      const it = items[i];
      assert.ok(it.label.includes(e.label));
      assert.ok(it.detail?.includes(e.licence.name), it.detail);
      assert.ok(it.detail?.includes(e.hardware), it.detail);
      // An entry without a confirmed sha256 says so; one with it does not.
      assert.equal(/sha256 unconfirmed/.test(it.detail ?? ''), !e.sha256, e.id);
    }
    const small = items.find((i) => i.choice.kind === 'catalogue' && i.choice.entry.id === 'qwen2.5-coder-0.5b-q8_0')!;
    assert.match(small.description ?? '', /downloaded · in use/);
    const def = items.find((i) => i.choice.kind === 'catalogue' && i.choice.entry.id === DEFAULT_MODEL_ID)!;
    assert.match(def.description ?? '', /download 1\.65 GB · recommended/);
  });

  it('progress: bytes of total and per cent; resumed downloads say from where', () => {
    const l = progressLine({ bytes: 412_000_000, total: 1_650_000_000, bytesPerSecond: 12_300_000, resumedFrom: 100_000_000, phase: 'downloading' });
    assert.equal(l.percent, 24);
    assert.equal(l.message, '412 MB of 1.65 GB (24%) · 12.3 MB/s · resumed from 100 MB');
    assert.equal(progressLine({ bytes: 5, bytesPerSecond: 0, resumedFrom: 0, phase: 'downloading' }).percent, undefined);
  });

  it('every way a download ends has its own sentence; cancelling is not an error', () => {
    const kinds: DownloadErrorKind[] = ['busy', 'aborted', 'network', 'http', 'redirect', 'disk-full', 'file-system', 'size', 'not-gguf', 'checksum'];
    const texts = kinds.map((kind) => downloadNotice('Qwen', { kind, message: `detail of ${kind}.`, partFile: '/x.part' }));
    assert.equal(new Set(texts.map((t) => t.text)).size, kinds.length);
    for (const [i, t] of texts.entries()) assert.ok(t.text.includes(`detail of ${kinds[i]}.`));
    assert.equal(texts[1].severity, 'info');
    assert.equal(texts[1].retry, false);
    assert.match(texts[2].text, /the next try resumes/);
    assert.equal(texts[9].severity, 'error');
    assert.ok(texts[9].retry);
  });
});

/** A supervisor whose child the test drives: acquire waits for `ready()`. */
class ScriptedSupervisor extends EventEmitter implements SupervisorLike {
  state: EngineState = 'stopped';
  pid: number | undefined;
  stops = 0;
  private pending: ((ep: EngineEndpoint) => void)[] = [];
  constructor(readonly options: SupervisorOptions) {
    super();
  }
  acquire(): Promise<EngineEndpoint> {
    if (this.state === 'stopped') this.set('loading');
    return new Promise((r) => this.pending.push(r));
  }
  ready(chat = false): void {
    this.pid = 4242;
    this.set('ready');
    const ep = readyEndpoint(this.options.modelFile, chat);
    for (const r of this.pending.splice(0)) r(ep);
  }
  async stop(): Promise<void> {
    this.stops++;
    this.pid = undefined;
    this.set('stopped');
  }
  set(s: EngineState): void {
    this.state = s;
    this.emit('state', s);
  }
}

function readyEndpoint(modelFile: string, chat: boolean): EngineEndpoint {
  const model = servedModelName(modelFile);
  return {
    url: 'http://127.0.0.1:1/v1',
    token: 'tok',
    ready: { ready: true, url: 'http://127.0.0.1:1/v1', token: 'tok', model, contextSize: 256, threads: 1, fim: false, chat, memory: { model: 1, context: 1 }, pid: 4242 },
  };
}

describe('built-in engine manager (scripted supervisor)', () => {
  let current: Settings;
  let sups: ScriptedSupervisor[];
  let notices: EngineNotice[];
  let views: EngineView[];
  const make = (over: Partial<Settings> = {}) => {
    current = settings({ 'localEngine.enabled': true, 'localEngine.modelFile': '/m/tiny.gguf', 'localEngine.threads': 1, ...over });
    sups = [];
    notices = [];
    views = [];
    const e = new LocalEngine({
      settings: () => current,
      modelsDir: '/store',
      log: quiet,
      createSupervisor: (o) => {
        const s = new ScriptedSupervisor(o);
        sups.push(s);
        return s;
      },
      checkFile: async (file) =>
        file.includes('broken')
          ? { ok: false, file, reason: 'it does not start with GGUF' }
          : { ok: true, file, bytes: 1, header: { version: 3, tensorCount: 0n, metadataCount: 0n } as never },
      present: () => false,
    });
    e.onNotice((n) => notices.push(n));
    e.onDidChangeState((v) => views.push(v));
    return e;
  };

  it('off: no endpoint, no child', async () => {
    const e = make({ 'localEngine.enabled': false });
    assert.equal(await e.endpoint(), undefined);
    assert.equal(sups.length, 0);
    assert.equal(e.view().phase, 'off');
  });

  it('starts on first need, once for two first requests; loading then ready', async () => {
    const e = make();
    assert.equal(e.view().phase, 'idle');
    const a = e.endpoint();
    const b = e.endpoint();
    await until(() => sups.length === 1 && sups[0].state === 'loading');
    assert.equal(e.view().phase, 'loading');
    sups[0].ready();
    const [ea, eb] = await Promise.all([a, b]);
    assert.equal(sups.length, 1);
    assert.deepEqual(ea, { endpoint: 'http://127.0.0.1:1/v1', apiKey: 'tok', model: 'tiny', chat: false, fim: false });
    assert.deepEqual(eb, ea);
    assert.equal(sups[0].options.threads, 1);
    assert.equal(sups[0].options.idleMs, 15 * 60_000);
    assert.equal(e.view().phase, 'ready');
    assert.deepEqual([...new Set(views.map((v) => v.phase))], ['loading', 'ready']);
  });

  it('a request that finds no engine starts it without waiting; the endpoint is in effect only while ready', async () => {
    const e = make();
    assert.deepEqual(e.status(), { kind: 'engine', phase: 'idle', model: 'tiny', threads: undefined, pid: undefined });
    e.wanted();
    e.wanted();
    await until(() => sups.length === 1 && sups[0].state === 'loading');
    assert.equal(e.current, undefined);
    assert.equal(e.status()?.phase, 'loading');
    sups[0].ready();
    await until(() => e.current !== undefined);
    assert.equal(sups.length, 1);
    assert.equal(e.apiKey, 'tok');
    assert.equal(e.status(), undefined, 'ready: the endpoint status speaks');
    // Unloaded after the idle period (the supervisor stops its child): no endpoint in effect, the next request loads it again.
    await sups[0].stop();
    assert.equal(e.current, undefined);
    assert.equal(e.status()?.phase, 'idle');
    e.wanted();
    await until(() => sups[0].state === 'loading');
  });

  it('an aborted wait gives up at once; the engine goes on loading', async () => {
    const e = make();
    const ac = new AbortController();
    const p = e.endpoint(ac.signal);
    await until(() => sups.length === 1);
    ac.abort();
    assert.equal(await p, undefined);
    assert.equal(sups[0].stops, 0);
  });

  it('settings: another model file or thread count starts a new engine; disabling stops it', async () => {
    const e = make();
    const first = e.endpoint();
    await until(() => sups.length === 1);
    sups[0].ready();
    await first;
    current = { ...current, 'localEngine.threads': 2 };
    await e.settingsChanged();
    assert.equal(sups[0].stops, 1);
    await until(() => sups.length === 2);
    assert.equal(sups[1].options.threads, 2);
    sups[1].ready();
    current = { ...current, 'localEngine.enabled': false };
    await e.settingsChanged();
    assert.equal(sups[1].stops, 1);
    assert.equal(e.view().phase, 'off');
    assert.equal(await e.endpoint(), undefined);
    assert.equal(sups.length, 2);
  });

  it('a file that is not a model: one notice, not tried again until the settings change', async () => {
    const e = make({ 'localEngine.modelFile': '/m/broken.gguf' });
    assert.equal(await e.endpoint(), undefined);
    assert.equal(await e.endpoint(), undefined);
    assert.equal(sups.length, 0);
    assert.equal(e.view().phase, 'invalid');
    assert.deepEqual(
      notices.map((n) => n.kind),
      ['invalid'],
    );
    assert.match(e.view().reason ?? '', /broken\.gguf cannot be used: it does not start with GGUF/);
    current = { ...current, 'localEngine.modelFile': '/m/tiny.gguf' };
    await e.settingsChanged();
    assert.equal(e.view().phase, 'idle');
  });

  it('an installation without the engine (the universal package) says so instead of starting', async () => {
    const e = new LocalEngine({
      settings: () => current,
      modelsDir: '/store',
      log: quiet,
      workerEntry: '/nowhere/dist/worker.js',
      checkFile: async (file) => ({ ok: true, file, bytes: 1, header: {} as never }),
    });
    current = settings({ 'localEngine.enabled': true, 'localEngine.modelFile': '/m/tiny.gguf' });
    const told: EngineNotice[] = [];
    e.onNotice((n) => told.push(n));
    assert.equal(await e.endpoint(), undefined);
    assert.equal(e.view().phase, 'invalid');
    assert.equal(e.view().reason, NO_ENGINE);
    assert.deepEqual(told, [{ kind: 'invalid', message: NO_ENGINE }]);
  });

  it('a catalogue model not downloaded: needs-model, one notice to download it, nothing started', async () => {
    const e = make({ 'localEngine.modelFile': '', 'localEngine.model': 'qwen2.5-coder-0.5b-q8_0' });
    assert.equal(await e.endpoint(), undefined);
    assert.equal(await e.endpoint(), undefined);
    assert.equal(sups.length, 0);
    assert.equal(e.view().phase, 'needs-model');
    assert.equal(notices.length, 1);
    assert.equal(notices[0].kind === 'needs-download' && notices[0].entry.id, 'qwen2.5-coder-0.5b-q8_0');
    e.downloading(40);
    assert.deepEqual([e.view().phase, e.view().percent], ['downloading', 40]);
  });

  it('repeated crashes (failed): one notice, no restart per keystroke; Restart starts it again', async () => {
    const e = make();
    const p = e.endpoint();
    await until(() => sups.length === 1);
    sups[0].ready();
    await p;
    sups[0].set('failed');
    sups[0].emit('failed', new Error('the engine stopped 6 times in a row'));
    assert.equal(e.view().phase, 'failed');
    assert.match(e.view().reason ?? '', /6 times/);
    assert.equal(await e.endpoint(), undefined);
    assert.deepEqual(
      notices.map((n) => n.kind),
      ['failed'],
    );
    const again = e.restart();
    await until(() => sups.length === 2);
    sups[1].ready();
    assert.ok(await again);
    assert.equal(e.view().phase, 'ready');
  });

  it('Edit Selection: a model without a chat template is told which model it needs', async () => {
    const e = make();
    const p = e.forEdit();
    await until(() => sups.length === 1);
    sups[0].ready(false);
    const r = await p;
    assert.ok(r && !r.ok);
    assert.equal(r.message, editNeedsChat('tiny'));
    assert.match(r.message, /instruct model/);
    const chat = make();
    const q = chat.forEdit();
    await until(() => sups.length === 1);
    sups[0].ready(true);
    assert.ok((await q)?.ok);
    assert.equal(await make({ 'localEngine.enabled': false }).forEdit(), undefined);
  });
});

describe('built-in engine manager (real engine, child process)', function () {
  this.timeout(120_000);
  let engine: LocalEngine | undefined;
  afterEach(async () => {
    await engine?.dispose();
    engine = undefined;
  });

  const alive = (pid: number | undefined) => {
    try {
      return pid !== undefined && process.kill(pid, 0);
    } catch {
      return false;
    }
  };

  it('serves the real model with its token; disabling ends the child', async () => {
    let s = settings({ 'localEngine.enabled': true, 'localEngine.modelFile': testModelFile(), 'localEngine.threads': 1 });
    engine = new LocalEngine({ settings: () => s, modelsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ic-models-')), log: quiet });
    const ep = await engine.endpoint();
    assert.ok(ep);
    assert.equal(ep.model, 'stories260K');
    assert.equal(ep.fim, false);
    const pid = engine.pid;
    assert.ok(alive(pid));
    const res = await fetch(`${ep.endpoint}/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ep.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: ep.model, prompt: 'Once upon a time', max_tokens: 8, temperature: 0 }),
    });
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { choices: { text: string }[] }).choices[0].text.length > 0);
    const wrong = await fetch(`${ep.endpoint}/models`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    s = { ...s, 'localEngine.enabled': false };
    await engine.settingsChanged();
    assert.equal(engine.view().phase, 'off');
    await until(() => !alive(pid), 5000);
  });
});
