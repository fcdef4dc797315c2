/**
 * Taking a suggestion a piece at a time, in the browser: Accept Next Word (Ctrl+Right) takes one
 * word and the rest stays shown as ghost text; Accept Next Line takes the rest of that line and the
 * next line stays shown; Tab takes what is left. The rest comes from the typed-ahead cache: the
 * test endpoint sees one request for the whole suggestion.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { TestOpenAIServer } from '../server/openaiServer';
import { activeEditor, eventually, focusEditorAtEnd, openFile, typeText, visibleLines, waitForWorkbench, type Scenario } from '../host/e2e';

/** VS Code has no default key for Accept Next Line: the scenario binds this one in the user's keybindings.json. */
const ACCEPT_LINE_KEY = 'ctrl+alt+l';

const SOURCE = 'const first = 1;\nconst second = 2;\n';
const SUGGESTION = 'first + second;\nconst product = first * second;';

/** The ghost text shown now, in the order it is drawn (top to bottom, left to right), one string per row. */
async function ghostRows(page: Page): Promise<string[]> {
  const parts = await activeEditor(page)
    .locator('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text')
    .evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { top: Math.round(r.top), left: r.left, text: (el.textContent ?? '').replace(/\u00a0/g, ' ') };
      }),
    );
  parts.sort((a, b) => a.top - b.top || a.left - b.left);
  const rows = new Map<number, string>();
  for (const p of parts) rows.set(p.top, (rows.get(p.top) ?? '') + p.text);
  return [...rows.values()].map((r) => r.trim()).filter(Boolean);
}

/** Waits until the ghost text shows `want` (it is re-rendered after each partial accept). */
async function ghostBecomes(page: Page, want: string[], timeoutMs = 15_000): Promise<void> {
  await eventually(`ghost text ${JSON.stringify(want)}`, async () => JSON.stringify(await ghostRows(page)) === JSON.stringify(want), timeoutMs).catch(async (e: unknown) => {
    throw new Error(`${String(e)}; shown: ${JSON.stringify(await ghostRows(page))}`);
  });
}

let server: TestOpenAIServer | undefined;

export const partialAcceptScenario: Scenario = {
  name: 'ghost text: accept next word, then next line; the rest stays shown and comes from the cache',
  files: { 'src/product.ts': SOURCE },
  async settings({ onCleanup }) {
    const s = (server = await TestOpenAIServer.start({ models: ['qwen2.5-coder-e2e'] }));
    s.respond({ text: SUGGESTION });
    onCleanup(() => s.stop());
    return {
      'intentComplete.endpoint': s.url,
      'intentComplete.model': 'qwen2.5-coder-e2e',
      'intentComplete.timeoutMs': 10000,
      // The position ends a statement: ask for several lines there, so there is a next line to take.
      'intentComplete.multiline': 'always',
      'files.autoSave': 'off',
    };
  },
  async run({ page, codeServer, workspaceDir, screenshot, log }) {
    const s = server;
    assert.ok(s, 'the test endpoint started');
    fs.writeFileSync(
      path.join(codeServer.userDataDir, 'User', 'keybindings.json'),
      JSON.stringify([{ key: ACCEPT_LINE_KEY, command: 'editor.action.inlineSuggest.acceptNextLine', when: 'inlineSuggestionVisible && editorTextFocus' }]),
    );
    // The workbench reads keybindings.json when it loads; then the extension starts again.
    await page.reload();
    await waitForWorkbench(page);
    const status = page.locator('[id="intent-complete.intent-complete.intentComplete.status"]').first();
    await eventually('the extension ready again', async () => /ready/.test((await status.getAttribute('aria-label')) ?? ''), 60_000);
    await openFile(page, 'src/product.ts');
    await focusEditorAtEnd(page);
    await typeText(page, 'const total = ');
    await ghostBecomes(page, SUGGESTION.split('\n'), 30_000);
    // Typing may have asked at earlier positions too; from here on nothing more may be asked.
    const asked = s.completionRequests.length;
    log(`ghost text shown; ${await screenshot('shown')}`);

    // One word: the document has it, the rest is still shown.
    await page.keyboard.press('Control+ArrowRight');
    await eventually('the word in the editor', async () => (await visibleLines(page)).includes('const total = first'));
    await ghostBecomes(page, ['+ second;', 'const product = first * second;']);
    log(`after Accept Next Word: ${JSON.stringify(await ghostRows(page))}; ${await screenshot('after-word')}`);

    // The rest of the line: the document has it, the next line is still shown.
    await page.keyboard.press('Control+Alt+l');
    await eventually('the line in the editor', async () => (await visibleLines(page)).includes('const total = first + second;'));
    await ghostBecomes(page, ['const product = first * second;']);
    log(`after Accept Next Line: ${JSON.stringify(await ghostRows(page))}; ${await screenshot('after-line')}`);

    await page.keyboard.press('Tab');
    await eventually('the last line in the editor', async () => (await visibleLines(page)).includes('const product = first * second;'));
    await page.keyboard.press('Control+S');
    const file = path.join(workspaceDir, 'src', 'product.ts');
    await eventually('the file saved', () => fs.readFileSync(file, 'utf8') === `${SOURCE}const total = ${SUGGESTION}`);
    // The remainders came from the typed-ahead cache: no request after the first.
    assert.deepEqual(
      s.completionRequests.slice(asked).map((r) => r.prompt.slice(-60)),
      [],
      'requests went to the model for the rest of the suggestion',
    );
    log(`requests: ${s.completionRequests.length}; ${await screenshot('accepted')}`);
  },
};
