/**
 * The CLI's runtimes. Backend packages are listed once, below; each exports
 * `register(registry, options?)` (core `BackendRegistry`), which declares its backends, their
 * capabilities and whether `auto` may use them. Every command chooses a runtime through
 * {@link openRuntime} with core's one grammar (`auto | BACKEND[:ENGINE][/PRECISION]`).
 *
 * Adding a runtime: a package that exports `register`, plus one line in {@link BACKEND_MODULES}.
 */
import {
  AffnetError,
  createBackendRegistry,
  parseRuntimeSpec,
  readBundle,
  resolveRuntime,
  type BackendRegistry,
  type LoadedModel,
  type LoadOptions,
  type ModelBundle,
  type ResolvedRuntime,
  type RuntimeInfo,
  type RuntimeNeeds,
  type Trainer,
} from '@affnet/core';

interface BackendModule {
  register(registry: BackendRegistry, options?: { priority?: number }): void;
  quietTfjs?(): void;
}

/**
 * The backend packages, imported when a command first needs a runtime. `provides` names what a
 * package registers, so that a package that cannot be imported here (a native module missing for
 * this platform) still shows up, as backends that fail to start with that reason.
 */
export const BACKEND_MODULES: readonly { module: string; provides: readonly string[]; load: () => Promise<BackendModule> }[] = [
  { module: '@affnet/backend-onnx', provides: ['onnx', 'transformers'], load: () => import('@affnet/backend-onnx') },
  { module: '@affnet/backend-tfjs', provides: ['tfjs'], load: () => import('@affnet/backend-tfjs') },
];

let shared: Promise<BackendRegistry> | undefined;

/** A registry holding every backend module's backends (created once per process). */
export function createRegistry(): Promise<BackendRegistry> {
  shared ??= (async () => {
    const registry = createBackendRegistry();
    for (const m of BACKEND_MODULES) {
      try {
        const mod = await m.load();
        mod.quietTfjs?.(); // the CLI reports the engine itself
        mod.register(registry);
      } catch (e) {
        const why = `the backend package ${m.module} could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
        for (const name of m.provides) registry.register(name, () => Promise.reject(new AffnetError('E_BACKEND_UNAVAILABLE', `${name}: ${why}`)), { priority: -1 });
      }
    }
    return registry;
  })();
  return shared;
}

export async function createTrainer(): Promise<Trainer> {
  const tfjs = await import('@affnet/backend-tfjs');
  tfjs.quietTfjs();
  return tfjs.createTfjsTrainer();
}

/** Resolve a `--runtime` value (or any option in the same grammar) against the registry; needs are checked before any work. */
export async function openRuntime(spec: string, needs: RuntimeNeeds = {}, option = '--runtime'): Promise<ResolvedRuntime> {
  return resolveRuntime(await createRegistry(), spec, needs, option);
}

/**
 * Read a bundle and load it on the runtime `spec` names, checked against what the bundle and the
 * command need (`features` for CAM). A note from `auto` goes to stderr.
 */
export async function loadBundleOn(
  bundleDir: string | ModelBundle,
  spec: string,
  needs: Omit<RuntimeNeeds, 'normalisation'> = {},
  extra: LoadOptions = {},
  option = '--runtime',
): Promise<LoadedModel> {
  const parsed = parseRuntimeSpec(spec, option); // a bad spec fails before the bundle is read
  const bundle = typeof bundleDir === 'string' ? await readBundle(bundleDir) : bundleDir;
  const runtime = await resolveRuntime(await createRegistry(), parsed, { ...needs, normalisation: bundle.manifest.preprocessing.normalisation }, option);
  if (runtime.note) process.stderr.write(`${runtime.note}\n`);
  return runtime.backend.load(bundle, { ...runtime.loadOptions, ...extra });
}
