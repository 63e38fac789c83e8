/** Aligner files: the aligner alone as JSON (`affnet align train`), or the one inside a bundle. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_MANIFEST } from '../../bundle/types.js';
import { AffnetError } from '../../errors.js';
import { writeAtomic } from '../../bundle/io.js';
import { validateAligner, type AlignerModel } from './aligner.js';

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
