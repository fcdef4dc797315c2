/**
 * A model file on disk: its GGUF header (magic, version, tensor and metadata counts), whether it is a
 * GGUF model the engine can load (for "Use a GGUF file on disk…" and a finished download), its size
 * and sha256. Only the header's bytes are read to check it; nothing here loads the model. Failures are
 * values with a reason a person can act on, never throws.
 * Layout (little-endian): "GGUF" magic, uint32 version, uint64 tensor count, uint64 metadata count
 * (ggml's gguf.cpp, docs/gguf.md of ggml).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/** "GGUF" as the first four bytes. */
const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');
/** Versions llama.cpp reads (version 1 was dropped from llama.cpp in 2023). */
export const SUPPORTED_GGUF_VERSIONS: readonly number[] = [2, 3];
/** Magic, version, tensor count, metadata count. */
export const GGUF_HEADER_BYTES = 24;

export interface GgufHeader {
  version: number;
  tensorCount: bigint;
  metadataCount: bigint;
}

export type GgufHeaderCheck = { ok: true; header: GgufHeader } | { ok: false; reason: string };

/** Reads the header from a file's first bytes (at least GGUF_HEADER_BYTES of them). */
export function parseGgufHeader(bytes: Buffer): GgufHeaderCheck {
  if (bytes.length < GGUF_MAGIC.length || !bytes.subarray(0, GGUF_MAGIC.length).equals(GGUF_MAGIC)) {
    return { ok: false, reason: `it is not a GGUF file (it starts with ${describeStart(bytes)}, not "GGUF")` };
  }
  if (bytes.length < GGUF_HEADER_BYTES) return { ok: false, reason: `it is cut short (${bytes.length} bytes, a GGUF header alone is ${GGUF_HEADER_BYTES})` };
  const version = bytes.readUInt32LE(4);
  if (!SUPPORTED_GGUF_VERSIONS.includes(version)) {
    const bigEndian = SUPPORTED_GGUF_VERSIONS.includes(bytes.readUInt32BE(4));
    return {
      ok: false,
      reason: bigEndian
        ? 'it is a big-endian GGUF file, which this engine cannot load'
        : `its GGUF version ${version} is not one the engine reads (${SUPPORTED_GGUF_VERSIONS.join(', ')})`,
    };
  }
  return { ok: true, header: { version, tensorCount: bytes.readBigUInt64LE(8), metadataCount: bytes.readBigUInt64LE(16) } };
}

/** The first bytes as text when they read as text (an HTML error page), else as hex. */
function describeStart(bytes: Buffer): string {
  const head = bytes.subarray(0, 16);
  if (head.length === 0) return 'nothing (the file is empty)';
  const text = head.toString('latin1');
  return /^[\x20-\x7e\t\r\n]+$/.test(text) ? JSON.stringify(text.trim()) : `bytes ${head.subarray(0, 4).toString('hex')}`;
}

/** Reads and checks the header of a file on disk. */
export async function readGgufHeader(file: string): Promise<GgufHeaderCheck> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buf = Buffer.alloc(GGUF_HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, GGUF_HEADER_BYTES, 0);
    return parseGgufHeader(buf.subarray(0, bytesRead));
  } catch (e) {
    return { ok: false, reason: fsReason(e) };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export type LocalModelCheck = { ok: true; file: string; bytes: number; header: GgufHeader } | { ok: false; file: string; reason: string };

/**
 * "Use a GGUF file on disk…": the chosen path exists, is a readable file and starts with a GGUF
 * header of a version the engine reads. The reason, when not, completes "This file cannot be used: …".
 */
export async function checkLocalModelFile(file: string): Promise<LocalModelCheck> {
  if (!file.trim()) return { ok: false, file, reason: 'no file was chosen' };
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    return { ok: false, file, reason: fsReason(e) };
  }
  if (stat.isDirectory()) return { ok: false, file, reason: 'it is a folder; choose the .gguf file inside it' };
  if (!stat.isFile()) return { ok: false, file, reason: 'it is not a regular file' };
  const header = await readGgufHeader(file);
  if (!header.ok) return { ok: false, file, reason: header.reason };
  return { ok: true, file, bytes: stat.size, header: header.header };
}

/** A file-system error as a sentence part. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'there is no file at that path';
    case 'EACCES':
    case 'EPERM':
      return 'this account may not read it (permission denied)';
    case 'EISDIR':
      return 'it is a folder; choose the .gguf file inside it';
    default:
      return `it cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

/** The size of a file (0 for a device such as /dev/full), undefined when there is none. */
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    const s = await fs.stat(file);
    return s.isFile() ? s.size : s.isCharacterDevice() ? 0 : undefined;
  } catch {
    return undefined;
  }
}

/** The sha256 of a file's content, lower-case hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
