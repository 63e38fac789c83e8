/**
 * The one place for environment settings. Code that needs outside data (real radiographs, weights)
 * asks here; users point the settings at their own copies.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
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

/** The per-user cache folder of affnet: `$XDG_CACHE_HOME/affnet`, else `~/.cache/affnet` (it may not exist yet). */
export function userCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'affnet');
}

/**
 * Where `affnet weights pull` and `import` put weights: `AFFNET_WEIGHTS_DIR` when set, else the
 * per-user cache (`userCacheDir()/weights`).
 */
export function weightsPullDir(): string {
  const env = process.env.AFFNET_WEIGHTS_DIR;
  return env ? resolve(env) : join(userCacheDir(), 'weights');
}

/**
 * The folders pretrained weights are looked for in, in order: `AFFNET_WEIGHTS_DIR` alone when set;
 * otherwise `../shared/weights` (when it exists) and the per-user cache.
 */
export function weightsDirs(): string[] {
  if (process.env.AFFNET_WEIGHTS_DIR) return [resolve(process.env.AFFNET_WEIGHTS_DIR)];
  const shared = weightsDir();
  return [...(shared ? [shared] : []), join(userCacheDir(), 'weights')];
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

/**
 * Why no GPU can be used here, or undefined when one may be. On Linux a GPU shows up as a device node
 * (`/dev/nvidia*`, `/dev/dri/renderD*`, `/dev/dxg` under WSL); without one, starting a GPU runtime
 * (Dawn for WebGPU) only prints driver warnings and fails, so engine probes ask here first. Other
 * platforms cannot be told cheaply: undefined. `AFFNET_GPU_PROBE=always` turns the check off.
 */
export function gpuAbsentReason(): string | undefined {
  if (process.env.AFFNET_GPU_PROBE === 'always' || process.platform !== 'linux') return undefined;
  const nodes = (dir: string, prefix: string): boolean => {
    try {
      return readdirSync(dir).some((n) => n.startsWith(prefix));
    } catch {
      return false;
    }
  };
  if (nodes('/dev', 'nvidia') || nodes('/dev/dri', 'renderD') || existsSync('/dev/dxg')) return undefined;
  return 'no GPU device on this machine (no /dev/nvidia*, /dev/dri/renderD* or /dev/dxg; set AFFNET_GPU_PROBE=always to probe anyway)';
}
