/** Colour secondary captures become grey: RGB by BT.601 luma (both planar configurations), YBR_FULL by its Y. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeDicom } from '../../src/dicom/index.js';

const require = createRequire(import.meta.url);
const { DicomDict, DicomMetaDictionary } = (
  require('dcmjs') as { data: { DicomDict: new (m: object) => { dict: object; write(): ArrayBuffer }; DicomMetaDictionary: { denaturalizeDataset(d: object): object } } }
).data;

function colourFile(photometric: string, planar: 0 | 1, samples: number[]): Uint8Array {
  const ds = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
    SOPInstanceUID: '2.25.7',
    Modality: 'OT',
    Rows: 1,
    Columns: 2,
    SamplesPerPixel: 3,
    PhotometricInterpretation: photometric,
    PlanarConfiguration: planar,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PixelData: [Uint8Array.from(samples).buffer],
    _vrMap: { PixelData: 'OB' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write());
}

describe('colour to grey', () => {
  // Pixel 1 = (200, 100, 50): 0.299·200 + 0.587·100 + 0.114·50 = 124.2 → 124; pixel 2 = (0, 255, 0): 149.685 → 150.
  it.each([
    ['RGB, colour-by-pixel', 'RGB', 0 as const, [200, 100, 50, 0, 255, 0], [124, 150], /BT\.601/],
    ['RGB, colour-by-plane', 'RGB', 1 as const, [200, 0, 100, 255, 50, 0], [124, 150], /BT\.601/],
    ['YBR_FULL keeps Y', 'YBR_FULL', 0 as const, [90, 128, 128, 30, 10, 240], [90, 30], /luma \(Y\) channel kept/],
  ])('%s', async (_n, photometric, planar, samples, grey, how) => {
    const r = await decodeDicom(colourFile(photometric, planar, samples), { source: 'c.dcm' });
    expect(Array.from(r.stored)).toEqual(grey);
    expect(r.info.colour).toMatch(how);
    expect(r.radiograph.meta.pipeline!.some((l) => l.startsWith('colour: '))).toBe(true);
  });
});
