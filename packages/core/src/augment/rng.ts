/**
 * The toolkit's one seeded pseudo-random generator. All randomness in affnet (augmentation, fold
 * assignment, shuffling, phantom cohorts) comes from an {@link Rng} made here, so a run is
 * reproducible from its seed.
 *
 * Algorithm: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021; reference code at https://prng.di.unimi.it/xoshiro128starstar.c), 128-bit
 * state, period 2^128 − 1, passing BigCrush. The state is filled from the seed with splitmix32
 * (the 32-bit variant of Steele, Lea & Flood's SplitMix) as the authors recommend, so nearby seeds
 * give unrelated streams.
 */
import { AffnetError } from '../errors.js';

export interface Rng {
  /** The seed this generator was created from. */
  readonly seed: number;
  /** Uniform float in [0, 1) with 32 bits of randomness (one draw). */
  next(): number;
  /** Uniform float in [a, b) (one draw). */
  uniform(a: number, b: number): number;
  /**
   * Normal deviate by the Box–Muller transform (Box & Muller, Ann. Math. Stat. 29, 1958).
   * Always consumes exactly two draws (no cached spare), so call counts stay easy to reason about.
   * @defaultValue mean 0, sd 1
   */
  normal(mean?: number, sd?: number): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling); n an integer in [1, 2^32]. */
  int(n: number): number;
  /** Fisher–Yates shuffle in place (Knuth, TAOCP vol. 2, Algorithm P); returns the same array. */
  shuffle<T>(items: T[]): T[];
}

const TWO_32 = 4294967296;

/** splitmix32: one step, returns [next state, output]. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

/**
 * A generator seeded with `seed`, an integer in [0, 2^53) (negative integers are accepted and
 * differ from their absolute value). The same seed always gives the same sequence on every platform.
 * @param seed - the seed; must be a safe integer
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new AffnetError('E_OPTION_INVALID', `seed: expected a safe integer, got ${String(seed)}`);
  }
  // Both 32-bit halves of the seed feed the state, so seeds above 2^32 are distinct too.
  let mix = (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_32) | 0, 0x27d4eb2d);
  const state: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) [mix, state[i]] = splitmix32(mix);
  const nextU32 = xoshiro128StarStar(state);

  const next = (): number => nextU32() / TWO_32;

  return {
    seed,
    next,
    uniform(a: number, b: number): number {
      return a + (b - a) * next();
    },
    normal(mean = 0, sd = 1): number {
      const u1 = 1 - next(); // (0, 1]: log is finite
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
        throw new AffnetError('E_OPTION_INVALID', `rng.int(n): n must be an integer in [1, 2^32], got ${n}`);
      }
      const limit = TWO_32 - (TWO_32 % n); // largest multiple of n: values at or above it are rejected
      for (;;) {
        const u = nextU32();
        if (u < limit) return u % n;
      }
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = this.int(i + 1);
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
  };
}

/**
 * @internal The raw xoshiro128** 1.1 step on an explicit state (exported for the reference-vector
 * test); returns a function giving the next unsigned 32-bit output.
 */
export function xoshiro128StarStar(state: readonly [number, number, number, number]): () => number {
  let [s0, s1, s2, s3] = state.map((v) => v | 0) as [number, number, number, number];
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is the generator's one fixed point
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
