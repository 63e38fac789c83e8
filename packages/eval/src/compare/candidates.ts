/**
 * The runtimes to compare, from runtime specs (core's grammar): each spec's engines (the one it
 * names, or every engine the backend knows) × its precisions (the one it names, or every precision
 * in the backend's capabilities). Engines the backend reports absent, and backends that cannot start
 * at all, become rows with the reason, so the comparison lists what is missing here and why.
 */
import { formatRuntimeSpec, runtimeId, type InferenceBackend, type LoadOptions, type ModelBundle, type Precision, type RuntimeSpec } from '@affnet/core';
import type { RuntimeCandidate } from './compare.js';

export interface CandidateSpec {
  spec: RuntimeSpec;
  /** The backend, or the reason it could not be created. */
  backend: InferenceBackend | { absent: string };
  /** Extra load options per engine and precision (e.g. int8 calibration images). */
  loadOptions?(engine: string, precision: Precision): LoadOptions;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runtimeCandidates(bundle: ModelBundle, specs: readonly CandidateSpec[]): Promise<RuntimeCandidate[]> {
  const out: RuntimeCandidate[] = [];
  const seen = new Set<string>();
  const push = (c: RuntimeCandidate): void => {
    if (!seen.has(c.id)) out.push(c);
    seen.add(c.id);
  };
  for (const { spec, backend, loadOptions } of specs) {
    const absentRow = (engine: string, reason: string, precision: Precision = spec.precision ?? 'fp32'): RuntimeCandidate => ({
      id: engine === '*' ? formatRuntimeSpec(spec) : runtimeId({ backend: spec.backend, engine, precision }),
      backend: spec.backend,
      engine,
      precision,
      absentReason: reason,
      load: () => Promise.reject(new Error(reason)),
    });
    if ('absent' in backend) {
      push(absentRow('*', backend.absent));
      continue;
    }
    const precisions = spec.precision ? [spec.precision] : backend.capabilities.precisions;
    let engines;
    try {
      engines = await backend.engines();
    } catch (e) {
      push(absentRow('*', `could not list engines: ${message(e)}`));
      continue;
    }
    const wanted = spec.engine
      ? [engines.find((e) => e.engine === spec.engine) ?? { engine: spec.engine, available: false, reason: `unknown to ${spec.backend} (it knows: ${engines.map((e) => e.engine).join(', ')})` }]
      : engines;
    for (const e of wanted) {
      for (const precision of precisions) {
        if (!e.available) {
          push(absentRow(e.engine, e.reason ?? 'not available here', precision));
          continue;
        }
        push({
          id: runtimeId({ backend: spec.backend, engine: e.engine, precision }),
          backend: spec.backend,
          engine: e.engine,
          precision,
          concurrent: backend.capabilities.concurrent === true,
          features: backend.capabilities.features,
          load: () => backend.load(bundle, { engines: [e.engine], allowFallback: false, precision, ...(loadOptions?.(e.engine, precision) ?? {}) }),
        });
      }
    }
  }
  return out;
}
