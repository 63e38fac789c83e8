/**
 * The runtimes to compare, from inference backends: every engine a backend knows × the precisions
 * asked for. Engines the backend reports absent, and backends that cannot start at all, become rows
 * with the reason, so the comparison lists what is missing on this machine and why.
 */
import type { InferenceBackend, LoadOptions, ModelBundle, RuntimeInfo } from '@affnet/core';
import type { RuntimeCandidate } from './compare.js';

type Precision = RuntimeInfo['precision'];

export interface BackendSpec {
  /** Prefix of the runtime ids, e.g. "tfjs", "onnx", "transformers.js". */
  label: string;
  /** The backend, or the reason it could not be created. */
  backend: InferenceBackend | { absent: string };
  /** @defaultValue ['fp32'] */
  precisions?: readonly Precision[];
  /** Only these engines (in this order); others the backend knows are left out. */
  engines?: readonly string[];
  /** Extra load options per engine and precision (e.g. int8 calibration images). */
  loadOptions?(engine: string, precision: Precision): LoadOptions;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runtimeCandidates(bundle: ModelBundle, specs: readonly BackendSpec[]): Promise<RuntimeCandidate[]> {
  const out: RuntimeCandidate[] = [];
  for (const spec of specs) {
    const precisions = spec.precisions ?? ['fp32'];
    const absentRow = (engine: string, reason: string): RuntimeCandidate => ({
      id: `${spec.label}/${engine}`,
      backend: spec.label,
      engine,
      precision: precisions[0]!,
      absentReason: reason,
      load: () => Promise.reject(new Error(reason)),
    });
    if ('absent' in spec.backend) {
      out.push(absentRow('*', spec.backend.absent));
      continue;
    }
    const backend = spec.backend;
    let engines;
    try {
      engines = await backend.engines();
    } catch (e) {
      out.push(absentRow('*', `could not list engines: ${message(e)}`));
      continue;
    }
    const wanted = spec.engines ? spec.engines.map((name) => engines.find((e) => e.engine === name) ?? { engine: name, available: false, reason: `unknown to ${spec.label} (it knows: ${engines.map((e) => e.engine).join(', ')})` }) : engines;
    for (const e of wanted) {
      if (!e.available) {
        out.push(absentRow(e.engine, e.reason ?? 'not available here'));
        continue;
      }
      for (const precision of precisions) {
        out.push({
          id: `${spec.label}/${e.engine}/${precision}`,
          backend: spec.label,
          engine: e.engine,
          precision,
          load: () => backend.load(bundle, { engines: [e.engine], allowFallback: false, precision, ...(spec.loadOptions?.(e.engine, precision) ?? {}) }),
        });
      }
    }
  }
  return out;
}
