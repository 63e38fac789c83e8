/** Bad input gives a typed AffnetError naming the file and the reason, never a crash or a wrong image. */
import { describe, expect, it } from 'vitest';
import { decodeDicom, writeDicom } from '../../src/dicom/index.js';
import { ascii, findElement, replaceValue, u16le } from './bytes.js';

const W = 16;
const H = 12;
const good = writeDicom({ width: W, height: H, pixels: Int32Array.from({ length: W * H }, (_, i) => i * 10), bitsStored: 12, signed: false }, { PatientID: 'ERR-1' });
/** Where the Pixel Data element's tag starts (findElement assumes a short header: tag + 8). */
const pixelTag = findElement(good, 0x7fe0, 0x0010).at - 8;

/** A tiny encapsulated 12-bit JPEG file with its entropy-coded data damaged. */
function brokenJpeg12(): Uint8Array {
  const sof = [0xff, 0xc1, 0, 11, 12, 0, H, 0, W, 1, 1, 0x11, 0];
  const dqt = [0xff, 0xdb, 0, 67, 0, ...new Array<number>(64).fill(1)];
  const dht = [0xff, 0xc4, 0, 20, 0x00, 1, ...new Array<number>(15).fill(0), 0]; // DC table: one 1-bit code → category 0
  const sos = [0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0];
  const jpeg = Uint8Array.from([0xff, 0xd8, ...dqt, ...dht, ...sof, ...sos, 0x00, 0xff, 0xd9]); // AC table 0 is missing
  const frag = jpeg.length % 2 ? Uint8Array.from([...jpeg, 0]) : jpeg;
  let file = replaceValue(good, 0x0002, 0x0010, ascii('1.2.840.10008.1.2.4.51'));
  const at = findElement(file, 0x7fe0, 0x0010).at - 8 + 12;
  const encapsulated = Uint8Array.from([
    ...[0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0], // empty basic offset table
    ...[0xfe, 0xff, 0x00, 0xe0, ...new Uint8Array(new Uint32Array([frag.length]).buffer)],
    ...frag,
    ...[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0],
  ]);
  const head = file.slice(0, at - 12);
  const tag = Uint8Array.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]); // OB, undefined length
  file = new Uint8Array(head.length + tag.length + encapsulated.length);
  file.set(head);
  file.set(tag, head.length);
  file.set(encapsulated, head.length + tag.length);
  return file;
}

const CASES: Array<[string, () => Uint8Array, string, RegExp]> = [
  ['PNG bytes (wrong magic)', () => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array<number>(200).fill(0)]), 'E_DICOM_PARSE', /not a DICOM file/],
  ['file cut inside the meta header', () => good.slice(0, 150), 'E_DICOM_PARSE', /cannot (parse|decode)/],
  ['file cut inside the pixel data', () => good.slice(0, pixelTag + 100), 'E_DICOM_PARSE', /cannot parse the data set \(.*buffer overrun\): the file is truncated or an element length is wrong/],
  ['no Pixel Data element', () => good.slice(0, pixelTag), 'E_DICOM_PIXEL_DATA', /no Pixel Data element \(7FE0,0010\)/],
  [
    'pixel data shorter than Rows x Columns says',
    () => replaceValue(good, 0x0028, 0x0010, u16le(H + 5)),
    'E_DICOM_PIXEL_DATA',
    /Pixel Data has 384 bytes but the header says 1 frame\(s\) of 16x17x1 at 16 bits = 544 bytes/,
  ],
  [
    'unsupported transfer syntax (JPEG XL)',
    () => replaceValue(good, 0x0002, 0x0010, ascii('1.2.840.10008.1.2.4.110')),
    'E_DICOM_UNSUPPORTED_SYNTAX',
    /transfer syntax "1\.2\.840\.10008\.1\.2\.4\.110" is not supported\. Supported: 1\.2\.840\.10008\.1\.2 \(Implicit VR Little Endian\)/,
  ],
  ['Bits Stored above Bits Allocated', () => replaceValue(good, 0x0028, 0x0101, u16le(17)), 'E_DICOM_PIXEL_DATA', /Bits Stored \(0028,0101\) is 17; must be 1\.\.16/],
  ['Bits Allocated 12', () => replaceValue(good, 0x0028, 0x0100, u16le(12)), 'E_DICOM_PIXEL_DATA', /Bits Allocated \(0028,0100\) is 12; valid: 8, 16, 32/],
  ['native data under an encapsulated syntax', () => replaceValue(good, 0x0002, 0x0010, ascii('1.2.840.10008.1.2.5')), 'E_DICOM_PIXEL_DATA', /RLE Lossless needs encapsulated Pixel Data/],
  ['12-bit JPEG whose scan names a missing table', brokenJpeg12, 'E_DICOM_PIXEL_DATA', /JPEG: scan refers to a missing quantisation or Huffman table/],
  ['Photometric PALETTE COLOR', () => replaceValue(good, 0x0028, 0x0004, ascii('PALETTE COLOR ')), 'E_IMAGE_UNSUPPORTED', /PALETTE COLOR images are not radiographs/],
  ['huge Rows x Columns', () => replaceValue(replaceValue(good, 0x0028, 0x0010, u16le(65535)), 0x0028, 0x0011, u16le(65535)), 'E_IMAGE_UNSUPPORTED', /exceeds the 67108864-pixel limit/],
  ['Rows 0', () => replaceValue(good, 0x0028, 0x0010, u16le(0)), 'E_DICOM_PIXEL_DATA', /image size 16x0 is empty/],
];

describe('typed errors for bad DICOM input', () => {
  it.each(CASES)('%s → %s', async (_name, make, code, message) => {
    const err = await decodeDicom(make(), { source: 'bad.dcm' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AffnetError', code, file: 'bad.dcm' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.startsWith('bad.dcm: ')).toBe(true);
  });

  it.each([
    [{ frame: 1 }, /frame 1: the file has 1 frame\(s\) \(valid: 0\.\.0\)/],
    [{ frame: -1 }, /frame -1: the file has 1 frame\(s\)/],
    [{ voi: 0 }, /voi: window 0 requested; the file has 0 window\(s\) \(valid: none\)/],
    [{ voi: { lut: 0 } }, /voi: VOI LUT 0 requested; the file has 0/],
    [{ voi: { center: 10, width: 0 } }, /voi: window width must be > 0/],
  ])('option %j → E_OPTION_INVALID', async (options, message) => {
    await expect(decodeDicom(good, { source: 'opt.dcm', ...options })).rejects.toMatchObject({ code: 'E_OPTION_INVALID', message: expect.stringMatching(message) });
  });

  it.each([
    ['Uint16Array, 12 bits', Uint16Array.from([0, 4095, 4096, 1]), 12, false, /pixel 2 is 4096; 12-bit unsigned values are 0\.\.4095/],
    ['Int16Array, 12 bits', Int16Array.from([0, -2049, 1, 1]), 12, true, /pixel 1 is -2049; 12-bit signed values are -2048\.\.2047/],
    ['Float32Array, 16 bits', Float32Array.from([0, 1.5, 1, 1]), 16, false, /pixel 1 is 1\.5; 16-bit unsigned values are 0\.\.65535/],
  ])('writeDicom rejects out-of-range samples (%s)', (_name, pixels, bitsStored, signed, message) => {
    expect(() => writeDicom({ width: 2, height: 2, pixels, bitsStored, signed })).toThrow(message);
  });

  it.each([
    ['Uint16Array', Uint16Array.from([0, 65535, 4660, 1]), false],
    ['Int16Array', Int16Array.from([-32768, 32767, 4660, -1]), true],
  ])('writeDicom writes a %s as the same bytes as a plain array of its values', (_name, pixels, signed) => {
    const meta = { PatientID: 'ERR-2', StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.4', SOPInstanceUID: '1.2.5' };
    const typed = writeDicom({ width: 2, height: 2, pixels, bitsStored: 16, signed }, meta);
    const plain = writeDicom({ width: 2, height: 2, pixels: Array.from(pixels), bitsStored: 16, signed }, meta);
    expect(Buffer.from(typed).equals(Buffer.from(plain))).toBe(true);
    // the pixel data element ends the file: (7FE0,0010) OW, length 8, then the samples little-endian
    const tail = Buffer.from(typed.subarray(typed.length - 20));
    expect([tail.readUInt16LE(0), tail.readUInt16LE(2), tail.toString('latin1', 4, 6), tail.readUInt32LE(8)]).toEqual([0x7fe0, 0x0010, 'OW', 8]);
    expect([0, 1, 2, 3].map((i) => (signed ? tail.readInt16LE(12 + 2 * i) : tail.readUInt16LE(12 + 2 * i)))).toEqual(Array.from(pixels));
  });

  it('a missing file is E_FILE_NOT_FOUND naming it', async () => {
    await expect(decodeDicom('/nonexistent/x.dcm')).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', file: '/nonexistent/x.dcm' });
  });
});
