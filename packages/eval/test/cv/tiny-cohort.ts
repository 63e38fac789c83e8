/**
 * A tiny labelled cohort for mechanics tests: 64×80 16-bit PNGs with a bright bar — horizontal
 * ("AFF", transverse) or steep ("NFF", oblique) — on a noisy background, one patient per two images,
 * with the two intervention clicks (bar centre and a point above it on the vertical "shaft").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, encodePng, loadManifest, type Manifest } from '@affnet/core';

export async function writeTinyCohort(dir: string, patients = 12, seed = 1): Promise<{ manifest: Manifest; file: string }> {
  const rng = createRng(seed);
  const rows = ['path,label,patientId,fx,fy,ax,ay'];
  const W = 64;
  const H = 80;
  for (let p = 0; p < patients; p++) {
    const label = p % 2 === 0 ? 'AFF' : 'NFF';
    for (let v = 0; v < 2; v++) {
      const data = new Float32Array(W * H);
      const cx = 28 + rng.int(8);
      const cy = 36 + rng.int(8);
      const slope = label === 'AFF' ? rng.uniform(-0.15, 0.15) : rng.uniform(1, 2) * (rng.next() < 0.5 ? -1 : 1);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const shaft = Math.abs(x - cx) < 7 ? 12000 : 0;
          const d = Math.abs(y - cy - slope * (x - cx)) / Math.sqrt(1 + slope * slope);
          const line = d < 2 && Math.abs(x - cx) < 12 ? 30000 : 0;
          data[y * W + x] = Math.min(65535, 8000 + shaft + line + rng.normal(0, 1500) ** 2 / 100);
        }
      }
      const name = `img-${p}-${v}.png`;
      writeFileSync(join(dir, name), await encodePng({ width: W, height: H, data }, { bitDepth: 16, range: [0, 65535] }));
      rows.push(`${name},${label},P${p},${cx},${cy},${cx},${cy - 20}`);
    }
  }
  const file = join(dir, 'manifest.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return { manifest: await loadManifest(file), file };
}
