import sharp from 'sharp';
import { buildNetwork, createBundleManifest, initWeights, type LoadedModel, type ModelBundle, type PathwayName } from '@affnet/core';
import { createOnnxBackend } from '@affnet/backend-onnx';

/** A small random-weight bundle (ResNet18 at 64 px): fast enough for hundreds of requests. */
export function tinyBundle(pathway: PathwayName = 'automated', seed = 3): ModelBundle {
  const graph = buildNetwork('resnet18', { inputSize: 64 });
  const manifest = createBundleManifest({ architecture: 'resnet18', inputSize: 64, tool: 'serve test', seed, pathway });
  return { manifest, weights: initWeights(graph, seed) };
}

export async function loadTiny(pathway: PathwayName = 'automated', seed = 3): Promise<LoadedModel> {
  return createOnnxBackend().load(tinyBundle(pathway, seed), { engines: ['cpu'], threads: 1 });
}

/** The same model with every forward pass `ms` slower (to hold requests in flight). */
export function slowed(model: LoadedModel, ms: number): LoadedModel & { passes: number[] } {
  const passes: number[] = [];
  return {
    get runtime() {
      return model.runtime;
    },
    get bundle() {
      return model.bundle;
    },
    passes,
    async forward(batch, options) {
      passes.push(batch.shape[0]);
      await new Promise((r) => setTimeout(r, ms));
      return model.forward(batch, options);
    },
    dispose: () => model.dispose(),
  };
}

/** A grey PNG with a bright vertical "shaft"; `k` varies the texture. */
export async function png(k = 0, w = 90, h = 120): Promise<Buffer> {
  const px = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.abs(x - 45 - (k % 7)) < 8 ? 220 : 40 + ((x * (7 + k) + y * 3) % 30);
  return sharp(px, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}
