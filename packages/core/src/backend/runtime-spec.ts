/**
 * The one grammar for choosing a runtime, used by every command and API that runs a model:
 *
 *     auto | BACKEND[:ENGINE][/PRECISION]
 *
 * e.g. `onnx`, `onnx:cpu`, `onnx:cpu/int8`, `onnx/fp16`, `tfjs:wasm`, `transformers:cpu`. An unset
 * engine means "the backend's best available engine"; an unset precision means fp32 for a single
 * runtime and "every precision the backend supports" where a list is expanded (`affnet compare
 * --runtimes onnx`). `auto` means the fastest runtime here whose agreement with the reference is
 * known (ONNX Runtime CPU, else TensorFlow.js), and every record names what it resolved to.
 */
import { AffnetError } from '../errors.js';

export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface RuntimeSpec {
  /** A backend name from the registry, or 'auto'. */
  backend: string;
  engine?: string;
  precision?: Precision;
}

const NAME = /^[a-z][a-z0-9._-]*$/;

function specError(option: string, value: string, why: string): AffnetError {
  return new AffnetError('E_OPTION_INVALID', `${option}: "${value}" is not a runtime: ${why}. Expected auto or BACKEND[:ENGINE][/PRECISION], e.g. onnx, onnx:cpu/int8, tfjs:wasm`);
}

/**
 * Parse one runtime spec. Backend names are checked against the registry later (they depend on the
 * packages installed); here only the shape and the precision are checked.
 * @param option - the flag or field being parsed, named in errors @defaultValue '--runtime'
 */
export function parseRuntimeSpec(value: string, option = '--runtime'): RuntimeSpec {
  const text = value.trim();
  if (text === 'auto') return { backend: 'auto' };
  const slash = text.split('/');
  if (slash.length === 3 && !slash[0]!.includes(':')) {
    // The comparison's ids before one grammar: backend/engine/precision.
    throw specError(option, value, `did you mean "${slash[0]}:${slash[1]}/${slash[2]}"?`);
  }
  if (slash.length > 2) throw specError(option, value, 'more than one "/"');
  const [head = '', precision] = slash;
  const colon = head.split(':');
  if (colon.length > 2) throw specError(option, value, 'more than one ":"');
  const [backend = '', engine] = colon;
  if (!NAME.test(backend)) throw specError(option, value, backend === '' ? 'no backend name' : `"${backend}" is not a backend name`);
  if (engine !== undefined && !NAME.test(engine)) throw specError(option, value, engine === '' ? 'an empty engine after ":"' : `"${engine}" is not an engine name`);
  if (precision !== undefined && !(PRECISIONS as readonly string[]).includes(precision)) {
    throw specError(option, value, `unknown precision "${precision}" (available: ${PRECISIONS.join(', ')})`);
  }
  return { backend, ...(engine ? { engine } : {}), ...(precision ? { precision: precision as Precision } : {}) };
}

/** A comma-separated list of specs (`--runtimes`); `auto` is not a list member. */
export function parseRuntimeSpecs(value: string, option = '--runtimes'): RuntimeSpec[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new AffnetError('E_OPTION_INVALID', `${option}: empty list`);
  return parts.map((p) => {
    const spec = parseRuntimeSpec(p, option);
    if (spec.backend === 'auto') throw new AffnetError('E_OPTION_INVALID', `${option}: "auto" names one runtime, not a list member; list backends (e.g. onnx,tfjs)`);
    return spec;
  });
}

/** The spec as text: "onnx:cpu/int8", "tfjs:wasm", "auto". Precision and engine are left out when unset. */
export function formatRuntimeSpec(spec: RuntimeSpec): string {
  return `${spec.backend}${spec.engine ? `:${spec.engine}` : ''}${spec.precision ? `/${spec.precision}` : ''}`;
}

/** Whether `spec` (with unset parts as wildcards) matches a concrete runtime. */
export function specMatches(spec: RuntimeSpec, runtime: { backend: string; engine: string; precision: Precision }): boolean {
  return spec.backend === runtime.backend && (!spec.engine || spec.engine === runtime.engine) && (!spec.precision || spec.precision === runtime.precision);
}

/** The id of what actually ran, in the same grammar: "onnx:cpu/int8". Records and results carry it. */
export function runtimeId(runtime: { backend: string; engine: string; precision: Precision }): string {
  return `${runtime.backend}:${runtime.engine}/${runtime.precision}`;
}
