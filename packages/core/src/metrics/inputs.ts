/**
 * Checks of metric inputs. A wrong-length array, a label other than 0/1 or a NaN score is a
 * programming or data error, not a degenerate fold: it throws, naming the argument and index.
 * @internal
 */
import { AffnetError } from '../errors.js';

/** Targets: 1 for the positive class, 0 otherwise. */
export type Targets = ArrayLike<number>;
/** Scores: the positive class's probability (or any score where larger means more positive). */
export type Scores = ArrayLike<number>;

export function checkTargets(targets: Targets, name = 'targets'): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t !== 0 && t !== 1) throw new AffnetError('E_OPTION_INVALID', `${name}[${i}]: expected 0 or 1, got ${t}`);
  }
}

export function checkScores(scores: Scores, length: number, name = 'scores', probability = false): void {
  if (scores.length !== length) {
    throw new AffnetError('E_OPTION_INVALID', `${name}: expected ${length} values (one per target), got ${scores.length}`);
  }
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new AffnetError('E_OPTION_INVALID', `${name}[${i}]: ${s} is not a finite number`);
    if (probability && (s < 0 || s > 1)) throw new AffnetError('E_OPTION_INVALID', `${name}[${i}]: ${s} is not a probability in [0, 1]`);
  }
}

export function checkBinary(targets: Targets, scores: Scores, probability = false): void {
  checkTargets(targets);
  checkScores(scores, targets.length, 'scores', probability);
}

export function countPositives(targets: Targets): number {
  let p = 0;
  for (let i = 0; i < targets.length; i++) p += targets[i]!;
  return p;
}
