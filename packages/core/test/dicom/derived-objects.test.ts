/**
 * What a service needs to store results beside a radiograph: RGB Secondary Capture pixels, data sets
 * without pixels (SR), attributes read back, UIDs derived deterministically, the pixel limit.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { derivedUid, readDicomAttributes, writeDicom, writeDicomDataset } from '../../src/dicom/index.js';
import { readRadiograph } from '../../src/image/read.js';
import { isAffnetError } from '../../src/errors.js';

describe('derivedUid', () => {
  it('is the same for the same parts, different otherwise, and a valid 2.25 UID (UUID version 8)', () => {
    const a = derivedUid('cam', '1.2.3', 'abc');
    expect(derivedUid('cam', '1.2.3', 'abc')).toBe(a);
    expect(derivedUid('cam', '1.2.3', 'abd')).not.toBe(a);
    expect(derivedUid('cam', '1.2.3abc')).not.toBe(a); // parts are separated
    expect(a).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(a.length).toBeLessThanOrEqual(64);
    const hex = BigInt(a.slice(5)).toString(16).padStart(32, '0');
    expect(hex[12]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(hex[16]);
  });
});

describe('writeDicom RGB and writeDicomDataset', () => {
  it('writes 8-bit RGB that decodes back to the same image (luminance) and refuses 16-bit RGB', async () => {
    const w = 6;
    const h = 4;
    const rgb = new Uint8Array(w * h * 3).map((_v, i) => (i * 29) % 256);
    const file = writeDicom({ width: w, height: h, pixels: rgb, bitsStored: 8, signed: false, photometric: 'RGB' }, { SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', Modality: 'OT' });
    const attrs = readDicomAttributes(file);
    expect([attrs.SamplesPerPixel, attrs.PhotometricInterpretation, attrs.PlanarConfiguration, attrs.Rows, attrs.Columns]).toEqual([3, 'RGB', 0, h, w]);
    const r = await readRadiograph(file);
    expect(r.width).toBe(w);
    // read back as grey = BT.601 luma of the pixels written (core's colour rule)
    for (let i = 0; i < w * h; i++) expect(r.data[i]!).toBeCloseTo(0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!, 0);
    expect(() => writeDicom({ width: 2, height: 2, pixels: new Uint16Array(12), bitsStored: 12, signed: false, photometric: 'RGB' })).toThrow(/RGB pixels are 8-bit/);
    expect(() => writeDicom({ width: 2, height: 2, pixels: new Uint8Array(4), bitsStored: 8, signed: false, photometric: 'RGB' })).toThrow(/12\)/);
  });

  it('writes a data set without pixels, sequences and all, and reads it back', () => {
    const file = writeDicomDataset({
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.33',
      SOPInstanceUID: '2.25.1',
      PatientName: 'Test^Ünïcode',
      ContentSequence: [
        { RelationshipType: 'CONTAINS', ValueType: 'TEXT', TextValue: 'hello', ConceptNameCodeSequence: [{ CodeValue: '121071', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Finding' }] },
      ],
      ReferencedPerformedProcedureStepSequence: [],
    });
    const back = readDicomAttributes(file);
    expect(back.SOPInstanceUID).toBe('2.25.1');
    expect((back.ContentSequence as { TextValue: string }[])[0]!.TextValue).toBe('hello');
    expect(JSON.stringify(back.PatientName)).toContain('Ünïcode');
    expect(() => writeDicomDataset({ SOPClassUID: '1.2' })).toThrow(/SOPInstanceUID/);
  });

  it('names the source when the bytes are no DICOM', () => {
    try {
      readDicomAttributes(new Uint8Array([1, 2, 3]), 'upload 7');
      expect.unreachable();
    } catch (e) {
      expect(isAffnetError(e) && e.code === 'E_DICOM_PARSE' && e.file === 'upload 7').toBe(true);
    }
  });
});

describe('readRadiograph maxPixels', () => {
  it('refuses a DICOM and a PNG over the limit from their headers, with E_IMAGE_TOO_LARGE', async () => {
    const dcm = writeDicom({ width: 50, height: 40, pixels: new Uint16Array(2000).map((_v, i) => i), bitsStored: 12, signed: false });
    await expect(readRadiograph(dcm, { maxPixels: 1999, source: 'x.dcm' })).rejects.toMatchObject({ code: 'E_IMAGE_TOO_LARGE', file: 'x.dcm' });
    expect((await readRadiograph(dcm, { maxPixels: 2000 })).width).toBe(50);
    const png = await sharp(Buffer.alloc(30 * 20, 9), { raw: { width: 30, height: 20, channels: 1 } })
      .png()
      .toBuffer();
    await expect(readRadiograph(new Uint8Array(png), { maxPixels: 599 })).rejects.toMatchObject({ code: 'E_IMAGE_TOO_LARGE' });
    expect((await readRadiograph(new Uint8Array(png), { maxPixels: 600 })).height).toBe(20);
  });
});
