/**
 * Reads the weights of a Keras 2 HDF5 file (h5wasm) into a map keyed `${layer}/${weight}`.
 *
 * Layouts (Keras 2 `keras/saving/hdf5_format.py`):
 * - whole model (`model.save`): group `/model_weights` whose attribute `layer_names` lists the layers;
 * - weights only (`model.save_weights`, and the ImageNet "notop" files of Keras Applications): the
 *   same at the root.
 * Each layer group has an attribute `weight_names` (e.g. `block1_conv1/kernel:0`), and each weight is
 * the dataset at `<layer group>/<weight name>`. The weight role is the last part of the name without
 * `:0`; Keras 1 names (`_W`, `_b`, `_running_mean`, `_running_std`) are mapped to Keras 2 ones.
 * Keras 3 `.weights.h5` files (groups `layers/<name>/vars/<i>`) are refused with a clear error.
 */
import { open, stat } from 'node:fs/promises';
import { AffnetError, type WeightMap } from '@affnet/core';
import type { Dataset, Group } from 'h5wasm';

/** HDF5 format signature (HDF5 File Format Specification v3, section II.A "Format Signature"). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

const KERAS2_ROLES = new Set(['kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance']);
/** Keras 1 weight suffixes. Keras 1 BatchNormalization stored the variance under `running_std`. */
const KERAS1_ROLES: [RegExp, string][] = [
  [/_W(_\d+)?$/, 'kernel'],
  [/_b(_\d+)?$/, 'bias'],
  [/_gamma(_\d+)?$/, 'gamma'],
  [/_beta(_\d+)?$/, 'beta'],
  [/_running_mean(_\d+)?$/, 'moving_mean'],
  [/_running_std(_\d+)?$/, 'moving_variance'],
];

type H5Module = typeof import('h5wasm').default;
let h5: Promise<H5Module> | undefined;
/** h5wasm's Node build reads the host file system directly (Emscripten NODERAWFS). */
async function h5wasm(): Promise<H5Module> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    const mod = (m as { default: H5Module }).default;
    await mod.ready;
    return mod;
  });
  return h5;
}

function weightRole(name: string, layer: string, file: string): string {
  const last = name.split('/').at(-1)!.replace(/:\d+$/, '');
  if (KERAS2_ROLES.has(last)) return last;
  for (const [re, role] of KERAS1_ROLES) if (re.test(last)) return role;
  throw new AffnetError('E_WEIGHTS_MISMATCH', `layer "${layer}" has a weight "${name}" of unknown role (expected ${[...KERAS2_ROLES].join(', ')})`, { file });
}

function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value == null ? [] : [value];
  return items.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)).replace(/\0+$/, '')).filter((s) => s.length > 0); // an empty list may be stored as one empty string
}

async function checkHdf5(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new AffnetError('E_FILE_NOT_FOUND', 'Keras H5 weights file not found', { file: path });
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(8);
    await fh.read(head, 0, 8, 0);
    if (!HDF5_SIGNATURE.every((b, i) => head[i] === b)) {
      throw new AffnetError('E_WEIGHTS_MISMATCH', 'not an HDF5 file (no HDF5 signature); expected a Keras .h5 weights file', { file: path });
    }
  } finally {
    await fh.close();
  }
}

/**
 * Reads every weight of a Keras 2 H5 file.
 * @returns weights keyed `${layer}/${role}` in file order, float32
 * @throws AffnetError E_FILE_NOT_FOUND, or E_WEIGHTS_MISMATCH for a file that is not a Keras 2 weights file
 */
export async function readKerasH5(path: string): Promise<WeightMap> {
  await checkHdf5(path);
  const h5wasmModule = await h5wasm();
  const file = new h5wasmModule.File(path, 'r');
  try {
    const keys = file.keys();
    const root = (keys.includes('model_weights') ? file.get('model_weights') : file) as Group;
    const layerNames = stringList(root.attrs.layer_names?.value);
    if (layerNames.length === 0) {
      const hint = keys.includes('layers') ? ' (this looks like a Keras 3 .weights.h5 file, which is not supported: save with Keras 2 `save_weights("x.h5")`)' : '';
      throw new AffnetError('E_WEIGHTS_MISMATCH', `no "layer_names" attribute: not a Keras 2 weights file${hint}`, { file: path });
    }
    const weights: WeightMap = new Map();
    for (const layer of layerNames) {
      const group = root.get(layer) as Group | null;
      if (!group) throw new AffnetError('E_WEIGHTS_MISMATCH', `layer "${layer}" is listed in layer_names but has no group`, { file: path });
      for (const name of stringList(group.attrs.weight_names?.value)) {
        const ds = group.get(name) as Dataset | null;
        const value = ds?.value;
        if (!ds || !value || typeof value !== 'object' || !('length' in value)) {
          throw new AffnetError('E_WEIGHTS_MISMATCH', `weight "${layer}/${name}" is listed but has no numeric dataset`, { file: path });
        }
        const data = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number>);
        const key = `${layer}/${weightRole(name, layer, path)}`;
        if (weights.has(key)) throw new AffnetError('E_WEIGHTS_MISMATCH', `weight "${key}" appears twice`, { file: path });
        weights.set(key, { shape: [...(ds.shape ?? [data.length])], data });
      }
    }
    return weights;
  } finally {
    file.close();
  }
}
