/**
 * Holes: positions in a repository's files where a person is about to type the rest of a line
 * (definitions in docs/benchmarks.md). Sampling is seeded and repeatable.
 */
import { identifiersOf } from '../lang/identifiers';

export interface HoleCase {
  file: string;
  line: number;
  character: number;
}

export interface HoleDocument {
  /** The file with the text from the cursor to the end of the line removed (the line break stays). */
  text: string;
  /** The removed text. */
  groundTruth: string;
  /** UTF-16 offset of the cursor in `text`. */
  offset: number;
}

/** The document the extension sees for a hole, and its ground truth. */
export function makeHoleDocument(fileText: string, line: number, character: number): HoleDocument {
  let start = 0;
  for (let l = 0; l < line; l++) {
    const nl = fileText.indexOf('\n', start);
    if (nl < 0) throw new Error(`line ${line} is past the end of the file`);
    start = nl + 1;
  }
  let end = fileText.indexOf('\n', start);
  if (end < 0) end = fileText.length;
  if (end > start && fileText[end - 1] === '\r') end--;
  const offset = Math.min(start + character, end);
  return { text: fileText.slice(0, offset) + fileText.slice(end), groundTruth: fileText.slice(offset, end), offset };
}

/** mulberry32: a small seeded PRNG, so samples repeat for a given --seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tests, generated, vendored and declaration files are not sampled. */
export function isSampleableSource(relPath: string): boolean {
  const p = relPath.replace(/\\/g, '/');
  if (/(^|\/)(node_modules|vendor|third_party|dist|build|out|target|generated|__generated__|\.git)\//.test(p)) return false;
  if (/(^|\/)(tests?|__tests__|__mocks__|spec|specs|fixtures|testdata|e2e)\//i.test(p)) return false;
  if (/\.(test|spec|stories)\.[cm]?[jt]sx?$/.test(p) || /_test\.go$/.test(p) || /(^|\/)test_[^/]*\.py$/.test(p) || /_test\.py$/.test(p)) return false;
  if (/\.d\.[cm]?ts$/.test(p) || /\.min\.js$/.test(p) || /\.(gen|generated|pb)\.[a-z]+$/.test(p)) return false;
  return true;
}

function isCommentLine(trimmed: string, languageId: string): boolean {
  if (languageId === 'python') return trimmed.startsWith('#') || trimmed.startsWith('"""') || trimmed.startsWith("'''");
  return trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*') || trimmed.startsWith('*/');
}

function isImportLine(trimmed: string, languageId: string): boolean {
  if (languageId === 'python') return /^(import|from)\s/.test(trimmed);
  if (languageId === 'go') return /^import\b/.test(trimmed) || /^"[^"]*"$/.test(trimmed);
  if (languageId === 'rust') return /^(use|extern crate)\s/.test(trimmed);
  if (languageId === 'java') return /^(import|package)\s/.test(trimmed);
  return /^import\b/.test(trimmed) || /^export\s+(\*|\{[^}]*\})\s+from\b/.test(trimmed) || /\brequire\(\s*['"]/.test(trimmed);
}

/** Lines of a file that may be holes: not blank, not a comment, not an import, with an identifier. */
export function candidateLines(text: string, languageId: string): { line: number; character: number }[] {
  const out: { line: number; character: number }[] = [];
  const lines = text.split('\n');
  let inBlockComment = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const trimmed = raw.trim();
    if (languageId !== 'python') {
      if (inBlockComment) {
        if (trimmed.includes('*/')) inBlockComment = false;
        continue;
      }
      if (trimmed.startsWith('/*') && !trimmed.includes('*/')) {
        inBlockComment = true;
        continue;
      }
    }
    if (!trimmed || isCommentLine(trimmed, languageId) || isImportLine(trimmed, languageId)) continue;
    if (identifiersOf(trimmed, languageId).length === 0) continue;
    out.push({ line: i, character: raw.length - raw.trimStart().length });
  }
  return out;
}

/**
 * Samples `count` holes from files (relative path → text), uniformly over candidate lines of
 * sampleable files, without repeats, repeatable for a seed.
 */
export function sampleHoles(files: { path: string; text: string; languageId: string }[], count: number, seed: number): HoleCase[] {
  const rand = seededRandom(seed);
  const pool: HoleCase[] = [];
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!isSampleableSource(f.path)) continue;
    for (const c of candidateLines(f.text, f.languageId)) pool.push({ file: f.path, ...c });
  }
  // Partial Fisher–Yates.
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}
