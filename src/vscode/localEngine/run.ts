/**
 * What the built-in engine is to run, from the settings: the model file (the person's own, or the
 * catalogue model in the extension's storage), the model's served name, threads and idle period.
 * No `vscode` here (unit-tested); a catalogue model that is not downloaded yet is said so, never
 * downloaded from here.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Settings } from '../../core/config';
import { catalogueEntry, defaultCatalogueEntry, type CatalogueEntry } from '../../engine/catalogue';

/** Threads chosen when the setting is 0: about one per physical core (half the logical ones), this many at most. */
export const MAX_AUTO_THREADS = 8;
const MS_PER_MINUTE = 60_000;

export interface EngineRun {
  modelFile: string;
  /** The name the engine serves the model under (its file name without `.gguf`). */
  model: string;
  threads: number;
  /** 0: never unload. */
  idleMs: number;
  /** The catalogue entry, when the model is one. */
  entry?: CatalogueEntry;
}

export type RunPlan =
  | { ok: true; run: EngineRun; problems: string[] }
  /** A catalogue model that is not in the storage yet: offered for download, never fetched unasked. */
  | { ok: false; kind: 'needs-download'; entry: CatalogueEntry; file: string; problems: string[] };

/** Threads for the engine: the setting, or (0) about one per physical core of this machine. */
export function engineThreads(setting: number, logicalCores = availableCores()): number {
  if (setting > 0) return Math.floor(setting);
  return Math.max(1, Math.min(MAX_AUTO_THREADS, Math.floor(logicalCores / 2)));
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** The model's name as the engine serves it (worker.ts: the file name without `.gguf`). */
export function servedModelName(file: string): string {
  return path.basename(file).replace(/\.gguf$/i, '');
}

/**
 * The plan for these settings. `present(file)` says whether a catalogue model's file is complete
 * in `modelsDir`. An unknown catalogue id falls back to the default entry, and says so in `problems`.
 */
export function planRun(s: Settings, modelsDir: string, present: (file: string) => boolean, logicalCores?: number): RunPlan {
  const problems: string[] = [];
  const threads = engineThreads(s['localEngine.threads'], logicalCores);
  const idleMs = s['localEngine.idleUnloadMinutes'] * MS_PER_MINUTE;
  const own = s['localEngine.modelFile'];
  if (own) return { ok: true, run: { modelFile: own, model: servedModelName(own), threads, idleMs }, problems };
  let entry = catalogueEntry(s['localEngine.model']);
  if (!entry) {
    entry = defaultCatalogueEntry();
    problems.push(`intentComplete.localEngine.model: no catalogue model is called ${JSON.stringify(s['localEngine.model'])}; using ${entry.id}`);
  }
  const file = path.join(modelsDir, entry.fileName);
  if (!present(file)) return { ok: false, kind: 'needs-download', entry, file, problems };
  return { ok: true, run: { modelFile: file, model: servedModelName(file), threads, idleMs, entry }, problems };
}

/** Two plans run the same engine (the same file, threads and idle period). */
export function sameRun(a: EngineRun | undefined, b: EngineRun | undefined): boolean {
  return !!a && !!b && a.modelFile === b.modelFile && a.threads === b.threads && a.idleMs === b.idleMs;
}
