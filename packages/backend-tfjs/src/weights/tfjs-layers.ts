/**
 * Reads the weights of a TensorFlow.js layers-model folder (`model.json` + binary shards) into a map
 * keyed `${layer}/${weight}`, dequantising on the way.
 *
 * Format (TensorFlow.js converter, "model.json" weightsManifest): groups of `{ paths, weights }`; a
 * group's shards, concatenated in `paths` order, hold its weights back to back in manifest order,
 * little-endian. A weight with `quantization: { dtype: 'uint8' | 'uint16', min, scale }` stores
 * q and means min + q·scale (affine quantisation, as tfjs-core `io.decodeWeights`); `float16` stores
 * IEEE half floats.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AffnetError, halfToFloat, type WeightMap } from '@affnet/core';

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number; original_dtype?: string };
}

export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** The parts of a tfjs `model.json` this reader uses. */
export interface TfjsModelJson {
  modelTopology?: unknown;
  weightsManifest: TfjsWeightGroup[];
  [key: string]: unknown;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

function invalid(file: string, message: string): AffnetError {
  return new AffnetError('E_WEIGHTS_MISMATCH', message, { file });
}

function decodeOne(spec: TfjsWeightSpec, bytes: Uint8Array, file: string): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (q) {
    if (q.dtype === 'float16') {
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    } else if ((q.dtype === 'uint8' || q.dtype === 'uint16') && typeof q.min === 'number' && typeof q.scale === 'number') {
      for (let i = 0; i < n; i++) {
        const v = q.dtype === 'uint8' ? bytes[i]! : view.getUint16(2 * i, true);
        out[i] = q.min + v * q.scale;
      }
    } else {
      throw invalid(file, `weight "${spec.name}" has an unsupported quantization ${JSON.stringify(q)} (supported: uint8/uint16 with min and scale, float16)`);
    }
  } else if (spec.dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (spec.dtype === 'int32') {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
  } else {
    throw invalid(file, `weight "${spec.name}" has unsupported dtype "${spec.dtype}" (supported: float32, int32)`);
  }
  return out;
}

/**
 * Decodes one weights group from its concatenated shard bytes.
 * @param file - the model.json path, for error messages
 */
export function decodeTfjsWeights(specs: readonly TfjsWeightSpec[], data: Uint8Array, file = 'model.json'): WeightMap {
  const weights: WeightMap = new Map();
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const size = BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (size === undefined) throw invalid(file, `weight "${spec.name}" has unsupported dtype "${spec.quantization?.dtype ?? spec.dtype}"`);
    const end = offset + n * size;
    if (end > data.byteLength) {
      throw invalid(file, `weight "${spec.name}" needs bytes ${offset}…${end} but the shards hold ${data.byteLength} bytes (missing or truncated shard?)`);
    }
    weights.set(spec.name, { shape: [...spec.shape], data: decodeOne(spec, data.subarray(offset, end), file) });
    offset = end;
  }
  if (offset !== data.byteLength) throw invalid(file, `the shards hold ${data.byteLength} bytes but the manifest describes ${offset}`);
  return weights;
}

/** Decodes all groups of a tfjs model given the model.json and each group's shard bytes. */
export function decodeTfjsModel(json: TfjsModelJson, groupBytes: readonly Uint8Array[], file = 'model.json'): WeightMap {
  const weights: WeightMap = new Map();
  json.weightsManifest.forEach((group, i) => {
    for (const [k, v] of decodeTfjsWeights(group.weights, groupBytes[i] ?? new Uint8Array(0), file)) weights.set(k, v);
  });
  return weights;
}

/** Reads and parses a tfjs `model.json`. */
export async function readTfjsModelJson(modelJsonPath: string): Promise<TfjsModelJson> {
  let text: string;
  try {
    text = await readFile(modelJsonPath, 'utf8');
  } catch (e) {
    throw new AffnetError('E_FILE_NOT_FOUND', `cannot read TensorFlow.js model.json (${(e as Error).message})`, { file: modelJsonPath, cause: e });
  }
  let json: TfjsModelJson;
  try {
    json = JSON.parse(text) as TfjsModelJson;
  } catch (e) {
    throw invalid(modelJsonPath, `not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(json.weightsManifest)) throw invalid(modelJsonPath, 'no "weightsManifest": not a TensorFlow.js layers model');
  return json;
}

/** Concatenated shard bytes of each group, read from the model.json's folder. */
export async function readTfjsShards(json: TfjsModelJson, modelJsonPath: string): Promise<Uint8Array[]> {
  const dir = dirname(modelJsonPath);
  return Promise.all(
    json.weightsManifest.map(async (group) => {
      const parts = await Promise.all(
        group.paths.map((p) =>
          readFile(join(dir, p)).catch((e: Error) => {
            throw new AffnetError('E_FILE_NOT_FOUND', `weight shard "${p}" listed in model.json cannot be read (${e.message})`, { file: modelJsonPath, cause: e });
          }),
        ),
      );
      return new Uint8Array(Buffer.concat(parts));
    }),
  );
}

/**
 * Reads every weight of a TensorFlow.js layers-model folder (or its model.json path).
 * @returns weights keyed by their manifest names (`${layer}/${weight}`), dequantised to float32
 */
export async function readTfjsLayersModel(path: string): Promise<WeightMap> {
  const modelJsonPath = path.endsWith('.json') ? path : join(path, 'model.json');
  const json = await readTfjsModelJson(modelJsonPath);
  return decodeTfjsModel(json, await readTfjsShards(json, modelJsonPath), modelJsonPath);
}
