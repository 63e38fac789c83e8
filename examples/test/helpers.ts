import sharp from 'sharp';
import { buildNetwork, createBundleManifest, initWeights, type ModelBundle } from '@affnet/core';

export function tinyBundle(seed = 3): ModelBundle {
  const graph = buildNetwork('resnet18', { inputSize: 64 });
  const manifest = createBundleManifest({ architecture: 'resnet18', inputSize: 64, tool: 'examples test', seed });
  return { manifest, weights: initWeights(graph, seed) };
}

export async function png(k = 0): Promise<Buffer> {
  const w = 90;
  const h = 120;
  const px = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.abs(x - 45 - k) < 8 ? 220 : 40 + ((x * (7 + k) + y * 3) % 30);
  return sharp(px, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}
