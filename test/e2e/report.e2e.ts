/**
 * The completion quality report as a person sees it: accept a suggestion with Tab, run
 * "Intent Complete: Show Completion Quality Report" from the command palette, and the webview
 * shows the accepted suggestion among its figures, with charts drawn. Then "Evaluate on this
 * workspace" in the report: the endpoint answers every hole with its true line, and the one naming a
 * function declared nowhere is listed as a correct proposal the filter dropped, with its reason, and
 * no label of the report is cut. Screenshots of the report.
 */
import * as assert from 'node:assert/strict';
import { TestOpenAIServer, type RecordedRequest } from '../server/openaiServer';
import { eventually, focusEditorAtEnd, openFile, typeText, visibleLines, waitForGhostText, type Scenario } from '../host/e2e';

const MODEL = 'qwen2.5-coder-e2e';
const GLOBAL = 'formatGadgetCaption';
const FILES: Record<string, string> = {
  'src/report.ts': 'const first = 1;\nconst second = 2;\n',
  'src/gadget.ts': ['export function gadgetCaption(size: number): string {', '  const scaled = size * 2;', `  return ${GLOBAL}(scaled, 'wide');`, '}', ''].join('\n'),
};
const GHOST = 'first + second;\n';

/** The true rest of the line for an evaluation hole (the prompt's prefix is a file's start); else the ghost text. */
function reply(req: RecordedRequest): { text: string } {
  const p = req.prompt;
  const pre = p.lastIndexOf('<|fim_prefix|>');
  const suf = p.indexOf('<|fim_suffix|>', pre);
  const prefix = pre >= 0 && suf > pre ? p.slice(pre + '<|fim_prefix|>'.length, suf) : undefined;
  const suffix = p.slice(suf + '<|fim_suffix|>'.length, p.indexOf('<|fim_middle|>', suf));
  // The file that starts with the prefix and goes on, after the hole's line, with the suffix.
  const text = prefix === undefined ? undefined : Object.values(FILES).find((t) => t.startsWith(prefix) && t.slice(t.indexOf('\n', prefix.length)).startsWith(suffix.slice(0, 40)));
  if (text === undefined || prefix === undefined) return { text: GHOST };
  return { text: text.slice(prefix.length, text.indexOf('\n', prefix.length)) };
}

export const reportScenario: Scenario = {
  name: 'quality report shows the accepted suggestion, with charts, and the false drops of an evaluation',
  files: FILES,
  timeoutMs: 240_000,
  settings: async ({ onCleanup }) => {
    const server = await TestOpenAIServer.start({ models: [MODEL] });
    server.respond(reply);
    onCleanup(() => server.stop());
    return { 'intentComplete.endpoint': server.url, 'intentComplete.model': MODEL, 'intentComplete.timeoutMs': 10000, 'files.autoSave': 'off' };
  },
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

    // The evaluation from the report's own button; the section lists the one false drop.
    await view.locator('button[data-command="evaluate"]').click();
    const drops = view.locator('table.drops tbody tr');
    await drops.first().waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await drops.count(), 1);
    const cells = (await drops.first().locator('td').allTextContents()).map((t) => t.trim());
    assert.match(cells[0], /^src\/gadget\.ts:3:\d+$/);
    assert.equal(cells[1], 'drop');
    assert.equal(cells[2], `unknown: ${GLOBAL}`);
    assert.ok(`  return ${GLOBAL}(scaled, 'wide');`.endsWith(cells[3]) && cells[3].includes(GLOBAL), `proposal cell: ${cells[3]}`);
    assert.equal(cells[4], 'nothing');
    // No label cut: no chart text ellipsized or wider than its room, no cell or card text past its box,
    // no one-word figure broken over lines.
    const cut = await view.locator('body').evaluate(() => {
      const out: string[] = [];
      for (const t of Array.from(document.querySelectorAll('svg.chart text'))) {
        if ((t.textContent ?? '').includes('…')) out.push(`ellipsis: ${t.textContent}`);
        const max = Number(t.getAttribute('data-max-width') ?? 'NaN');
        const parts = t.querySelectorAll('tspan').length ? Array.from(t.querySelectorAll('tspan')) : [t];
        if (max >= 0) for (const p of parts) if ((p as SVGTextContentElement).getComputedTextLength() > max + 0.5) out.push(`chart: ${p.textContent}`);
      }
      for (const e of Array.from(document.querySelectorAll('td, th, h3, p, .card .label, .card .value, .card .sub, .legend span'))) {
        if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName}: ${e.textContent}`);
      }
      // A one-word figure or heading broken over lines (names, paths and code may break).
      for (const e of Array.from(document.querySelectorAll('th, td'))) {
        const text = (e.textContent ?? '').trim();
        if (!text || /\s/.test(text) || e.closest('table.drops') || (e as HTMLTableCellElement).cellIndex === 0) continue;
        const range = document.createRange();
        range.selectNodeContents(e);
        if (new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1) out.push(`broken: ${text}`);
      }
      const page = document.documentElement;
      if (page.scrollWidth > page.clientWidth + 1) out.push(`page: ${page.scrollWidth} px wide in ${page.clientWidth}`);
      return out;
    });
    assert.deepEqual(cut, []);
    // The evaluation's message would cover the table in the screenshot (cosmetic: ignored if absent).
    await page
      .locator('.notifications-toasts .codicon-notifications-clear')
      .first()
      .click({ timeout: 2000 })
      .catch(() => undefined);
    await view.locator('table.drops').scrollIntoViewIfNeeded();
    log(`report: false drops ${cells.join(' | ')}; ${await screenshot('report-false-drops')}`);
    assert.deepEqual(extensionErrors(), []);
  },
};
