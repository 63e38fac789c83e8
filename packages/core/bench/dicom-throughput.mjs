#!/usr/bin/env node
/**
 * DICOM ingest throughput: decode (codec + grey-level pipeline) + automated pathway on the shared real
 * radiographs, @affnet/core (decodeDicom + preprocess) next to pydicom + gdcm + OpenCV
 * (bench/dicom_baseline.py) on the same files, in one run.
 *
 * Run from the repository root (after `pnpm --filter @affnet/core build`):
 *   node packages/core/bench/dicom-throughput.mjs [--rounds 3] [--size 256] [--python /usr/bin/python3]
 * Data: AFFNET_DATA_DIR (default ../shared/data), folder dicom/real-radiographs. Needs Debian's
 * python3-pydicom, python3-gdcm and python3-opencv for the baseline (/usr/bin/python3, not a pyenv one).
 * 966.dcm is timed for affnet only: gdcm (hence pydicom's handler) refuses its codestream (a stray
 * COM segment after the last tile-part), which affnet repairs. Rounds of node and python alternate so
 * both see the same load; figures are medians of rounds; compare figures from the same run only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataDir, decodeDicom, preprocess } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    size: { type: 'string', default: '256' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const rounds = Number(args.rounds);
const size = Number(args.size);
const base = dataDir();
if (!base || !existsSync(join(base, 'dicom', 'real-radiographs'))) {
  console.error('dicom-throughput: shared data not found (set AFFNET_DATA_DIR)');
  process.exit(2);
}
const dir = join(base, 'dicom', 'real-radiographs');
// JPEG2KLossless_1s_1f_u_16_16.dcm is left out: its only window (2725/5310) lies below all its stored
// values (32744..65535), so the displayed image is uniform (dcmtk agrees) and preprocess refuses it.
const shared = ['RG2_JPLL.dcm', 'RG2_JLSN.dcm', 'RG2_JPLY.dcm', 'RG3_J2KI.dcm'].map((f) => join(dir, f));
const spec = { pathway: 'automated', inputSize: size, normalisation: 'zscore' };

async function affnetRound(files) {
  const t = performance.now();
  const c = process.cpuUsage();
  for (const f of files) preprocess((await decodeDicom(f)).radiograph, spec);
  const cpu = process.cpuUsage(c);
  return { seconds: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6, images: files.length };
}

function pythonRound(files) {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'dicom_baseline.py');
  const r = spawnSync(args.python, [script, '--size', String(size), '--rounds', '1', ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python baseline failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await affnetRound(shared.slice(0, 1)); // warm the WebAssembly codecs once, outside the timing
const node = [];
const py = [];
for (let i = 0; i < rounds; i++) {
  node.push(await affnetRound(shared));
  py.push(pythonRound(shared));
}
const j966 = await affnetRound([join(dir, '966.dcm')]);
const ips = (rs) => median(rs.map((r) => r.images / r.seconds));
const cpuPer = (rs) => median(rs.map((r) => (1000 * r.cpu) / r.images));
const a = ips(node);
const b = ips(py);
console.log(`files: ${shared.length} real radiographs (${shared.map((f) => f.split('/').pop()).join(', ')}), ${rounds} rounds, input ${size}x${size}`);
console.log(`affnet (decodeDicom + preprocess):        ${a.toFixed(2)} images/s, ${cpuPer(node).toFixed(0)} CPU ms/image`);
console.log(`pydicom + gdcm + OpenCV (same steps):      ${b.toFixed(2)} images/s, ${cpuPer(py).toFixed(0)} CPU ms/image`);
console.log(`ratio affnet / python: ${(a / b).toFixed(2)} (images/s)`);
console.log(`966.dcm (affnet only; gdcm cannot decode it): ${(1 / j966.seconds).toFixed(2)} images/s`);
console.log(
  `machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
