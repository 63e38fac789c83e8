/**
 * Loading a bundle on a runtime the way affnet's own commands do: core's backend registry with the
 * ONNX Runtime package registered, and core's one runtime grammar (`auto`, `onnx:cpu`,
 * `onnx:webgpu/fp16` …). A host that also ships @affnet/backend-tfjs registers it the same way.
 */
import { createBackendRegistry, readBundle, resolveRuntime, type LoadedModel, type ModelBundle } from '@affnet/core';
import { register as registerOnnx } from '@affnet/backend-onnx';

export async function loadModel(bundle: string | ModelBundle, runtime = 'auto'): Promise<LoadedModel> {
  const b = typeof bundle === 'string' ? await readBundle(bundle) : bundle;
  const registry = createBackendRegistry();
  registerOnnx(registry);
  // features: the service draws class activation maps; normalisation: what the bundle's input needs
  const resolved = await resolveRuntime(registry, runtime, { features: true, normalisation: b.manifest.preprocessing.normalisation });
  return resolved.backend.load(b, resolved.loadOptions);
}
