/**
 * Edit Selection as a person does it, in the browser: select a line, Ctrl+I, type an instruction,
 * see the proposed change in place (its lines as real lines of the editor, what they replace said
 * struck out at their end, and Accept / Reject / Refine over the region), Tab accepts it, the
 * document (and the saved file) has it; Esc, Undo and Accept leave nothing of the review; a
 * 30-line proposal pushes the code below down instead of being drawn over it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { TestOpenAIServer } from '../server/openaiServer';
import type { UserSettings } from '../host/codeServer';
import { activeEditor, eventually, openFile, typeText, visibleLines, type Scenario } from '../host/e2e';

/** The user settings every edit scenario runs with: the test endpoint, ghost text off, inline review, code lenses. */
function editSettings(endpoint: string): UserSettings {
  return {
    'intentComplete.endpoint': endpoint,
    'intentComplete.model': 'edit-e2e',
    'intentComplete.enable': false,
    'intentComplete.editReview': 'inline',
    'files.autoSave': 'off',
    'editor.codeLens': true,
  };
}

/**
 * Selects the file's second line, opens Ctrl+I, types the instruction as a person would (checked
 * in full) and sends it; `onOpen` runs once the instruction box has focus.
 */
async function askForEdit(page: Page, instruction: string, onOpen?: () => Promise<void>): Promise<void> {
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Control+i');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await eventually('the instruction box focused', () => input.evaluate((el) => el === document.activeElement));
  await onOpen?.();
  await typeText(page, instruction, 30);
  await eventually('the instruction typed in full', async () => (await input.inputValue()) === instruction);
  await page.keyboard.press('Enter');
}

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
    return editSettings(server.url);
  },
  async run({ page, workspaceDir, screenshot, log }) {
    await openFile(page, 'src/calc.ts');
    await activeEditor(page).locator('.view-lines').click();
    await askForEdit(page, 'subtract instead', async () => log(`instruction box open; ${await screenshot('instruction')}`));

    // The review: Accept / Reject / Refine over the region, the new line in place, the old one said struck out at its end.
    const lens = activeEditor(page).locator('.codelens-decoration', { hasText: 'Accept' });
    await lens.first().waitFor({ state: 'visible', timeout: 30_000 });
    await eventually('the proposed line in place', async () => (await visibleLines(page)).includes('  return a - b;'));
    await eventually('the replaced line said as removed', async () => (await decorationTexts(page)).some((t) => t.includes('return a + b;')));
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

/** Anything of a proposal left on screen: its warning toast, its status-bar hint, its code lens. */
async function proposalTraces(page: Page): Promise<string[]> {
  const traces: string[] = [];
  for (const t of await page.locator('.notification-toast').allInnerTexts()) if (/not found in this file|accepts the edit/i.test(t)) traces.push(`toast: ${t}`);
  for (const t of await page.locator('.statusbar-item').allInnerTexts()) if (/not found in this file|accepts the edit|Esc rejects/i.test(t)) traces.push(`status: ${t}`);
  for (const t of await activeEditor(page).locator('.codelens-decoration').allInnerTexts()) if (/Accept|Reject|Refine/.test(t)) traces.push(`lens: ${t}`);
  return traces;
}

export const editTracesScenario: Scenario = {
  name: 'edit selection: after Accept, Esc or Reject nothing of the proposal stays (warning, hint, lens)',
  files: { 'src/calc.ts': SOURCE },
  async settings({ onCleanup }) {
    const server = await TestOpenAIServer.start({ models: ['edit-e2e'] });
    server.respond((req) =>
      req.path === '/v1/chat/completions' && req.prompt.includes('Instruction: normalize') ? { text: '```typescript\n  return normalizeSum(a + b);\n```' } : { text: '' },
    );
    onCleanup(() => server.stop());
    return editSettings(server.url);
  },
  async run({ page, screenshot, log }) {
    await openFile(page, 'src/calc.ts');
    await activeEditor(page).locator('.view-lines').click();
    const lens = activeEditor(page).locator('.codelens-decoration', { hasText: 'Accept' });
    const propose = async () => {
      await askForEdit(page, 'normalize');
      await lens.first().waitFor({ state: 'visible', timeout: 30_000 });
      // The unknown name is said over the region and in the status bar, not in a toast that outlives it.
      await eventually('the warning in the status bar', async () => (await proposalTraces(page)).some((t) => t.startsWith('status:') && t.includes('normalizeSum')));
      assert.deepEqual(
        (await proposalTraces(page)).filter((t) => t.startsWith('toast:')),
        [],
      );
    };

    for (const [how, key] of [
      ['Esc', 'Escape'],
      ['Undo', 'Control+z'],
      ['Accept', 'Tab'],
    ] as const) {
      await propose();
      log(`under review (${how}); ${await screenshot(`review-${how}`)}`);
      await page.keyboard.press(key);
      await eventually(`nothing of the proposal after ${how}`, async () => (await proposalTraces(page)).length === 0, 10_000).catch(async (e: unknown) => {
        throw new Error(`${String(e)}; left: ${JSON.stringify(await proposalTraces(page))}`);
      });
      if (how !== 'Accept') await eventually(`the original back after ${how}`, async () => (await visibleLines(page)).includes('  return a + b;'));
    }
    assert.ok((await visibleLines(page)).includes('  return normalizeSum(a + b);'), 'accepted');
    // Undo after Accept: the original is back and no trace of the proposal comes back with it.
    await page.keyboard.press('Control+z');
    await eventually('the original back', async () => (await visibleLines(page)).includes('  return a + b;'));
    assert.deepEqual(await proposalTraces(page), []);
    log(`done; ${await screenshot('after-undo')}`);
  },
};

const LONG_SOURCE = 'export function table(n: number): string[] {\n  return [];\n}\n\nexport const after = 1;\n';
const LONG_BODY = Array.from({ length: 30 }, (_, i) => `  rows.push(\`row ${i + 1}: \${n * ${i + 1}}\`);`);

/** The editor's rendered lines (their text and vertical position), top to bottom. */
async function renderedLines(page: Page): Promise<{ text: string; top: number }[]> {
  const lines = await activeEditor(page)
    .locator('.view-lines .view-line')
    .evaluateAll((els) => els.map((el) => ({ text: (el.textContent ?? '').replace(/\u00a0/g, ' '), top: el.getBoundingClientRect().top })));
  return lines.sort((a, b) => a.top - b.top);
}

/** Decoration text laid over the editor's lines (absolutely placed `::after` content): none may be. */
async function overlaidTexts(page: Page): Promise<string[]> {
  return activeEditor(page)
    .locator('.view-lines .view-line span')
    .evaluateAll((spans) =>
      spans
        .map((s) => getComputedStyle(s, '::after'))
        .filter((st) => st.content && st.content !== 'none' && st.content !== 'normal' && st.position === 'absolute')
        .map((st) => st.content),
    );
}

export const editLongProposalScenario: Scenario = {
  name: 'edit selection: a 30-line proposal is real lines that push the code below down, readable, and goes on Esc',
  files: { 'src/table.ts': LONG_SOURCE },
  async settings({ onCleanup }) {
    const server = await TestOpenAIServer.start({ models: ['edit-e2e'] });
    server.respond((req) =>
      req.path === '/v1/chat/completions' && req.prompt.includes('Instruction: thirty rows')
        ? { text: ['```typescript', '  const rows: string[] = [];', ...LONG_BODY, '  return rows;', '```'].join('\n') }
        : { text: '' },
    );
    onCleanup(() => server.stop());
    // Small enough that the whole file, the proposal in it, fits the window.
    return { ...editSettings(server.url), 'editor.fontSize': 12 };
  },
  async run({ page, screenshot, log }) {
    await openFile(page, 'src/table.ts');
    await activeEditor(page).locator('.view-lines').click();
    await askForEdit(page, 'thirty rows');
    await activeEditor(page).locator('.codelens-decoration', { hasText: 'Accept' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const proposed = ['  const rows: string[] = [];', ...LONG_BODY, '  return rows;'];
    await eventually('the proposal in the editor', async () => (await renderedLines(page)).some((l) => l.text === '  return rows;'));
    const lines = await renderedLines(page);
    const lineHeight = await activeEditor(page)
      .locator('.view-lines .view-line')
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    log(`lines: ${lines.length}, line height ${lineHeight}px; ${await screenshot('long-proposal')}`);
    const at = lines.findIndex((l) => l.text === proposed[0]);
    assert.ok(at > 0, `the proposal's first line not rendered: ${JSON.stringify(lines.map((l) => l.text))}`);
    // Every proposed line whole, in order, then the line that followed the selection, below them all.
    assert.deepEqual(
      lines.slice(at, at + proposed.length).map((l) => l.text),
      proposed,
    );
    const after = lines[at + proposed.length];
    assert.equal(after?.text, '}', 'the line after the selection follows the proposal');
    // Each a line below the last: no two at one height, nothing drawn over the code below.
    const tops = lines.slice(at, at + proposed.length + 1).map((l) => l.top);
    tops.slice(1).forEach((top, k) => assert.equal(Math.round(top - tops[k]), Math.round(lineHeight), `line ${k} of the proposal overlaps the next`));
    assert.ok(
      lines.some((l) => l.text === 'export const after = 1;' && l.top > after.top),
      'the rest of the file is still shown below',
    );
    assert.deepEqual(await overlaidTexts(page), [], 'text laid over the editor lines');
    assert.ok(
      (await decorationTexts(page)).some((t) => t.includes('return [];')),
      'the replaced line said as removed',
    );
    await page.keyboard.press('Escape');
    await eventually('the original back on Esc', async () => (await visibleLines(page)).includes('  return [];'));
    const back = (await renderedLines(page)).map((l) => l.text);
    assert.ok(!back.includes('  return rows;'), 'the proposal left in the document');
    assert.equal(back[back.indexOf('  return [];') + 1], '}');
    assert.deepEqual(await decorationTexts(page), [], 'decorations left after Esc');
  },
};
