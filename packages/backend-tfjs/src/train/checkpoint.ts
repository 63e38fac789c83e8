/**
 * Checkpoints: after every epoch the trainer writes a folder `epoch-NNNN/` holding a model bundle
 * (`model.json`, `weights.safetensors`), the optimizer state (`optimizer.safetensors`) and
 * `training-state.json` (epoch, history, early-stopping state, the run's seed — every random stream
 * is derived from (seed, epoch, sample), so the seed *is* the generator state), then points
 * `checkpoint.json` at it with an atomic rename and removes the older folders. A run killed at any
 * moment leaves a complete checkpoint behind: the previous one or the new one.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AffnetError, encodeSafetensors, readBundle, readSafetensors, writeBundle, type EpochRecord, type ModelBundle, type WeightMap } from '@affnet/core';
import type { HeadState } from './features.js';
import type { OptimizerStateIndex } from './optimizer.js';

export const CHECKPOINT_INDEX = 'checkpoint.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'training-state.json';

/** What must be equal for a checkpoint to be resumed by a run. */
export type RunFingerprint = Record<string, string | number | boolean | null>;

export interface TrainingState {
  format: 'affnet-training-state';
  version: 1;
  /** Epochs completed. */
  epoch: number;
  history: EpochRecord[];
  optimizer: OptimizerStateIndex;
  /** Random streams are derived from (seed, stream, epoch, sample): nothing else to restore. */
  rng: { seed: number; scheme: 'derived-per-epoch'; nextEpoch: number };
  bestEpoch: number;
  earlyStopping?: { bestLoss: number; wait: number };
  /** Early stopping ended the run: a resume returns the result without training on. */
  earlyStopped?: boolean;
  fingerprint: RunFingerprint;
  /** Frozen-trunk with standardised features: the head's exact variables (the bundle holds them folded). */
  head?: HeadState;
}

export interface Checkpoint {
  state: TrainingState;
  bundle: ModelBundle;
  optimizer: WeightMap;
  /** The best epoch's bundle (early stopping with restoreBest). */
  best?: ModelBundle;
}

interface CheckpointIndex {
  format: 'affnet-checkpoint';
  current: string;
  best?: string;
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

const pad = (n: number) => String(n).padStart(4, '0');

/** Writes the checkpoint of epoch `state.epoch` and makes it the current one. */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const { state } = checkpoint;
  const current = `epoch-${pad(state.epoch)}`;
  const best = checkpoint.best ? `best-epoch-${pad(state.bestEpoch)}` : undefined;
  try {
    await mkdir(dir, { recursive: true });
    const folder = join(dir, current);
    await writeBundle(folder, checkpoint.bundle);
    await writeAtomic(join(folder, OPTIMIZER_FILE), encodeSafetensors(checkpoint.optimizer, { format: 'affnet-optimizer' }));
    await writeAtomic(join(folder, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    const existing = await readdir(dir);
    if (best && checkpoint.best && !existing.includes(best)) await writeBundle(join(dir, best), checkpoint.best);
    const index: CheckpointIndex = { format: 'affnet-checkpoint', current, ...(best && { best }) };
    await writeAtomic(join(dir, CHECKPOINT_INDEX), `${JSON.stringify(index, null, 2)}\n`);
    for (const name of existing) {
      if (/^(best-)?epoch-\d+$/.test(name) && name !== current && name !== best) await rm(join(dir, name), { recursive: true, force: true });
    }
  } catch (e) {
    if (e instanceof AffnetError) throw e;
    throw new AffnetError('E_IO', `cannot write checkpoint (${(e as Error).message})`, { file: dir, cause: e });
  }
}

/** The current checkpoint in `dir`, or undefined when there is none. */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const indexPath = join(dir, CHECKPOINT_INDEX);
  let text: string;
  try {
    text = await readFile(indexPath, 'utf8');
  } catch (e) {
    // No checkpoint yet; any other failure (permissions, a folder in the way) is the user's to know.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AffnetError('E_IO', `cannot read the checkpoint index (${(e as Error).message})`, { file: indexPath, cause: e });
  }
  let index: CheckpointIndex;
  try {
    index = JSON.parse(text) as CheckpointIndex;
  } catch (e) {
    throw new AffnetError('E_BUNDLE_INVALID', `not valid JSON (${(e as Error).message})`, { file: indexPath, cause: e });
  }
  if (index.format !== 'affnet-checkpoint' || typeof index.current !== 'string') {
    throw new AffnetError('E_BUNDLE_INVALID', 'not an affnet checkpoint index', { file: indexPath });
  }
  const folder = join(dir, index.current);
  const statePath = join(folder, STATE_FILE);
  let state: TrainingState;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8')) as TrainingState;
  } catch (e) {
    throw new AffnetError('E_BUNDLE_INVALID', `unreadable training state (${(e as Error).message})`, { file: statePath, cause: e });
  }
  if (state.format !== 'affnet-training-state' || state.version !== 1) {
    throw new AffnetError('E_BUNDLE_INVALID', `unsupported training state (format ${String(state.format)}, version ${String(state.version)})`, { file: statePath });
  }
  const bundle = await readBundle(folder);
  const { tensors } = await readSafetensors(join(folder, OPTIMIZER_FILE));
  const best = index.best ? await readBundle(join(dir, index.best)) : undefined;
  return { state, bundle, optimizer: tensors, ...(best && { best }) };
}

/**
 * Refuses to resume a checkpoint made with other settings (a different batch size or seed would not
 * continue the same run).
 * @throws AffnetError E_OPTION_INVALID naming each differing setting
 */
export function checkFingerprint(saved: RunFingerprint, current: RunFingerprint, dir: string): void {
  const diffs = Object.keys(current)
    .filter((k) => saved[k] !== current[k])
    .map((k) => `${k} was ${JSON.stringify(saved[k])}, now ${JSON.stringify(current[k])}`);
  if (diffs.length > 0) {
    throw new AffnetError('E_OPTION_INVALID', `checkpoint was made by a run with other settings (${diffs.join('; ')}); use another checkpointDir or resume: false`, {
      file: join(dir, CHECKPOINT_INDEX),
    });
  }
}
