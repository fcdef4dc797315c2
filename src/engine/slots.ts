/**
 * KV reuse: one context sequence per recently used document, a bounded least-recently-used set.
 * A request for a document waits for that document's previous request (one sequence evaluates one
 * thing at a time) and then keeps the sequence's evaluated tokens its prompt starts with: only the
 * rest is evaluated. A document new to the set takes the least recently used sequence.
 */
import type { LlamaContextSequence, Token } from './llama';

export interface Slot {
  readonly index: number;
  readonly sequence: LlamaContextSequence;
  document: string | undefined;
  lastUsed: number;
  /** Requests holding or waiting for this sequence. */
  holders: number;
  tail: Promise<void>;
}

export interface Lease {
  slot: Slot;
  release(): void;
}

export class SequencePool {
  private readonly slots: Slot[];
  private clock = 0;

  constructor(sequences: readonly LlamaContextSequence[]) {
    this.slots = sequences.map((sequence, index) => ({ index, sequence, document: undefined, lastUsed: 0, holders: 0, tail: Promise.resolve() }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** The documents that have a sequence, most recently used first. */
  documents(): string[] {
    return this.slots
      .filter((s) => s.document !== undefined)
      .sort((a, b) => b.lastUsed - a.lastUsed)
      .map((s) => s.document!);
  }

  /** Requests of this document holding or waiting for its sequence. */
  inFlight(document: string): number {
    return this.slots.find((s) => s.document === document)?.holders ?? 0;
  }

  /** The document's sequence, once its previous request is done with it. */
  async acquire(document: string): Promise<Lease> {
    const slot = this.slots.find((s) => s.document === document) ?? this.pickFree();
    slot.document = document;
    slot.lastUsed = ++this.clock;
    slot.holders++;
    const previous = slot.tail;
    let release!: () => void;
    slot.tail = new Promise<void>((r) => (release = r));
    await previous;
    let done = false;
    return {
      slot,
      release: () => {
        if (done) return;
        done = true;
        slot.holders--;
        release();
      },
    };
  }

  /** A sequence with no document, else the least recently used idle one, else the least recently used. */
  private pickFree(): Slot {
    const empty = this.slots.find((s) => s.document === undefined);
    if (empty) return empty;
    const byAge = [...this.slots].sort((a, b) => a.lastUsed - b.lastUsed);
    return byAge.find((s) => s.holders === 0) ?? byAge[0];
  }
}

/**
 * Makes the sequence hold the start of `tokens` it already shares (all of it when `reuse`, none
 * otherwise), erasing what follows; returns how many tokens are kept. At least the last token is
 * always evaluated again: its logits give the first generated token.
 */
export async function alignSequence(sequence: LlamaContextSequence, tokens: readonly Token[], reuse: boolean): Promise<number> {
  let keep = reuse ? sequence.compareContextTokens(tokens as Token[]).firstDifferentIndex : 0;
  keep = Math.max(0, Math.min(keep, tokens.length - 1));
  if (keep < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  return keep;
}
