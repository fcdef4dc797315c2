/**
 * The models "Run a model on this machine" offers: a few fill-in-the-middle base code models in GGUF,
 * each with where it comes from, its size, licence, the hardware it suits and, where its published
 * file page shows one, the sha256 the download is checked against. Data only: nothing here downloads
 * (download.ts does, and only when the person chose an entry).
 *
 * Sources: the Hugging Face file pages ("Git LFS Details") of ggml-org's GGUF conversions of
 * Qwen2.5-Coder, the repositories llama.cpp itself names for FIM completion. Sizes there are shown
 * rounded, so `approxBytes` is for display and the download checks the exact length the server
 * declares; `sizeBytes` is set only where the exact byte count is confirmed.
 */
import type { FamilyId } from '../core/model/families';

export interface Licence {
  /** SPDX-like id as the model card states it. */
  id: string;
  name: string;
  url: string;
}

export interface CatalogueEntry {
  id: string;
  label: string;
  /** One line for a quick pick: size, licence, hardware. */
  detail: string;
  /** Hugging Face repository, owner/name. */
  repo: string;
  fileName: string;
  url: string;
  /** The file's page, where its size and sha256 are published. */
  pageUrl: string;
  parameters: string;
  quantisation: string;
  /** The size the file page shows (rounded), for display and the free-space check. */
  approxBytes: number;
  /** The exact size in bytes, when confirmed (the download then checks it). */
  sizeBytes?: number;
  /** Lower-case hex sha256 of the file, only when confirmed from its published file page. */
  sha256?: string;
  /** Where the sha256 came from, or plainly that none could be confirmed. */
  sha256Source: string;
  licence: Licence;
  /** Free memory the model wants (weights plus a few documents' KV cache), GB. */
  minRamGb: number;
  hardware: string;
  /** The FIM family (src/core/model/families.ts) whose tokens and repository form the model speaks. */
  family: FamilyId;
}

const HF = 'https://huggingface.co';
const MB = 1_000_000;
const GB = 1_000_000_000;

const APACHE_2: Licence = { id: 'apache-2.0', name: 'Apache License 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' };
const QWEN_RESEARCH: Licence = {
  id: 'qwen-research',
  name: 'Qwen Research License (non-commercial use; read it before using the model at work)',
  url: `${HF}/Qwen/Qwen2.5-Coder-3B/blob/main/LICENSE`,
};

function entry(e: Omit<CatalogueEntry, 'url' | 'pageUrl' | 'detail'>): CatalogueEntry {
  return {
    ...e,
    url: `${HF}/${e.repo}/resolve/main/${e.fileName}`,
    pageUrl: `${HF}/${e.repo}/blob/main/${e.fileName}`,
    detail: `${formatBytes(e.approxBytes)} · ${e.licence.id} · ${e.hardware}`,
  };
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  entry({
    id: 'qwen2.5-coder-1.5b-q8_0',
    label: 'Qwen2.5-Coder 1.5B (base, Q8_0)',
    repo: 'ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF',
    fileName: 'qwen2.5-coder-1.5b-q8_0.gguf',
    parameters: '1.5B',
    quantisation: 'Q8_0',
    approxBytes: 1_650_000_000,
    sha256Source: 'not confirmed: no stored copy of the file page showing its sha256 could be found; the download checks the length the server declares and the GGUF header only',
    licence: APACHE_2,
    minRamGb: 4,
    hardware: 'a laptop or desktop with 4 GB of free memory; a CPU with 4+ cores, or any GPU',
    family: 'qwen',
  }),
  entry({
    id: 'qwen2.5-coder-0.5b-q8_0',
    label: 'Qwen2.5-Coder 0.5B (base, Q8_0)',
    repo: 'ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF',
    fileName: 'qwen2.5-coder-0.5b-q8_0.gguf',
    parameters: '0.5B',
    quantisation: 'Q8_0',
    approxBytes: 531_000_000,
    sha256: 'd0f8cd6c49bab52a0abdbe47948518b1f4d9b1a8a2a6825099cea31cea10ac56',
    sha256Source: `${HF}/ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/blob/ecdd60b1c25ab158bec6e1ab084aeebf9eae0af4/qwen2.5-coder-0.5b-q8_0.gguf (Git LFS details of the upload commit)`,
    licence: APACHE_2,
    minRamGb: 2,
    hardware: 'any machine with 2 GB of free memory, CPU only; the fastest, the least accurate',
    family: 'qwen',
  }),
  entry({
    id: 'qwen2.5-coder-3b-q8_0',
    label: 'Qwen2.5-Coder 3B (base, Q8_0)',
    repo: 'ggml-org/Qwen2.5-Coder-3B-Q8_0-GGUF',
    fileName: 'qwen2.5-coder-3b-q8_0.gguf',
    parameters: '3B',
    quantisation: 'Q8_0',
    approxBytes: 3_290_000_000,
    sha256: 'a522a906e299ed34db738b9626b2cd0da9e446c14674468a22fc2eae3dbd344d',
    sha256Source: `${HF}/ggml-org/Qwen2.5-Coder-3B-Q8_0-GGUF/blob/main/qwen2.5-coder-3b-q8_0.gguf (Git LFS details)`,
    licence: QWEN_RESEARCH,
    minRamGb: 6,
    hardware: '6 GB of free memory and a GPU (Metal, CUDA or Vulkan); on a CPU alone it is slow for typing',
    family: 'qwen',
  }),
];

/** What "Run a model on this machine" offers first: good completions on an ordinary laptop's CPU. */
export const DEFAULT_MODEL_ID = 'qwen2.5-coder-1.5b-q8_0';

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.id === id);
}

export function defaultCatalogueEntry(): CatalogueEntry {
  const e = catalogueEntry(DEFAULT_MODEL_ID);
  if (!e) throw new Error(`the catalogue has no entry ${DEFAULT_MODEL_ID}`);
  return e;
}

/** 1650000000 → "1.65 GB", 531000000 → "531 MB" (decimal units, as the file pages show them). */
export function formatBytes(n: number): string {
  if (n >= GB) return `${trim(n / GB)} GB`;
  if (n >= MB) return `${trim(n / MB)} MB`;
  if (n >= 1000) return `${trim(n / 1000)} kB`;
  return `${n} B`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(2).replace(/\.?0+$/, '');
}
