/**
 * Name similarity for related-context ranking: regularly named declarations come in families
 * (`$ZodCUID` / `$ZodCUID2`, `_cidrv4` / `_cidrv6`, `ZodMiniFloat64` / `_float64`), and the line
 * being typed often names the sibling of a name written just above it.
 *
 * Names are normalised (lower case, only letters and digits) and compared as sets of character
 * trigrams: `score = (containment + dice) / 2`, where containment is the share of the shorter
 * name's trigrams found in the other one, and dice = 2|A∩B| / (|A|+|B|). Identical normalised
 * names score 1. Names with fewer than 2 trigrams (under 4 characters) never match.
 */

const cache = new Map<string, readonly string[]>();
const CACHE_MAX = 50_000;

/** Distinct character trigrams of the normalised name, sorted (cached). */
export function trigrams(name: string): readonly string[] {
  let t = cache.get(name);
  if (t) return t;
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const set = new Set<string>();
  for (let i = 0; i + 3 <= n.length; i++) set.add(n.slice(i, i + 3));
  t = [...set].sort();
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(name, t);
  return t;
}

/** Similarity in [0, 1] of two identifiers (see the file comment). */
export function nameSimilarity(a: string, b: string): number {
  return trigramSimilarity(trigrams(a), trigrams(b));
}

export function trigramSimilarity(ta: readonly string[], tb: readonly string[]): number {
  if (ta.length < 2 || tb.length < 2) return 0;
  // Both sorted: merge count.
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < ta.length && j < tb.length) {
    if (ta[i] === tb[j]) {
      common++;
      i++;
      j++;
    } else if (ta[i] < tb[j]) i++;
    else j++;
  }
  if (common === 0) return 0;
  const containment = common / Math.min(ta.length, tb.length);
  const dice = (2 * common) / (ta.length + tb.length);
  return (containment + dice) / 2;
}
