/**
 * The grey-level pipeline against dcmtk's renderer (dcm2pnm, 16-bit PGM output): modality LUT, VOI
 * (windows, VOI LUT sequence, SIGMOID), MONOCHROME1 and Presentation LUT Shape. affnet's display values
 * (0..2^BitsStored−1, unrounded) scaled to 0..65535 must be within 1 of dcmtk's rounded output.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDicom, writeDicom, type DicomWriteMetadata, type VoiChoice } from '../../src/dicom/index.js';
import { requireDataDir } from '../../src/settings.js';
import { compare, decompress, readPgm, requireTools, tempDir } from './oracle.js';

const tools = requireTools(['dcm2pnm', 'dcmdjpeg', 'dcmdjpls', 'gdcmconv', 'dcmconv']);
const data = requireDataDir('dicom');

async function againstDcmtk(path: string, dir: string, args: string[], voi: VoiChoice) {
  const file = await openDicom(path);
  const native = file.transferSyntax.codec === 'native' ? path : decompress(path, file.transferSyntax.codec, join(dir, 'native.dcm'));
  execFileSync('dcm2pnm', [...args, '+opw', native, join(dir, 'out.pgm')], { stdio: 'ignore' });
  const ref = readPgm(join(dir, 'out.pgm'));
  const frame = await file.readFrame(0, voi);
  const k = 65535 / frame.info.outputRange[1];
  return {
    frame,
    diff: compare(
      Array.from(frame.radiograph.data, (v) => Math.round(v * k)),
      ref.data,
    ),
  };
}

// file, dcm2pnm VOI arguments, affnet VOI choice, allowed difference (of 65535), expected pipeline lines 4–6
const SHARED: Array<[string, string[], VoiChoice, number, string[]]> = [
  ['real-radiographs/RG3_J2KI.dcm', ['+Wi', '1'], 'auto', 1, ['modality LUT: none (identity)', 'VOI: window 1 of 1, center 550 width 1024 (LINEAR)', 'inverted: MONOCHROME1']],
  [
    'real-radiographs/JPEG2KLossless_1s_1f_u_16_16.dcm',
    ['+Wi', '1'],
    'auto',
    1,
    ['modality LUT: rescale slope 1 intercept 0 (US)', 'VOI: window 1 of 1, center 2725 width 5310 (LINEAR)', 'not inverted'],
  ],
  // A non-integer rescale slope: dcmtk renders through an integer intermediate table, so its output
  // differs from the exact linear function by up to 34/65535 (0.05 %) here.
  [
    'syntax/JPEGLossless_1s_1f_u_16_12.dcm',
    ['+Wi', '1'],
    'auto',
    40,
    ['modality LUT: rescale slope 3.77411 intercept 0.000061 (US)', 'VOI: window 1 of 1, center 1000 width 2000 (LINEAR)', 'not inverted'],
  ],
  ['syntax/CT_small.dcm', [], 'auto', 1, ['modality LUT: rescale slope 1 intercept -1024', 'VOI: none; modality range -33792..31743 mapped linearly', 'not inverted']],
  [
    'syntax/CT1_UNC.explicit_little_endian.dcm',
    ['+Ww', '40', '400'],
    { center: 40, width: 400 },
    1,
    ['modality LUT: rescale slope 1 intercept -1024', 'VOI: caller window, center 40 width 400 (LINEAR)', 'not inverted'],
  ],
  [
    'syntax/CT1_UNC.explicit_little_endian.dcm',
    ['+Ww', '40', '400', '+Wfs'],
    { center: 40, width: 400, fn: 'SIGMOID' },
    1,
    ['modality LUT: rescale slope 1 intercept -1024', 'VOI: caller window, center 40 width 400 (SIGMOID)', 'not inverted'],
  ],
  ['syntax/JLSL_16_15_1_1F.dcm', [], 'auto', 1, ['modality LUT: none (identity)', 'VOI: none; modality range -16384..16383 mapped linearly', 'not inverted']],
];

const W = 64;
const H = 48;
const ramp12 = Int32Array.from({ length: W * H }, (_, i) => Math.round((4095 * i) / (W * H - 1)));
const lutVr = { _vrMap: { LUTDescriptor: 'US', LUTData: 'US', LUTExplanation: 'LO', ModalityLUTType: 'LO' } };
const voiLut = Array.from({ length: 4096 }, (_, i) => Math.round(65535 * Math.sqrt(i / 4095)));

// name, photometric, metadata, dcm2pnm arguments, affnet VOI choice, inverted?
const GENERATED: Array<[string, 'MONOCHROME1' | 'MONOCHROME2', DicomWriteMetadata, string[], VoiChoice, boolean]> = [
  ['MONOCHROME1 + window', 'MONOCHROME1', { WindowCenter: 1500, WindowWidth: 2000 }, ['+Wi', '1'], 'auto', true],
  [
    'MONOCHROME1 + Presentation LUT Shape INVERSE (one inversion, as DX requires)',
    'MONOCHROME1',
    { WindowCenter: 2048, WindowWidth: 4096, PresentationLUTShape: 'INVERSE' },
    ['+Wi', '1'],
    'auto',
    true,
  ],
  ['MONOCHROME2 + Presentation LUT Shape INVERSE', 'MONOCHROME2', { WindowCenter: 2048, WindowWidth: 4096, PresentationLUTShape: 'INVERSE' }, ['+Wi', '1'], 'auto', true],
  ['second of two windows', 'MONOCHROME2', { WindowCenter: [1000, 3000], WindowWidth: [500, 1000] }, ['+Wi', '2'], 1, false],
  ['VOI LUT Function SIGMOID in the file', 'MONOCHROME2', { WindowCenter: 2000, WindowWidth: 1500, VOILUTFunction: 'SIGMOID' }, ['+Wi', '1'], 'auto', false],
  ['rescale slope/intercept + window', 'MONOCHROME2', { RescaleSlope: 2, RescaleIntercept: -1000, WindowCenter: 3000, WindowWidth: 4000 }, ['+Wi', '1'], 'auto', false],
  ['VOI LUT Sequence', 'MONOCHROME2', { extra: { VOILUTSequence: [{ LUTDescriptor: [4096, 0, 16], LUTData: voiLut, ...lutVr }] } }, ['+Wl', '1'], 'auto', false],
  ['Modality LUT Sequence', 'MONOCHROME2', { extra: { ModalityLUTSequence: [{ LUTDescriptor: [4096, 0, 16], ModalityLUTType: 'US', LUTData: voiLut, ...lutVr }] } }, [], 'auto', false],
];

describe.skipIf(tools !== undefined)('display pipeline against dcm2pnm', () => {
  const tmp = tempDir();
  afterAll(() => tmp.done());

  it.skipIf(data.skipReason !== undefined).each(SHARED)('%s %j', async (name, args, voi, tolerance, lines) => {
    const { frame, diff } = await againstDcmtk(join(data.dir!, name), tmp.dir, args, voi);
    expect(diff.maxDiff).toBeLessThanOrEqual(tolerance);
    expect(frame.radiograph.meta.pipeline!.slice(3, 6)).toEqual(lines);
  });

  it.each(GENERATED)('%s', async (_name, photometric, meta, args, voi, inverted) => {
    const path = join(tmp.dir, 'gen.dcm');
    writeFileSync(path, writeDicom({ width: W, height: H, pixels: ramp12, bitsStored: 12, signed: false, photometric }, meta));
    const { frame, diff } = await againstDcmtk(path, tmp.dir, args, voi);
    expect(diff.maxDiff).toBeLessThanOrEqual(1);
    expect(frame.info.inverted).toBe(inverted);
    // Bone bright: the largest stored value (the last pixel) displays bright unless the file says it is dark.
    const last = frame.radiograph.data[W * H - 1]!;
    expect(last > 2047).toBe(!inverted);
  });
});
