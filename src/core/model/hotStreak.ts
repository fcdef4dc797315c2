/**
 * Hot streak: the lines that follow a decided suggestion, from the same stream.
 *
 * A single-line suggestion is decided at the end of its first line and shown at once; the stream
 * is then read a little further (a line or two, under a small time and character budget) and the
 * following lines are remembered in the cache at the positions where the person will be after
 * accepting or typing through the first one — so the next line comes with no request (Cody's hot
 * streak, Continue's reuse of the running stream). The first line never waits for the tail.
 */
import type { BuiltPrompt } from '../types';
import { applyStops, type GenerateOptions, type GenerateResult, type ModelClient } from './client';

/** How far past the decided line the stream is read. */
export interface TailBudget {
  /** Further non-blank lines. */
  lines: number;
  /** Further characters. */
  chars: number;
  /** Time after the decision, ms (the stream is closed then with what is complete). */
  ms: number;
}

export const FOLLOW_UP_BUDGET: Readonly<TailBudget> = Object.freeze({ lines: 2, chars: 240, ms: 300 });

export interface DecidedStream {
  /**
   * Resolves as soon as the suggestion is decided (the tail may still be streaming), or when the
   * request ended without a decision: what generate() returns, with the decided text only.
   */
  decided: Promise<GenerateResult>;
  /** Resolves once the HTTP stream is closed: everything read (stops applied) and whether the model finished it. */
  closed: Promise<{ text: string; finished: boolean }>;
}

/**
 * generate(), but resolving `decided` at the decision and, with a tail budget, reading on for the
 * follow-up lines until `closed`. Without a tail budget the stream closes at the decision.
 */
export function generateDecided(
  client: Pick<ModelClient, 'generate'>,
  prompt: BuiltPrompt,
  opts: GenerateOptions & { decide: (textSoFar: string) => boolean; tail?: TailBudget },
): DecidedStream {
  const started = Date.now();
  const tailStop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, tailStop.signal]) : tailStop.signal;
  let decidedText: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let yielded = false;
  let resolveDecided!: (r: GenerateResult) => void;
  const decided = new Promise<GenerateResult>((r) => (resolveDecided = r));
  const tail = opts.tail;
  const all = client.generate(prompt, {
    ...opts,
    signal,
    shouldStop: (t) => {
      if (decidedText === undefined) {
        if (!opts.decide(t)) return false;
        decidedText = t;
        if (!tail) return true;
        resolveDecided({ ok: true, candidates: [{ text: t, finishReason: 'early-stop' }], ms: Date.now() - started });
        timer = setTimeout(() => tailStop.abort('tail budget'), tail.ms);
      }
      return tailSpent(t, tail);
    },
    // Once decided, the answer's way to the screen (filter, cache, ghost text) goes before the tail.
    yieldNow: () => decidedText !== undefined && !yielded && (yielded = true),
  });
  const closed = all.then((r) => {
    clearTimeout(timer);
    // No decision before the end (or no tail): the request's own result is the answer.
    if (decidedText === undefined || !tail) resolveDecided(r);
    if (r.ok) return { text: r.candidates[0]?.text ?? '', finished: r.candidates[0]?.finishReason === 'stop' };
    // Closed by us (tail budget, a keystroke): its complete lines stand. Cut or failed: nothing does.
    if (r.error.kind === 'cancelled' && decidedText !== undefined) return { text: applyStops(r.partial ?? '', prompt.stop), finished: false };
    return { text: '', finished: false };
  });
  return { decided, closed };
}

/** Whether the tail holds enough: `lines` complete non-blank lines after the first, or `chars` past it. */
function tailSpent(t: string, tail: TailBudget | undefined): boolean {
  if (!tail) return true;
  const first = firstLineEnd(t);
  if (first < 0) return false;
  const rest = t.slice(first);
  if (rest.length > tail.chars) return true;
  const lines = rest.split('\n').slice(1, -1);
  return lines.filter((l) => l.trim() !== '').length >= tail.lines;
}

/** End of the first decided line (a non-blank line), or -1 while it is not complete. */
function firstLineEnd(t: string): number {
  const m = /^\s*\S[^\n]*(?=\n)/.exec(t);
  return m ? m[0].length : -1;
}

export interface FollowUp {
  /** What the person accepts or types first (from the request's position). */
  consumed: string;
  /** The suggestion at the position after `consumed`. */
  completion: string;
}

/**
 * The follow-ups of a streamed answer read from a request's position: at the end of each line the
 * person will accept or type through, the next line (single-line suggestions) or the rest of the
 * block (multi-line). Only complete lines: the last piece counts when the model finished it.
 */
export function followUps(text: string, finished: boolean, multiline: boolean, maxFollowUps = FOLLOW_UP_BUDGET.lines): FollowUp[] {
  const m = /^\s*\S[^\n]*/.exec(text);
  if (!m) return [];
  const first = m[0].length;
  const lines = text.slice(first).split('\n').slice(1);
  if (!finished) lines.pop();
  const out: FollowUp[] = [];
  if (multiline) {
    // A block: at each line end inside it, the rest of the block.
    const full = text.slice(0, first) + lines.map((l) => `\n${l}`).join('');
    for (let end = first; end >= 0 && end < full.length; end = full.indexOf('\n', end + 1)) {
      const rest = full.slice(end);
      if (rest.trim() === '') break;
      out.push({ consumed: full.slice(0, end), completion: rest });
    }
    return out;
  }
  let consumed = text.slice(0, first);
  let pending = '';
  for (const line of lines) {
    if (out.length >= maxFollowUps) break;
    if (line.trim() === '') {
      pending += `\n${line}`;
      continue;
    }
    out.push({ consumed, completion: `${pending}\n${line}` });
    consumed += `${pending}\n${line}`;
    pending = '';
  }
  return out;
}
