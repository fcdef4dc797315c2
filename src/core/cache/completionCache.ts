/**
 * The cache stage: suggestions remembered by what determines them (model, the prefix near the
 * cursor, the suffix, the identity of the related context), with typed-ahead reuse — when the
 * person has typed the first characters of a remembered (or shown) suggestion, the rest is served
 * without a request. Bounded in entries and bytes (lru-cache).
 */
import { LRUCache } from 'lru-cache';

export interface CacheKeyParts {
  model: string;
  /** Text before the cursor (the cache looks at its tail only). */
  prefix: string;
  /** Text after the cursor (its head only). */
  suffix: string;
  /** Identity of the related context that went into the prompt. */
  contextId: string;
}

/**
 * `typed-ahead`: exact hits and remainders of suggestions the person is typing through;
 * `exact`: exact position only (a baseline for benchmarks); `off`: remembers nothing.
 */
export type CacheMode = 'typed-ahead' | 'exact' | 'off';

export interface CacheOptions {
  maxEntries?: number;
  maxBytes?: number;
  mode?: CacheMode;
}

export interface CacheHit {
  completion: string;
  /** Characters typed since the remembered request (0: exact hit). */
  typedAhead: number;
}

interface Entry {
  completion: string;
}

/** How much of the prefix/suffix around the cursor identifies an answer. */
export const PREFIX_TAIL = 600;
export const SUFFIX_HEAD = 200;
/** How far back typed-ahead looks for an earlier request's position (may cross line breaks). */
export const TYPED_AHEAD_MAX = 64;

export class CompletionCache {
  private readonly lru: LRUCache<string, Entry>;
  readonly mode: CacheMode;

  constructor(opts: CacheOptions = {}) {
    this.mode = opts.mode ?? 'typed-ahead';
    this.lru = new LRUCache<string, Entry>({
      max: Math.max(1, opts.maxEntries ?? 500),
      maxSize: Math.max(1024, opts.maxBytes ?? 4 * 1024 * 1024),
      // UTF-16: two bytes a character, plus bookkeeping.
      sizeCalculation: (e, k) => 2 * (e.completion.length + k.length) + 64,
    });
  }

  get size(): number {
    return this.lru.size;
  }

  /** Approximate bytes held (what maxBytes bounds). */
  get bytes(): number {
    return this.lru.calculatedSize ?? 0;
  }

  static key(p: CacheKeyParts, prefixTail: string): string {
    return `${p.model}\u0000${p.contextId}\u0000${normalizeSuffix(p.suffix)}\u0000${prefixTail}`;
  }

  set(p: CacheKeyParts, completion: string): void {
    if (this.mode === 'off' || completion === '') return;
    this.lru.set(CompletionCache.key(p, p.prefix.slice(-PREFIX_TAIL)), { completion });
  }

  /**
   * Hot streak: what the same answer says after `consumed` (what the person accepts or types
   * through first), remembered at that later position so the next line comes with no request.
   * Never replaces an answer asked for at that position. Typed-ahead mode only: an exact-key cache
   * remembers the positions it was asked about.
   */
  setFollowUp(p: CacheKeyParts, consumed: string, completion: string): void {
    if (this.mode !== 'typed-ahead' || completion.trim() === '') return;
    const prefix = p.prefix + consumed;
    const key = CompletionCache.key(p, prefix.slice(-PREFIX_TAIL));
    if (!this.lru.has(key)) this.lru.set(key, { completion });
  }

  /**
   * The suggestion for this position: an exact hit, or the remainder of a remembered suggestion
   * whose first characters the person has typed since (typed-ahead).
   */
  get(p: CacheKeyParts): CacheHit | undefined {
    if (this.mode === 'off') return undefined;
    const exact = this.lru.get(CompletionCache.key(p, p.prefix.slice(-PREFIX_TAIL)));
    if (exact) return { completion: exact.completion, typedAhead: 0 };
    if (this.mode !== 'typed-ahead') return undefined;
    // Walk back over what was typed since an earlier request; the nearest one wins.
    const maxBack = Math.min(TYPED_AHEAD_MAX, p.prefix.length);
    for (let back = 1; back <= maxBack; back++) {
      const end = p.prefix.length - back;
      const typed = p.prefix.slice(end);
      const e = this.lru.get(CompletionCache.key(p, p.prefix.slice(Math.max(0, end - PREFIX_TAIL), end)));
      if (e && e.completion.length > typed.length && e.completion.startsWith(typed)) {
        return { completion: e.completion.slice(typed.length), typedAhead: back };
      }
    }
    return undefined;
  }

  clear(): void {
    this.lru.clear();
  }
}

/** Trailing blanks after the cursor do not change the answer. */
function normalizeSuffix(s: string): string {
  return s.slice(0, SUFFIX_HEAD).replace(/[ \t]+$/gm, '');
}
