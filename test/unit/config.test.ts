import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, MACHINE_ONLY_KEYS, isEnabledFor, normalizeBaseUrl, normalizeSettings } from '../../src/core/config';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
const props: Record<string, { default: unknown; scope?: string }> = pkg.contributes.configuration.properties;

describe('config', () => {
  it('package.json contributes exactly the settings the code defines, with the same defaults', () => {
    const declared = Object.keys(props)
      .map((k) => k.replace(/^intentComplete\./, ''))
      .sort();
    assert.deepEqual(declared, Object.keys(DEFAULTS).sort());
    for (const [k, v] of Object.entries(DEFAULTS)) assert.deepEqual(props[`intentComplete.${k}`].default, v, k);
  });

  it('settings that decide where code goes are user-only and restricted in untrusted workspaces', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const k of MACHINE_ONLY_KEYS) {
      assert.equal(props[`intentComplete.${k}`].scope, 'application', k);
      assert.ok(restricted.includes(`intentComplete.${k}`), k);
    }
  });

  it('falls back to defaults for malformed values and says why', () => {
    const { settings, problems } = normalizeSettings({
      timeoutMs: 'soon',
      maxTokens: -5,
      endpoint: 'ftp://x',
      apiStyle: 'grpc',
      enable: 'yes',
      languages: { python: 'no', go: false },
    });
    assert.equal(settings.timeoutMs, DEFAULTS.timeoutMs);
    assert.equal(settings.maxTokens, DEFAULTS.maxTokens);
    assert.equal(settings.endpoint, '');
    assert.equal(settings.apiStyle, 'auto');
    assert.equal(settings.enable, true);
    assert.deepEqual(settings.languages, { '*': true, go: false });
    assert.equal(problems.length, 6);
    assert.match(problems.join('\n'), /intentComplete\.timeoutMs/);
  });

  it('accepts good values, numeric strings included', () => {
    const { settings, problems } = normalizeSettings({ timeoutMs: '800', endpoint: ' http://127.0.0.1:8080 ', model: 'qwen' });
    assert.deepEqual(problems, []);
    assert.equal(settings.timeoutMs, 800);
    assert.equal(settings.endpoint, 'http://127.0.0.1:8080');
  });

  it('enables per language with * as the fallback', () => {
    const s = normalizeSettings({ languages: { '*': false, python: true } }).settings;
    assert.equal(isEnabledFor(s, 'python'), true);
    assert.equal(isEnabledFor(s, 'go'), false);
    assert.equal(isEnabledFor({ ...s, enable: false }, 'python'), false);
  });

  it('adds /v1 to a bare base URL only', () => {
    assert.equal(normalizeBaseUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/v1');
    assert.equal(normalizeBaseUrl('http://h/api/v1'), 'http://h/api/v1');
  });
});
