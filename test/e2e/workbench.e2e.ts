/**
 * The harness itself works: the workbench loads with our extension, a workspace file opens from the
 * explorer, typing reaches the editor and is saved to disk, and a screenshot is taken.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventually, focusEditorAtEnd, openFile, typeText, visibleLines, type Scenario } from '../host/e2e';

export const workbenchScenario: Scenario = {
  name: 'workbench loads, opens a file, typing works',
  files: { 'src/notes.txt': 'first line\n' },
  // No endpoint configured: ghost text stays off, so typed text is exactly what lands in the file.
  settings: { 'intentComplete.enable': false, 'files.autoSave': 'off' },
  async run({ page, workspaceDir, screenshot, log }) {
    await openFile(page, 'src/notes.txt');
    await focusEditorAtEnd(page);
    const typed = 'typed by the e2e harness';
    await typeText(page, typed);
    await eventually('the typed text in the editor', async () => (await visibleLines(page)).includes(typed));
    await page.keyboard.press('Control+S');
    const file = path.join(workspaceDir, 'src', 'notes.txt');
    await eventually('the file saved to disk', () => fs.readFileSync(file, 'utf8').includes(typed));
    assert.equal(fs.readFileSync(file, 'utf8'), `first line\n${typed}`);
    log(`saved ${path.relative(workspaceDir, file)}; screenshot ${await screenshot('editor')}`);
  },
};
