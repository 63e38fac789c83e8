/**
 * Writes weights as a Keras 2 HDF5 file with h5wasm (for exchange with Keras, and for tests), in the layout of
 * keras/saving/hdf5_format.py (`save_weights_to_hdf5_group`): `layer_names` on the weights group,
 * `weight_names` on each layer group (`<layer>/<weight>:0`), datasets at `<layer>/<layer>/<weight>:0`.
 * `model` layout puts the weights group at `/model_weights` (model.save); `weights` at the root
 * (save_weights, the Keras Applications "notop" files).
 */
import type { WeightMap } from '@affnet/core';

export interface H5Layer {
  name: string;
  /** Keras weight names without the layer prefix, e.g. ["kernel:0", "bias:0"]; [] for layers without weights. */
  weightNames: string[];
}

export async function writeKerasH5(path: string, layers: H5Layer[], weights: WeightMap, layout: 'model' | 'weights' = 'model'): Promise<void> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  try {
    file.create_attribute('keras_version', '2.2.4');
    file.create_attribute('backend', 'tensorflow');
    const root = layout === 'model' ? file.create_group('model_weights') : file;
    root.create_attribute(
      'layer_names',
      layers.map((l) => l.name),
    );
    for (const layer of layers) {
      const g = root.create_group(layer.name);
      g.create_attribute(
        'weight_names',
        layer.weightNames.map((w) => `${layer.name}/${w}`),
      );
      if (layer.weightNames.length === 0) continue;
      const inner = g.create_group(layer.name);
      for (const w of layer.weightNames) {
        const key = `${layer.name}/${w.replace(/:\d+$/, '').replace(/^.*_(W|b)$/, (_, r: string) => (r === 'W' ? 'kernel' : 'bias'))}`;
        const t = weights.get(key);
        if (!t) throw new Error(`test writer: no weight ${key}`);
        inner.create_dataset({ name: w, data: t.data, shape: t.shape, dtype: '<f' });
      }
    }
  } finally {
    file.close();
  }
}
