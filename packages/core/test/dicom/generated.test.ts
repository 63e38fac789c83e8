/**
 * Round trip through the reference encoders: images written by `writeDicom` (8/12/16-bit, signed and
 * unsigned) are transcoded by dcmtk (dcmconv, dcmcjpeg, dcmcjpls, dcmcrle) and gdcm (gdcmconv, JPEG 2000)
 * into every transfer syntax, then decoded by affnet and compared with the pixels written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDicom, writeDicom } from '../../src/dicom/index.js';
import { compare, decompress, oracleStored, requireTools, run, tempDir } from './oracle.js';

const skip = requireTools(['dcmconv', 'dcmcjpeg', 'dcmcjpls', 'dcmcrle', 'dcmdjpeg', 'dcmdjpls', 'gdcmconv']);
const W = 37; // odd width: exercises JPEG block padding and odd byte counts
const H = 29;

/** A deterministic test card: ramps to both ends of the range plus a seeded pseudo-random texture. */
function card(bits: number, signed: boolean): Int32Array {
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  let s = 12345;
  const out = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const ramp = lo + Math.round(((hi - lo) * (x + y)) / (W + H - 2));
      const noise = ((s >>> 16) % 17) - 8;
      out[y * W + x] = Math.min(hi, Math.max(lo, ramp + (y % 4 === 0 ? noise : 0)));
    }
  }
  out[0] = lo;
  out[1] = hi;
  return out;
}

/**
 * `lossy` rows are compared with the reference decoder (dcmdjpeg, dcmdjpls, gdcmconv --raw) and must be
 * identical to it, except JPEG 2000 lossy within 1: its irreversible 9/7 wavelet is computed in floating
 * point and OpenJPEG builds differ in the last rounding (ISO/IEC 15444-4 conformance allows this too); their distance to the original pixels is the encoder's business and only bounded
 * loosely (mean absolute error below 5 % of the range: a wrong sign, bit depth or byte order is far
 * above that). Lossless rows must reproduce the written pixels exactly.
 */
type Tx = { name: string; cmd: [string, ...string[]]; syntax: string; lossy: false | string };
const transcoders = (bits: number): Tx[] => [
  { name: 'implicit VR LE', cmd: ['dcmconv', '+ti'], syntax: '1.2.840.10008.1.2', lossy: false },
  { name: 'explicit VR BE', cmd: ['dcmconv', '+tb'], syntax: '1.2.840.10008.1.2.2', lossy: false },
  { name: 'deflated', cmd: ['dcmconv', '+td'], syntax: '1.2.840.10008.1.2.1.99', lossy: false },
  { name: 'ACR-NEMA (no meta)', cmd: ['dcmconv', '-F', '+ti'], syntax: '1.2.840.10008.1.2', lossy: false },
  { name: 'RLE', cmd: ['dcmcrle'], syntax: '1.2.840.10008.1.2.5', lossy: false },
  { name: 'JPEG lossless P14', cmd: ['dcmcjpeg', '+el'], syntax: '1.2.840.10008.1.2.4.57', lossy: false },
  { name: 'JPEG lossless SV1', cmd: ['dcmcjpeg', '+e1'], syntax: '1.2.840.10008.1.2.4.70', lossy: false },
  { name: 'JPEG-LS lossless', cmd: ['dcmcjpls', '+el'], syntax: '1.2.840.10008.1.2.4.80', lossy: false },
  { name: 'JPEG-LS near-lossless', cmd: ['dcmcjpls', '+en', '+md', '2'], syntax: '1.2.840.10008.1.2.4.81', lossy: 'jpeg-ls' },
  { name: 'JPEG 2000 lossless', cmd: ['gdcmconv', '--j2k'], syntax: '1.2.840.10008.1.2.4.90', lossy: false },
  { name: 'JPEG 2000 lossy', cmd: ['gdcmconv', '--j2k', '--lossy', '-q', '80'], syntax: '1.2.840.10008.1.2.4.91', lossy: 'jpeg-2000' },
  ...(bits <= 8 ? [{ name: 'JPEG baseline', cmd: ['dcmcjpeg', '+eb', '+q', '90'], syntax: '1.2.840.10008.1.2.4.50', lossy: 'jpeg-baseline' } as Tx] : []),
  ...(bits <= 12 ? [{ name: 'JPEG extended', cmd: ['dcmcjpeg', '+ee', '+q', '90'], syntax: '1.2.840.10008.1.2.4.51', lossy: 'jpeg-extended' } as Tx] : []),
];

// Signed data through JPEG/JPEG-LS: dcmtk encodes the two's complement bit pattern as unsigned samples,
// so affnet must sign-extend from Bits Stored after decoding; the lossy JPEG rows are unsigned only
// because a lossy error at the sign boundary would wrap by design (dcmtk does the same).
const images = [
  { bits: 8, signed: false },
  { bits: 8, signed: true },
  { bits: 12, signed: false },
  { bits: 12, signed: true },
  { bits: 16, signed: false },
  { bits: 16, signed: true },
];
const rows = images.flatMap((img) =>
  transcoders(img.bits)
    .filter((t) => !(img.signed && t.lossy !== false))
    // 8-bit signed JPEG 2000 is refused (see the error test); dcmtk/gdcm round trips of it are not compared.
    .filter((t) => !(img.signed && img.bits === 8 && t.syntax.endsWith('.90')))
    .map((t) => ({ ...img, ...t, label: `${img.bits}-bit ${img.signed ? 'signed' : 'unsigned'} → ${t.name}` })),
);

describe.skipIf(skip !== undefined)('generated files through dcmtk/gdcm encoders', () => {
  const tmp = tempDir();
  afterAll(() => tmp.done());

  it.each(rows)('$label', async ({ bits, signed, cmd, syntax, lossy }) => {
    const pixels = card(bits, signed);
    const src = join(tmp.dir, `src-${bits}-${signed}.dcm`);
    const dst = join(tmp.dir, `dst-${bits}-${signed}-${cmd.join('')}.dcm`);
    writeFileSync(src, writeDicom({ width: W, height: H, pixels, bitsStored: bits, signed }, { PatientID: 'GEN-1', Modality: 'DX' }));
    run(cmd[0], [...cmd.slice(1), src, dst]);
    const r = await decodeDicom(new Uint8Array(readFileSync(dst)), { source: dst });
    expect(r.info.transferSyntax.uid).toBe(syntax);
    expect(r.info.bitsStored).toBe(bits);
    expect(r.info.signed).toBe(signed);
    if (lossy === false) {
      expect(compare(r.stored, pixels).maxDiff).toBe(0);
    } else {
      const ref = oracleStored(decompress(dst, lossy, `${dst}.ref.dcm`))[0]!;
      expect(compare(r.stored, ref).maxDiff).toBeLessThanOrEqual(lossy === 'jpeg-2000' ? 1 : 0);
      let sum = 0;
      for (let i = 0; i < pixels.length; i++) sum += Math.abs(r.stored[i]! - pixels[i]!);
      expect(sum / pixels.length).toBeLessThan(0.05 * 2 ** bits);
    }
  });

  // dicom-parser finds the end of the meta header by reading the next element; on deflated bytes that
  // element is garbage and failed the parse for about one file in seven, depending on the UIDs written.
  it('decodes deflated files whatever bytes follow the meta header (30 files, fresh UIDs each)', async () => {
    const pixels = card(8, true);
    for (let i = 0; i < 30; i++) {
      const src = join(tmp.dir, `defl-src-${i}.dcm`);
      const dst = join(tmp.dir, `defl-dst-${i}.dcm`);
      writeFileSync(src, writeDicom({ width: W, height: H, pixels, bitsStored: 8, signed: true }, { Modality: 'DX' }));
      run('dcmconv', ['+td', src, dst]);
      const r = await decodeDicom(new Uint8Array(readFileSync(dst)), { source: dst });
      expect(r.info.transferSyntax.uid).toBe('1.2.840.10008.1.2.1.99');
      expect(compare(r.stored, pixels).maxDiff).toBe(0);
    }
  });

  it('refuses 8-bit signed JPEG 2000 (the OpenJPEG build clamps negative samples)', async () => {
    const src = join(tmp.dir, 'signed8.dcm');
    const dst = join(tmp.dir, 'signed8-j2k.dcm');
    writeFileSync(src, writeDicom({ width: W, height: H, pixels: card(8, true), bitsStored: 8, signed: true }));
    run('gdcmconv', ['--j2k', src, dst]);
    await expect(decodeDicom(dst)).rejects.toMatchObject({ code: 'E_IMAGE_UNSUPPORTED', file: dst });
  });
});
