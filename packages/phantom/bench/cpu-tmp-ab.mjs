// A/B CPU per image, interleaved in one process: old = /tmp/old (HEAD), new = ../dist
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const N = Number(process.argv[2] ?? 6);
const impl = {};
for (const [k, base] of [['old', '/tmp/old/packages/phantom/dist'], ['new', '/work/main/packages/phantom/dist']]) {
  impl[k] = {
    ...(await import(`${base}/index.js`)),
    ...(await import(`${base}/cohort/write-image.js`)),
    ...(await import(`${base}/cohort/options.js`)),
    core: await import(`${base}/../node_modules/@affnet/core/dist/index.js`),
  };
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const o = impl.new.resolveCohortOptions({ out: '/tmp/x', patients: Math.ceil(N / 2) + 2, seed: 11, workers: 0 }, 2);
const jobs = impl.new.planCohort(o).slice(0, N + 1);
const out = mkdtempSync(join(tmpdir(), 'phab-'));
const t = { old: { f: 0, w: 0 }, new: { f: 0, w: 0 } };
let maxDiff = 0, mp = 0;
for (let j = 0; j < jobs.length; j++) {
  const job = jobs[j];
  const order = j % 2 ? ['old', 'new'] : ['new', 'old'];
  const stored = {};
  for (const k of order) {
    const m = impl[k];
    let c = cpu();
    const r = m.renderImage(job.patient, job.view, m.core.createRng(job.noiseSeed));
    const f = cpu() - c;
    stored[k] = r.stored;
    c = cpu();
    await m.writeImage(job, { out: join(out, k), png: true, dicom: true, pngCompression: 1 });
    const w = cpu() - c;
    if (j > 0) { t[k].f += f; t[k].w += w; }
  }
  if (j > 0) mp += stored.new.length / 1e6;
  for (let i = 0; i < stored.new.length; i++) maxDiff = Math.max(maxDiff, Math.abs(stored.new[i] - stored.old[i]));
}
for (const k of ['old', 'new']) console.log(`${k}: formation ${(t[k].f / N).toFixed(0)} ms, writeImage (formation+PNG+DICOM+truth) ${(t[k].w / N).toFixed(0)} ms CPU/image`);
console.log(`${N} images (after 1 warm-up), ${(mp / N).toFixed(2)} MP avg; max |new − old| stored value ${maxDiff}; ratio new/old writeImage ${(t.new.w / t.old.w).toFixed(3)}`);
rmSync(out, { recursive: true, force: true });
