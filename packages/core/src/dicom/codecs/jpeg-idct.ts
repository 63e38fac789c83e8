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

function descale(x: number, n: number): number {
  return Math.floor((x + 2 ** (n - 1)) / 2 ** n);
}

/**
 * Inverse DCT of one dequantised 8x8 block (natural order) into `out` at `offset` with row `stride`.
 * `precision` is 8 or 12 (PASS1_BITS 2 or 1 in jidctint.c). Output is range-limited like libjpeg's
 * `sample_range_limit` table: wrapped to ±2·2^precision, then clamped to 0..2^precision−1.
 */
export function idctIslow(
  block: Float64Array,
  ws: Float64Array,
  precision: 8 | 12,
  out: Uint16Array,
  offset: number,
  stride: number,
  maxWidth: number,
  maxHeight: number,
): void {
  const pass1 = precision === 8 ? 2 : 1;
  const n = 2 ** precision;
  const center = n / 2;
  const mask = 4 * n - 1;
  for (let c = 0; c < 8; c++) {
    if (block[8 + c] === 0 && block[16 + c] === 0 && block[24 + c] === 0 && block[32 + c] === 0 && block[40 + c] === 0 && block[48 + c] === 0 && block[56 + c] === 0) {
      const dc = block[c]! * 2 ** pass1;
      for (let r = 0; r < 8; r++) ws[8 * r + c] = dc;
      continue;
    }
    let z2 = block[16 + c]!;
    let z3 = block[48 + c]!;
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = block[c]!;
    z3 = block[32 + c]!;
    let tmp0 = (z2 + z3) * 2 ** CONST_BITS;
    let tmp1 = (z2 - z3) * 2 ** CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = block[56 + c]!;
    tmp1 = block[40 + c]!;
    tmp2 = block[24 + c]!;
    tmp3 = block[8 + c]!;
    [tmp0, tmp1, tmp2, tmp3] = odd(tmp0, tmp1, tmp2, tmp3);
    const s = CONST_BITS - pass1;
    ws[c] = descale(tmp10 + tmp3, s);
    ws[56 + c] = descale(tmp10 - tmp3, s);
    ws[8 + c] = descale(tmp11 + tmp2, s);
    ws[48 + c] = descale(tmp11 - tmp2, s);
    ws[16 + c] = descale(tmp12 + tmp1, s);
    ws[40 + c] = descale(tmp12 - tmp1, s);
    ws[24 + c] = descale(tmp13 + tmp0, s);
    ws[32 + c] = descale(tmp13 - tmp0, s);
  }
  const s2 = CONST_BITS + pass1 + 3;
  const limit = (v: number): number => {
    let d = descale(v, s2) & mask; // two's complement wrap, as RANGE_MASK does
    if (d >= 2 * n) d -= 4 * n;
    const y = d + center;
    return y < 0 ? 0 : y >= n ? n - 1 : y;
  };
  const rowsOut = Math.min(8, maxHeight);
  for (let r = 0; r < rowsOut; r++) {
    const w = 8 * r;
    let z2 = ws[w + 2]!;
    let z3 = ws[w + 6]!;
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[w]! + ws[w + 4]!) * 2 ** CONST_BITS;
    let tmp1 = (ws[w]! - ws[w + 4]!) * 2 ** CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    [tmp0, tmp1, tmp2, tmp3] = odd(ws[w + 7]!, ws[w + 5]!, ws[w + 3]!, ws[w + 1]!);
    const vals = [tmp10 + tmp3, tmp11 + tmp2, tmp12 + tmp1, tmp13 + tmp0, tmp13 - tmp0, tmp12 - tmp1, tmp11 - tmp2, tmp10 - tmp3];
    const o = offset + r * stride;
    const cols = Math.min(8, maxWidth);
    for (let c = 0; c < cols; c++) out[o + c] = limit(vals[c]!);
  }
}

/** The odd part shared by both passes of jidctint.c. */
function odd(t0: number, t1: number, t2: number, t3: number): [number, number, number, number] {
  let z1 = t0 + t3;
  let z2 = t1 + t2;
  let z3 = t0 + t2;
  let z4 = t1 + t3;
  const z5 = (z3 + z4) * FIX_1_175875602;
  t0 *= FIX_0_298631336;
  t1 *= FIX_2_053119869;
  t2 *= FIX_3_072711026;
  t3 *= FIX_1_501321110;
  z1 *= -FIX_0_899976223;
  z2 *= -FIX_2_562915447;
  z3 *= -FIX_1_961570560;
  z4 *= -FIX_0_390180644;
  z3 += z5;
  z4 += z5;
  return [t0 + z1 + z3, t1 + z2 + z4, t2 + z2 + z3, t3 + z1 + z4];
}
