/** The README's contact sheet, rendered small: layout, determinism, and the committed sheet's size. */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderContactSheet } from '../src/index.js';

describe('contact sheet', () => {
  it('lays out one AFF and one NFF example (radiograph + two 64 px pathway tiles) reproducibly', async () => {
    const options = { perClass: 1, height: [240, 240] as const, tile: 64, inputSize: 64 };
    const png = await renderContactSheet(options);
    const meta = await sharp(png).metadata();
    // height: caption row 22 + gap 6 + (tile 64 + caption 22) + gap 6; width: 2 cells of
    // (radiograph 48 or 52 px + 2 tiles + 2 gaps of 6) + 3 double gaps of 12
    expect(meta.format).toBe('png');
    expect(meta.height).toBe(120);
    expect([412, 420]).toContain(meta.width);
    expect((await renderContactSheet(options)).equals(png)).toBe(true);
  }, 60_000);

  it('the committed sheet is small enough to commit (< 600 KB)', () => {
    const file = fileURLToPath(new URL('../docs/contact-sheet.png', import.meta.url));
    expect(statSync(file).size).toBeLessThan(600 * 1024);
  });
});
