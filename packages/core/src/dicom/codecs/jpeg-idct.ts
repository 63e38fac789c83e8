/**
 * The "islow" integer inverse DCT of the Independent JPEG Group's libjpeg 6b (jidctint.c), which dcmtk's
 * 12-bit codec (dcmjpeg/libijg12) uses by default: reproducing it exactly makes affnet's 12-bit JPEG output
 * identical to dcmtk's. Arithmetic is done in doubles with floor division because libjpeg's INT32 is a
 * 64-bit `long` on LP64 systems, so 32-bit JS shifts would overflow where the C code does not.
 */

const CONST_BITS = 13;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/** libjpeg's DESCALE (round half up, arithmetic shift), exact in doubles: scaling by 2^−n is exact. */
function descale(x: number, half: number, inv: number): number {
  return Math.floor((x + half) * inv);
}

/**
 * Inverse DCT of one dequantised 8x8 block (natural order) into `out` at `offset` with row `stride`.
 * `precision` is 8 or 12 (PASS1_BITS 2 or 1 in jidctint.c). Output is range-limited like libjpeg's
 * `sample_range_limit` table: wrapped to ±2·2^precision, then clamped to 0..2^precision−1.
 */
export function idctIslow(block: Float64Array, ws: Float64Array, precision: 8 | 12, out: Uint16Array, offset: number, stride: number, maxWidth: number, maxHeight: number): void {
  const pass1 = precision === 8 ? 2 : 1;
  const s1 = CONST_BITS - pass1;
  const h1 = 2 ** (s1 - 1);
  const i1 = 2 ** -s1;
  const s2 = CONST_BITS + pass1 + 3;
  const h2 = 2 ** (s2 - 1);
  const i2 = 2 ** -s2;
  const n = 2 ** precision;
  const center = n / 2;
  const mask = 4 * n - 1;
  const limit = (v: number): number => {
    let d = descale(v, h2, i2) & mask; // two's complement wrap, as RANGE_MASK does
    if (d >= 2 * n) d -= 4 * n;
    const y = d + center;
    return y < 0 ? 0 : y >= n ? n - 1 : y;
  };
  // Pass 1 (columns, input → ws) and pass 2 (rows, ws → out) share one butterfly; `pass` selects the
  // strides and the output step. Written out without temporary arrays: this is the decoder's hot loop.
  for (let pass = 0; pass < 2; pass++) {
    const src = pass === 0 ? block : ws;
    const lines = pass === 0 ? 8 : Math.min(8, maxHeight);
    for (let l = 0; l < lines; l++) {
      // element k of this line: pass 0 reads column l (stride 8), pass 1 reads row l (stride 1)
      const base = pass === 0 ? l : 8 * l;
      const st = pass === 0 ? 8 : 1;
      const x0 = src[base]!;
      const x1 = src[base + st]!;
      const x2 = src[base + 2 * st]!;
      const x3 = src[base + 3 * st]!;
      const x4 = src[base + 4 * st]!;
      const x5 = src[base + 5 * st]!;
      const x6 = src[base + 6 * st]!;
      const x7 = src[base + 7 * st]!;
      if (pass === 0 && x1 === 0 && x2 === 0 && x3 === 0 && x4 === 0 && x5 === 0 && x6 === 0 && x7 === 0) {
        const dc = x0 * 2 ** pass1;
        for (let r = 0; r < 8; r++) ws[8 * r + l] = dc;
        continue;
      }
      // Even part
      let z1 = (x2 + x6) * FIX_0_541196100;
      const e2 = z1 + x6 * -FIX_1_847759065;
      const e3 = z1 + x2 * FIX_0_765366865;
      const e0 = (x0 + x4) * 2 ** CONST_BITS;
      const e1 = (x0 - x4) * 2 ** CONST_BITS;
      const t10 = e0 + e3;
      const t13 = e0 - e3;
      const t11 = e1 + e2;
      const t12 = e1 - e2;
      // Odd part (tmp0..tmp3 = x7, x5, x3, x1)
      z1 = x7 + x1;
      let z2 = x5 + x3;
      let z3 = x7 + x3;
      let z4 = x5 + x1;
      const z5 = (z3 + z4) * FIX_1_175875602;
      z1 *= -FIX_0_899976223;
      z2 *= -FIX_2_562915447;
      z3 = z3 * -FIX_1_961570560 + z5;
      z4 = z4 * -FIX_0_390180644 + z5;
      const o0 = x7 * FIX_0_298631336 + z1 + z3;
      const o1 = x5 * FIX_2_053119869 + z2 + z4;
      const o2 = x3 * FIX_3_072711026 + z2 + z3;
      const o3 = x1 * FIX_1_501321110 + z1 + z4;
      if (pass === 0) {
        ws[l] = descale(t10 + o3, h1, i1);
        ws[56 + l] = descale(t10 - o3, h1, i1);
        ws[8 + l] = descale(t11 + o2, h1, i1);
        ws[48 + l] = descale(t11 - o2, h1, i1);
        ws[16 + l] = descale(t12 + o1, h1, i1);
        ws[40 + l] = descale(t12 - o1, h1, i1);
        ws[24 + l] = descale(t13 + o0, h1, i1);
        ws[32 + l] = descale(t13 - o0, h1, i1);
      } else {
        const o = offset + l * stride;
        const cols = Math.min(8, maxWidth);
        out[o] = limit(t10 + o3);
        if (cols > 1) out[o + 1] = limit(t11 + o2);
        if (cols > 2) out[o + 2] = limit(t12 + o1);
        if (cols > 3) out[o + 3] = limit(t13 + o0);
        if (cols > 4) out[o + 4] = limit(t13 - o0);
        if (cols > 5) out[o + 5] = limit(t12 - o1);
        if (cols > 6) out[o + 6] = limit(t11 - o2);
        if (cols > 7) out[o + 7] = limit(t10 - o3);
      }
    }
  }
}
