/**
 * The shared real files (AFFNET_DATA_DIR/dicom): every one decodes, and its stored values are identical
 * to what the reference tools produce (dcmdjpeg, dcmdjpls, dcmdrle, dcmconv, gdcmconv --raw), for every
 * frame. Lossy files too: the decoders are deterministic, so "identical" is the tolerance.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDicom } from '../../src/dicom/index.js';
import { repairJ2kTail } from '../../src/dicom/codecs/j2k-repair.js';
import { encapsulatedFrameBytes, frameFragments } from '../../src/dicom/frames.js';
import { parseDicomBytes } from '../../src/dicom/parse.js';
import { requireDataDir } from '../../src/settings.js';
import { compare, decompress, oracleStored, readPgm, requireTools, run, tempDir } from './oracle.js';
import { readFileSync } from 'node:fs';

const data = requireDataDir('dicom');
const tools = data.skipReason ? undefined : requireTools(['dcmdjpeg', 'dcmdjpls', 'dcmdrle', 'dcmconv', 'gdcmconv', 'opj_decompress']);
const skip = data.skipReason ?? tools;
if (data.skipReason) console.log(`skipping: ${data.skipReason}`);

// file, codec, frames, oracle (the tool whose output must match; dcmdjpls cannot read JLSL_08_07, gdcm can)
const FILES: Array<[string, string, number, 'dcmtk' | 'gdcm']> = [
  ['real-radiographs/RG2_JPLL.dcm', 'jpeg-lossless', 1, 'dcmtk'],
  ['real-radiographs/RG2_JLSN.dcm', 'jpeg-ls', 1, 'dcmtk'],
  ['real-radiographs/RG2_JPLY.dcm', 'jpeg-extended', 1, 'dcmtk'],
  ['real-radiographs/RG3_J2KI.dcm', 'jpeg-2000', 1, 'gdcm'],
  ['real-radiographs/JPEG2KLossless_1s_1f_u_16_16.dcm', 'jpeg-2000', 1, 'gdcm'],
  ['syntax/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm', 'jpeg-extended', 2, 'dcmtk'],
  ['syntax/CT0012.fragmented_no_bot_jpeg_lossless.57.dcm', 'jpeg-lossless', 2, 'dcmtk'],
  ['syntax/CT0012.not_fragmented_bot_rle.dcm', 'rle', 2, 'dcmtk'],
  ['syntax/CT1_UNC.explicit_big_endian.dcm', 'native', 1, 'dcmtk'],
  ['syntax/CT1_UNC.explicit_little_endian.dcm', 'native', 1, 'dcmtk'],
  ['syntax/CT1_UNC.implicit_little_endian.dcm', 'native', 1, 'dcmtk'],
  ['syntax/CT_small.dcm', 'native', 1, 'dcmtk'],
  ['syntax/JLSL_08_07_0_1F.dcm', 'jpeg-ls', 1, 'gdcm'],
  ['syntax/JLSL_16_15_1_1F.dcm', 'jpeg-ls', 1, 'dcmtk'],
  ['syntax/JPEGBaseline_1s_1f_u_08_08.dcm', 'jpeg-baseline', 1, 'dcmtk'],
  ['syntax/JPEGExtended_1s_1f_u_16_12.dcm', 'jpeg-extended', 1, 'dcmtk'],
  ['syntax/JPEGLosslessP14SV1_1s_1f_u_08_08.dcm', 'jpeg-lossless', 1, 'dcmtk'],
  ['syntax/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm', 'jpeg-lossless', 1, 'dcmtk'],
  ['syntax/JPEGLossless_1s_1f_u_16_12.dcm', 'jpeg-lossless', 1, 'dcmtk'],
  ['syntax/emri_small_jpeg_2k_lossless.dcm', 'jpeg-2000', 10, 'gdcm'],
  ['syntax/emri_small_jpeg_ls_lossless.dcm', 'jpeg-ls', 10, 'dcmtk'],
  ['syntax/image_dfl.dcm', 'native', 1, 'dcmtk'],
];

describe.skipIf(skip !== undefined)('shared real DICOM files against dcmtk / gdcm', () => {
  const tmp = tempDir();
  afterAll(() => tmp.done());

  it.each(FILES)('%s (%s, %i frame(s)) = %s', async (name, codec, frames, oracle) => {
    const path = join(data.dir!, name);
    const file = await openDicom(path);
    expect(file.transferSyntax.codec).toBe(codec);
    expect(file.frameCount).toBe(frames);
    const out = join(tmp.dir, name.replace('/', '_'));
    const ref = oracleStored(oracle === 'gdcm' ? (run('gdcmconv', ['--raw', path, out]), out) : decompress(path, codec, out));
    expect(ref).toHaveLength(frames);
    let i = 0;
    for await (const frame of file.frames()) {
      expect(compare(frame.stored, ref[i]!)).toEqual({ maxDiff: 0, differing: 0 });
      expect(frame.info.frames).toEqual({ count: frames, index: i });
      i++;
    }
    expect(i).toBe(frames);
  });

  it('966.dcm (JPEG 2000 with a stray COM after the last tile-part) matches opj_decompress on the repaired codestream', async () => {
    const path = join(data.dir!, 'real-radiographs', '966.dcm');
    const parsed = parseDicomBytes(new Uint8Array(readFileSync(path)), path);
    const el = parsed.dataSet.elements.x7fe00010!;
    const codestream = encapsulatedFrameBytes(parsed.dataSet.byteArray, frameFragments(el, parsed.dataSet.byteArray, 1, 'jpeg-2000', path), 0);
    const repaired = repairJ2kTail(codestream);
    expect(repaired.dropped).toBe(15);
    expect(repaired.data.length).toBe(codestream.length - 15 + 2);
    const j2k = join(tmp.dir, '966.j2k');
    writeFileSync(j2k, repaired.data);
    run('opj_decompress', ['-quiet', '-i', j2k, '-o', join(tmp.dir, '966.pgm')]);
    const ref = readPgm(join(tmp.dir, '966.pgm'));
    const frame = await (await openDicom(path)).readFrame(0);
    expect([ref.width, ref.height]).toEqual([2000, 2128]);
    expect(compare(frame.stored, ref.data)).toEqual({ maxDiff: 0, differing: 0 });
    expect(frame.info.notes).toEqual(['JPEG 2000: 15 stray byte(s) between the last tile-part and EOC dropped']);
    expect(frame.info.inverted).toBe(true);
  });

  it.each([
    ['real-radiographs/RG2_JPLL.dcm', { modality: 'CR', bitDepth: 10, photometricInterpretation: 'MONOCHROME2' }],
    ['real-radiographs/RG3_J2KI.dcm', { modality: 'CR', bitDepth: 10, photometricInterpretation: 'MONOCHROME1' }],
    ['real-radiographs/JPEG2KLossless_1s_1f_u_16_16.dcm', { modality: 'DX', bitDepth: 16, photometricInterpretation: 'MONOCHROME2' }],
  ])('%s metadata', async (name, expected) => {
    const frame = await (await openDicom(join(data.dir!, name))).readFrame(0);
    expect(frame.radiograph.meta).toMatchObject(expected);
    expect(frame.radiograph.meta.sopInstanceUid).toMatch(/^[0-9.]+$/);
  });
});
