/**
 * The lead side marker ("L" or "R") radiographers place in the field: a block letter that stops the
 * beam, on a faint plastic tab. Glyphs are 5×7 cells. @internal
 */
import { affine, type Affine, type Point } from '@affnet/core';

const GLYPHS: Record<'L' | 'R', readonly string[]> = {
  L: ['#....', '#....', '#....', '#....', '#....', '#....', '#####'],
  R: ['####.', '#...#', '#...#', '####.', '#.#..', '#..#.', '#...#'],
};

export interface MarkerSpec {
  letter: 'L' | 'R';
  /** Centre of the letter, image px. */
  x: number;
  y: number;
  /** Letter height, px. */
  height: number;
  /** Rotation, radians. */
  angle: number;
}

/** Image px → glyph cell coordinates (0..5 across, 0..7 down), for a marker. */
function glyphFrame(m: MarkerSpec): Affine {
  const cell = m.height / 7;
  const toImage = affine.compose(affine.translate(m.x, m.y), affine.rotate(m.angle), affine.scale(cell, cell), affine.translate(-2.5, -3.5));
  return affine.invert(toImage);
}

/** The marker's tab (the letter plus a margin of one cell) as an image polygon. */
export function markerOutline(m: MarkerSpec): Point[] {
  const toImage = affine.invert(glyphFrame(m));
  return [
    { x: -1, y: -1 },
    { x: 6, y: -1 },
    { x: 6, y: 8 },
    { x: -1, y: 8 },
  ].map((p) => affine.apply(toImage, p));
}

/**
 * Adds the marker's line integral to `attenuation`: `letter` inside the letter's strokes, `tab` on
 * the tab around it.
 */
export function addMarker(attenuation: Float32Array, width: number, height: number, m: MarkerSpec, letter: number, tab: number): void {
  const [i0, i1, i2, i3, i4, i5] = glyphFrame(m);
  const glyph = GLYPHS[m.letter];
  const box = markerOutline(m);
  const x0 = Math.max(0, Math.floor(Math.min(...box.map((p) => p.x))));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...box.map((p) => p.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...box.map((p) => p.y))));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...box.map((p) => p.y))));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const gx = i0 * x + i1 * y + i2;
      const gy = i3 * x + i4 * y + i5;
      if (gx < -1 || gx >= 6 || gy < -1 || gy >= 8) continue;
      const cx = Math.floor(gx);
      const cy = Math.floor(gy);
      const stroke = cx >= 0 && cx < 5 && cy >= 0 && cy < 7 && glyph[cy]![cx] === '#';
      attenuation[y * width + x]! += stroke ? letter : tab;
    }
  }
}
