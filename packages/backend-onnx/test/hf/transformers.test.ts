import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle } from '@affnet/core';
import { HF_MODEL_FILES, writeHfFolder } from '../../src/hf/folder.js';
import { createTransformersBackend } from '../../src/hf/transformers-backend.js';
import { createOnnxBackend } from '../../src/runtime/onnx-backend.js';
import { randomBundle } from '../helpers/bundle.js';
import { maxAbsDiff } from '../helpers/ort.js';
import { randomImages } from '../helpers/random.js';

const SIZE = 32;
let bundle: ModelBundle;
const dir = mkdtempSync(join(tmpdir(), 'affnet-hf-'));
beforeAll(async () => {
  bundle = await randomBundle('resnet18', SIZE, 31, ['AFF', 'NFF']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The grey plane of each image of a z-scored NHWC batch, mapped affinely to [0, 255] and rounded. */
function toUint8(batch: Float32Array, n: number): Uint8Array[] {
  const px = SIZE * SIZE;
  return Array.from({ length: n }, (_, b) => {
    const g = Float32Array.from({ length: px }, (_, i) => batch[(b * px + i) * 3]!);
    const lo = Math.min(...g);
    const hi = Math.max(...g);
    return Uint8Array.from(g, (v) => Math.round(((v - lo) / (hi - lo)) * 255));
  });
}

/** Core's per-image z-score of a grey plane, replicated to NHWC. */
function zscore(planes: Uint8Array[]): Float32Array {
  const px = SIZE * SIZE;
  const out = new Float32Array(planes.length * px * 3);
  planes.forEach((p, b) => {
    const mean = p.reduce((a, v) => a + v, 0) / px;
    const sd = Math.sqrt(p.reduce((a, v) => a + (v - mean) ** 2, 0) / px);
    for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) out[(b * px + i) * 3 + c] = (p[i]! - mean) / sd;
  });
  return out;
}

describe('Hugging Face folder', () => {
  it('writes config.json with labels, an identity preprocessor and onnx/model.onnx', async () => {
    const folder = join(dir, 'written');
    const files = await writeHfFolder(bundle, folder);
    expect(files).toEqual(['onnx/model.onnx', 'config.json', 'preprocessor_config.json']);
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'resnet', num_labels: 2, id2label: { 0: 'AFF', 1: 'NFF' }, label2id: { AFF: 0, NFF: 1 }, affnet: { architecture: 'resnet18', inputSize: 32 } });
    const pre = JSON.parse(readFileSync(join(folder, 'preprocessor_config.json'), 'utf8'));
    expect(pre).toMatchObject({ do_resize: false, do_rescale: false, do_normalize: false, image_mean: [0, 0, 0], image_std: [1, 1, 1] });
    expect(HF_MODEL_FILES.fp16).toBe('onnx/model_fp16.onnx');
  });
});

describe('transformers.js image-classification pipeline agrees with the ONNX Runtime backend', () => {
  const n = 6;
  const images = randomImages(n, SIZE, 41);

  it('on core-preprocessed (z-scored) batches: |Δp| ≤ 1e-5, same labels', async () => {
    const hf = await createTransformersBackend().load(bundle, { folder: join(dir, 'pipeline') });
    const ort = await createOnnxBackend({ cacheDir: false }).load(bundle);
    const x = { data: images, shape: [n, SIZE, SIZE, 3] as [number, number, number, number] };
    const [a, b] = [await hf.forward(x), await ort.forward(x)];
    expect(hf.runtime).toMatchObject({ backend: 'transformers', engine: 'cpu', precision: 'fp32' });
    const label = (p: Float32Array) => Array.from({ length: n }, (_, i) => (p[2 * i]! >= p[2 * i + 1]! ? 0 : 1));
    expect(maxAbsDiff(a.probabilities, b.probabilities)).toBeLessThan(1e-5);
    expect(label(a.probabilities)).toEqual(label(b.probabilities));
    console.log(`transformers.js vs onnx: max |Δp| ${maxAbsDiff(a.probabilities, b.probabilities)}`);
    await expect(hf.forward(x, { features: true })).rejects.toThrowError(/class scores only; use the 'onnx' backend/);
    await Promise.all([hf.dispose(), ort.dispose()]);
  });

  it('on PNG files of the padded / resized image (uint8 grey): the in-graph z-score matches core', async () => {
    const { pipeline, RawImage, env } = await import('@huggingface/transformers');
    const folder = join(dir, 'png');
    await writeHfFolder(bundle, folder);
    const planes = toUint8(images, n);
    const files = await Promise.all(
      planes.map(async (p, b) => {
        const file = join(dir, `image-${b}.png`);
        await new RawImage(Uint8ClampedArray.from(p), SIZE, SIZE, 1).save(file);
        return file;
      }),
    );
    env.allowRemoteModels = false;
    env.localModelPath = dir;
    const classify = await pipeline('image-classification', 'png', { local_files_only: true, dtype: 'fp32' });
    const results = (await classify(files, { top_k: null })) as { label: string; score: number }[][];
    const viaPipeline = Float32Array.from(results.flatMap((r) => ['AFF', 'NFF'].map((l) => r.find((s) => s.label === l)!.score)));
    const ort = await createOnnxBackend({ cacheDir: false }).load(bundle);
    const viaCore = await ort.forward({ data: zscore(planes), shape: [n, SIZE, SIZE, 3] });
    expect(maxAbsDiff(viaPipeline, viaCore.probabilities)).toBeLessThan(1e-5);
    console.log(`transformers.js on PNGs vs onnx on core's z-score: max |Δp| ${maxAbsDiff(viaPipeline, viaCore.probabilities)}`);
    await ort.dispose();
    await (classify as unknown as { dispose(): Promise<void> }).dispose();
  });
});
