/**
 * Quantum noise. Each pixel needs a normal deviate; to keep a 4-megapixel image cheap, one 32-bit
 * uniform from the seeded generator gives two deviates through a 65 536-entry table of normal quantiles
 * Φ⁻¹((k + ½)/65 536) (|z| ≤ 4.2, fine for Poisson noise at these counts). @internal
 */
import { normalQuantile } from '@affnet/core';
import type { Rng } from '../rng.js';

let table: Float32Array | undefined;
function quantiles(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let k = 0; k < 65536; k++) table[k] = normalQuantile((k + 0.5) / 65536);
  }
  return table;
}

/**
 * Poisson noise in the Gaussian limit: counts I become I + √I·z (Var = I). `gain` scales the
 * standard deviation (1 = pure quantum noise).
 */
export function addQuantumNoise(counts: Float32Array, rng: Rng, gain = 1): void {
  const q = quantiles();
  const n = counts.length;
  for (let i = 0; i < n; i += 2) {
    const u = Math.floor(rng.next() * 4294967296);
    const v0 = counts[i]!;
    counts[i] = v0 + gain * Math.sqrt(v0 > 0 ? v0 : 0) * q[u >>> 16]!;
    if (i + 1 < n) {
      const v1 = counts[i + 1]!;
      counts[i + 1] = v1 + gain * Math.sqrt(v1 > 0 ? v1 : 0) * q[u & 0xffff]!;
    }
  }
}

/**
 * {@link addQuantumNoise} fused with the sum that feeds it: out[x] = c + √c·z for
 * c = fround(src[offset + x] + frac·add[x]), x in [0, n), drawing exactly as addQuantumNoise does on
 * those counts (one uniform per two pixels), so both give the same values.
 */
export function addQuantumNoiseTo(out: Float32Array, outOffset: number, src: Float32Array, offset: number, add: Float32Array, frac: number, n: number, rng: Rng): void {
  const q = quantiles();
  for (let x = 0; x < n; x += 2) {
    const u = Math.floor(rng.next() * 4294967296);
    const v0 = Math.fround(src[offset + x]! + frac * add[x]!);
    out[outOffset + x] = v0 + Math.sqrt(v0 > 0 ? v0 : 0) * q[u >>> 16]!;
    if (x + 1 < n) {
      const v1 = Math.fround(src[offset + x + 1]! + frac * add[x + 1]!);
      out[outOffset + x + 1] = v1 + Math.sqrt(v1 > 0 ? v1 : 0) * q[u & 0xffff]!;
    }
  }
}
