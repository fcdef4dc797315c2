/**
 * The built-in engine as a person sees it, in the browser: with no server at all, only
 * intentComplete.localEngine.* set to the real test model (stories260K: English stories, no FIM
 * tokens), typing in a story starts the engine, the status bar says it is loading then ready, and
 * ghost text from the engine appears without another keystroke, and Tab accepts it.
 */
import * as assert from 'node:assert/strict';
import { eventually, focusEditorAtEnd, ghostText, openFile, typeText, visibleLines, type Scenario } from '../host/e2e';
import { testModelFile } from '../shared/testModel';

const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the sun.';

export const localEngineScenario: Scenario = {
  name: 'built-in engine: ghost text from a model on this machine',
  files: { 'story.md': `${STORY}\n` },
  settings: () => ({
    'intentComplete.localEngine.enabled': true,
    'intentComplete.localEngine.modelFile': testModelFile(),
    'intentComplete.localEngine.threads': 1,
    'intentComplete.timeoutMs': 20000,
    'files.autoSave': 'off',
  }),
  async run({ page, screenshot, log, extensionErrors }) {
    await openFile(page, 'story.md');
    await focusEditorAtEnd(page);
    // The first request starts the engine and gets nothing; once the engine is ready, ghost text
    // asks again at the cursor: no further keystroke is needed.
    await typeText(page, 'One day, she');
    let ghost = '';
    await eventually('ghost text from the engine, with no keystroke after the first ones', async () => (ghost = await ghostText(page)).trim().length > 0, 60_000);
    const status = page.locator('.statusbar-item', { hasText: 'IC' }).first();
    const tooltip = (await status.getAttribute('aria-label')) ?? '';
    assert.match(tooltip, /ready|answering/i, tooltip);
    log(`ghost text: ${JSON.stringify(ghost)}; status: ${tooltip}; ${await screenshot('engine-ghost-text')}`);
    const before = (await visibleLines(page)).join('\n');
    await page.keyboard.press('Tab');
    await eventually('the accepted suggestion in the editor', async () => (await visibleLines(page)).join('\n') !== before);
    assert.deepEqual(extensionErrors(), []);
    log(`accepted; ${await screenshot('engine-accepted')}`);
  },
};
