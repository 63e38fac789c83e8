/**
 * Bounded fuzzing: the small shared files (one per codec) and a generated native file are mutated —
 * truncated, bytes flipped, length-like fields overwritten, runs zeroed — 360 times from a fixed seed,
 * within 60 s. Every outcome must be a decoded image of the declared size with finite values, or a
 * typed AffnetError naming the file. A crash, a hang (the test timeout) or another exception fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AffnetError } from '../../src/errors.js';
import { openDicom, writeDicom } from '../../src/dicom/index.js';
import { requireDataDir } from '../../src/settings.js';
import { prng } from './bytes.js';

const data = requireDataDir('dicom');
const SMALL = [
  'syntax/JPEGBaseline_1s_1f_u_08_08.dcm',
  'syntax/JPEGExtended_1s_1f_u_16_12.dcm',
  'syntax/JLSL_08_07_0_1F.dcm',
  'syntax/image_dfl.dcm',
  'syntax/CT_small.dcm',
  'syntax/emri_small_jpeg_2k_lossless.dcm',
  'syntax/emri_small_jpeg_ls_lossless.dcm',
];
const MUTATIONS = 360;
const BUDGET_MS = 60_000;

function mutate(src: Uint8Array, rnd: () => number): { bytes: Uint8Array; how: string } {
  const pick = (n: number) => Math.floor(rnd() * n);
  const kind = pick(4);
  if (kind === 0) {
    const at = pick(src.length);
    return { bytes: src.slice(0, at), how: `truncate at ${at}` };
  }
  const out = src.slice();
  if (kind === 1) {
    const n = 1 + pick(8);
    for (let i = 0; i < n; i++) out[pick(out.length)] = pick(256);
    return { bytes: out, how: `${n} random bytes` };
  }
  if (kind === 2) {
    const at = pick(out.length - 4);
    const v = [0xffffffff, 0x7fffffff, 0x10000, 0, pick(0xffff)][pick(5)]!;
    new DataView(out.buffer).setUint32(at, v, true);
    return { bytes: out, how: `uint32 ${v} at ${at}` };
  }
  const at = pick(out.length);
  const n = 1 + pick(64);
  out.fill(0, at, at + n);
  return { bytes: out, how: `zero ${n} at ${at}` };
}

it.skipIf(data.skipReason !== undefined)(
  'mutated files decode or fail with a typed error',
  async () => {
    const corpus: Array<[string, Uint8Array]> = SMALL.map((f) => [f, new Uint8Array(readFileSync(join(data.dir!, f)))]);
    const gen = writeDicom({ width: 20, height: 10, pixels: Int32Array.from({ length: 200 }, (_, i) => i), bitsStored: 12, signed: false, frames: 1 });
    corpus.push(['generated.dcm', gen]);
    const rnd = prng(20260517);
    const start = Date.now();
    const outcomes = { decoded: 0, typedError: 0 };
    let done = 0;
    for (; done < MUTATIONS && Date.now() - start < BUDGET_MS; done++) {
      const [name, src] = corpus[done % corpus.length]!;
      const { bytes, how } = mutate(src, rnd);
      const label = `${name} [${how}]`;
      try {
        const file = await openDicom(bytes, { source: label });
        const frame = await file.readFrame(file.frameCount - 1);
        const { width, height, data: px } = frame.radiograph;
        expect(px.length, label).toBe(width * height);
        expect(px.every(Number.isFinite), label).toBe(true);
        outcomes.decoded++;
      } catch (e) {
        if (!(e instanceof AffnetError)) throw new Error(`${label}: untyped ${e instanceof Error ? e.stack : String(e)}`);
        expect(e.file, label).toBe(label);
        outcomes.typedError++;
      }
    }
    console.log(`fuzz: ${done} mutations in ${Date.now() - start} ms: ${outcomes.decoded} decoded, ${outcomes.typedError} typed errors`);
    expect(done).toBeGreaterThanOrEqual(100);
    expect(outcomes.decoded + outcomes.typedError).toBe(done);
  },
  120_000,
);
