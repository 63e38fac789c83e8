/**
 * From a runtime spec (runtime-spec.ts) to a backend and its load options, in one place for every
 * command and service. What the request needs (the feature map for CAM, a precision, the bundle's
 * normalisation) is checked against the backends' declared capabilities before anything is
 * loaded, so an impossible request fails at once with the reason.
 */
import { AffnetError } from '../errors.js';
import type { NormalisationName } from '../bundle/types.js';
import type { BackendRegistry } from './registry.js';
import { formatRuntimeSpec, parseRuntimeSpec, type RuntimeSpec } from './runtime-spec.js';
import type { BackendCapabilities, InferenceBackend, LoadOptions } from './types.js';

export interface RuntimeNeeds {
  /** The last feature map is needed (CAM, frozen-trunk features). */
  features?: boolean;
  /** The bundle's input normalisation. */
  normalisation?: NormalisationName;
}

export interface ResolvedRuntime {
  /** The spec as asked ("auto", "onnx:cpu/int8"). */
  asked: string;
  /** The backend name chosen. */
  name: string;
  backend: InferenceBackend;
  /** Engine and precision of the spec as load options (add calibration etc. as needed). */
  loadOptions: LoadOptions;
  /** What `auto` passed over and why. */
  note?: string;
}

/** Why `capabilities` cannot serve the request, or undefined when they can. */
export function unmetNeed(name: string, caps: BackendCapabilities | undefined, spec: RuntimeSpec, needs: RuntimeNeeds): string | undefined {
  if (!caps) return undefined;
  if (spec.precision && !caps.precisions.includes(spec.precision)) return `${name} runs ${caps.precisions.join(', ')} only, not ${spec.precision}`;
  if (spec.engine && !caps.engines.includes(spec.engine)) return `${name} has no engine "${spec.engine}" (engines: ${caps.engines.join(', ')})`;
  if (needs.features && !caps.features) return `${name} gives class scores only, and this needs the feature map (CAM, frozen-trunk features)`;
  if (needs.normalisation && caps.normalisations && !caps.normalisations.includes(needs.normalisation)) {
    return `${name} takes ${caps.normalisations.join(', ')} input only, and the bundle uses ${needs.normalisation}`;
  }
  return undefined;
}

function loadOptionsOf(engine: string | undefined, spec: RuntimeSpec): LoadOptions {
  return { ...(engine ? { engines: [engine], allowFallback: false } : { allowFallback: true }), ...(spec.precision ? { precision: spec.precision } : {}) };
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * @param spec - a spec or its text (parsed here, errors name `option`)
 * @throws AffnetError E_OPTION_INVALID (bad spec, unknown backend, need not met) before anything is
 *   loaded; E_BACKEND_UNAVAILABLE when the named backend (or, for auto, every one) cannot start
 */
export async function resolveRuntime(registry: BackendRegistry, spec: RuntimeSpec | string, needs: RuntimeNeeds = {}, option = '--runtime'): Promise<ResolvedRuntime> {
  const s = typeof spec === 'string' ? parseRuntimeSpec(spec, option) : spec;
  const asked = formatRuntimeSpec(s);
  const entries = registry.entries();
  if (s.backend !== 'auto') {
    const entry = entries.find((e) => e.name === s.backend);
    if (!entry) {
      const names = entries.map((e) => e.name);
      const near = names.find((n) => n.startsWith(s.backend.slice(0, 2)));
      throw new AffnetError('E_OPTION_INVALID', `${option}: unknown backend "${s.backend}".${near ? ` Did you mean "${near}"?` : ''} Available: auto, ${names.join(', ')}`);
    }
    const unmet = unmetNeed(entry.name, entry.capabilities, s, needs);
    if (unmet) throw new AffnetError('E_OPTION_INVALID', `${option} ${asked}: ${unmet}`);
    const backend = await registry.create(entry.name);
    return { asked, name: entry.name, backend, loadOptions: loadOptionsOf(s.engine, s) };
  }
  const passed: string[] = [];
  for (const entry of entries) {
    if (entry.auto === false) continue;
    const unmet = unmetNeed(entry.name, entry.capabilities, s, needs);
    if (unmet) {
      passed.push(unmet);
      continue;
    }
    try {
      const backend = await registry.create(entry.name);
      return { asked, name: entry.name, backend, loadOptions: loadOptionsOf(entry.auto.engine, s), ...(passed.length ? { note: `${option} auto: ${passed.join('; ')}` } : {}) };
    } catch (e) {
      passed.push(`${entry.name} could not start: ${reason(e)}`);
    }
  }
  throw new AffnetError('E_BACKEND_UNAVAILABLE', `${option} auto: no runtime can run this here: ${passed.join('; ') || 'no backend registered'}`);
}
