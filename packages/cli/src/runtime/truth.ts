/**
 * Ground-truth fracture regions for CAM quality, from the per-image truth JSON that a phantom cohort
 * writes (`affnet-phantom-truth`, named in the manifest's `truth` column, relative to the manifest).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Manifest, Point } from '@affnet/core';
import type { PreparedImage } from '@affnet/eval';
import { TRUTH_FORMAT, type GroundTruth } from '@affnet/phantom';

export const TRUTH_COLUMN = 'truth';

/** True when the manifest names a truth file for its images. */
export function hasTruth(manifest: Manifest): boolean {
  return manifest.items.some((i) => i.extra?.[TRUTH_COLUMN]);
}

/**
 * `regionOf` for the CV runner: the fracture polygon in original-image pixels, or undefined. A
 * truth file the manifest names but that cannot be read, or holds no valid polygon, leaves that
 * image out of the CAM quality measures and is reported through `onWarning` (once per file).
 */
export function truthRegions(manifest: Manifest, onWarning: (message: string) => void = () => undefined): (image: PreparedImage) => Promise<Point[] | undefined> {
  const told = new Set<string>();
  const warn = (file: string, why: string): undefined => {
    if (!told.has(file)) onWarning(`${file}: ground truth not used for CAM quality: ${why}`);
    told.add(file);
    return undefined;
  };
  return async (image) => {
    const rel = manifest.items[image.index]?.extra?.[TRUTH_COLUMN];
    if (!rel) return undefined;
    const file = isAbsolute(rel) ? rel : join(manifest.baseDir, rel);
    let truth: Partial<GroundTruth>;
    try {
      truth = JSON.parse(await readFile(file, 'utf8')) as Partial<GroundTruth>;
    } catch (e) {
      return warn(file, (e as Error).message);
    }
    if (truth.format !== TRUTH_FORMAT) return warn(file, `not an ${TRUTH_FORMAT} file`);
    const polygon = truth.fracture?.region?.polygon;
    if (!Array.isArray(polygon) || !polygon.every((p) => Number.isFinite(p?.x) && Number.isFinite(p?.y))) return warn(file, 'no valid fracture polygon');
    return polygon;
  };
}
