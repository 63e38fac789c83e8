/** `affnet phantom` on a tiny cohort: files, manifest, --json, determinism and option errors. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest } from '@affnet/core';
import { runCli } from '../src/program.js';
import { captureOutput, io } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'affnet-phantom-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

captureOutput();

const tiny = (target: string, seed = '5') => ['phantom', '--out', target, '--patients', '3', '--seed', seed, '--difficulty', '0.2', '--images', '2', '--height', '240,260', '--workers', '0'];

describe('affnet phantom', () => {
  it('writes a cohort and a manifest that loads, and says so in text', async () => {
    const target = join(dir, 'a');
    expect(await runCli(tiny(target))).toBe(0);
    expect(io.out).toContain(`phantom cohort in ${target}`);
    expect(io.out).toContain('images: 6 written');
    expect(io.out).toContain(', 0 failed');
    expect(io.err).toContain('phantom: 6/6');
    const m = await loadManifest(join(target, 'manifest.csv'), { checkFiles: true });
    expect(m.items).toHaveLength(6);
    expect(m.patientIdsKnown).toBe(true);
    expect(new Set(m.items.map((i) => i.patientId))).toEqual(new Set(['PH0001', 'PH0002', 'PH0003']));
    expect(m.items.map((i) => i.view)).toEqual(['AP', 'LAT', 'AP', 'LAT', 'AP', 'LAT']);
    expect(readdirSync(join(target, 'dicom', 'PH0001'))).toEqual(['PH0001-1-AP.dcm', 'PH0001-2-LAT.dcm']);
  });

  it('--json prints the summary, and the same seed gives the same files', async () => {
    const target = join(dir, 'b');
    expect(await runCli([...tiny(target), '--json', '--no-dicom'])).toBe(0);
    const doc = JSON.parse(io.out);
    expect(doc.images).toEqual({ AFF: doc.images.AFF, NFF: doc.images.NFF, written: 6, failed: 0 });
    expect(doc.patients.AFF + doc.patients.NFF).toBe(3);
    expect(doc.dicomManifest).toBeUndefined();
    expect(readdirSync(target).sort()).toEqual(['cohort.json', 'manifest.csv', 'png', 'truth']);
    const png = 'png/PH0002/PH0002-1-AP.png';
    expect(readFileSync(join(target, png))).toEqual(readFileSync(join(dir, 'a', png)));
  });

  it.each([
    [['--patients', 'x'], 2, '--patients: "x" is not an integer'],
    [['--difficulty', '1.5'], 2, 'difficulty: expected a number in [0, 1], got 1.5'],
    [['--height', '300,200'], 2, 'height: min 300 is above max 200'],
    [['--no-png', '--no-dicom'], 2, 'png/dicom: at least one of PNG and DICOM output is needed'],
  ])('rejects %j with exit %i', async (extra, code, message) => {
    expect(await runCli([...tiny(join(dir, 'bad')), ...extra])).toBe(code);
    expect(io.err).toContain(message);
  });
});
