/**
 * @internal Interleaved decoder output (1–4 channels of 8- or 16-bit values, delivered as Float32 by
 * the decoder) to the single Float32 channel of a Radiograph, saying in the pipeline notes what was done.
 */

/** ITU-R BT.601 luma weights: the Y of JPEG's YCbCr (JFIF 1.02), so a JPEG's luminance is its Y. */
export const LUMA_BT601 = [0.299, 0.587, 0.114] as const;

export interface SingleChannel {
  data: Float32Array;
  notes: string[];
}

/**
 * One grey channel from `pixels` with `channels` interleaved samples per pixel, of which the last
 * is alpha when `hasAlpha` (`opaque` being its fully opaque value). Grey stored as RGB (all three
 * samples equal in every pixel) keeps its exact values; a truly colour image becomes BT.601
 * luminance. A single-channel input is returned as is (no copy).
 */
export function toSingleChannel(pixels: Float32Array, channels: number, hasAlpha: boolean, opaque: number): SingleChannel {
  const notes: string[] = [];
  const n = pixels.length / channels;
  const colour = channels - (hasAlpha ? 1 : 0);
  if (hasAlpha) {
    const alpha = channels - 1;
    let transparent = 0;
    for (let i = 0, k = alpha; i < n; i++, k += channels) if (pixels[k] !== opaque) transparent++;
    notes.push(transparent === 0 ? 'alpha channel (fully opaque) dropped' : `alpha channel dropped; ${transparent} pixels were not opaque and keep their stored grey values`);
  }
  if (channels === 1) return { data: pixels, notes };
  const data = new Float32Array(n);
  if (colour === 1) {
    for (let i = 0, k = 0; i < n; i++, k += channels) data[i] = pixels[k]!;
    return { data, notes };
  }
  let maxDiff = 0;
  for (let i = 0, k = 0; i < n; i++, k += channels) {
    const r = pixels[k]!;
    const d = Math.max(Math.abs(r - pixels[k + 1]!), Math.abs(r - pixels[k + 2]!));
    if (d > maxDiff) maxDiff = d;
    data[i] = r;
  }
  if (maxDiff === 0) {
    notes.push('grey image stored as RGB (R = G = B in every pixel): one channel kept');
    return { data, notes };
  }
  const [wr, wg, wb] = LUMA_BT601;
  for (let i = 0, k = 0; i < n; i++, k += channels) data[i] = wr * pixels[k]! + wg * pixels[k + 1]! + wb * pixels[k + 2]!;
  notes.push(`colour image (channels differ by up to ${maxDiff}) converted to luminance Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601)`);
  return { data, notes };
}
