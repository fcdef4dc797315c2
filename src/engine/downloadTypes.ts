/** What a model download is given, reports and returns (engine/download.ts). */

export interface DownloadTarget {
  url: string;
  fileName: string;
  /** Lower-case hex; the download is refused (and removed) when the file's differs. */
  sha256?: string;
  /** Exact size in bytes, when known ahead. */
  sizeBytes?: number;
}

export interface DownloadProgress {
  /** Bytes in the `.part` file so far (those of earlier attempts included). */
  bytes: number;
  /** The whole file's size, when the server said it. */
  total?: number;
  /** Of this call's transfer, bytes per second. */
  bytesPerSecond: number;
  /** Bytes already there when this transfer began (a resumed download). */
  resumedFrom: number;
  phase: 'downloading' | 'verifying';
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Attempts after a cut connection or a network error within this call (default DEFAULT_RETRIES). */
  retries?: number;
  /** Wait before retry n is n times this (default DEFAULT_RETRY_DELAY_MS). */
  retryDelayMs?: number;
  /** Least time between two progress reports (default PROGRESS_INTERVAL_MS). */
  progressIntervalMs?: number;
  /** No data for this long ends the attempt as a network error (default STALL_TIMEOUT_MS). */
  stallTimeoutMs?: number;
}

export type DownloadErrorKind = 'busy' | 'aborted' | 'network' | 'http' | 'redirect' | 'disk-full' | 'file-system' | 'size' | 'not-gguf' | 'checksum';

export interface DownloadError {
  kind: DownloadErrorKind;
  /** A sentence for the person: what happened and what to do. */
  message: string;
  status?: number;
  /** The partial file kept for a later resume (absent when it was removed). */
  partFile?: string;
}

export type DownloadResult =
  { ok: true; file: string; bytes: number; sha256: string; verifiedChecksum: boolean; resumed: boolean; alreadyPresent: boolean } | { ok: false; error: DownloadError };
