import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRaster, isAffnetError, type AffnetErrorCode } from '../../src/index.js';
import { writeGreyTiff } from './tiff-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'affnet-raster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const W = 37;
const H = 11;
/** A 16-bit ramp over the whole range with odd values everywhere (low bits matter). */
const ramp16 = Uint16Array.from({ length: W * H }, (_, i) => (i * 161 + 1) % 65536);
const ramp8 = Uint8Array.from({ length: W * H }, (_, i) => (i * 7 + 3) % 256);
const rgbOf = <T extends Uint8Array | Uint16Array>(grey: T): T => {
  const out = new (grey.constructor as new (n: number) => T)(grey.length * 3);
  grey.forEach((v, i) => out.fill(v, 3 * i, 3 * i + 3));
  return out;
};
/** The first `fraction` of a file. */
const cut = (b: Buffer, fraction: number) => b.subarray(0, Math.floor(b.length * fraction));
/** A 160×120 grey-as-RGB JPEG with texture, so that a cut lands inside the entropy-coded scan. */
const texturedJpeg = () =>
  sharp(rgbOf(Uint8Array.from({ length: 160 * 120 }, (_, i) => (i * 37 + ((i * i) % 91)) % 256)), { raw: { width: 160, height: 120, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
const raw = (data: Uint8Array | Uint16Array, channels: 1 | 3 | 4) => sharp(data, { raw: { width: W, height: H, channels } });

async function expectError(p: Promise<unknown>, code: AffnetErrorCode, re: RegExp, file: string): Promise<void> {
  try {
    await p;
    expect.unreachable();
  } catch (e) {
    expect(isAffnetError(e, code), String(e)).toBe(true);
    expect(String(e)).toMatch(re);
    expect((e as { file?: string }).file).toBe(file);
    expect(String(e)).toContain(file);
  }
}

describe('decodeRaster', () => {
  it.each([
    { name: '16-bit grey PNG', make: () => raw(ramp16, 1).toColourspace('grey16').png().toBuffer(), want: ramp16, bits: 16, note: undefined },
    { name: '16-bit RGB PNG holding grey', make: () => raw(rgbOf(ramp16), 3).toColourspace('rgb16').png().toBuffer(), want: ramp16, bits: 16, note: /grey image stored as RGB/ },
    { name: '8-bit grey PNG', make: () => raw(ramp8, 1).png().toBuffer(), want: ramp8, bits: 8, note: undefined },
    { name: '8-bit RGB PNG holding grey', make: () => raw(rgbOf(ramp8), 3).png().toBuffer(), want: ramp8, bits: 8, note: /grey image stored as RGB/ },
    { name: '16-bit TIFF, little endian', make: async () => writeGreyTiff(W, H, ramp16), want: ramp16, bits: 16, note: undefined },
    { name: '16-bit TIFF, big endian', make: async () => writeGreyTiff(W, H, ramp16, { bigEndian: true }), want: ramp16, bits: 16, note: undefined },
    { name: '8-bit TIFF', make: async () => writeGreyTiff(W, H, ramp8), want: ramp8, bits: 8, note: undefined },
    {
      name: '16-bit TIFF WhiteIsZero (inverted to bone bright)',
      make: async () => writeGreyTiff(W, H, ramp16, { photometric: 0 }),
      want: ramp16.map((v) => 65535 - v),
      bits: 16,
      note: /WhiteIsZero/,
    },
  ])('$name keeps every value exactly', async ({ make, want, bits, note }) => {
    const file = join(dir, 'img.bin');
    writeFileSync(file, await make());
    const r = await decodeRaster(file);
    expect([r.width, r.height, r.meta.bitDepth, r.meta.modality]).toEqual([W, H, bits, 'OT']);
    expect(r.meta.source).toBe(file);
    expect(Array.from(r.data)).toEqual(Array.from(want));
    if (note) expect(r.meta.pipeline!.join('\n')).toMatch(note);
  });

  it('reads a buffer and labels it with the given source', async () => {
    const r = await decodeRaster(await raw(ramp8, 1).png().toBuffer(), 'scan-7');
    expect(r.meta.source).toBe('scan-7');
    expect(r.data[1]).toBe(10);
  });

  it('turns a grey RGB JPEG into one channel without touching its values', async () => {
    const jpg = await raw(rgbOf(ramp8), 3).jpeg({ quality: 95 }).toBuffer();
    const r = await decodeRaster(jpg, 'grey.jpg');
    const ref = await sharp(jpg).raw().toBuffer(); // the decoder's own R channel is the oracle
    expect(Array.from(r.data)).toEqual(Array.from({ length: W * H }, (_, i) => ref[3 * i]!));
    expect(r.meta.pipeline!.join('\n')).toMatch(/grey image stored as RGB \(R = G = B in every pixel\): one channel kept/);
  });

  it('converts a colour image to BT.601 luminance and says so', async () => {
    const px = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) px.set([200, 100, 50], 3 * i);
    const r = await decodeRaster(await raw(px, 3).png().toBuffer(), 'colour.png');
    // 0.299·200 + 0.587·100 + 0.114·50
    expect(r.data[0]).toBeCloseTo(124.2, 4);
    expect(r.meta.pipeline!.join('\n')).toMatch(/colour image \(channels differ by up to 150\) converted to luminance Y = 0\.299 R/);
  });

  it('drops an opaque alpha channel with a note', async () => {
    const px = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) px.set([ramp8[i]!, ramp8[i]!, ramp8[i]!, 255], 4 * i);
    const r = await decodeRaster(await raw(px, 4).png().toBuffer(), 'alpha.png');
    expect(Array.from(r.data)).toEqual(Array.from(ramp8));
    expect(r.meta.pipeline!.join('\n')).toMatch(/alpha channel \(fully opaque\) dropped/);
  });
});

describe('decodeRaster errors', () => {
  it.each([
    {
      name: 'corrupt PNG data',
      bytes: async () => Buffer.concat([(await raw(ramp8, 1).png().toBuffer()).subarray(0, 33), Buffer.alloc(300, 7)]),
      code: 'E_IMAGE_DECODE',
      re: /corrupt PNG data \(decoder: /,
    },
    {
      name: 'corrupt JPEG data',
      bytes: async () => {
        const b = Buffer.from(await raw(rgbOf(ramp8), 3).jpeg().toBuffer());
        b.fill(0x13, 30, 200);
        return b;
      },
      code: 'E_IMAGE_DECODE',
      re: /corrupt JPEG data/,
    },
    {
      name: 'truncated JPEG',
      bytes: async () => cut(await texturedJpeg(), 0.6),
      code: 'E_IMAGE_DECODE',
      re: /JPEG file is truncated \(it ends before its end-of-image marker \(FFD9\).*pass \{ truncated: 'accept' \}/,
    },
    {
      name: 'truncated PNG',
      bytes: async () => {
        const b = await raw(ramp16, 1).toColourspace('grey16').png({ compressionLevel: 0 }).toBuffer();
        return b.subarray(0, b.length - 200);
      },
      code: 'E_IMAGE_DECODE',
      re: /PNG file is truncated \(it ends before its IEND chunk/,
    },
    { name: 'truncated TIFF', bytes: async () => writeGreyTiff(W, H, ramp16).subarray(0, 100), code: 'E_IMAGE_DECODE', re: /corrupt TIFF data/ },
    { name: 'text file', bytes: async () => Buffer.from('patient list, not an image\n'), code: 'E_IMAGE_UNSUPPORTED', re: /unrecognised file format; supported raster formats: PNG, JPEG, TIFF/ },
    { name: 'GIF', bytes: async () => raw(rgbOf(ramp8), 3).gif().toBuffer(), code: 'E_IMAGE_UNSUPPORTED', re: /GIF files are not supported here; supported raster formats: PNG, JPEG, TIFF/ },
    { name: 'DICOM', bytes: async () => Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(64)]), code: 'E_IMAGE_UNSUPPORTED', re: /DICOM \(read it with readImage/ },
    { name: 'empty file', bytes: async () => Buffer.alloc(0), code: 'E_IMAGE_DECODE', re: /file is empty/ },
    {
      name: '32-bit float TIFF',
      bytes: async () => writeGreyTiff(W, H, new Float32Array(W * H).fill(0.5)),
      code: 'E_IMAGE_UNSUPPORTED',
      re: /sample format "float" is not supported; supported: 8-bit and 16-bit unsigned/,
    },
  ])('$name → $code naming the file', async ({ name, bytes, code, re }) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.img`);
    writeFileSync(file, await bytes());
    await expectError(decodeRaster(file), code as AffnetErrorCode, re, file);
  });

  it('a PNG claiming more pixels than the decoder allows is E_IMAGE_UNSUPPORTED', async () => {
    const png = Buffer.from(await raw(ramp8, 1).png().toBuffer());
    png.writeUInt32BE(20000, 16); // IHDR width
    png.writeUInt32BE(20000, 20); // IHDR height
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29); // IHDR CRC over type + data
    await expectError(decodeRaster(png, 'huge.png'), 'E_IMAGE_UNSUPPORTED', /huge\.png: PNG image is larger than sharp's limit/, 'huge.png');
  });

  it('a missing file is E_FILE_NOT_FOUND', async () => {
    const file = join(dir, 'nope.png');
    await expectError(decodeRaster(file), 'E_FILE_NOT_FOUND', /file not found/, file);
  });

  it.each([
    { name: 'JPEG', bytes: async () => cut(await texturedJpeg(), 0.6) },
    {
      name: 'PNG',
      bytes: async () => {
        const b = await raw(ramp16, 1).toColourspace('grey16').png({ compressionLevel: 0 }).toBuffer();
        return b.subarray(0, b.length - 200);
      },
    },
  ])("a truncated $name decodes with { truncated: 'accept' } and the pipeline says so", async ({ name, bytes }) => {
    const r = await decodeRaster(await bytes(), 'cut', { truncated: 'accept' });
    expect([r.width, r.height]).toEqual(name === 'JPEG' ? [160, 120] : [W, H]);
    expect(r.meta.pipeline!.join('\n')).toContain(`truncated ${name} decoded (truncated: 'accept')`);
  });

  it("{ truncated: 'accept' } says so when a file is cut inside its header", async () => {
    const b = cut(await raw(rgbOf(ramp8), 3).jpeg().toBuffer(), 0.5);
    await expectError(decodeRaster(b, 'head.jpg', { truncated: 'accept' }), 'E_IMAGE_DECODE', /too little is left to decode/, 'head.jpg');
  });

  it("{ truncated: 'accept' } still refuses corrupt data that is not a truncation", async () => {
    const b = Buffer.concat([(await raw(ramp8, 1).png().toBuffer()).subarray(0, 8), Buffer.alloc(64, 1)]);
    await expectError(decodeRaster(b, 'junk.png', { truncated: 'accept' }), 'E_IMAGE_DECODE', /junk\.png: corrupt PNG data/, 'junk.png');
  });

  it('refuses an unknown truncated mode with the choices', async () => {
    await expect(decodeRaster(Buffer.alloc(4), 'x', { truncated: 'ignore' as 'accept' })).rejects.toThrow(/truncated: unknown value "ignore".*Available: error, accept/);
  });
});
