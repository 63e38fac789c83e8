/**
 * Engine selection: explicit or best-available, always reported. Follows the conventions of core's
 * backend registry: an engine asked for but absent is an `E_BACKEND_UNAVAILABLE` error naming it and
 * the reason, unless fallback was asked for; unknown names list the valid ones.
 *
 * tfjs has one process-wide current backend, so the engine chosen here is the one every tfjs op in
 * the process runs on until another selection changes it.
 */
import * as tf from '@tensorflow/tfjs';
import { AffnetError, choiceError, type EngineAvailability, type RuntimeInfo } from '@affnet/core';
import { tfjsNodeEngine, tfjsNodeGpuEngine } from './native.js';
import { ENGINE_NAMES, TF_BACKEND_OF, type EngineLoader, type EngineName, type EngineOptions, type EngineSelection } from './types.js';
import { wasmEngine } from './wasm.js';
import { webgpuEngine } from './webgpu.js';

const cpuEngine: EngineLoader = {
  name: 'cpu',
  async probe() {
    return undefined;
  },
  async activate() {
    if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend failed to initialise');
    await tf.ready();
    return {};
  },
};

const LOADERS: Readonly<Record<EngineName, EngineLoader>> = {
  'tfjs-node-gpu': tfjsNodeGpuEngine,
  webgpu: webgpuEngine,
  'tfjs-node': tfjsNodeEngine,
  wasm: wasmEngine,
  cpu: cpuEngine,
};

/** Validates engine names; an unknown one is an `E_OPTION_INVALID` error listing the valid names. */
export function parseEngineNames(names: readonly string[], option = 'engines'): EngineName[] {
  return names.map((n) => {
    if (!(ENGINE_NAMES as readonly string[]).includes(n)) throw choiceError(option, n, ENGINE_NAMES);
    return n as EngineName;
  });
}

/** Whether each engine can run here and, when not, why. Does not change the current tfjs backend. */
export async function probeEngines(options: EngineOptions = {}): Promise<EngineAvailability[]> {
  const out: EngineAvailability[] = [];
  for (const name of ENGINE_NAMES) {
    const reason = await LOADERS[name].probe(options);
    out.push(reason === undefined ? { engine: name, available: true } : { engine: name, available: false, reason });
  }
  return out;
}

function runtimeInfo(engine: EngineName, details: Record<string, string | number | boolean>): RuntimeInfo {
  return {
    backend: 'tfjs',
    engine,
    precision: 'fp32',
    details: { tfBackend: tf.getBackend(), tfjs: tf.version.tfjs, ...details },
  };
}

/**
 * Makes an engine current and reports what runs (`tf.getBackend()` after `tf.ready()`).
 *
 * @param options.engines - engines to try in order; default: all, best first
 *   (tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu).
 * @param options.allowFallback - go on with other engines when the asked ones are absent.
 * @throws AffnetError `E_OPTION_INVALID` for an unknown name, `E_BACKEND_UNAVAILABLE` listing
 *   `[engine] reason` for each one tried when none could start.
 */
export async function selectEngine(options: EngineOptions = {}): Promise<EngineSelection> {
  const asked = parseEngineNames(options.engines ?? []);
  const order: EngineName[] = asked.length === 0 ? [...ENGINE_NAMES] : options.allowFallback ? [...asked, ...ENGINE_NAMES.filter((n) => !asked.includes(n))] : asked;
  const skipped: { engine: string; reason: string }[] = [];
  for (const name of order) {
    const loader = LOADERS[name];
    const reason = await loader.probe(options);
    if (reason !== undefined) {
      skipped.push({ engine: name, reason });
      continue;
    }
    try {
      const details = await loader.activate(options);
      const tfBackend = tf.getBackend();
      if (tfBackend !== TF_BACKEND_OF[name]) {
        throw new Error(`tfjs reports backend "${tfBackend}" instead of "${TF_BACKEND_OF[name]}"`);
      }
      return { engine: name, tfBackend, skipped, runtime: runtimeInfo(name, details) };
    } catch (e) {
      skipped.push({ engine: name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  const list = skipped.map((s) => `[${s.engine}] ${s.reason}`).join('; ');
  const hint = options.allowFallback ? '' : ' (set allowFallback to try the other engines)';
  throw new AffnetError('E_BACKEND_UNAVAILABLE', `tfjs: no engine could be started: ${list}${hint}`);
}

/** Re-activates an engine chosen earlier (cheap when it is already current). */
export async function useEngine(engine: EngineName, options: EngineOptions = {}): Promise<void> {
  // Read the engine's field, not tf.getBackend(): with no backend set yet, getBackend() would start one.
  if (tf.engine().backendName === TF_BACKEND_OF[engine]) return;
  await selectEngine({ ...options, engines: [engine], allowFallback: false });
}

/**
 * Silences TensorFlow.js's own console messages (its "install our node backend" banner on the `cpu`
 * engine and flag notices) by setting its `PROD` flag, which in tfjs 4.22 gates only `log` / `warn`.
 * For command-line tools that report the engine themselves; libraries embedding affnet keep them.
 */
export function quietTfjs(): void {
  tf.env().set('PROD', true);
}
