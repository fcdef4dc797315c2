/**
 * The test OpenAI server lives in src/core/bench/openaiServer.ts so the CLI's benchmarks (which
 * cannot import test/) use the same implementation; tests keep importing it from here.
 */
export * from '../../src/core/bench/openaiServer';
