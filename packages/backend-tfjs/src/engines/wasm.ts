/**
 * WebAssembly engine (`@tensorflow/tfjs-backend-wasm`, XNNPACK kernels). In Node the `.wasm` binaries
 * are read from the package's own `dist/` folder on disk (`setWasmPaths`), never downloaded. SIMD and
 * threads are used where the runtime allows: Node 20 has WebAssembly SIMD, but tfjs's threaded build
 * needs browser workers, so in Node it runs on one thread (reported as `threads`).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../kernels/register.js';
import type { EngineLoader } from './types.js';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

let loading: Promise<WasmModule> | undefined;

/** The folder holding `tfjs-backend-wasm*.wasm`, with a trailing slash (what `setWasmPaths` expects). */
export function wasmBinaryFolder(): string {
  const main = createRequire(import.meta.url).resolve(WASM_PACKAGE);
  return `${dirname(main)}/`;
}

/** Imports the WASM backend once (it registers the `wasm` tfjs backend) and points it at the local binaries. */
function loadWasm(threads?: number): Promise<WasmModule> {
  loading ??= (async () => {
    const mod = (await import(WASM_PACKAGE)) as WasmModule;
    mod.setWasmPaths(wasmBinaryFolder());
    if (threads !== undefined) mod.setThreadsCount(threads);
    return mod;
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

export const wasmEngine: EngineLoader = {
  name: 'wasm',
  async probe(options) {
    try {
      await loadWasm(options.threads);
      return undefined;
    } catch (e) {
      return `${WASM_PACKAGE} could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
  },
  async activate(options) {
    const mod = await loadWasm(options.threads);
    if (!(await tf.setBackend('wasm'))) {
      throw new Error(`${WASM_PACKAGE} failed to initialise (binaries looked for in ${wasmBinaryFolder()})`);
    }
    await tf.ready();
    registerWasmTrainingKernels();
    return {
      simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      threads: mod.getThreadsCount(),
    };
  },
};
