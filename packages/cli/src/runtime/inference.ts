/**
 * `--runtime`: which backend runs the inference parts of `cv` and `train` — the frozen trunk's
 * features and, in `cv`, the held-out folds' predictions and CAMs. Training itself (the gradient
 * steps) always runs on the tfjs trainer. `auto` takes ONNX Runtime on the CPU where it loads (a
 * VGG19 trunk at 224 px runs in about 0.3 s there against several seconds on tfjs-wasm) and tfjs
 * otherwise; the choice is written into the results.
 */
import { AffnetError, type BackendRegistry, type InferenceBackend, type LoadOptions } from '@affnet/core';
import { engineOptions } from '../options/training.js';

export interface InferenceRuntime {
  /** "tfjs" or "onnx". */
  name: string;
  backend: InferenceBackend;
  loadOptions: LoadOptions;
  /** Why `auto` did not take ONNX Runtime, when it did not. */
  note?: string;
}

/** Parses "auto", "tfjs", "onnx" or "onnx:ENGINE" (e.g. onnx:webgpu). */
export function parseRuntime(value: string): { backend: 'auto' | 'tfjs' | 'onnx'; engine?: string } {
  const [backend, engine, extra] = value.split(':');
  if (extra !== undefined || (backend !== 'auto' && backend !== 'tfjs' && backend !== 'onnx') || (engine !== undefined && (backend !== 'onnx' || engine === ''))) {
    throw new AffnetError('E_OPTION_INVALID', `--runtime: expected auto, tfjs, onnx or onnx:ENGINE (cpu, webgpu, cuda, tensorrt), got "${value}"`);
  }
  return { backend, ...(engine ? { engine } : {}) };
}

/**
 * The inference runtime for `--runtime` (`tfjsEngine`: the `--engine` flag, used when tfjs runs).
 * An explicitly named runtime that cannot load is an error; `auto` falls back to tfjs and says why.
 */
export async function inferenceRuntime(registry: BackendRegistry, value: string, tfjsEngine: string | undefined): Promise<InferenceRuntime> {
  const choice = parseRuntime(value);
  const tfjs = async (note?: string): Promise<InferenceRuntime> => ({
    name: 'tfjs',
    backend: (await registry.resolve(['tfjs'])).backend,
    loadOptions: engineOptions(tfjsEngine),
    ...(note ? { note } : {}),
  });
  if (choice.backend === 'tfjs') return tfjs();
  const engine = choice.engine ?? 'cpu';
  try {
    const backend = (await registry.resolve(['onnx'])).backend;
    // The CPU provider is part of every onnxruntime-node build; probing the others starts their drivers (and their warnings).
    const available = engine === 'cpu' ? { engine, available: true } : (await backend.engines()).find((e) => e.engine === engine);
    if (!available?.available) {
      throw new AffnetError('E_BACKEND_UNAVAILABLE', `onnx: execution provider ${engine} is not available here${available?.reason ? ` (${available.reason})` : ''}`);
    }
    return { name: 'onnx', backend, loadOptions: { engines: [engine], allowFallback: false } };
  } catch (e) {
    if (choice.backend === 'onnx') throw e;
    return tfjs(`--runtime auto: ONNX Runtime not used (${e instanceof Error ? e.message : String(e)})`);
  }
}
