/**
 * Smoke suite, inside a real VS Code extension host: the extension is there, activates, registers
 * every command it contributes, and its settings read back the defaults package.json declares.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'intent-complete.intent-complete';

interface ContributedCommand {
  readonly command: string;
  readonly title: string;
}
interface ContributedSetting {
  readonly default?: unknown;
}
interface Manifest {
  readonly contributes: {
    readonly commands: readonly ContributedCommand[];
    readonly configuration: { readonly properties: Readonly<Record<string, ContributedSetting>> };
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}

describe('smoke: extension in a real VS Code', () => {
  it('is present and activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command', async () => {
    const ext = extension();
    await ext.activate();
    const manifest = ext.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('reads back the default of every intentComplete.* setting', () => {
    const manifest = extension().packageJSON as Manifest;
    const properties = manifest.contributes.configuration.properties;
    const keys = Object.keys(properties).filter((k) => k.startsWith('intentComplete.'));
    assert.ok(keys.length > 0, 'package.json contributes no intentComplete.* settings');
    const config = vscode.workspace.getConfiguration('intentComplete');
    for (const key of keys) {
      const section = key.slice('intentComplete.'.length);
      const inspected = config.inspect(section);
      assert.ok(inspected, `setting ${key} is unknown to VS Code`);
      assert.deepEqual(inspected.defaultValue, properties[key].default, `default of ${key}`);
      const overridden = inspected.globalValue !== undefined || inspected.workspaceValue !== undefined || inspected.workspaceFolderValue !== undefined;
      if (!overridden) assert.deepEqual(config.get(section), properties[key].default, `value of ${key}`);
    }
  });
});
