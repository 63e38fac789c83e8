/** The small pieces, with hand-computed expectations: sniffing, VOI functions, RLE, J2K repair, writer, IDCT. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJpegDct } from '../../src/dicom/codecs/jpeg-dct.js';
import { repairJ2kTail } from '../../src/dicom/codecs/j2k-repair.js';
import { decodeRle } from '../../src/dicom/codecs/rle.js';
import { decodeWithWasm } from '../../src/dicom/codecs/wasm.js';
import { encapsulatedFrameBytes, frameFragments } from '../../src/dicom/frames.js';
import { voiFunction, type VoiStep } from '../../src/dicom/grey-pipeline.js';
import { decodeDicom, sniffDicom, writeDicom } from '../../src/dicom/index.js';
import { parseDicomBytes } from '../../src/dicom/parse.js';
import { requireDataDir } from '../../src/settings.js';

describe('sniffDicom', () => {
  const part10 = new Uint8Array(140);
  part10.set([0x44, 0x49, 0x43, 0x4d], 128);
  it.each([
    ['Part 10 (preamble + DICM)', part10, { kind: 'part10' }],
    ['meta header without preamble', Uint8Array.from([0x02, 0, 0x00, 0, 0x55, 0x4c, 4, 0]), { kind: 'meta-no-preamble' }],
    ['ACR-NEMA implicit LE', Uint8Array.from([0x08, 0, 0x05, 0, 10, 0, 0, 0]), { kind: 'raw', explicitVr: false, littleEndian: true }],
    ['ACR-NEMA explicit LE', Uint8Array.from([0x08, 0, 0x05, 0, 0x43, 0x53, 10, 0]), { kind: 'raw', explicitVr: true, littleEndian: true }],
    ['explicit big endian data set', Uint8Array.from([0, 0x08, 0, 0x05, 0x43, 0x53, 0, 10]), { kind: 'raw', explicitVr: true, littleEndian: false }],
    ['PNG', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), undefined],
    ['too short', Uint8Array.from([0x08, 0]), undefined],
  ])('%s', (_n, bytes, expected) => {
    expect(sniffDicom(bytes)).toEqual(expected);
  });
});

describe('VOI functions (PS3.3 C.11.2.1.2.1 and C.11.2.1.3), output on [0, 1]', () => {
  const win = (center: number, width: number, fn: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID'): VoiStep => ({ kind: 'window', center, width, fn, index: 0, count: 1 });
  it.each([
    // LINEAR, c=100 w=11: x <= 94.5 → 0; x > 104.5 → 1; else ((x − 99.5)/10 + 0.5)
    [win(100, 11, 'LINEAR'), 94.5, 0],
    [win(100, 11, 'LINEAR'), 95, 0.05],
    [win(100, 11, 'LINEAR'), 99.5, 0.5],
    [win(100, 11, 'LINEAR'), 104.5, 1],
    [win(100, 11, 'LINEAR'), 105, 1],
    // LINEAR with width 1: a threshold at c − 0.5
    [win(10, 1, 'LINEAR'), 9.5, 0],
    [win(10, 1, 'LINEAR'), 9.6, 1],
    // LINEAR_EXACT, c=100 w=10: (x − 100)/10 + 0.5
    [win(100, 10, 'LINEAR_EXACT'), 95, 0],
    [win(100, 10, 'LINEAR_EXACT'), 97.5, 0.25],
    [win(100, 10, 'LINEAR_EXACT'), 105, 1],
    // SIGMOID: 1/(1 + exp(−4(x − c)/w)); at c + w/4: 1/(1 + e^−1) = 0.7310585786
    [win(100, 40, 'SIGMOID'), 100, 0.5],
    [win(100, 40, 'SIGMOID'), 110, 0.7310585786],
    [{ kind: 'none', inputRange: [-1000, 3000] } as VoiStep, 0, 0.25],
  ])('%j at %d → %d', (step, x, y) => {
    expect(voiFunction(step)(x)).toBeCloseTo(y, 9);
  });
});

describe('RLE (PS3.5 Annex G)', () => {
  // 2x2 pixels, 16-bit: segment 1 (high bytes) = literal [1, 2, 3, 4]; segment 2 (low bytes) = replicate 0x7f x4.
  const header = new Uint8Array(64);
  new DataView(header.buffer).setUint32(0, 2, true);
  new DataView(header.buffer).setUint32(4, 64, true);
  new DataView(header.buffer).setUint32(8, 69, true);
  const frame = Uint8Array.from([...header, 3, 1, 2, 3, 4, -3 & 0xff, 0x7f]);
  it('decodes literal and replicate runs, high byte first', () => {
    const out = decodeRle(frame, { width: 2, height: 2, samplesPerPixel: 1, bitsAllocated: 16 }, 'rle');
    expect(Array.from(out.samples)).toEqual([0x017f, 0x027f, 0x037f, 0x047f]);
  });
  it.each([
    ['a segment count that does not fit the pixel module', frame, { width: 2, height: 2, samplesPerPixel: 1, bitsAllocated: 8 }, /header has 2 segments; the pixel module needs 1/],
    ['a segment past the end of the frame', frame.slice(0, 67), { width: 2, height: 2, samplesPerPixel: 1, bitsAllocated: 16 }, /segment 1 \(bytes 64\.\.69\) lies outside the 67-byte frame/],
    [
      'a segment that decodes short',
      Uint8Array.from([...frame.slice(0, 69), -1 & 0xff, 0x7f]),
      { width: 2, height: 2, samplesPerPixel: 1, bitsAllocated: 16 },
      /segment 2 decodes to 2 bytes; 4 expected/,
    ],
    ['a frame shorter than the header', frame.slice(0, 10), { width: 2, height: 2, samplesPerPixel: 1, bitsAllocated: 16 }, /shorter than the 64-byte RLE header/],
  ])('refuses %s', (_n, bytes, shape, message) => {
    expect(() => decodeRle(bytes, shape, 'rle.dcm')).toThrow(message);
  });
});

describe('repairJ2kTail', () => {
  // SOC, SIZ(len 4, dummy), SOT (Psot 14 = 12-byte SOT + 2 data bytes), data, then a stray COM, EOC.
  const sot = [0xff, 0x90, 0, 10, 0, 0, 0, 0, 0, 14, 0, 1];
  const cs = Uint8Array.from([0xff, 0x4f, 0xff, 0x51, 0, 4, 1, 2, ...sot, 0xaa, 0xbb, 0xff, 0x64, 0, 4, 0x41, 0x42, 0xff, 0xd9]);
  it('drops bytes between the last tile-part and EOC', () => {
    const r = repairJ2kTail(cs);
    expect(r.dropped).toBe(8);
    expect(Array.from(r.data.slice(-4))).toEqual([0xaa, 0xbb, 0xff, 0xd9]);
  });
  it('leaves a well-formed codestream alone', () => {
    const ok = Uint8Array.from([0xff, 0x4f, 0xff, 0x51, 0, 4, 1, 2, ...sot, 0xaa, 0xbb, 0xff, 0xd9]);
    expect(repairJ2kTail(ok)).toEqual({ data: ok, dropped: 0 });
  });
});

describe('writeDicom', () => {
  it('writes metadata that reads back, and refuses values outside the bit depth', async () => {
    const bytes = writeDicom(
      { width: 3, height: 2, pixels: [-2048, -1, 0, 1, 2047, 5], bitsStored: 12, signed: true, photometric: 'MONOCHROME1' },
      { PatientID: 'PID-7', Modality: 'CR', BodyPartExamined: 'FEMUR', ViewPosition: 'AP', Laterality: 'L', PixelSpacing: [0.15, 0.2], SOPInstanceUID: '1.2.3.4', StudyInstanceUID: '1.2.3' },
    );
    const r = await decodeDicom(bytes, { source: 'w.dcm', voi: 'none' });
    expect(Array.from(r.stored)).toEqual([-2048, -1, 0, 1, 2047, 5]);
    expect(r.radiograph.meta).toMatchObject({
      patientId: 'PID-7',
      modality: 'CR',
      bodyPart: 'FEMUR',
      viewPosition: 'AP',
      laterality: 'L',
      pixelSpacing: [0.15, 0.2],
      sopInstanceUid: '1.2.3.4',
      studyInstanceUid: '1.2.3',
      bitDepth: 12,
      photometricInterpretation: 'MONOCHROME1',
    });
    // MONOCHROME1, no VOI: the stored range −2048..2047 maps to 4095..0 (inverted).
    expect(Array.from(r.radiograph.data)).toEqual([4095, 2048, 2047, 2046, 0, 2042]);
    expect(() => writeDicom({ width: 1, height: 1, pixels: [4096], bitsStored: 12, signed: false })).toThrow(/pixel 0 is 4096; 12-bit unsigned values are 0\.\.4095/);
  });
});

const data = requireDataDir('dicom');
describe.skipIf(data.skipReason !== undefined)('affnet JPEG DCT decoder on 8-bit data', () => {
  it('matches libjpeg-turbo exactly (the same islow IDCT at 8-bit precision)', async () => {
    const path = join(data.dir!, 'syntax', 'JPEGBaseline_1s_1f_u_08_08.dcm');
    const p = parseDicomBytes(new Uint8Array(readFileSync(path)), path);
    const el = p.dataSet.elements.x7fe00010!;
    const cs = encapsulatedFrameBytes(p.dataSet.byteArray, frameFragments(el, p.dataSet.byteArray, 1, 'jpeg-baseline', path), 0);
    const ours = decodeJpegDct(cs, path);
    const turbo = await decodeWithWasm('libjpeg-turbo', cs, path);
    expect([ours.width, ours.height, ours.bitsPerSample]).toEqual([100, 100, 8]);
    expect(Array.from(ours.samples)).toEqual(Array.from(turbo.samples));
  });
});
