/**
 * Where a cross-validation run keeps its state, so that a killed run continues from its finished
 * folds: one JSON file per finished fold, written atomically (temp file + rename) and stamped with a
 * hash of everything that determines it. On restart a fold file is reused only when it parses,
 * validates and carries the same hash; anything else is recomputed.
 *
 *   OUT/results.json                          the run's results (what reports read)
 *   OUT/folds/ARCH-PATHWAY-foldK.json          one finished fold
 *   OUT/cam/ARCH-PATHWAY-foldK-I.png           CAM overlays of the gallery
 *   OUT/checkpoints/ARCH-PATHWAY-foldK/        the trainer's checkpoints (resume inside a fold)
 *   OUT/bundles/ARCH-PATHWAY-foldK/            the trained bundle, when kept
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../results/io.js';
import { foldRecordSchema, type FoldRecord } from '../results/experiment.js';

export const RESULTS_FILE = 'results.json';

/** JSON with object keys sorted, so equal settings always hash equal. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function configHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}

export function foldKey(architecture: string, pathway: string, fold: number): string {
  return `${architecture}-${pathway}-fold${fold + 1}`;
}

export class FoldStore {
  constructor(readonly dir: string) {}

  foldFile(key: string): string {
    return join(this.dir, 'folds', `${key}.json`);
  }

  camDir(): string {
    return join(this.dir, 'cam');
  }

  checkpointDir(key: string): string {
    return join(this.dir, 'checkpoints', key);
  }

  bundleDir(key: string): string {
    return join(this.dir, 'bundles', key);
  }

  resultsFile(): string {
    return join(this.dir, RESULTS_FILE);
  }

  /**
   * A finished fold with this hash, or undefined: absent, or a file that cannot be reused — then
   * {@link FoldStore.discarded} says why, so the run can say the fold is recomputed.
   */
  load(key: string, hash: string): FoldRecord | undefined {
    const file = this.foldFile(key);
    this.discarded.delete(key);
    if (!existsSync(file)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      this.discarded.set(key, `${file} is unreadable (${(e as Error).message}); the fold is recomputed`);
      return undefined;
    }
    const parsed = foldRecordSchema.safeParse(json);
    if (!parsed.success) {
      this.discarded.set(key, `${file} is not a valid fold record (${parsed.error.issues[0]?.message ?? 'invalid'}); the fold is recomputed`);
      return undefined;
    }
    if (parsed.data.configHash !== hash) {
      this.discarded.set(key, `${file} was computed with other settings; the fold is recomputed`);
      return undefined;
    }
    return parsed.data;
  }

  /** Why a fold file found by {@link FoldStore.load} was not reused, by fold key. */
  readonly discarded = new Map<string, string>();

  save(key: string, record: FoldRecord): void {
    writeJsonAtomic(this.foldFile(key), record);
  }
}
