/** The API key lives only in SecretStorage: never in settings, logs, errors or the report. */
import * as vscode from 'vscode';

const KEY = 'intentComplete.apiKey';

export class ApiKeyStore implements vscode.Disposable {
  private cached: string | undefined;
  private loaded = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.sub = secrets.onDidChange((e) => {
      if (e.key === KEY) {
        this.loaded = false;
        void this.get().then(() => this.emitter.fire());
      }
    });
  }

  async get(): Promise<string | undefined> {
    if (!this.loaded) {
      this.cached = (await this.secrets.get(KEY)) || undefined;
      this.loaded = true;
    }
    return this.cached;
  }

  async set(value: string): Promise<void> {
    await this.secrets.store(KEY, value);
    this.cached = value;
    this.loaded = true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY);
    this.cached = undefined;
    this.loaded = true;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
