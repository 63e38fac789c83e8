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

/** `regionOf` for the CV runner: the fracture polygon in original-image pixels, or undefined. */
export function truthRegions(manifest: Manifest): (image: PreparedImage) => Promise<Point[] | undefined> {
  return async (image) => {
    const rel = manifest.items[image.index]?.extra?.[TRUTH_COLUMN];
    if (!rel) return undefined;
    const file = isAbsolute(rel) ? rel : join(manifest.baseDir, rel);
    try {
      const truth = JSON.parse(await readFile(file, 'utf8')) as Partial<GroundTruth>;
      const polygon = truth.format === TRUTH_FORMAT ? truth.fracture?.region?.polygon : undefined;
      return Array.isArray(polygon) && polygon.every((p) => Number.isFinite(p?.x) && Number.isFinite(p?.y)) ? polygon : undefined;
    } catch {
      return undefined;
    }
  };
}
