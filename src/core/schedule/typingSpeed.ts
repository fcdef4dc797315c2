/**
 * The person's typing speed: a smoothed gap between keystrokes, ignoring pauses (gaps over
 * `pauseMs` say nothing about speed). Pure: time comes from the caller.
 */
export class TypingSpeed {
  private last: number | undefined;
  private avg: number | undefined;

  constructor(
    private readonly pauseMs = 1500,
    private readonly weight = 0.25,
  ) {}

  /** Records a keystroke at time `now` (ms). */
  note(now: number): void {
    if (this.last !== undefined) {
      const gap = now - this.last;
      if (gap > 0 && gap < this.pauseMs) this.avg = this.avg === undefined ? gap : this.avg * (1 - this.weight) + gap * this.weight;
    }
    this.last = now;
  }

  /** Typical gap between keys, ms; undefined until two keys were seen. */
  get intervalMs(): number | undefined {
    return this.avg;
  }
}
