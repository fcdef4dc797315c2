/** The headless CLI: `intent-complete <command> …` over the same core as the extension. */
const HELP = `intent-complete — grounded code completion, headless

Usage: intent-complete <command> [options]

Commands:
  prompt        --repo DIR --cases FILE.jsonl [--budget N] [--model NAME]
  filter        --repo DIR --cases FILE.jsonl [--as-is] [--multiline auto|always|never] [--max-lines 8]
                (--as-is: the file as it is on disk, judged as the extension judges it)
  bench context --repo DIR [--holes 400] [--seed 7] [--budget 2048] [--json]
  bench filter  --repo DIR [--holes 400] [--seed 7] [--repeat 3] [--json]
  bench typing  --repo DIR [--files 20] [--latency 150] [--jitter 50] [--seed 7] [--json]
  serve         --model-file FILE [--port N] [--threads N]   (the built-in engine as a local OpenAI-compatible server)
  bench engine  --model-file FILE --repo DIR [--files N] [--seed S] [--json]
  eval          --repo DIR --endpoint URL --model NAME [--api completions|chat|llamacpp-infill] [--holes N] [--seed S] [--json] [--html FILE]

Options:
  -h, --help    show this help
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === 'eval') return (await import('./eval')).runEval(argv.slice(1));
  if (cmd === 'prompt') return (await import('./prompt')).runPrompt(argv.slice(1));
  if (cmd === 'filter') return (await import('./filter')).runFilter(argv.slice(1));
  if (cmd === 'bench' && argv[1] === 'filter') return (await import('./benchFilter')).runBenchFilter(argv.slice(2));
  if (cmd === 'bench' && argv[1] === 'context') return (await import('./benchContext')).runBenchContext(argv.slice(2));
  if (cmd === 'bench' && argv[1] === 'typing') return (await import('./benchTyping')).benchTyping(argv.slice(2));
  if (cmd === 'bench' && argv[1] === 'engine') return (await import('./benchEngine')).runBenchEngine(argv.slice(2));
  if (cmd === 'serve') return (await import('./serve')).runServe(argv.slice(1));
  process.stderr.write(`intent-complete: unknown command ${JSON.stringify(cmd)}\n\n${HELP}`);
  return 2;
}

/**
 * Runs the CLI with these arguments and exits with its code. The bin script (bin/intent-complete.js)
 * calls this: it may be started through a link of any name (npx runs `.bin/intent-complete`), so the
 * script's own path says nothing about whether the CLI should run.
 */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`intent-complete: ${e instanceof Error ? (process.env.IC_STACK ? e.stack : e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

if (process.env.IC_ENGINE_WORKER === '1') {
  // The engine's supervisor forks this bundle to run the engine (src/engine/worker.ts).
  void import('../engine/worker').then((m) => m.runWorker());
} else if (process.env.IC_BENCH_ORACLE_CHILD === '1' && process.send) {
  // `bench typing` forks this bundle to run its oracle model server in a separate process.
  void import('../bench/oracleProcess').then((m) => m.runOracleChild());
} else if (require.main === module) {
  // `node dist/cli.js …` directly.
  run(process.argv.slice(2));
}
