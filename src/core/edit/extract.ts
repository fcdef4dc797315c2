/**
 * From the model's answer to the code that replaces the region: reasoning blocks, markdown fences
 * and explanations around the code are stripped; indentation, the final newline and the line
 * endings are made to match the original region.
 */

export interface Extracted {
  /** The replacement text for the region. */
  text: string;
  /** What was stripped (for the log): think, fence, prose-before, prose-after, reindent, eol. */
  stripped: string[];
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})[^\n`]*$/;
/** Lines a model writes around code instead of code. */
const PROSE =
  /^(?:here(?:'s| is| are)\b|sure\b|certainly\b|okay\b|ok[,.!]|below\b|of course\b|i(?:'ve| have| changed| updated| added| removed| made| simplified| fixed| replaced)\b|this (?:code|version|function|change|edit|updated)\b|the (?:updated|modified|rewritten|revised|following|new|code|function|change)\b|updated code\b|explanation\b|changes\b|note\b|summary\b)/i;

export function extractProposal(answer: string, original: string): Extracted {
  const stripped: string[] = [];
  let t = answer.replace(/\r\n/g, '\n');
  const noThink = t.replace(/<think>[\s\S]*?(?:<\/think>|$)\s*/g, '');
  if (noThink !== t) stripped.push('think');
  t = noThink;

  const fenced = fencedBlocks(t);
  if (fenced.length > 0) {
    // Several blocks: the longest is the code; the others are usually usage examples.
    t = fenced.reduce((best, b) => (b.length > best.length ? b : best));
    stripped.push('fence');
  } else {
    let lines = t.split('\n');
    const before = lines.length;
    while (lines.length > 0 && (lines[0].trim() === '' || isProse(lines[0]))) lines.shift();
    if (lines.length < before && t.trim() !== '' && lines.length > 0) stripped.push('prose-before');
    // Explanations after the code: a blank line, then prose to the end.
    for (let i = 1; i < lines.length; i++) {
      if (lines[i - 1].trim() === '' && isProse(lines[i])) {
        lines = lines.slice(0, i);
        stripped.push('prose-after');
        break;
      }
    }
    t = lines.join('\n');
  }

  // Leading blank lines and trailing whitespace never belong to the answer.
  t = t.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');

  const reindented = reindent(t, original.replace(/\r\n/g, '\n'));
  if (reindented !== t) stripped.push('reindent');
  t = reindented;

  const origNl = /\r?\n$/.test(original);
  if (origNl && t !== '') t += '\n';
  if (original.includes('\r\n')) {
    t = t.replace(/\n/g, '\r\n');
    stripped.push('eol');
  }
  return { text: t, stripped };
}

function isProse(line: string): boolean {
  const s = line.trim();
  if (!PROSE.test(s)) return false;
  // A sentence: several words, ends like one, no assignment or block punctuation
  // ("note = 1", "this.x = y;" and "changes: {" are code even when they start like prose).
  return s.split(/\s+/).length >= 3 && /[.:!]$/.test(s) && !/[=;{}]/.test(s) && !/^this\./.test(s);
}

/** Contents of ``` / ~~~ blocks; an unclosed last block (a cut stream) counts to the end. */
function fencedBlocks(t: string): string[] {
  const lines = t.split('\n');
  const blocks: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = FENCE_OPEN.exec(lines[i]);
    if (!m) {
      i++;
      continue;
    }
    const marker = m[1];
    const body: string[] = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      const l = lines[j].trim();
      if (l.startsWith(marker[0].repeat(marker.length)) && l.replace(/[`~]/g, '') === '') {
        closed = true;
        break;
      }
      body.push(lines[j]);
    }
    blocks.push(body.join('\n'));
    i = closed ? j + 1 : j;
  }
  return blocks;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** Models often drop the region's base indentation; put it back when every line lost it. */
function reindent(proposal: string, original: string): string {
  const oLines = original.split('\n').filter((l) => l.trim() !== '');
  const pLines = proposal.split('\n').filter((l) => l.trim() !== '');
  if (oLines.length === 0 || pLines.length === 0) return proposal;
  const oBase = oLines.map(indentOf).reduce((a, b) => (b.length < a.length ? b : a));
  const pMin = Math.min(...pLines.map((l) => indentOf(l).length));
  if (oBase.length === 0 || pMin > 0) return proposal;
  return proposal
    .split('\n')
    .map((l) => (l.trim() === '' ? l : oBase + l))
    .join('\n');
}
