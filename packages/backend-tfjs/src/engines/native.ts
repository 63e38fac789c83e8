/**
 * Native TensorFlow engines: `@tensorflow/tfjs-node` and `@tensorflow/tfjs-node-gpu` (CUDA 11.2 /
 * cuDNN 8.1). They are optional — their install downloads libtensorflow — so they are never a
 * dependency: they are looked up next to this package and then next to the working directory, and
 * imported only when asked for. Both register the tfjs backend "tensorflow".
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { EngineLoader, EngineName } from './types.js';

const PACKAGE_OF = { 'tfjs-node': '@tensorflow/tfjs-node', 'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu' } as const;

/** Where the optional package resolves from, or undefined when it is not installed. */
export function resolveOptional(specifier: string): string | undefined {
  const bases = [import.meta.url, pathToFileURL(join(process.cwd(), 'noop.js')).href];
  for (const base of bases) {
    try {
      return createRequire(base).resolve(specifier);
    } catch {
      // not installed from this base
    }
  }
  return undefined;
}

const imported = new Map<string, Promise<unknown>>();

function nativeEngine(name: 'tfjs-node' | 'tfjs-node-gpu'): EngineLoader {
  const pkg = PACKAGE_OF[name];
  const load = async (): Promise<void> => {
    const path = resolveOptional(pkg);
    if (!path) throw new Error(notInstalled());
    let p = imported.get(path);
    if (!p) {
      p = import(pathToFileURL(path).href);
      imported.set(path, p);
      p.catch(() => imported.delete(path));
    }
    await p;
    if (!tf.findBackendFactory('tensorflow')) throw new Error(`${pkg} loaded but did not register the "tensorflow" backend`);
  };
  const notInstalled = () => `${pkg} is not installed (optional: "pnpm add ${pkg}" and allow its build script, see README "Optional engines")`;
  return {
    name: name as EngineName,
    async probe() {
      if (!resolveOptional(pkg)) return notInstalled();
      try {
        await load();
        return undefined;
      } catch (e) {
        return `${pkg} could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      }
    },
    async activate() {
      await load();
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} failed to initialise`);
      await tf.ready();
      const backend = tf.backend() as { isUsingGpuDevice?: boolean };
      if (name === 'tfjs-node-gpu' && backend.isUsingGpuDevice === false) {
        throw new Error(`${pkg} loaded but TensorFlow found no CUDA GPU (needs CUDA 11.2 / cuDNN 8.1)`);
      }
      return { package: pkg, ...(backend.isUsingGpuDevice !== undefined ? { gpu: backend.isUsingGpuDevice } : {}) };
    },
  };
}

export const tfjsNodeGpuEngine = nativeEngine('tfjs-node-gpu');
export const tfjsNodeEngine = nativeEngine('tfjs-node');
