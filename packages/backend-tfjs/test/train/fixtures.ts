/** Test fixtures: a small synthetic labelled-image source (stands in for core `preprocess` output). */
import type { ImageBatch, LabelledImages, SampleContext } from '@affnet/core';

export interface CountingSource extends LabelledImages<number> {
  /** Every load, as [index, epoch, draw, augment]. */
  calls: [number, number, number, boolean][];
}

/**
 * `n` images of side `size`, class `i % 2`: class 1 is bright on the left half, class 0 on the right,
 * with a per-image pattern. With `augment`, the source adds noise drawn from the context's seeded rng.
 */
export function syntheticSource(n: number, size: number, options: { flipLabels?: boolean; keyed?: boolean; order?: number[] } = {}): CountingSource {
  const calls: CountingSource['calls'] = [];
  const labels = Array.from({ length: n }, (_, i) => (options.flipLabels ? 1 - (i % 2) : i % 2));
  return {
    // `order` lists the same images in another order (sample = image number).
    samples: options.order ?? Array.from({ length: n }, (_, i) => i),
    labels: options.order ? options.order.map((i) => labels[i]!) : labels,
    calls,
    describe: (i) => `synthetic #${i}`,
    ...(options.keyed ? { key: (i: number) => `synthetic-${size}-${i}` } : {}),
    load(i: number, ctx: SampleContext): ImageBatch {
      calls.push([i, ctx.epoch, ctx.draw, ctx.augment]);
      const cls = i % 2;
      const data = new Float32Array(size * size * 3);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const left = x < size / 2;
          const v = (left === (cls === 1) ? 1 : -1) + 0.3 * Math.sin(0.7 * x + 1.3 * y + i);
          for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = v + (ctx.augment ? ctx.rng.normal(0, 0.1) : 0);
        }
      }
      return { data, shape: [1, size, size, 3] };
    },
  };
}

export function sameWeights(a: Map<string, { data: Float32Array }>, b: Map<string, { data: Float32Array }>): string[] {
  const differing: string[] = [];
  for (const [name, t] of a) {
    const u = b.get(name);
    if (!u || u.data.length !== t.data.length || u.data.some((v, i) => v !== t.data[i])) differing.push(name);
  }
  return differing;
}
