import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));

describe('edit selection: package.json contributions', () => {
  it('Ctrl+I / Cmd+I runs Edit Selection in a writable editor, unless intentComplete.editKeybinding gives the key back', () => {
    const kb = pkg.contributes.keybindings.find((k: { command: string; key: string }) => k.command === 'intentComplete.editSelection');
    assert.equal(kb.key, 'ctrl+i');
    assert.equal(kb.mac, 'cmd+i');
    for (const w of ['editorTextFocus', '!editorReadonly', 'config.intentComplete.editKeybinding']) assert.ok(kb.when.includes(w), w);
  });
  it('accept / reject keys only while a proposal is pending; palette and context menu entries', () => {
    const keys = pkg.contributes.keybindings.filter((k: { command: string }) => /^intentComplete\.edit\.(accept|reject)$/.test(k.command));
    assert.deepEqual(keys.map((k: { key: string }) => k.key).sort(), ['ctrl+enter', 'escape', 'tab']);
    for (const k of keys) assert.ok(k.when.includes('intentComplete.editPending'), k.key);
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'intentComplete.editSelection');
    assert.equal(`${cmd.category}: ${cmd.title}`, 'Intent Complete: Edit Selection');
    assert.ok(pkg.contributes.menus['editor/context'].some((m: { command: string }) => m.command === 'intentComplete.editSelection'));
  });
});
