/** Small helpers shared by unit suites. */
import * as assert from 'node:assert/strict';
import type { CompletionRequest } from '../../src/core/types';

/** A completion request for `text` with the cursor at `offset` (line/character computed). */
export function requestAt(
  text: string,
  offset: number,
  opts: { uri?: string; languageId?: string; version?: number; explicit?: boolean; fsPath?: string } = {},
): CompletionRequest {
  const before = text.slice(0, offset);
  return {
    doc: { uri: opts.uri ?? 'file:///w/file.ts', fsPath: opts.fsPath, languageId: opts.languageId ?? 'typescript', text, version: opts.version ?? 1 },
    cursor: { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1, offset },
    explicit: opts.explicit ?? false,
  };
}

/** Resolves once `cond()` holds; rejects after `ms`. */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Cancelling a request the server holds (2 s before its first byte) ends it as `cancelled`, and
 * the server sees the connection close before the answer was written. Shared by every API style.
 */
export async function checkCancelAbortsRequest(
  server: { respond(r: { text: string; delayMs: number }): void; completionRequests: { aborted: boolean; finished: boolean }[] },
  generate: (signal: AbortSignal) => Promise<{ ok: true } | { ok: false; error: { kind: string } }>,
): Promise<void> {
  server.respond({ text: 'late', delayMs: 2000 });
  const ctl = new AbortController();
  const p = generate(ctl.signal);
  await until(() => server.completionRequests.length === 1);
  ctl.abort();
  const r = await p;
  assert.ok(!r.ok);
  assert.equal(r.error.kind, 'cancelled');
  await until(() => server.completionRequests[0].aborted);
  assert.equal(server.completionRequests[0].finished, false);
}

/** The mean share of each prompt that is a common prefix with the one before it. */
export function meanSharedPrefix(prompts: readonly string[]): { mean: number; shares: number[] } {
  const shares: number[] = [];
  for (let k = 1; k < prompts.length; k++) {
    const [prev, p] = [prompts[k - 1], prompts[k]];
    let i = 0;
    while (i < p.length && p[i] === prev[i]) i++;
    shares.push(i / p.length);
  }
  return { mean: shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length), shares };
}

/** A hung server: the request ends at its 300 ms deadline as `timeout`, and the connection is closed. */
export async function checkHangEndsAtDeadline(
  server: { fault(f: { kind: 'hang' }): void; completionRequests: { aborted: boolean }[] },
  generate: (timeoutMs: number) => Promise<{ ok: true } | { ok: false; error: { kind: string } }>,
): Promise<void> {
  server.fault({ kind: 'hang' });
  const t0 = Date.now();
  const r = await generate(300);
  const took = Date.now() - t0;
  assert.ok(!r.ok);
  assert.equal(r.error.kind, 'timeout');
  assert.ok(took >= 280 && took < 1500, `took ${took} ms`);
  await until(() => server.completionRequests[0]?.aborted === true);
}
