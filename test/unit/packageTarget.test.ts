/**
 * What a platform target's .vsix may hold (test/host/checkPackage.ts targetVsixProblems): the
 * universal package's files, the engine's worker, node-llama-cpp and that platform's binary only.
 * The real linux-x64 .vsix is built, unpacked and run by `npm run test:package`.
 */
import * as assert from 'node:assert/strict';
import { targetVsixProblems } from '../host/checkPackage';
import { gpuOption } from '../../src/engine/llama';

const MANIFEST = '<Identity Language="en-US" Id="intent-complete" Version="0.1.0" Publisher="intent-complete" TargetPlatform="linux-x64"/>';

const GOOD: Record<string, string> = {
  '[Content_Types].xml': '',
  'extension.vsixmanifest': MANIFEST,
  'extension/package.json': '{"main": "./dist/extension.js"}',
  'extension/readme.md': '',
  'extension/LICENSE.txt': '',
  'extension/dist/extension.js': '',
  'extension/dist/worker.js': '',
  'extension/dist/tree-sitter.wasm': '',
  'extension/dist/grammars/tree-sitter-go.wasm': '',
  'extension/node_modules/node-llama-cpp/package.json': '',
  'extension/node_modules/node-llama-cpp/dist/index.js': '',
  'extension/node_modules/yargs/index.cjs': '',
  'extension/node_modules/@node-llama-cpp/linux-x64/package.json': '',
  'extension/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node': '',
  'extension/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-base.so': '',
};

const problems = (files: Record<string, string>) => targetVsixProblems(Object.keys(files), (entry) => files[entry] ?? '', 'linux-x64', 'linux-x64');

describe('package check: a platform target .vsix (the built-in engine)', () => {
  it('passes the engine with its own platform binary', () => {
    assert.deepEqual(problems(GOOD), []);
  });

  it("fails on another platform's binary package and on native code elsewhere, naming each", () => {
    const p = problems({
      ...GOOD,
      'extension/node_modules/@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node': '',
      'extension/node_modules/@reflink/reflink-linux-x64-gnu/reflink.linux-x64-gnu.node': '',
    });
    assert.deepEqual(p, [
      "extension/node_modules/@node-llama-cpp/linux-arm64: another platform's engine binary",
      'extension/node_modules/@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node: native code outside extension/node_modules/@node-llama-cpp/linux-x64/',
      'extension/node_modules/@reflink/reflink-linux-x64-gnu/reflink.linux-x64-gnu.node: native code outside extension/node_modules/@node-llama-cpp/linux-x64/',
    ]);
  });

  it('fails without the worker, node-llama-cpp or the addon', () => {
    const {
      'extension/dist/worker.js': _w,
      'extension/node_modules/node-llama-cpp/package.json': _n,
      'extension/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node': _a,
      ...rest
    } = GOOD;
    assert.deepEqual(problems(rest), [
      'extension/dist/worker.js is missing',
      'extension/node_modules/node-llama-cpp/package.json is missing',
      'extension/node_modules/@node-llama-cpp/linux-x64/: no llama.cpp addon (.node)',
    ]);
  });

  it('keeps the universal rules outside the engine (no CLI bundle) and wants the target in the manifest', () => {
    const p = problems({ ...GOOD, 'extension/dist/cli.js': '', 'extension.vsixmanifest': MANIFEST.replace(' TargetPlatform="linux-x64"', '') });
    assert.deepEqual(p, ['extension/dist/cli.js: the CLI bundle', 'extension.vsixmanifest: not marked TargetPlatform="linux-x64"']);
  });
});

describe('engine runtime: the binary each platform package carries is the one asked for', () => {
  it('asks for Metal on Apple silicon (its only prebuilt binary), the CPU build elsewhere unless a GPU is wanted', () => {
    assert.equal(gpuOption('darwin', 'arm64', false), 'metal');
    assert.equal(gpuOption('darwin', 'x64', false), false);
    assert.equal(gpuOption('linux', 'x64', false), false);
    assert.equal(gpuOption('win32', 'x64', false), false);
    assert.equal(gpuOption('linux', 'x64', true), 'auto');
  });
});
