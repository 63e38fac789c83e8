/** Aligner files: the aligner alone as JSON (`affnet align train`), or the one inside a bundle. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_MANIFEST } from '../../bundle/types.js';
import { AffnetError } from '../../errors.js';
import { writeAtomic } from '../../bundle/io.js';
import type { ManifestItem } from '../../data/manifest-types.js';
import { readRadiograph } from '../../image/read.js';
import type { Radiograph } from '../../image/radiograph.js';
import { alignerSample, DEFAULT_ALIGNER_GRID, validateAligner, type AlignerModel, type AlignerSample } from './aligner.js';

/**
 * Read an aligner from its JSON file, or from a bundle folder (or its model.json) that carries one.
 * @throws AffnetError E_FILE_NOT_FOUND, E_BUNDLE_INVALID (not JSON, not an aligner, a bundle without one)
 */
export async function readAligner(path: string): Promise<AlignerModel> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const file = isDir ? join(path, BUNDLE_MANIFEST) : path;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AffnetError('E_FILE_NOT_FOUND', 'aligner file not found', { file, cause: e });
  }
  let json: { format?: unknown; aligner?: unknown };
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AffnetError('E_BUNDLE_INVALID', `not valid JSON (${(e as Error).message})`, { file, cause: e });
  }
  if (json?.format === 'affnet-bundle') {
    if (json.aligner === undefined) throw new AffnetError('E_BUNDLE_INVALID', 'this bundle carries no aligner (train it with --pathway intervention or auto on a manifest with clicks)', { file });
    return validateAligner(json.aligner, file);
  }
  return validateAligner(json, file);
}

export async function writeAligner(file: string, model: AlignerModel): Promise<void> {
  validateAligner(model, file);
  try {
    await writeAtomic(file, `${JSON.stringify(model)}\n`);
  } catch (e) {
    throw new AffnetError('E_IO', `cannot write the aligner (${(e as Error).message})`, { file, cause: e });
  }
}

/**
 * Read the manifest items that have clicks as aligner samples (each reduced to its grid plane at
 * once, so only small planes stay in memory). Unreadable images are reported through `onSkip` and
 * left out. The one reading loop of `cv`, `train`, `align train` and the demo.
 */
export async function readAlignerSamples(
  items: readonly Pick<ManifestItem, 'path' | 'pathAsWritten' | 'clicks'>[],
  options: { grid?: number; read?(path: string): Promise<Radiograph>; onProgress?(done: number, total: number): void; onSkip?(pathAsWritten: string, error: unknown): void } = {},
): Promise<Array<{ index: number; sample: AlignerSample }>> {
  const read = options.read ?? ((p: string) => readRadiograph(p));
  const grid = options.grid ?? DEFAULT_ALIGNER_GRID;
  const wanted = items.map((item, index) => ({ item, index })).filter((x) => x.item.clicks);
  const out: Array<{ index: number; sample: AlignerSample }> = [];
  for (const [k, { item, index }] of wanted.entries()) {
    try {
      out.push({ index, sample: alignerSample(await read(item.path), item.clicks!, grid) });
    } catch (e) {
      options.onSkip?.(item.pathAsWritten, e);
    }
    options.onProgress?.(k + 1, wanted.length);
  }
  return out;
}
