// Oracle: the automated pathway against the same steps in Python/OpenCV (bench/pathway_baseline.py:
// cv2.imread, border median, copyMakeBorder, INTER_AREA resize, z-score). Needs Debian's
// python3-opencv (/usr/bin/python3); skipped with a reason when absent, required in CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRaster, preprocess } from '../../src/index.js';

const python = process.env.AFFNET_PYTHON ?? '/usr/bin/python3';
const script = fileURLToPath(new URL('../../bench/pathway_baseline.py', import.meta.url));
const probe = spawnSync(python, ['-c', 'import cv2'], { encoding: 'utf8' });
const skipReason = probe.status === 0 ? undefined : `${python} with cv2 not available (apt-get install python3-opencv)`;
if (skipReason && process.env.CI === 'true') throw new Error(`CI run without required tool: ${skipReason}`);
if (skipReason) console.warn(`OpenCV oracle skipped: ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), 'affnet-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skipReason !== undefined)('automated pathway vs OpenCV', () => {
  it.each([
    // tall 16-bit (pad left/right, shrink 9.5×), wide 8-bit (pad top/bottom, non-integer 3.28×).
    // Shrinking only: when enlarging, INTER_AREA switches to its own piecewise-linear weights and
    // replicates edges, whereas affnet is bilinear with the background beyond the edge (hand-checked
    // values in test/geometry/resample.test.ts).
    { name: 'tall 16-bit', w: 211, h: 608, bits: 16, n: 64 },
    { name: 'wide 8-bit', w: 420, h: 250, bits: 8, n: 128 },
  ])('$name $w×$h → $n: same z-scores within 1e-4', async ({ name, w, h, bits, n }) => {
    const px = bits === 16 ? new Uint16Array(w * h) : new Uint8Array(w * h);
    const top = bits === 16 ? 65535 : 255;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const bone = Math.abs(x - w / 2) < w / 8 ? 0.4 : 0;
        px[y * w + x] = Math.round(top * Math.min(1, 0.1 + bone + 0.3 * Math.sin(x / 7) ** 2 + ((x * 31 + y * 17) % 23) / 100));
      }
    }
    const file = join(dir, `${name.replace(/\W+/g, '-')}.png`);
    const img = sharp(px, { raw: { width: w, height: h, channels: 1 } });
    writeFileSync(file, await (bits === 16 ? img.toColourspace('grey16') : img).png().toBuffer());
    const dump = join(dir, 'out.f32');
    const py = spawnSync(python, [script, '--size', String(n), '--rounds', '1', '--dump', dump, file], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const theirs = new Float32Array(readFileSync(dump).buffer.slice(0));
    const ours = preprocess(await decodeRaster(file), { pathway: 'automated', inputSize: n, normalisation: 'zscore' }).data;
    expect(theirs.length).toBe(ours.length);
    let maxDiff = 0;
    for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - theirs[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
