/**
 * Ghost text as a person sees it, in the browser: typing shows the suggestion the test endpoint
 * served, Tab accepts it into the document; with the endpoint down, typing shows nothing, the
 * status bar says unreachable, and the extension logs no error.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestOpenAIServer } from '../server/openaiServer';
import { withTestEndpoint } from './endpoint';
import { eventually, focusEditorAtEnd, ghostText, openFile, typeText, visibleLines, waitForGhostText, type Scenario } from '../host/e2e';

export const ghostTextAcceptScenario: Scenario = {
  name: 'ghost text from the endpoint, Tab accepts it',
  files: { 'src/sum.ts': 'const first = 1;\nconst second = 2;\n' },
  settings: withTestEndpoint({ text: 'first + second;\n' }),
  async run({ page, workspaceDir, screenshot, log }) {
    await openFile(page, 'src/sum.ts');
    await focusEditorAtEnd(page);
    await typeText(page, 'const total = ');
    const ghost = await waitForGhostText(page, 20_000);
    assert.equal(ghost.trim(), 'first + second;');
    log(`ghost text shown: ${JSON.stringify(ghost)}; ${await screenshot('ghost-text')}`);
    await page.keyboard.press('Tab');
    await eventually('the accepted suggestion in the editor', async () => (await visibleLines(page)).includes('const total = first + second;'));
    assert.equal(await ghostText(page), '');
    await page.keyboard.press('Control+S');
    const file = path.join(workspaceDir, 'src', 'sum.ts');
    await eventually('the file saved', () => fs.readFileSync(file, 'utf8').includes('const total = first + second;'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'const first = 1;\nconst second = 2;\nconst total = first + second;');
    log(`accepted; ${await screenshot('accepted')}`);
  },
};

export const endpointDownScenario: Scenario = {
  name: 'endpoint down: no ghost text, status unreachable, no error',
  files: { 'src/down.ts': 'const first = 1;\n' },
  async settings({ onCleanup }) {
    const server = await TestOpenAIServer.start();
    server.respond({ text: 'first;' });
    const url = server.url;
    await server.down(); // the port now refuses connections
    onCleanup(() => server.stop());
    return { 'intentComplete.endpoint': url, 'intentComplete.model': 'qwen2.5-coder-e2e', 'files.autoSave': 'off' };
  },
  async run({ page, screenshot, log, extensionErrors }) {
    await openFile(page, 'src/down.ts');
    await focusEditorAtEnd(page);
    await typeText(page, 'const again = ');
    const status = page.locator('.statusbar-item', { hasText: 'IC: unreachable' });
    await status.first().waitFor({ state: 'visible', timeout: 20_000 });
    // Keep typing: still no ghost text, and no popup per keystroke.
    await typeText(page, 'fir');
    await page.waitForTimeout(1500);
    assert.equal(await ghostText(page), '');
    const tooltip = (await status.first().getAttribute('aria-label')) ?? '';
    assert.match(tooltip, /unreachable/i);
    const toasts = await page.locator('.notification-toast', { hasText: 'Intent Complete' }).count();
    assert.ok(toasts <= 1, `expected at most one notification, saw ${toasts}`);
    assert.deepEqual(extensionErrors(), []);
    log(`status: ${tooltip}; ${await screenshot('unreachable')}`);
  },
};
