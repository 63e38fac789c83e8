/**
 * JPEG 2000 codestreams (ISO/IEC 15444-1 Annex A) seen in archives sometimes carry bytes between the last
 * tile-part and the EOC marker (e.g. a COM segment, not allowed there, A.4.2). OpenJPEG then stops with
 * "expected SOT" and so do gdcm and other OpenJPEG-based readers. All image data lies in the tile-parts,
 * whose lengths (Psot) are explicit, so cutting the stray bytes loses nothing: this does that, and only
 * that, and reports it.
 */

export interface J2kRepair {
  data: Uint8Array;
  /** Bytes dropped after the last tile-part; 0 when the codestream was left as is. */
  dropped: number;
}

function u16(d: Uint8Array, at: number): number {
  return (d[at]! << 8) | d[at + 1]!;
}

export function repairJ2kTail(data: Uint8Array): J2kRepair {
  const asIs = { data, dropped: 0 };
  if (u16(data, 0) !== 0xff4f) return asIs;
  // Walk the main header segments to the first SOT.
  let p = 2;
  while (p + 4 <= data.length && u16(data, p) !== 0xff90) {
    if (data[p] !== 0xff) return asIs;
    p += 2 + u16(data, p + 2);
  }
  // Walk the tile-parts by their Psot lengths.
  while (p + 12 <= data.length && u16(data, p) === 0xff90) {
    const psot = ((data[p + 6]! << 24) | (data[p + 7]! << 16) | (data[p + 8]! << 8) | data[p + 9]!) >>> 0;
    if (psot === 0) return asIs; // the last tile-part runs to EOC by definition
    p += psot;
  }
  if (p > data.length - 2 || u16(data, p) === 0xffd9) return asIs;
  const out = new Uint8Array(p + 2);
  out.set(data.subarray(0, p));
  out[p] = 0xff;
  out[p + 1] = 0xd9;
  return { data: out, dropped: data.length - p };
}
