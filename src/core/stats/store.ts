/**
 * The persisted quality log: JSON Lines in one folder (the extension's global storage), bounded
 * and rotated: `events.jsonl` is appended to; past `maxFileBytes` it becomes `events.1.jsonl`,
 * older files shift up, and the file past `maxFiles` is deleted. Code text is removed unless code
 * recording is on. Nothing here sends anything anywhere.
 *
 * Evaluation runs are kept beside it in `evaluations.json` (bounded), one list across models; the
 * false drops' code text (proposal, shown) only when code recording is on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEvent, redact, type QualityEvent } from './events';
import type { EvalRun } from './evaluate';
import { withoutCode } from './falseDrops';

export interface EventStoreOptions {
  dir: string;
  /** Rotate the current file past this size; default 1 MB. */
  maxFileBytes?: number;
  /** Files kept, the current one included; default 5 (so at most ~5 MB). */
  maxFiles?: number;
  /** Appends are batched and written this long after the first one; default 1000 ms. */
  flushDelayMs?: number;
  /** Whether suggestion text may be stored (intentComplete.recordCode). */
  recordCode?: () => boolean;
  /** Told about write failures (logged once by the caller). */
  onError?: (e: unknown) => void;
}

const CURRENT = 'events.jsonl';
const rotated = (i: number) => `events.${i}.jsonl`;

export class EventStore {
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly flushDelayMs: number;

  constructor(private readonly opts: EventStoreOptions) {
    this.maxFileBytes = opts.maxFileBytes ?? 1024 * 1024;
    this.maxFiles = Math.max(1, opts.maxFiles ?? 5);
    this.flushDelayMs = opts.flushDelayMs ?? 1000;
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** Files in order, oldest first (those that exist). */
  files(): string[] {
    const out: string[] = [];
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      const p = path.join(this.opts.dir, rotated(i));
      if (fs.existsSync(p)) out.push(p);
    }
    const cur = path.join(this.opts.dir, CURRENT);
    if (fs.existsSync(cur)) out.push(cur);
    return out;
  }

  append(e: QualityEvent): void {
    this.pending.push(JSON.stringify(redact(e, this.opts.recordCode?.() ?? false)));
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /** Writes what is buffered; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0) return this.chain;
    this.chain = this.chain.then(() => this.write(lines)).catch((e) => this.opts.onError?.(e));
    return this.chain;
  }

  private async write(lines: string[]): Promise<void> {
    await fs.promises.mkdir(this.opts.dir, { recursive: true });
    const cur = path.join(this.opts.dir, CURRENT);
    let size = 0;
    try {
      size = (await fs.promises.stat(cur)).size;
    } catch {
      /* no file yet */
    }
    const data = lines.join('\n') + '\n';
    if (size > 0 && size + Buffer.byteLength(data) > this.maxFileBytes) await this.rotate();
    await fs.promises.appendFile(cur, data, 'utf8');
  }

  private async rotate(): Promise<void> {
    const dir = this.opts.dir;
    const name = (i: number) => path.join(dir, i === 0 ? CURRENT : rotated(i));
    await fs.promises.rm(name(this.maxFiles - 1), { force: true });
    for (let i = this.maxFiles - 2; i >= 0; i--) {
      try {
        await fs.promises.rename(name(i), name(i + 1));
      } catch {
        /* absent */
      }
    }
    if (this.maxFiles === 1) await fs.promises.rm(name(0), { force: true });
  }

  /** Every stored event, oldest file first; lines that do not parse are skipped. */
  async readAll(): Promise<QualityEvent[]> {
    await this.flush();
    const out: QualityEvent[] = [];
    for (const f of this.files()) {
      let text: string;
      try {
        text = await fs.promises.readFile(f, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        if (!line) continue;
        const e = parseEvent(line);
        if (e) out.push(e);
      }
    }
    return out;
  }

  /** Deletes every stored event (the reset command). */
  async clear(): Promise<void> {
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    for (const f of this.files()) await fs.promises.rm(f, { force: true });
  }

  /** Flushes; call on deactivation. */
  async dispose(): Promise<void> {
    await this.flush();
  }
}

/** Evaluation runs, newest last, bounded; the report compares the latest run per model. */
export class EvaluationStore {
  private readonly file: string;

  constructor(
    dir: string,
    private readonly maxRuns = 50,
    /** Whether code text may be stored (intentComplete.recordCode). */
    private readonly recordCode: () => boolean = () => false,
  ) {
    this.file = path.join(dir, 'evaluations.json');
  }

  async all(): Promise<EvalRun[]> {
    try {
      const v: unknown = JSON.parse(await fs.promises.readFile(this.file, 'utf8'));
      return Array.isArray(v) ? (v.filter((r) => r && typeof r === 'object' && 'summary' in r) as EvalRun[]) : [];
    } catch {
      return [];
    }
  }

  async add(run: EvalRun): Promise<void> {
    const kept = run.falseDrops && !this.recordCode() ? { ...run, falseDrops: withoutCode(run.falseDrops) } : run;
    const runs = [...(await this.all()), kept].slice(-this.maxRuns);
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(runs), 'utf8');
    await fs.promises.rename(tmp, this.file);
  }

  async clear(): Promise<void> {
    await fs.promises.rm(this.file, { force: true });
  }
}

/** The latest run per model (model → run), for side-by-side comparison. */
export function latestPerModel(runs: readonly EvalRun[]): EvalRun[] {
  const m = new Map<string, EvalRun>();
  for (const r of runs) {
    const prev = m.get(r.summary.model);
    if (!prev || prev.at <= r.at) m.set(r.summary.model, r);
  }
  return [...m.values()].sort((a, b) => (a.summary.model < b.summary.model ? -1 : 1));
}
