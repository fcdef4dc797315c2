/**
 * Edit Selection as a person does it, in the browser: select a line, Ctrl+I, type an instruction,
 * see the proposed change in place (the new line next to the struck-out old one, and Accept /
 * Reject / Refine over the region), Tab accepts it, the document (and the saved file) has it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { TestOpenAIServer } from '../server/openaiServer';
import { activeEditor, eventually, openFile, typeText, visibleLines, type Scenario } from '../host/e2e';

const SOURCE = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';

/** Text drawn by decorations' ::after content in the active editor (what `after` decorations show). */
async function decorationTexts(page: Page): Promise<string[]> {
  return activeEditor(page)
    .locator('.view-lines .view-line span')
    .evaluateAll((spans) =>
      spans
        .map((s) => getComputedStyle(s, '::after').content)
        .filter((c) => c && c !== 'none' && c !== 'normal')
        .map((c) => c.replace(/^"|"$/g, '').replace(/\u00a0/g, ' ')),
    );
}

export const editSelectionScenario: Scenario = {
  name: 'edit selection: select, Ctrl+I, instruction, see the diff, Tab accepts',
  files: { 'src/calc.ts': SOURCE },
  async settings({ onCleanup }) {
    const server = await TestOpenAIServer.start({ models: ['edit-e2e'] });
    server.respond((req) =>
      req.path === '/v1/chat/completions' && req.prompt.includes('Instruction: subtract instead')
        ? { text: 'Here is the change:\n```typescript\n  return a - b;\n```', chunkChars: 6, chunkDelayMs: 20 }
        : { text: '' },
    );
    onCleanup(() => server.stop());
    return {
      'intentComplete.endpoint': server.url,
      'intentComplete.model': 'edit-e2e',
      'intentComplete.enable': false,
      'intentComplete.editReview': 'inline',
      'files.autoSave': 'off',
      'editor.codeLens': true,
    };
  },
  async run({ page, workspaceDir, screenshot, log }) {
    await openFile(page, 'src/calc.ts');
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Control+i');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await eventually('the instruction box focused', () => input.evaluate((el) => el === document.activeElement));
    log(`instruction box open; ${await screenshot('instruction')}`);
    await typeText(page, 'subtract instead', 30);
    await eventually('the instruction typed in full', async () => (await input.inputValue()) === 'subtract instead');
    await page.keyboard.press('Enter');

    // The review: Accept / Reject / Refine over the region, the new line drawn after the old one.
    const lens = activeEditor(page).locator('.codelens-decoration', { hasText: 'Accept' });
    await lens.first().waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the proposed line shown in place', async () => (await decorationTexts(page)).some((t) => t.includes('return a - b;')));
    assert.ok((await visibleLines(page)).includes('  return a + b;'), 'the document is unchanged while under review');
    log(`proposal shown: ${JSON.stringify(await decorationTexts(page))}; ${await screenshot('review')}`);

    await page.keyboard.press('Tab');
    await eventually('the accepted edit in the editor', async () => (await visibleLines(page)).includes('  return a - b;'));
    await eventually('the review gone', async () => (await lens.count()) === 0);
    await page.keyboard.press('Control+S');
    const file = path.join(workspaceDir, 'src', 'calc.ts');
    await eventually('the file saved', () => fs.readFileSync(file, 'utf8') === SOURCE.replace('a + b', 'a - b'));
    log(`accepted; ${await screenshot('accepted')}`);
  },
};
