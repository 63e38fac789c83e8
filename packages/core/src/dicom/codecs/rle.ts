/**
 * RLE Lossless (DICOM PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment per
 * byte plane (most significant byte first, G.2), one frame per fragment. Written here because it is
 * small; every read is bounds-checked so a broken segment is an error, never an overrun or a hang.
 */
import { AffnetError } from '../../errors.js';
import type { DecodedFrame } from './decoded.js';

function decodeSegment(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let i = start;
  let o = 0;
  while (i < end && o < out.length) {
    const n = (src[i++]! << 24) >> 24; // header byte as signed
    if (n >= 0) {
      const count = n + 1;
      if (i + count > end) return -1;
      out.set(src.subarray(i, i + Math.min(count, out.length - o)), o);
      i += count;
      o += count;
    } else if (n !== -128) {
      const count = 1 - n;
      if (i >= end) return -1;
      out.fill(src[i++]!, o, Math.min(out.length, o + count));
      o += count;
    }
  }
  return o;
}

/** Decodes one RLE frame into interleaved samples of `bitsAllocated` (8, 16 or 32). */
export function decodeRle(data: Uint8Array, shape: { width: number; height: number; samplesPerPixel: number; bitsAllocated: number }, file: string): DecodedFrame {
  const fail = (m: string) => new AffnetError('E_DICOM_PIXEL_DATA', `RLE: ${m}`, { file });
  if (data.length < 64) throw fail(`frame is ${data.length} bytes, shorter than the 64-byte RLE header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = view.getUint32(0, true);
  const bytesPerSample = shape.bitsAllocated / 8;
  const expected = shape.samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw fail(`header has ${segments} segments; the pixel module needs ${expected}`);
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  offsets.push(data.length);
  const pixels = shape.width * shape.height;
  const plane = new Uint8Array(pixels);
  const samples =
    bytesPerSample === 1 ? new Uint8Array(pixels * shape.samplesPerPixel) : bytesPerSample === 2 ? new Uint16Array(pixels * shape.samplesPerPixel) : new Uint32Array(pixels * shape.samplesPerPixel);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s]!;
    const end = offsets[s + 1]!;
    if (start < 64 || start > end || end > data.length) throw fail(`segment ${s + 1} (bytes ${start}..${end}) lies outside the ${data.length}-byte frame`);
    plane.fill(0);
    const got = decodeSegment(data, start, end, plane);
    if (got < pixels) throw fail(`segment ${s + 1} decodes to ${Math.max(got, 0)} bytes; ${pixels} expected`);
    const sample = Math.floor(s / bytesPerSample);
    const shift = 8 * (bytesPerSample - 1 - (s % bytesPerSample));
    const spp = shape.samplesPerPixel;
    for (let p = 0; p < pixels; p++) samples[p * spp + sample] = (samples[p * spp + sample]! | (plane[p]! << shift)) >>> 0;
  }
  return { width: shape.width, height: shape.height, components: shape.samplesPerPixel, bitsPerSample: shape.bitsAllocated, samples };
}
