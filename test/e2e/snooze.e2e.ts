/**
 * Snooze as a person uses it, in the browser: from the status menu, ghost text is snoozed for 15
 * minutes and the status bar says how long is left; the window reloads and the snooze is still on
 * (no request while typing); Resume from the menu ends it, and after another reload it stays ended.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { TestOpenAIServer } from '../server/openaiServer';
import { eventually, focusEditorAtEnd, ghostText, openFile, typeText, waitForWorkbench, type Scenario } from '../host/e2e';

/** Our status bar item (its accessible label is its tooltip). */
function statusItem(page: Page): ReturnType<Page['locator']> {
  return page.locator('[id="intent-complete.intent-complete.intentComplete.status"]').first();
}

/** Opens the status menu and runs the entry whose label has `label`. */
async function fromStatusMenu(page: Page, label: string): Promise<void> {
  await statusItem(page).click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type(label, { delay: 20 });
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function reload(page: Page): Promise<void> {
  // The web workbench writes the extension's global state to the browser's storage a moment after
  // the update (a desktop window flushes it when it reloads).
  await page.waitForTimeout(2000);
  await page.reload();
  await waitForWorkbench(page);
}

let server: TestOpenAIServer | undefined;

export const snoozeReloadScenario: Scenario = {
  name: 'snooze from the status menu: time left in the status bar, still snoozed after a reload, resume ends it',
  files: { 'src/quiet.ts': 'const first = 1;\n' },
  timeoutMs: 240_000,
  async settings({ onCleanup }) {
    const s = (server = await TestOpenAIServer.start({ models: ['qwen2.5-coder-e2e'] }));
    s.respond({ text: 'first;' });
    onCleanup(() => s.stop());
    return { 'intentComplete.endpoint': s.url, 'intentComplete.model': 'qwen2.5-coder-e2e', 'files.autoSave': 'off' };
  },
  async run({ page, screenshot, log }) {
    const s = server;
    assert.ok(s, 'the test endpoint started');
    await eventually('the status ready', async () => /ready/.test((await statusItem(page).getAttribute('aria-label')) ?? ''), 30_000);
    await fromStatusMenu(page, 'Snooze for 15 minutes');
    await eventually('the status says snoozed, with the time left', async () => /IC: snoozed, 1[45] min left/.test(await statusItem(page).innerText()));
    log(`snoozed: ${await statusItem(page).innerText()}; ${await screenshot('snoozed')}`);

    await reload(page);
    // After the reload the extension starts again and finds the snooze it kept.
    await eventually('still snoozed after the reload', async () => /IC: snoozed, 1[45] min left/.test(await statusItem(page).innerText()), 60_000);
    assert.match((await statusItem(page).getAttribute('aria-label')) ?? '', /snoozed until .*min left/);
    await openFile(page, 'src/quiet.ts');
    await focusEditorAtEnd(page);
    await typeText(page, 'const again = ');
    await page.waitForTimeout(1500);
    assert.equal(await ghostText(page), '');
    assert.equal(s.completionRequests.length, 0, 'a request went out while snoozed');
    log(`after reload: ${await statusItem(page).innerText()}; ${await screenshot('snoozed-after-reload')}`);

    await fromStatusMenu(page, 'Resume ghost text');
    await eventually('the snooze ended', async () => !/snoozed/.test(await statusItem(page).innerText()));
    await reload(page);
    // The extension starts again and finds no snooze kept: ready.
    await eventually('the status ready after the reload', async () => /ready/.test((await statusItem(page).getAttribute('aria-label')) ?? ''), 60_000);
    assert.doesNotMatch(await statusItem(page).innerText(), /snoozed/);
    log(`resumed, reloaded: ${await statusItem(page).innerText()}; ${await screenshot('resumed')}`);
  },
};
