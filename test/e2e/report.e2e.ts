/**
 * The completion quality report as a person sees it: accept a suggestion with Tab, run
 * "Intent Complete: Show Completion Quality Report" from the command palette, and the webview
 * shows the accepted suggestion among its figures, with charts drawn. Screenshot of the report.
 */
import * as assert from 'node:assert/strict';
import { withTestEndpoint } from './endpoint';
import { eventually, focusEditorAtEnd, openFile, typeText, visibleLines, waitForGhostText, type Scenario } from '../host/e2e';

export const reportScenario: Scenario = {
  name: 'quality report shows the accepted suggestion, with charts',
  files: { 'src/report.ts': 'const first = 1;\nconst second = 2;\n' },
  settings: withTestEndpoint({ text: 'first + second;\n' }),
  async run({ page, screenshot, log, extensionErrors }) {
    await openFile(page, 'src/report.ts');
    await focusEditorAtEnd(page);
    await typeText(page, 'const total = ');
    await waitForGhostText(page, 20_000);
    await page.keyboard.press('Tab');
    await eventually('the accepted suggestion in the editor', async () => (await visibleLines(page)).includes('const total = first + second;'));

    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type('Show Completion Quality Report', { delay: 20 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Completion Quality Report' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');

    // The webview: an iframe in an iframe.
    const view = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const accepted = view.locator('[data-figure="acceptanceRate"]');
    await accepted.waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the accepted suggestion counted in the report', async () => {
      const sub = await view.locator('.card', { has: accepted }).locator('.sub').textContent();
      return /^1 accepted of [1-9]\d* shown$/.test(sub ?? '');
    });
    const rate = (await accepted.textContent()) ?? '';
    assert.match(rate, /^\d+\.\d%$/);
    const charts = await view.locator('svg.chart').count();
    assert.ok(charts >= 5, `only ${charts} charts in the report`);
    log(`report: acceptance ${rate}, ${charts} charts; ${await screenshot('report')}`);
    assert.deepEqual(extensionErrors(), []);
  },
};
