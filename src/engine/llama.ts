/**
 * Loading node-llama-cpp. The package is ESM-only and our build emits CommonJS: `import()` written
 * in TypeScript would become `require()` (tsc) or be bundled (esbuild), so the import is made by a
 * function the compilers do not see into. Types come from the package with `import type` (erased).
 *
 * Installing: package.json's `overrides` point node-llama-cpp's CUDA and Vulkan binary packages
 * (linux-x64-cuda, -cuda-ext, -vulkan and the win-x64 ones: about 620 MB on linux-x64) at its
 * linux-riscv64 package, which npm installs only on riscv64 machines (where node-llama-cpp never
 * asks for them). node-llama-cpp skips a GPU build it cannot import, so the CPU build
 * (@node-llama-cpp/linux-x64 and the other platforms' own) is what runs. To try a GPU build,
 * remove the override for it and run `npm install`. package.json's `config.nodeLlamaCppPostinstall`
 * `skip` stops node-llama-cpp's install script from testing or building a binary (npm versions that
 * run install scripts would otherwise try, and a build needs GitHub): the engine uses the prebuilt
 * binary only (`build: 'never'`).
 */
import type * as NodeLlamaCpp from 'node-llama-cpp';

export type LlamaModule = typeof NodeLlamaCpp;
export type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

/** The version this engine is built and tested against (package.json pins it). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let loaded: Promise<LlamaModule> | undefined;

/** node-llama-cpp, imported once per process. */
export function loadLlamaModule(): Promise<LlamaModule> {
  loaded ??= importEsm('node-llama-cpp') as Promise<LlamaModule>;
  return loaded;
}

export interface LlamaRuntimeOptions {
  /** CPU threads for evaluation; always explicit (the default on a busy machine can be 1000× slower). */
  threads: number;
  /** Use a GPU build when one is installed and finds a GPU (default: CPU only). */
  gpu?: boolean;
}

/** The llama.cpp runtime with the prebuilt binary only: nothing is built or downloaded at run time. */
export async function getRuntime(o: LlamaRuntimeOptions): Promise<NodeLlamaCpp.Llama> {
  const m = await loadLlamaModule();
  return m.getLlama({
    gpu: gpuOption(process.platform, process.arch, o.gpu === true),
    build: 'never',
    usePrebuiltBinaries: true,
    progressLogs: false,
    skipDownload: true,
    maxThreads: o.threads,
    logLevel: m.LlamaLogLevel.error,
  });
}

/**
 * What getLlama is asked for. Apple silicon's only prebuilt binary is the Metal one
 * (@node-llama-cpp/mac-arm64-metal): node-llama-cpp picks it only for `gpu: 'metal'` (its
 * dist/bindings/utils/compileLLamaCpp.js), so asking for the CPU there finds no binary at all.
 * Elsewhere the CPU build unless a GPU is asked for.
 */
export function gpuOption(platform: string, arch: string, wantGpu: boolean): 'auto' | 'metal' | false {
  if (platform === 'darwin' && arch === 'arm64') return 'metal';
  return wantGpu ? 'auto' : false;
}
