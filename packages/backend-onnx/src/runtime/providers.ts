/**
 * Which ONNX Runtime execution providers exist here, and why the absent ones are absent.
 *
 * onnxruntime-node 1.30 (Linux x64) bundles the CPU and WebGPU (Dawn) providers; the CUDA and
 * TensorRT providers are separate libraries that its install script downloads only when asked
 * (`ONNXRUNTIME_NODE_INSTALL=cuda12`, see the README's "Optional engines"); `listSupportedBackends()`
 * marks them `bundled: false`. Presence of a library is not enough — WebGPU needs an adapter, CUDA a
 * driver — so each non-CPU provider is probed once per process by opening a one-node session, and
 * the runtime's own error becomes the reason shown to users.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { choiceError, gpuAbsentReason, type EngineAvailability } from '@affnet/core';
import * as ort from 'onnxruntime-node';
import { DataType, encodeModel, IR_VERSION, OPSET, valueInfo } from '../proto/onnx.js';

export type OnnxEngine = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt';
/** Every provider this backend knows, in the order tried when falling back (fastest first). */
export const ONNX_ENGINES: readonly OnnxEngine[] = ['tensorrt', 'cuda', 'webgpu', 'cpu'];

export function parseEngine(name: string, option = 'engines'): OnnxEngine {
  if ((ONNX_ENGINES as readonly string[]).includes(name)) return name as OnnxEngine;
  throw choiceError(option, name, ONNX_ENGINES);
}

/** Folder of the native binding (where the optional provider libraries must be). */
export function bindingFolder(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

const PROVIDER_LIBRARY: Partial<Record<OnnxEngine, string>> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

/** A one-node model (Relu) to open a session with. */
export function probeModel(): Uint8Array {
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: 'probe',
      node: [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['y'] }],
      input: [valueInfo('x', DataType.FLOAT, [1, 4])],
      output: [valueInfo('y', DataType.FLOAT, [1, 4])],
    },
  });
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // ONNX Runtime prefixes messages with the source location; keep the part after it.
  const line = text.split('\n')[0]!;
  const m = /\]\s*(.*)$/.exec(line) ?? /was false\.\s*(.*)$/.exec(line);
  return (m?.[1] ?? line).trim().slice(0, 300);
}

async function probe(engine: OnnxEngine): Promise<EngineAvailability> {
  if (engine === 'cpu') return { engine, available: true };
  const supported = ort.listSupportedBackends().find((b) => b.name === engine);
  if (!supported) {
    return { engine, available: false, reason: `onnxruntime-node ${ort.env.versions.node} on ${process.platform}/${process.arch} has no ${engine} provider` };
  }
  const lib = PROVIDER_LIBRARY[engine];
  if (!supported.bundled && lib && !existsSync(join(bindingFolder(), lib))) {
    return {
      engine,
      available: false,
      reason: `not installed: ${lib} is not in ${bindingFolder()} (install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12; see README "Optional engines")`,
    };
  }
  const absent = engine === 'webgpu' ? gpuAbsentReason() : undefined;
  if (absent) return { engine, available: false, reason: absent };
  try {
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [engine], logSeverityLevel: 4 });
    await session.release();
    return { engine, available: true };
  } catch (e) {
    return { engine, available: false, reason: `failed to start: ${firstLine(e)}` };
  }
}

const cache = new Map<OnnxEngine, Promise<EngineAvailability>>();

/**
 * Availability of every provider (probed once per process; `refresh` probes again).
 */
export async function onnxEngines(options: { refresh?: boolean } = {}): Promise<EngineAvailability[]> {
  if (options.refresh) cache.clear();
  return Promise.all(ONNX_ENGINES.map((e) => engineAvailability(e)));
}

export function engineAvailability(engine: OnnxEngine): Promise<EngineAvailability> {
  let p = cache.get(engine);
  if (!p) {
    p = probe(engine);
    cache.set(engine, p);
  }
  return p;
}

export { firstLine as runtimeErrorReason };
