/**
 * The one place for environment settings. Code that needs outside data (real radiographs, weights)
 * asks here; users point the settings at their own copies.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root when running from a checkout (packages/core/{src,dist}/settings.*). */
function checkoutRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => existsSync(c));
}

/**
 * Folder of shared real data (`dicom/`, `fracatlas/`): `AFFNET_DATA_DIR`, else `../shared/data`
 * next to the checkout or the working directory, when it exists.
 */
export function dataDir(): string | undefined {
  const env = process.env.AFFNET_DATA_DIR;
  if (env) return existsSync(env) ? resolve(env) : undefined;
  return firstExisting([join(checkoutRoot(), '..', 'shared', 'data'), resolve('..', 'shared', 'data')]);
}

/** Folder of pretrained weights: `AFFNET_WEIGHTS_DIR`, else `../shared/weights` when it exists. */
export function weightsDir(): string | undefined {
  const env = process.env.AFFNET_WEIGHTS_DIR;
  if (env) return existsSync(env) ? resolve(env) : undefined;
  return firstExisting([join(checkoutRoot(), '..', 'shared', 'weights'), resolve('..', 'shared', 'weights')]);
}

/**
 * For tests that need outside data or tools: returns the reason to skip, or undefined to run.
 * In CI (`CI=true`) the data must be there, so a missing folder is a failure rather than a skip.
 */
export function requireDataDir(sub: string): { dir?: string; skipReason?: string } {
  const base = dataDir();
  const dir = base ? join(base, sub) : undefined;
  if (dir && existsSync(dir)) return { dir };
  const reason = `shared data folder "${sub}" not found (set AFFNET_DATA_DIR)`;
  if (process.env.CI === 'true') throw new Error(`CI run without required data: ${reason}`);
  return { skipReason: reason };
}
