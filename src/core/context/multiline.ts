/** The multi-line decision: whether a suggestion at this place may run over several lines. */
import type { Settings } from '../config';

/** A line that opens a docstring or doc comment and leaves it open: `"""`, `"""Return the`, `/**`. */
const OPENS_DOC = /^\s*(?:[rRuU]?("""|''')(?!.*\1)|\/\*\*(?!.*\*\/))/;
/** What an editor may have closed after a docstring's opening: nothing, or its closing quotes. */
const DOC_CLOSED_AFTER = /^\s*(?:"""|'''|\*\/)?\s*$/;

/**
 * Whether a multi-line suggestion is wanted here: the cursor ends a line that opens a block, or a
 * docstring or doc comment the person has opened on this line (it is completed as a block).
 */
export function wantsMultiline(prefix: string, suffix: string, mode: Settings['multiline']): boolean {
  if (mode !== 'auto') return mode === 'always';
  const lineBefore = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const lineAfter = suffix.slice(0, suffix.indexOf('\n') < 0 ? suffix.length : suffix.indexOf('\n'));
  if (OPENS_DOC.test(lineBefore) && DOC_CLOSED_AFTER.test(lineAfter)) return true;
  if (lineAfter.trim() !== '' && !/^[)\]}>;,]*$/.test(lineAfter.trim())) return false;
  if (lineBefore.trim() === '') {
    // An empty line right after a line that opens a block.
    const prevLines = prefix.slice(0, prefix.length - lineBefore.length).trimEnd();
    return /[{:([]$|=>$/.test(prevLines);
  }
  return /[{:([]\s*$|=>\s*$/.test(lineBefore);
}
