/**
 * Reading and writing model bundles: a folder with `model.json` (validated by zod) and
 * `weights.safetensors`, whose weights must be exactly those of the described network
 * (`weightSpecs(buildNetwork(architecture, { inputSize, numClasses: labels.length }))`).
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AffnetError } from '../errors.js';
import type { NetworkGraph } from '../models/graph.js';
import { buildNetwork } from '../models/network.js';
import { weightSpecs } from '../models/shapes.js';
import { parseBundleManifest } from './manifest.js';
import { encodeSafetensors, readSafetensors, type WeightMap } from './safetensors.js';
import { BUNDLE_MANIFEST, BUNDLE_WEIGHTS, type BundleManifest, type ModelBundle } from './types.js';

/** The network a manifest describes. */
export function bundleGraph(manifest: BundleManifest): NetworkGraph {
  return buildNetwork(manifest.architecture, { inputSize: manifest.inputSize, numClasses: manifest.labels.length });
}

const LIST_MAX = 10;
function list(items: string[]): string {
  const shown = items.slice(0, LIST_MAX).join(', ');
  return items.length > LIST_MAX ? `${shown} … and ${items.length - LIST_MAX} more` : shown;
}

/**
 * Checks that `weights` holds exactly the weights of `graph`, with the right shapes and finite values
 * (a NaN weight would give silently wrong probabilities).
 * @throws AffnetError E_BUNDLE_INVALID listing missing, unexpected, wrongly shaped and non-finite weights
 */
export function checkWeights(graph: NetworkGraph, weights: WeightMap, file: string): void {
  const specs = weightSpecs(graph);
  const expected = new Map(specs.map((s) => [s.name, s.shape]));
  const missing = specs.filter((s) => !weights.has(s.name)).map((s) => s.name);
  const extra = [...weights.keys()].filter((n) => !expected.has(n));
  const wrongShape: string[] = [];
  const nonFinite: string[] = [];
  for (const [name, t] of weights) {
    const shape = expected.get(name);
    if (!shape) continue;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.join() !== shape.join() || t.data.length !== numel) {
      wrongShape.push(`${name} is [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    } else if (!t.data.every(Number.isFinite)) {
      nonFinite.push(name);
    }
  }
  const problems = [
    missing.length ? `missing ${missing.length} weight(s): ${list(missing)}` : '',
    extra.length ? `unexpected ${extra.length} weight(s): ${list(extra)}` : '',
    wrongShape.length ? `wrong shape: ${list(wrongShape)}` : '',
    nonFinite.length ? `non-finite values (NaN/Infinity) in: ${list(nonFinite)}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new AffnetError(
      'E_BUNDLE_INVALID',
      `weights do not match ${graph.architecture} (${graph.nodes[0]?.op === 'input' ? graph.nodes[0].shape[0] : '?'} px, ${graph.numClasses} classes): ${problems.join('; ')}`,
      { file },
    );
  }
}

/** @internal Write then rename (also used for aligner files). */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  // Write then rename, so a run killed mid-write (e.g. during a per-epoch checkpoint) never leaves a
  // half-written bundle file behind.
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Writes a bundle folder (created if needed): `model.json` and `weights.safetensors`. The manifest
 * and the weights are validated first, so an invalid bundle is never written.
 * @throws AffnetError E_BUNDLE_INVALID (manifest or weights), E_IO (file system)
 */
export async function writeBundle(dir: string, bundle: Pick<ModelBundle, 'manifest' | 'weights'>): Promise<void> {
  const manifestPath = join(dir, BUNDLE_MANIFEST);
  const weightsPath = join(dir, BUNDLE_WEIGHTS);
  const manifest = parseBundleManifest(bundle.manifest, manifestPath);
  const graph = bundleGraph(manifest);
  checkWeights(graph, bundle.weights, weightsPath);
  // Weights in the network's order, so files are byte-identical for identical weights.
  const ordered: WeightMap = new Map(weightSpecs(graph).map((s) => [s.name, bundle.weights.get(s.name)!]));
  const bytes = encodeSafetensors(ordered, { format: 'affnet', architecture: manifest.architecture }, weightsPath);
  try {
    await mkdir(dir, { recursive: true });
    await writeAtomic(weightsPath, bytes);
    await writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (e) {
    throw new AffnetError('E_IO', `cannot write bundle (${(e as Error).message})`, { file: dir, cause: e });
  }
}

/**
 * Reads and validates a bundle folder.
 * @throws AffnetError E_FILE_NOT_FOUND (folder or file absent), E_BUNDLE_INVALID (manifest, safetensors
 *   or weights that do not match the described network)
 */
export async function readBundle(dir: string): Promise<ModelBundle> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new AffnetError('E_FILE_NOT_FOUND', 'bundle folder not found', { file: dir });
  const manifestPath = join(dir, BUNDLE_MANIFEST);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new AffnetError('E_FILE_NOT_FOUND', `bundle has no ${BUNDLE_MANIFEST}`, { file: manifestPath, cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AffnetError('E_BUNDLE_INVALID', `not valid JSON (${(e as Error).message})`, { file: manifestPath, cause: e });
  }
  const manifest = parseBundleManifest(json, manifestPath);
  const weightsPath = join(dir, BUNDLE_WEIGHTS);
  const { tensors } = await readSafetensors(weightsPath);
  checkWeights(bundleGraph(manifest), tensors, weightsPath);
  return { manifest, weights: tensors, path: dir };
}
