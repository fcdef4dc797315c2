/**
 * The typing replay's oracle server in its own process, as a real model server is: its CPU work
 * (reading requests, placing the cursor, writing SSE) does not land on the client's event loop.
 * The parent forks this module (or the CLI bundle, which starts it when IC_BENCH_ORACLE_CHILD=1)
 * and talks to it over IPC: register a file, count a session's open requests, fetch what the
 * server saw. Times cross the process boundary as durations (performance.now() is per process).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { seededRandom } from '../core/eval/holes';
import { TestOpenAIServer } from '../../test/server/openaiServer';
import { SESSION_HEADER, TypingOracle, type OracleFile } from './oracle';

export const CHILD_ENV = 'IC_BENCH_ORACLE_CHILD';

/** What the parent's summary needs of one answered request. */
export interface OracleHitView {
  session: string;
  k: number;
  /** Server-side model time: reading the request to writing its first byte, ms (undefined: no byte written). */
  serverMs?: number;
  /**
   * Server-side time from reading the request to writing the chunk that brought the first
   * candidate's text to each length: [ms, characters] pairs, in order (streamed answers).
   */
  writes?: [number, number][];
}

/** One request the server received (generation endpoints only). */
export interface SentView {
  session: string;
  prompt: string;
}

export interface OracleDump {
  hits: OracleHitView[];
  sent: SentView[];
}

/** The oracle as the replay uses it, in this process or another. */
export interface OracleHandle {
  readonly url: string;
  register(session: string, file: OracleFile): Promise<void>;
  /** A session's generation requests the server has open (neither finished nor aborted). */
  inFlight(session: string): Promise<number>;
  dump(): Promise<OracleDump>;
  stop(): Promise<void>;
}

export interface OracleOptions {
  latency: number;
  jitter: number;
  seed: number;
  /** Time between streamed tokens, ms (0: the whole answer at once after the latency). */
  tokenMs?: number;
}

const sessionOf = (headers: Record<string, string | string[] | undefined>) => {
  const raw = headers[SESSION_HEADER];
  return (Array.isArray(raw) ? raw[0] : raw) ?? '';
};
const isCompletion = (path: string) => path.endsWith('/completions');

/** The server's view, shared by both modes. */
function views(server: TestOpenAIServer, oracle: TypingOracle) {
  return {
    inFlight: (session: string) => server.requests.filter((r) => sessionOf(r.headers) === session && isCompletion(r.path) && !r.finished && !r.aborted).length,
    dump: (): OracleDump => ({
      hits: oracle.hits.map((h) => ({
        session: h.session,
        k: h.k,
        serverMs: h.rec.firstByteAtPerf === undefined ? undefined : h.rec.firstByteAtPerf - h.rec.receivedAtPerf,
        writes: h.rec.textWrites?.map((w) => [w.atPerf - h.rec.receivedAtPerf, w.chars] as [number, number]),
      })),
      sent: server.requests.filter((r) => isCompletion(r.path)).map((r) => ({ session: sessionOf(r.headers), prompt: r.prompt })),
    }),
  };
}

/** The old way: the server in this process (its work is then timed as the client's). */
export async function startInProcessOracle(o: OracleOptions): Promise<OracleHandle> {
  const oracle = new TypingOracle(o.latency, o.jitter, seededRandom(o.seed + 1), o.tokenMs);
  const server = await TestOpenAIServer.start({ responder: oracle.respond });
  const v = views(server, oracle);
  return {
    url: server.url,
    register: async (session, file) => oracle.register(session, file),
    inFlight: async (session) => v.inFlight(session),
    dump: async () => v.dump(),
    stop: () => server.stop(),
  };
}

type Op = { op: 'start'; options: OracleOptions } | { op: 'register'; session: string; file: OracleFile } | { op: 'inFlight'; session: string } | { op: 'dump' } | { op: 'stop' };
type ToChild = Op & { id: number };
type FromChild = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

/**
 * Forks `entry` (default: this file when run from tsc output, the CLI bundle when bundled — both
 * are `__filename`) with IC_BENCH_ORACLE_CHILD=1 and starts the oracle server there.
 */
export async function startChildOracle(o: OracleOptions, entry: string = __filename): Promise<OracleHandle> {
  const child: ChildProcess = fork(entry, [], {
    env: { ...process.env, [CHILD_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect') && !a.startsWith('--cpu-prof')),
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited: Error | undefined;
  child.on('message', (m: FromChild) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`oracle server process: ${m.error}`));
  });
  const onGone = (why: string) => {
    exited = new Error(`oracle server process ${why}`);
    for (const p of pending.values()) p.reject(exited);
    pending.clear();
  };
  child.on('exit', (code, signal) => onGone(`exited (${signal ?? code})`));
  child.on('error', (e) => onGone(`failed: ${e.message}`));
  const call = <T>(msg: Op): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...msg, id } as ToChild);
    });
  let port: number;
  try {
    port = await call<number>({ op: 'start', options: o });
  } catch (e) {
    child.kill();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}/v1`,
    register: (session, file) => call<void>({ op: 'register', session, file }),
    inFlight: (session) => call<number>({ op: 'inFlight', session }),
    dump: () => call<OracleDump>({ op: 'dump' }),
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      await call<void>({ op: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill(), 2000);
      await gone;
      clearTimeout(timer);
    },
  };
}

let childStarted = false;

/** The child's side: answers the parent's IPC messages until told to stop (or the parent goes). */
export function runOracleChild(): void {
  if (childStarted || !process.send) return;
  childStarted = true;
  let server: TestOpenAIServer | undefined;
  let oracle: TypingOracle | undefined;
  const reply = (m: FromChild) => process.send!(m);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ToChild) => {
    void (async () => {
      try {
        if (m.op === 'start') {
          oracle = new TypingOracle(m.options.latency, m.options.jitter, seededRandom(m.options.seed + 1), m.options.tokenMs);
          server = await TestOpenAIServer.start({ responder: oracle.respond });
          return reply({ id: m.id, ok: true, value: server.port });
        }
        if (!server || !oracle) throw new Error('not started');
        const v = views(server, oracle);
        if (m.op === 'register') {
          oracle.register(m.session, m.file);
          return reply({ id: m.id, ok: true });
        }
        if (m.op === 'inFlight') return reply({ id: m.id, ok: true, value: v.inFlight(m.session) });
        if (m.op === 'dump') return reply({ id: m.id, ok: true, value: v.dump() });
        if (m.op === 'stop') {
          await server.stop();
          reply({ id: m.id, ok: true });
          process.disconnect();
          return;
        }
      } catch (e) {
        reply({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
}

// Run from tsc output (`fork(out/src/bench/oracleProcess.js)`); the CLI bundle starts it from main.ts.
if (process.env[CHILD_ENV] === '1' && require.main === module) runOracleChild();
