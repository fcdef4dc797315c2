/**
 * Whether a word is an ordinary English word by its shape, beyond the short word list: an
 * inflected or derived form of a listed word (`Functionally` → functional → function, `Settable`
 * → set, `Returns` → return) or a compound of two listed words (`Anything`). Used for the word
 * that starts a sentence in prose, which is capitalised whether or not it is a name.
 */

/** Suffixes stripped (longest first), each with the endings that may restore the stem. */
const SUFFIXES: [string, string[]][] = [
  ['ically', ['ic', '']],
  ['ally', ['al', '']],
  ['ingly', ['', 'e']],
  ['ably', ['', 'e', 'able']],
  ['ness', ['', 'y']],
  ['ment', ['']],
  ['able', ['', 'e']],
  ['ible', ['', 'e']],
  ['tion', ['te', 't', '']],
  ['ities', ['e', '']],
  ['ity', ['e', '']],
  ['ive', ['e', '']],
  ['ous', ['', 'e']],
  ['ful', ['']],
  ['less', ['']],
  ['ing', ['', 'e']],
  ['ies', ['y']],
  ['ied', ['y']],
  ['ers', ['', 'e']],
  ['er', ['', 'e']],
  ['ed', ['', 'e']],
  ['ly', ['', 'le']],
  ['al', ['', 'e']],
  ['es', ['', 'e']],
  ['s', ['']],
];
/** Stems shorter than this are not trusted (`bus` is not `bu` + s). */
const MIN_STEM = 3;
/** Parts of a compound at least this long (`any` + `thing`). */
const MIN_PART = 3;

export function isEnglishWordShape(lower: string, known: (w: string) => boolean, depth = 2): boolean {
  if (known(lower)) return true;
  if (depth > 0) {
    for (const [suffix, endings] of SUFFIXES) {
      if (!lower.endsWith(suffix) || lower.length - suffix.length < MIN_STEM) continue;
      const stem = lower.slice(0, -suffix.length);
      // A doubled final consonant (`settable` → set).
      const stems = /([b-df-hj-np-tv-z])\1$/.test(stem) ? [stem, stem.slice(0, -1)] : [stem];
      if (stems.some((s) => endings.some((e) => isEnglishWordShape(s + e, known, depth - 1)))) return true;
    }
  }
  for (let i = MIN_PART; i <= lower.length - MIN_PART; i++) if (known(lower.slice(0, i)) && known(lower.slice(i))) return true;
  return false;
}
