/**
 * Starting weights for training: ImageNet weights from the weights folder (core `weightsDir()`,
 * AFFNET_WEIGHTS_DIR), imported by Keras layer name (backend-tfjs `loadPretrainedWeights`; the head
 * keeps seeded initial weights), or seeded random initialisation.
 *
 * `--weights auto` uses ImageNet weights where the folder has them and random ones elsewhere (and
 * says which in the results); `imagenet` requires them; `none` is random; a path names a Keras .h5
 * file or a TensorFlow.js layers-model folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AffnetError, buildNetwork, createBundleManifest, weightsDirs, type Architecture, type ModelBundle, type PreprocessingSpec } from '@affnet/core';
import { PRETRAINED_SETS } from '../weights/catalogue.js';

/** Where ImageNet weights for each architecture are looked for inside the weights folder. */
export const IMAGENET_FOLDERS: Partial<Record<Architecture, string[]>> = Object.fromEntries(
  PRETRAINED_SETS.map((s) => [s.architecture, [`${s.architecture}-imagenet-notop`, s.file, `${s.architecture}-imagenet-notop.safetensors`]]),
);

/** The first ImageNet weights for `architecture` in the weights folders (core `weightsDirs`), or undefined. */
export function imagenetPath(architecture: Architecture): string | undefined {
  for (const base of weightsDirs()) {
    const found = (IMAGENET_FOLDERS[architecture] ?? []).map((n) => join(base, n)).find((p) => existsSync(p));
    if (found) return found;
  }
  return undefined;
}

/** Why `architecture` starts from random weights under `--weights auto`: where it looked and how to get them. */
export function whyRandom(architecture: Architecture): string {
  const set = PRETRAINED_SETS.find((s) => s.architecture === architecture);
  return set ? `no ImageNet weights for ${architecture} in ${weightsDirs().join(' or ')} (get them with: affnet weights pull ${set.name})` : `no ImageNet weights are known for ${architecture}`;
}

export interface StartingWeights {
  bundle: ModelBundle;
  description: string;
}

export async function startingWeights(
  weights: string,
  architecture: Architecture,
  spec: PreprocessingSpec,
  labels: string[],
  positiveLabel: string,
  seed: number,
): Promise<StartingWeights | undefined> {
  if (weights === 'none') return undefined;
  let path: string | undefined;
  if (weights === 'auto' || weights === 'imagenet') {
    path = imagenetPath(architecture);
    if (!path) {
      if (weights === 'auto') return undefined;
      const held = weightsDirs()
        .filter((d) => existsSync(d))
        .map((d) => `${d} holds: ${readdirSync(d).join(', ') || 'nothing'}`);
      throw new AffnetError(
        'E_FILE_NOT_FOUND',
        `--weights imagenet: ${whyRandom(architecture)}; looked for ${(IMAGENET_FOLDERS[architecture] ?? ['(none known)']).join(', ')}${held.length ? ` (${held.join('; ')})` : ''}. Use --weights auto or none.`,
      );
    }
  } else path = weights;
  const graph = buildNetwork(architecture, { inputSize: spec.inputSize, numClasses: labels.length });
  const { loadPretrainedWeights } = await import('@affnet/backend-tfjs');
  const loaded = await loadPretrainedWeights(graph, path, { seed });
  const manifest = createBundleManifest({ architecture, inputSize: spec.inputSize, labels, positiveLabel, pathway: spec.pathway, tool: 'affnet', initialisation: `pretrained: ${path}`, seed });
  manifest.preprocessing = { ...spec };
  return {
    bundle: { manifest, weights: loaded.weights },
    description: `ImageNet (${loaded.report.loadedLayers.length} layers from ${path.split('/').pop()}; head random, seed ${seed})`,
  };
}
