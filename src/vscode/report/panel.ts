/**
 * The completion quality report: one webview panel (strict CSP with a nonce; script and styles
 * from media/), fed the aggregated figures by message. The webview draws them (SVG charts and
 * tables) and reports back what it rendered, which the integration tests read.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { QualityReport } from '../../core/stats/aggregate';
import type { EvalRun } from '../../core/stats/evaluate';

/** What the webview receives. */
export interface ReportData {
  report: QualityReport;
  /** Latest evaluation run per model (per-hole details left out). */
  evals: Omit<EvalRun, 'holes'>[];
  recordCode: boolean;
}

/** What the webview says it rendered: figure name → text shown, how many charts, and labels that did not fit. */
export interface RenderedFigures {
  figures: Record<string, string>;
  charts: number;
  /** Labels drawn wider than their room (chart texts, table cells, cards): empty when none is cut. */
  overflowing: string[];
}

type FromWebview =
  | { type: 'ready' }
  | { type: 'rendered'; figures: Record<string, string>; charts: number; overflowing?: string[] }
  | { type: 'command'; command: 'refresh' | 'exportMarkdown' | 'exportJson' | 'evaluate' | 'reset' };

export interface PanelActions {
  load(): Promise<ReportData>;
  exportReport(format: 'md' | 'json'): Promise<void>;
  evaluate(): Promise<void>;
  reset(): Promise<void>;
}

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private lastRendered: RenderedFigures | undefined;
  private renderedWaiters: ((r: RenderedFigures) => void)[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    private readonly onError: (e: unknown) => void,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel and sends fresh figures. */
  async show(): Promise<void> {
    if (!this.panel) {
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      const panel = vscode.window.createWebviewPanel('intentComplete.report', 'Completion Quality', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [media],
        retainContextWhenHidden: false,
      });
      panel.iconPath = vscode.Uri.joinPath(media, 'icon.svg');
      this.panel = panel;
      this.ready = false;
      panel.webview.html = this.html(panel.webview, media);
      panel.onDidDispose(
        () => {
          this.panel = undefined;
          this.ready = false;
        },
        undefined,
        this.disposables,
      );
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m), undefined, this.disposables);
    } else {
      this.panel.reveal();
    }
    if (this.ready) await this.refresh();
  }

  /** Sends fresh figures if the panel is open. */
  async refresh(): Promise<void> {
    if (!this.panel || !this.ready) return;
    const data = await this.actions.load();
    await this.panel.webview.postMessage({ type: 'data', data });
  }

  /** Resolves with the next figures the webview renders (or the last ones, if `current`). */
  rendered(opts: { current?: boolean } = {}): Promise<RenderedFigures> {
    if (opts.current && this.lastRendered) return Promise.resolve(this.lastRendered);
    return new Promise((resolve) => this.renderedWaiters.push(resolve));
  }

  private async onMessage(m: FromWebview): Promise<void> {
    try {
      if (m.type === 'ready') {
        this.ready = true;
        await this.refresh();
      } else if (m.type === 'rendered') {
        this.lastRendered = { figures: m.figures, charts: m.charts, overflowing: m.overflowing ?? [] };
        const waiters = this.renderedWaiters;
        this.renderedWaiters = [];
        for (const w of waiters) w(this.lastRendered);
      } else if (m.type === 'command') {
        if (m.command === 'refresh') await this.refresh();
        else if (m.command === 'exportMarkdown') await this.actions.exportReport('md');
        else if (m.command === 'exportJson') await this.actions.exportReport('json');
        else if (m.command === 'evaluate') await this.actions.evaluate();
        else if (m.command === 'reset') await this.actions.reset();
      }
    } catch (e) {
      this.onError(e);
    }
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css'));
    const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join(
      '; ',
    );
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Completion Quality</title>
</head>
<body>
<header class="top">
  <h1>Completion quality</h1>
  <div class="actions">
    <button data-command="refresh" class="secondary">Refresh</button>
    <button data-command="evaluate">Evaluate on this workspace</button>
    <button data-command="exportMarkdown" class="secondary">Export Markdown</button>
    <button data-command="exportJson" class="secondary">Export JSON</button>
    <button data-command="reset" class="secondary">Reset</button>
  </div>
</header>
<p class="note" id="span">Loading…</p>
<main id="root"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
