/** readRadiograph: DICOM is recognised from the bytes (any layout), everything else goes to the raster decoder. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeDicom } from '../../src/dicom/index.js';
import { readRadiograph } from '../../src/image/read.js';

const dicom = writeDicom({ width: 4, height: 2, pixels: [0, 1, 2, 3, 252, 253, 254, 255], bitsStored: 8, signed: false }, { PatientID: 'R-1' });

describe('readRadiograph', () => {
  it.each([
    ['a Part 10 file', dicom],
    ['the same data set without the 128-byte preamble and DICM', dicom.slice(132)],
  ])('decodes %s as DICOM', async (_n, bytes) => {
    const r = await readRadiograph(bytes, { source: 'x.dcm' });
    expect([r.width, r.height, r.meta.bitDepth, r.meta.patientId]).toEqual([4, 2, 8, 'R-1']);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3, 252, 253, 254, 255]);
    expect(r.meta.pipeline![0]).toBe('transfer syntax: 1.2.840.10008.1.2.1 Explicit VR Little Endian; decoder: native');
  });

  it('decodes a PNG through the raster decoder', async () => {
    const png = await sharp(Buffer.from([0, 64, 128, 255]), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    const r = await readRadiograph(new Uint8Array(png), { source: 'x.png' });
    expect([r.width, r.height, r.meta.bitDepth]).toEqual([2, 2, 8]);
    expect(Array.from(r.data)).toEqual([0, 64, 128, 255]);
  });

  it.each([
    [
      'frame 1 of a raster file',
      async () =>
        readRadiograph(
          new Uint8Array(
            await sharp(Buffer.from([1]), { raw: { width: 1, height: 1, channels: 1 } })
              .png()
              .toBuffer(),
          ),
          { source: 'y.png', frame: 1 },
        ),
      'E_OPTION_INVALID',
    ],
    ['frame 2 of a single-frame DICOM', () => readRadiograph(dicom, { source: 'y.dcm', frame: 2 }), 'E_OPTION_INVALID'],
    ['a missing path', () => readRadiograph('/nonexistent/y.dcm'), 'E_FILE_NOT_FOUND'],
  ])('refuses %s', async (_n, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
  });
});
