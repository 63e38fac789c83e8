/** A truncated file is left out by default, and read with a note that reaches the results when the caller accepts it. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRadiograph } from '@affnet/core';
import { pathwaySpec, prepareImages, setWarnings, specKey } from '../../src/cv/dataset.js';
import { writeTinyCohort } from './tiny-cohort.js';

describe('prepareImages and truncated files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-truncated-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the file out by default; with a reader that accepts truncation keeps it and notes why', async () => {
    const { manifest } = await writeTinyCohort(dir, 2);
    const victim = manifest.items[1]!;
    const bytes = readFileSync(victim.path);
    writeFileSync(victim.path, bytes.subarray(0, bytes.length - 16)); // IEND and the last IDAT checksum gone
    const spec = pathwaySpec('automated', 32);
    const strict = (await prepareImages(manifest, [spec])).get(specKey(spec))!;
    expect(strict.images[1]).toBeUndefined();
    expect(strict.failures).toEqual([expect.objectContaining({ index: 1, id: victim.pathAsWritten, reason: expect.stringMatching(/E_IMAGE_DECODE.*truncated/) })]);
    expect(strict.warnings).toEqual([]);
    expect(setWarnings(strict)).toEqual([{ kind: 'left-out', file: victim.pathAsWritten, detail: expect.stringMatching(/^\[E_IMAGE_DECODE\] .*truncated/) }]);
    // The record holds what happened, not the library's remedy.
    expect(setWarnings(strict)[0]!.detail).not.toContain("pass { truncated: 'accept' }");
    const lenient = (await prepareImages(manifest, [spec], { read: (p) => readRadiograph(p, { truncated: 'accept' }) })).get(specKey(spec))!;
    expect(lenient.images[1]).toBeDefined();
    expect(lenient.failures).toEqual([]);
    expect(lenient.warnings).toEqual([{ index: 1, warning: { kind: 'truncated-read', file: victim.pathAsWritten, detail: expect.stringMatching(/^truncated PNG decoded \(truncated: 'accept'\)/) } }]);
    expect(setWarnings(lenient)).toEqual([lenient.warnings[0]!.warning]);
  });
});
