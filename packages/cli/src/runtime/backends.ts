/**
 * The CLI's wiring of inference backends and the trainer. Backend packages are imported only when
 * a command needs them (ONNX Runtime and TensorFlow.js take a while to load), and registered in a
 * registry instance (core `createBackendRegistry`).
 */
import {
  AffnetError,
  choiceError,
  createBackendRegistry,
  readBundle,
  type BackendRegistry,
  type LoadedModel,
  type LoadOptions,
  type ModelBundle,
  type RuntimeInfo,
  type Trainer,
} from '@affnet/core';

export const BACKEND_NAMES = ['tfjs', 'onnx', 'transformers'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;

/**
 * A registry with the tfjs backend (priority 20) and the ONNX Runtime and transformers.js backends
 * (10, 5). A backend package that cannot be imported here (e.g. a native module missing for this
 * platform) is still registered, as a backend whose creation fails with that reason, so the
 * others work and asking for it names the cause.
 */
export async function createRegistry(): Promise<BackendRegistry> {
  const registry = createBackendRegistry();
  const failed = (name: string, priority: number, e: unknown): void =>
    registry.register(name, () => Promise.reject(new AffnetError('E_BACKEND_UNAVAILABLE', `${name}: the backend package could not be loaded: ${e instanceof Error ? e.message : String(e)}`)), priority);
  try {
    const tfjs = await import('@affnet/backend-tfjs');
    tfjs.quietTfjs(); // the CLI reports the engine itself
    tfjs.register(registry, 20);
  } catch (e) {
    failed('tfjs', 20, e);
  }
  try {
    (await import('@affnet/backend-onnx')).register(registry, { priority: 10 });
  } catch (e) {
    failed('onnx', 10, e);
    failed('transformers', 5, e);
  }
  return registry;
}

export async function createTrainer(): Promise<Trainer> {
  const tfjs = await import('@affnet/backend-tfjs');
  tfjs.quietTfjs();
  return tfjs.createTfjsTrainer();
}

export interface RuntimeChoice {
  backend: string;
  /** Engine / execution provider; the backend's best available when unset. */
  engine?: string;
  precision?: string;
  threads?: number;
}

export function parseBackend(name: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw choiceError('--backend', name, BACKEND_NAMES);
  return name as BackendName;
}

export function parsePrecision(name: string): RuntimeInfo['precision'] {
  if (!(PRECISIONS as readonly string[]).includes(name)) throw choiceError('--precision', name, PRECISIONS);
  return name as RuntimeInfo['precision'];
}

/** Load options for a runtime choice: an asked engine is required (no silent fall-back). */
export function loadOptionsFor(choice: RuntimeChoice, extra: LoadOptions = {}): LoadOptions {
  const precision = choice.precision ? parsePrecision(choice.precision) : undefined;
  if (precision && precision !== 'fp32' && choice.backend === 'tfjs') {
    throw new AffnetError('E_OPTION_INVALID', `--precision ${precision}: the tfjs backend runs fp32 only; use --backend onnx for fp16 / int8`);
  }
  return {
    ...(choice.engine ? { engines: [choice.engine], allowFallback: false } : { allowFallback: true }),
    ...(precision ? { precision } : {}),
    ...(choice.threads !== undefined ? { threads: choice.threads } : {}),
    ...extra,
  };
}

/** Read a bundle folder and load it on the chosen runtime. */
export async function loadBundleOn(bundleDir: string | ModelBundle, choice: RuntimeChoice, extra: LoadOptions = {}): Promise<LoadedModel> {
  const bundle = typeof bundleDir === 'string' ? await readBundle(bundleDir) : bundleDir;
  const registry = await createRegistry();
  const { backend } = await registry.resolve([parseBackend(choice.backend)]);
  return backend.load(bundle, loadOptionsFor(choice, extra));
}

/** "tfjs/wasm/fp32": what ran. */
export function runtimeLabel(r: RuntimeInfo): string {
  return `${r.backend}/${r.engine}/${r.precision}`;
}
