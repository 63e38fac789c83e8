/** Byte-level surgery on DICOM files for the error and fuzz tests. */

/** Offset of the value of the first element with this tag (explicit VR LE, short-length VRs). */
export function findElement(bytes: Uint8Array, group: number, element: number): { at: number; length: number } {
  for (let i = 0; i + 8 <= bytes.length; i++) {
    if (bytes[i] === (group & 0xff) && bytes[i + 1] === group >> 8 && bytes[i + 2] === (element & 0xff) && bytes[i + 3] === element >> 8) {
      const vr = String.fromCharCode(bytes[i + 4]!, bytes[i + 5]!);
      if (/^[A-Z]{2}$/.test(vr)) return { at: i + 8, length: bytes[i + 6]! | (bytes[i + 7]! << 8) };
    }
  }
  throw new Error(`element (${group.toString(16)},${element.toString(16)}) not found`);
}

/** Replaces an element's value (explicit VR LE, short form), fixing its length field. */
export function replaceValue(bytes: Uint8Array, group: number, element: number, value: Uint8Array): Uint8Array {
  const { at, length } = findElement(bytes, group, element);
  const out = new Uint8Array(bytes.length - length + value.length);
  out.set(bytes.subarray(0, at));
  out.set(value, at);
  out.set(bytes.subarray(at + length), at + value.length);
  out[at - 2] = value.length & 0xff;
  out[at - 1] = value.length >> 8;
  return out;
}

export function ascii(s: string): Uint8Array {
  const padded = s.length % 2 ? `${s}\0` : s;
  return Uint8Array.from(padded, (c) => c.charCodeAt(0));
}

export function u16le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, v >> 8);
}

/** Deterministic PRNG (mulberry32) so fuzz runs are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
