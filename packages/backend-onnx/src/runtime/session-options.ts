/**
 * ONNX Runtime session options as this backend exposes them, and their translation into
 * onnxruntime-node's `InferenceSession.SessionOptions`.
 */
import { AffnetError, choiceError } from '@affnet/core';
import type * as ort from 'onnxruntime-node';
import type { OnnxEngine } from './providers.js';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'layout', 'all'];

export interface OnnxSessionOptions {
  /** Threads inside one operator (CPU provider). ONNX Runtime's default: one per physical core. */
  intraOpNumThreads?: number;
  /** Threads across operators, with `executionMode: 'parallel'`. */
  interOpNumThreads?: number;
  /** @defaultValue 'all' */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** @defaultValue 'sequential' */
  executionMode?: 'sequential' | 'parallel';
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  /** 0 verbose … 4 fatal. @defaultValue 3 (errors) */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Write the optimised model here (inspection). */
  optimizedModelFilePath?: string;
  /**
   * Let idle intra-op threads spin (ONNX Runtime's default, `session.intra_op.allow_spinning`).
   * Spinning burns CPU that other processes on a shared machine could use.
   * @defaultValue true
   */
  allowSpinning?: boolean;
  /** WebGPU provider: layout for layout-sensitive kernels ('NHWC' was faster on an H100). @defaultValue 'NCHW' */
  webgpuLayout?: 'NCHW' | 'NHWC';
  /** CUDA / TensorRT device. @defaultValue 0 */
  deviceId?: number;
  /** Further session configuration entries, e.g. `{ 'session.set_denormal_as_zero': '1' }`. */
  configEntries?: Record<string, string>;
}

function positiveInt(option: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
    throw new AffnetError('E_OPTION_INVALID', `${option}: ${v} is not valid; use an integer ≥ 0 (0 = ONNX Runtime's default)`);
  }
}

/** onnxruntime-node session options for one provider. */
export function toOrtSessionOptions(engine: OnnxEngine, o: OnnxSessionOptions = {}): ort.InferenceSession.SessionOptions {
  positiveInt('session.intraOpNumThreads', o.intraOpNumThreads);
  positiveInt('session.interOpNumThreads', o.interOpNumThreads);
  const level = o.graphOptimizationLevel ?? 'all';
  if (!LEVELS.includes(level)) throw choiceError('session.graphOptimizationLevel', String(level), LEVELS);
  if (o.executionMode && o.executionMode !== 'sequential' && o.executionMode !== 'parallel') {
    throw choiceError('session.executionMode', String(o.executionMode), ['sequential', 'parallel']);
  }
  if (o.webgpuLayout && o.webgpuLayout !== 'NCHW' && o.webgpuLayout !== 'NHWC') {
    throw choiceError('session.webgpuLayout', String(o.webgpuLayout), ['NCHW', 'NHWC']);
  }
  if ((o as { preferredOutputLocation?: unknown }).preferredOutputLocation !== undefined) {
    // Seen on an H100 with onnxruntime-node 1.30: 'gpu-buffer' aborted the whole process
    // ("terminate called after throwing an instance of 'char const*'"), which no try/catch survives.
    throw new AffnetError(
      'E_OPTION_INVALID',
      'session.preferredOutputLocation is not supported by this backend: GPU-resident outputs aborted the Node process with onnxruntime-node 1.30 (see bench/gpu for a guarded trial in a child process)',
    );
  }
  const provider: ort.InferenceSession.ExecutionProviderConfig =
    engine === 'webgpu'
      ? { name: 'webgpu', ...(o.webgpuLayout ? { preferredLayout: o.webgpuLayout } : {}) }
      : engine === 'cuda' || engine === 'tensorrt'
        ? { name: engine, deviceId: o.deviceId ?? 0 }
        : { name: 'cpu' };
  const session: Record<string, string> = { ...(o.configEntries ?? {}) };
  if (o.allowSpinning === false) {
    session['session.intra_op.allow_spinning'] = '0';
    session['session.inter_op.allow_spinning'] = '0';
  }
  // ONNX Runtime's `extra` is a nested object whose keys are joined with dots.
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(session)) {
    const parts = key.split('.');
    let at = extra;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts.at(-1)!] = value;
  }
  return {
    executionProviders: [provider],
    graphOptimizationLevel: level,
    logSeverityLevel: o.logSeverityLevel ?? 3,
    ...(o.intraOpNumThreads ? { intraOpNumThreads: o.intraOpNumThreads } : {}),
    ...(o.interOpNumThreads ? { interOpNumThreads: o.interOpNumThreads } : {}),
    ...(o.executionMode ? { executionMode: o.executionMode } : {}),
    ...(o.enableCpuMemArena !== undefined ? { enableCpuMemArena: o.enableCpuMemArena } : {}),
    ...(o.enableMemPattern !== undefined ? { enableMemPattern: o.enableMemPattern } : {}),
    ...(o.optimizedModelFilePath ? { optimizedModelFilePath: o.optimizedModelFilePath } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
