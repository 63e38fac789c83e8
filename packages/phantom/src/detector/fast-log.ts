/**
 * Natural logarithm of float32 values read through their IEEE-754 bits: ln v = (e + log2(1 + m))·ln 2,
 * with log2(1 + m) interpolated in a 4096-entry table (absolute error < 1e-8, far below the quantum
 * noise). About three times faster than Math.log per pixel. @internal
 */
const MANTISSA_BITS = 12;
const TABLE = (() => {
  const n = 1 << MANTISSA_BITS;
  const t = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) t[i] = Math.log1p(i / n);
  return t;
})();
const SHIFT = 23 - MANTISSA_BITS;
const FRACTION = 1 / (1 << SHIFT);
const LOW_MASK = (1 << SHIFT) - 1;

/** c − ln v for the positive normal float32 whose bits are `b` (see the table above). */
export function negLogBits(b: number, c: number): number {
  const e = (b >> 23) - 127;
  const m = b & 0x7fffff;
  const k = m >> SHIFT;
  const f = (m & LOW_MASK) * FRACTION;
  return c - (e * Math.LN2 + TABLE[k]! + (TABLE[k + 1]! - TABLE[k]!) * f);
}

/**
 * Replaces data[from..to) by c − ln(max(v, 1)); `bits` is an Int32Array view of `data`'s buffer (only
 * positive normal floats are read, after the clamp).
 */
export function negLogInPlace(data: Float32Array, bits: Int32Array, from: number, to: number, c: number): void {
  for (let i = from; i < to; i++) {
    if (!(data[i]! > 1)) data[i] = 1;
    data[i] = negLogBits(bits[i]!, c);
  }
}
