/**
 * A snooze outlives a window reload: its end is kept in the extension's global state (not the
 * workspace's). The snooze is the person's choice about themselves for a while (a meeting, a
 * screen share, thinking without suggestions), not about a project: reloading the window, or
 * opening another folder in it, restarts the extension and must keep it, and a window opened
 * meanwhile stays quiet too. It is not synced to other machines (no setKeysForSync). No `vscode`
 * here: the state is anything with `get`/`update` (a Memento; a Map in tests).
 */

export const SNOOZE_STATE_KEY = 'intentComplete.snoozedUntil';

/** No kept end is believed further ahead than this (a clock set back must not snooze for days). */
export const MAX_SNOOZE_MS = 24 * 60 * 60_000;

export interface SnoozeState {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

/** The kept end of a snooze that is still ahead (ms since the epoch); undefined when none, over or not a time. */
export function keptSnooze(state: SnoozeState, now: number): number | undefined {
  const until = state.get(SNOOZE_STATE_KEY);
  if (typeof until !== 'number' || !Number.isFinite(until)) return undefined;
  return until > now && until - now <= MAX_SNOOZE_MS ? until : undefined;
}

/** Keeps the end of a snooze, or forgets it (`undefined`: resumed). */
export function keepSnooze(state: SnoozeState, until: number | undefined): Thenable<void> {
  return state.update(SNOOZE_STATE_KEY, until);
}

/** How long a snooze has left, as the status bar says it: `45 s`, `14 min`, `1 h 5 min`. */
export function snoozeLeft(until: number, now: number): string {
  const ms = Math.max(0, until - now);
  if (ms < 60_000) return `${Math.ceil(ms / 1000)} s`;
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
