/**
 * End-to-end scenario contract and UI helpers for driving VS Code's web workbench (code-server)
 * with playwright-core. The runner is runE2E.ts; the list of scenarios is test/e2e/scenarios.ts.
 */
import type { Page } from 'playwright-core';
import type { CodeServer, UserSettings } from './codeServer';

export type Cleanup = () => Promise<void> | void;

/** Given to `Scenario.settings` before code-server starts (e.g. to start a test server first). */
export interface PrepareContext {
  /** The scenario's fresh workspace folder (already holds the default and scenario files). */
  readonly workspaceDir: string;
  /** Runs after the scenario, whatever happened (last registered runs first). */
  onCleanup(fn: Cleanup): void;
  log(msg: string): void;
}

export interface ScenarioContext extends PrepareContext {
  /** A fresh page in a fresh browser context, showing the loaded workbench. */
  readonly page: Page;
  readonly codeServer: CodeServer;
  /** test-results/e2e/<scenario name>/ */
  readonly artifactsDir: string;
  /** The user settings this scenario runs with. */
  readonly settings: UserSettings;
  /** Browser console lines so far (`[type] text`). */
  readonly consoleMessages: readonly string[];
  /** Saves `<artifactsDir>/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Error lines from our extension in the extension host logs so far. */
  extensionErrors(): string[];
  /** The whole extension host log text so far. */
  extensionHostLog(): string;
}

export interface Scenario {
  /** Unique; also the artifacts folder name, and what `npm run test:e2e -- <filter>` matches. */
  readonly name: string;
  /** Extra workspace files: path relative to the workspace → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** User settings (merged over the harness defaults), or a function that prepares them. */
  readonly settings?: UserSettings | ((prep: PrepareContext) => UserSettings | Promise<UserSettings>);
  /** Whole-scenario time limit (code-server start to the end of run); default 180 s. */
  readonly timeoutMs?: number;
  /** Error lines from our extension in its logs fail the scenario unless this is true. */
  readonly allowExtensionErrors?: boolean;
  run(ctx: ScenarioContext): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// UI helpers (selectors verified against code-server 4.100.3 / VS Code 1.100.3)

/** Waits until the workbench is up and the explorer shows the workspace. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
}

/**
 * Opens a workspace file by clicking it in the explorer; `relPath` may name a nested file
 * (`src/a.ts`): folders on the way are expanded. Resolves when its editor has focus.
 */
export async function openFile(page: Page, relPath: string): Promise<void> {
  const parts = relPath.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    // Rows carry the file name as aria-label and their depth as aria-level.
    const label = parts[i].replace(/["\\]/g, (c) => `\\${c}`);
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-level="${i + 1}"][aria-label="${label}"]`);
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    const last = i === parts.length - 1;
    if (!last && (await row.first().getAttribute('aria-expanded')) === 'true') continue;
    await row.first().click();
  }
  const name = parts[parts.length - 1];
  await page.locator(`.tabs-container .tab.active:has-text("${name}")`).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ timeout: 15_000 });
}

/** The active editor (its visible lines). */
export function activeEditor(page: Page): ReturnType<Page['locator']> {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** Focuses the active editor and moves the cursor to the end of the document. */
export async function focusEditorAtEnd(page: Page): Promise<void> {
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+End');
}

/** Types like a person would (default 50 ms between keys). */
export async function typeText(page: Page, text: string, delayMs = 50): Promise<void> {
  await page.keyboard.type(text, { delay: delayMs });
}

/**
 * The visible text of the active editor, one string per rendered line (only what is scrolled into
 * view). Ghost text is excluded; non-breaking spaces are turned into spaces.
 */
export async function visibleLines(page: Page): Promise<string[]> {
  return activeEditor(page)
    .locator('.view-lines .view-line')
    .evaluateAll((lines) =>
      lines
        .map((l) => ({ top: parseFloat((l as HTMLElement).style.top || '0'), el: l as HTMLElement }))
        .sort((a, b) => a.top - b.top)
        .map(({ el }) => {
          const clone = el.cloneNode(true) as HTMLElement;
          clone.querySelectorAll('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text').forEach((g) => g.remove());
          return (clone.textContent ?? '').replace(/\u00a0/g, ' ');
        }),
    );
}

/** Ghost text currently shown in the active editor ('' when none). */
export async function ghostText(page: Page): Promise<string> {
  const parts = await activeEditor(page).locator('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text').allTextContents();
  return parts.join('').replace(/\u00a0/g, ' ');
}

/** Waits until ghost text is shown and returns it. */
export async function waitForGhostText(page: Page, timeoutMs = 15_000): Promise<string> {
  await activeEditor(page).locator('.ghost-text-decoration, .ghost-text').first().waitFor({ state: 'visible', timeout: timeoutMs });
  return ghostText(page);
}

/** Polls `check` until it returns true (or throws the last reason when the time is up). */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let err: unknown;
    try {
      if (await check()) return;
    } catch (e) {
      err = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${err ? `: ${String(err)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
