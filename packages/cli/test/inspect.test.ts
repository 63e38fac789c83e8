/** `affnet inspect` on generated DICOM files: text, --json, --frame, --png, and typed failures. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRadiograph, writeDicom } from '@affnet/core';
import { runCli } from '../src/program.js';
import { captureOutput, io } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'affnet-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two frames of 4x3, 12-bit MONOCHROME1 with a window: frame 1 is frame 0 + 100.
const frame0 = Array.from({ length: 12 }, (_, i) => i * 300);
const file = join(dir, 'two-frames.dcm');
writeFileSync(
  file,
  writeDicom(
    { width: 4, height: 3, pixels: [...frame0, ...frame0.map((v) => v + 100)], bitsStored: 12, signed: false, photometric: 'MONOCHROME1', frames: 2 },
    { PatientID: 'SECRET-42', Modality: 'DX', ViewPosition: 'AP', Laterality: 'R', PixelSpacing: [0.1, 0.1], WindowCenter: 2048, WindowWidth: 4096 },
  ),
);

captureOutput();

describe('affnet inspect', () => {
  it('prints metadata, the pipeline and statistics, hiding the patient id', async () => {
    expect(await runCli(['inspect', file])).toBe(0);
    expect(io.out).toContain('format: dicom (part10), frame 0 of 2 (0-based)');
    expect(io.out).toContain('size: 4 x 3');
    expect(io.out).toContain('modality: DX  body part: -  view: AP  laterality: R');
    expect(io.out).toContain('pixel spacing: 0.1 x 0.1 mm (PixelSpacing)');
    expect(io.out).toContain('patient id: (present, hidden; --show-patient-id prints it)');
    expect(io.out).toContain('  VOI: window 1 of 1, center 2048 width 4096 (LINEAR)');
    expect(io.out).toContain('  inverted: MONOCHROME1');
    expect(io.out).toContain('  frame 0 of 2 (0-based)');
    expect(io.out).toContain('  stored    0 / 3300 / 1650 / 1035.62');
    expect(io.out).not.toContain('SECRET-42');
  });

  it('--json --frame 1 gives the structured record of frame 1', async () => {
    expect(await runCli(['inspect', file, '--json', '--frame', '1'])).toBe(0);
    const doc = JSON.parse(io.out);
    expect(doc.info.frames).toEqual({ count: 2, index: 1 });
    expect(doc.info.transferSyntax).toEqual({ uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', lossy: false, encapsulated: false });
    expect(doc.info.inverted).toBe(true);
    expect(doc.statistics.stored).toEqual({ min: 100, max: 3400, mean: 1750, sd: 1035.62 });
    expect(doc.metadata.patientIdPresent).toBe(true);
    expect(doc.metadata.patientId).toBeUndefined();
  });

  it('--png writes the displayed image as a 16-bit PNG (MONOCHROME1 inverted: stored 0 is white)', async () => {
    const png = join(dir, 'out.png');
    expect(await runCli(['inspect', file, '--png', png, '--voi', 'none'])).toBe(0);
    const back = await readRadiograph(new Uint8Array(readFileSync(png)), { source: png });
    expect([back.width, back.height, back.meta.bitDepth]).toEqual([4, 3, 16]);
    const px = back.data;
    // No VOI: stored 0..4095 → display 4095..0 (inverted) → PNG 65535..0; stored 300 → (4095 − 300) · 65535/4095.
    expect([px[0], px[1], px[11]]).toEqual([65535, Math.round((3795 * 65535) / 4095), Math.round((795 * 65535) / 4095)]);
    expect(io.out).toContain(`png: ${png} (16-bit; display range 0..4095 scaled to 0..65535)`);
  });

  it.each([
    [['inspect', join(dir, 'missing.dcm')], 2, 'E_FILE_NOT_FOUND'],
    [['inspect', file, '--frame', '2'], 2, 'E_OPTION_INVALID'],
    [['inspect', file, '--frame', 'x'], 2, '--frame: expected a whole number'],
    [['inspect', file, '--voi', 'bright'], 2, '--voi: "bright" is not one of'],
  ])('%j exits %i with %s', async (argv, code, message) => {
    expect(await runCli(argv)).toBe(code);
    expect(io.err).toContain(message);
  });
});
