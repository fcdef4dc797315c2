/**
 * What "Run a model on this machine" shows, as data (no `vscode` here; ui.ts shows it): one item
 * per catalogue model with its size, licence and the hardware it suits (and whether its sha256 is
 * confirmed), then "Use a GGUF file on disk…". Also the sentence and buttons for each way a
 * download can end.
 */
import { CATALOGUE, DEFAULT_MODEL_ID, formatBytes, type CatalogueEntry } from '../../engine/catalogue';
import type { DownloadError, DownloadErrorKind, DownloadProgress } from '../../engine/download';

export interface ModelPickItem {
  label: string;
  description?: string;
  detail?: string;
  /** A catalogue model, or the GGUF file choice. */
  choice: { kind: 'catalogue'; entry: CatalogueEntry } | { kind: 'file' };
}

export interface PickerState {
  /** Catalogue ids whose file is already downloaded. */
  downloaded: ReadonlySet<string>;
  /** The catalogue id in use now (localEngine.enabled with no modelFile). */
  current?: string;
}

export function modelPickItems(s: PickerState, entries: readonly CatalogueEntry[] = CATALOGUE): ModelPickItem[] {
  const items: ModelPickItem[] = entries.map((e) => ({
    label: `$(${s.downloaded.has(e.id) ? 'check' : 'cloud-download'}) ${e.label}`,
    description: [
      s.downloaded.has(e.id) ? 'downloaded' : `download ${formatBytes(e.approxBytes)}`,
      e.id === s.current ? 'in use' : undefined,
      e.id === DEFAULT_MODEL_ID ? 'recommended' : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    detail: `${formatBytes(e.approxBytes)} · ${e.licence.name} · ${e.hardware}${e.sha256 ? '' : ' · sha256 unconfirmed: checked by size and GGUF header only'}`,
    choice: { kind: 'catalogue', entry: e },
  }));
  items.push({
    label: '$(file) Use a GGUF file on disk…',
    description: 'a model you already have',
    detail: 'Any llama.cpp GGUF model; a base code model that fills in the middle suits ghost text best.',
    choice: { kind: 'file' },
  });
  return items;
}

/** The progress notification's line: "412 MB of 1.65 GB (25%) · 12.3 MB/s", and the per cent (undefined: size unknown). */
export function progressLine(p: DownloadProgress): { message: string; percent?: number } {
  if (p.phase === 'verifying') return { message: 'checking the file…', percent: p.total ? 100 : undefined };
  const percent = p.total ? Math.min(100, Math.floor((p.bytes / p.total) * 100)) : undefined;
  const size = p.total ? `${formatBytes(p.bytes)} of ${formatBytes(p.total)} (${percent}%)` : formatBytes(p.bytes);
  const rate = p.bytesPerSecond > 0 ? ` · ${formatBytes(Math.round(p.bytesPerSecond))}/s` : '';
  const resumed = p.resumedFrom > 0 ? ` · resumed from ${formatBytes(p.resumedFrom)}` : '';
  return { message: `${size}${rate}${resumed}`, percent };
}

export interface DownloadNotice {
  severity: 'info' | 'warning' | 'error';
  text: string;
  /** Offer to try again (the part downloaded so far is kept where it can be). */
  retry: boolean;
}

const KIND_TEXT: Record<DownloadErrorKind, { severity: DownloadNotice['severity']; lead: string; retry: boolean }> = {
  aborted: { severity: 'info', lead: 'Download cancelled.', retry: false },
  busy: { severity: 'info', lead: 'This model is already being downloaded.', retry: false },
  network: { severity: 'warning', lead: 'The download was interrupted.', retry: true },
  http: { severity: 'error', lead: 'The server refused the download.', retry: true },
  redirect: { severity: 'error', lead: 'The download was redirected too often.', retry: true },
  'disk-full': { severity: 'error', lead: 'Not enough free disk space for the model.', retry: true },
  'file-system': { severity: 'error', lead: 'The model could not be written to disk.', retry: true },
  size: { severity: 'error', lead: 'The downloaded file has the wrong size and was removed.', retry: true },
  'not-gguf': { severity: 'error', lead: 'The downloaded file is not a GGUF model and was removed.', retry: true },
  checksum: { severity: 'error', lead: 'The downloaded file does not match its published sha256 and was removed.', retry: true },
};

/** What to tell the person when a download of `label` ends without a model. */
export function downloadNotice(label: string, e: DownloadError): DownloadNotice {
  const k = KIND_TEXT[e.kind] ?? { severity: 'error', lead: 'The download failed.', retry: true };
  const kept = e.partFile && e.kind !== 'busy' ? ' What was downloaded is kept: the next try resumes from there.' : '';
  return { severity: k.severity, text: `Intent Complete: ${label}: ${k.lead} ${e.message}${kept}`, retry: k.retry };
}
