/**
 * A download's files in its folder: the finished file, the `<file>.part` being written, and
 * `<file>.part.json`, what the server said of the file (its address, version and size), so a later
 * call resumes only the same file.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface Paths {
  final: string;
  part: string;
  /** What the server said of the file (validator, length), to resume only the same file. */
  meta: string;
}

/** The finished file's, the `.part` file's and its metadata's paths in `destDir`. */
export function pathsFor(destDir: string, fileName: string): Paths {
  const final = path.resolve(destDir, fileName);
  return { final, part: `${final}.part`, meta: `${final}.part.json` };
}

export interface PartMeta {
  url: string;
  /** Which version of the file the part holds: Hugging Face's X-Linked-Etag (its sha256), else a strong ETag. */
  identity?: string;
  total?: number;
}

/** What the server said of the file the `.part` holds; undefined when there is none or it is unreadable. */
export async function readMeta(file: string): Promise<PartMeta | undefined> {
  try {
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as PartMeta;
    return typeof m.url === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: without it a later call starts over rather than resume. */
export async function writeMeta(file: string, meta: PartMeta): Promise<void> {
  await fs.writeFile(file, JSON.stringify(meta)).catch(() => undefined);
}
