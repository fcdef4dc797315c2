/**
 * Text out of generated tokens, as it grows: what may be sent now, and where a stop string ends
 * the answer. Text that could be the start of a stop string, or an incomplete UTF-8 character, is
 * held back until the next token says which it is. Pure.
 */
export class StopText {
  private sent = 0;
  private stopped = false;

  constructor(private readonly stops: readonly string[]) {}

  get done(): boolean {
    return this.stopped;
  }

  /**
   * Given the whole text generated so far: the part that can be sent now, and whether a stop
   * string was reached (the answer then ends before it).
   */
  push(full: string): { delta: string; stop: boolean } {
    if (this.stopped) return { delta: '', stop: true };
    let end = full.length;
    let stop = false;
    for (const s of this.stops) {
      if (!s) continue;
      const at = full.indexOf(s, Math.max(0, this.sent - s.length + 1));
      if (at >= 0 && at < end) {
        end = at;
        stop = true;
      }
    }
    if (!stop) end = Math.min(end, full.length - this.heldBack(full));
    const delta = end > this.sent ? full.slice(this.sent, end) : '';
    this.sent = Math.max(this.sent, end);
    this.stopped = stop;
    return { delta, stop };
  }

  /** The rest when generation ends without a stop string (what was held back). */
  finish(full: string): string {
    if (this.stopped) return '';
    const text = full.replace(/\uFFFD+$/, '');
    const delta = text.length > this.sent ? text.slice(this.sent) : '';
    this.sent = Math.max(this.sent, text.length);
    return delta;
  }

  /** Characters at the end of `full` that may begin a stop string or end in a broken character. */
  private heldBack(full: string): number {
    let n = /\uFFFD+$/.exec(full)?.[0].length ?? 0;
    for (const s of this.stops) {
      for (let k = Math.min(s.length - 1, full.length); k > n; k--) {
        if (full.endsWith(s.slice(0, k))) {
          n = k;
          break;
        }
      }
    }
    return n;
  }
}
