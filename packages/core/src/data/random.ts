/**
 * Randomness for splits and bootstrap: a seed, turned into the toolkit's one seeded generator
 * (`createRng`, xoshiro128**, in `augment/rng.ts`), or a caller's generator. No second PRNG lives here.
 * @internal
 */
import { createRng, type Rng } from '../augment/rng.js';

/** Anything that yields uniform numbers in [0, 1); an {@link Rng} also gives unbiased integers. */
export interface RandomSource {
  next(): number;
  int?: Rng['int'];
}

export interface RandomOptions {
  /** Seed of the generator (a safe integer). @defaultValue 0 */
  seed?: number;
  /** A generator to draw from instead of seeding a new one (its state advances). */
  rng?: RandomSource;
}

export function randomSource(options: RandomOptions): RandomSource {
  return options.rng ?? createRng(options.seed ?? 0);
}

/** Uniform integer in [0, n). */
export function randomIndex(rng: RandomSource, n: number): number {
  return rng.int ? rng.int(n) : Math.min(n - 1, Math.floor(rng.next() * n));
}

/** A shuffled copy (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], rng: RandomSource): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
