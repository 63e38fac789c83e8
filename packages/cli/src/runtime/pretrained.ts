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
import { AffnetError, buildNetwork, createBundleManifest, weightsDir, type Architecture, type ModelBundle, type PreprocessingSpec } from '@affnet/core';

/** Where ImageNet weights for each architecture are looked for inside the weights folder. */
export const IMAGENET_FOLDERS: Partial<Record<Architecture, string[]>> = {
  vgg19: ['vgg19-imagenet-notop', 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5'],
  resnet50: ['resnet50-imagenet-notop', 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5'],
  inception_v3: ['inception_v3-imagenet-notop', 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5'],
  resnet101: ['resnet101-imagenet-notop', 'resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5'],
  resnet152: ['resnet152-imagenet-notop', 'resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5'],
};

export function imagenetPath(architecture: Architecture): string | undefined {
  const base = weightsDir();
  if (!base) return undefined;
  return (IMAGENET_FOLDERS[architecture] ?? []).map((n) => join(base, n)).find((p) => existsSync(p));
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
      const base = weightsDir();
      throw new AffnetError(
        'E_FILE_NOT_FOUND',
        `--weights imagenet: no ImageNet weights for ${architecture} in ${base ?? 'the weights folder (set AFFNET_WEIGHTS_DIR)'}; looked for ${(IMAGENET_FOLDERS[architecture] ?? ['(none known)']).join(', ')}${base && existsSync(base) ? ` (it holds: ${readdirSync(base).join(', ') || 'nothing'})` : ''}. Use --weights auto or none.`,
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
