/**
 * WebGPU engine: `@tensorflow/tfjs-backend-webgpu` on Dawn for Node (the `webgpu` npm package).
 *
 * The tfjs WebGPU backend registers itself at import time only if `navigator.gpu` exists, so this
 * module first asks Dawn for an adapter and only when one is found installs `navigator.gpu` and then
 * imports the backend (ordering the two imports is the whole trick). Without a GPU nothing global is
 * touched and the engine is reported absent with the reason.
 *
 * `WorkerGlobalScope` is deliberately not defined: the 4.22 Node build of the backend checks
 * `navigator.gpu` alone, and a global `WorkerGlobalScope` would make tfjs-core (and other libraries
 * in the same process) believe they run in a browser.
 */
import * as tf from '@tensorflow/tfjs';
import { gpuAbsentReason } from '@affnet/core';
import type { EngineLoader } from './types.js';

interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<DawnAdapter | null>;
}
interface DawnAdapter {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** Software rasterisers that expose Vulkan/WebGPU on the CPU: slower than the WASM engine. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software/i;

function describeAdapter(adapter: DawnAdapter): string {
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
}

let adapterProbe: Promise<{ gpu: DawnGpu; adapter: DawnAdapter } | string> | undefined;

/** Dawn's GPU entry point and first adapter, or the reason there is none (memoised per process). */
function findAdapter(): Promise<{ gpu: DawnGpu; adapter: DawnAdapter } | string> {
  adapterProbe ??= (async () => {
    const absent = gpuAbsentReason();
    if (absent) return absent;
    let create: (flags: string[]) => DawnGpu;
    try {
      ({ create } = (await import('webgpu')) as unknown as { create: (flags: string[]) => DawnGpu });
    } catch (e) {
      return `the "webgpu" package (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
    const gpu = create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return 'Dawn found no usable WebGPU adapter: no GPU, or no Vulkan driver Dawn accepts (Dawn prints its reasons on stderr)';
    }
    if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || SOFTWARE_ADAPTER.test(describeAdapter(adapter))) {
      return `Dawn found only a software (CPU-emulated) WebGPU adapter (${describeAdapter(adapter)}); the wasm engine is faster`;
    }
    return { gpu, adapter };
  })();
  return adapterProbe;
}

/** Installs `navigator.gpu` (Node 20 has no `navigator`; Node ≥ 21 has one without `gpu`). */
function installNavigatorGpu(gpu: DawnGpu): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

export const webgpuEngine: EngineLoader = {
  name: 'webgpu',
  async probe() {
    const found = await findAdapter();
    return typeof found === 'string' ? found : undefined;
  },
  async activate() {
    const found = await findAdapter();
    if (typeof found === 'string') throw new Error(found);
    installNavigatorGpu(found.gpu);
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!tf.findBackendFactory('webgpu')) {
      throw new Error('@tensorflow/tfjs-backend-webgpu did not register (navigator.gpu not seen at import)');
    }
    if (!(await tf.setBackend('webgpu'))) throw new Error('@tensorflow/tfjs-backend-webgpu failed to initialise');
    await tf.ready();
    return { adapter: describeAdapter(found.adapter) };
  },
};
