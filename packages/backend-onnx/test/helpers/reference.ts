/**
 * A deliberately naive float64 forward pass of a core NetworkGraph in NHWC with Keras semantics
 * (TensorFlow 'SAME' padding puts the odd pixel at the bottom/right; padded cells are left out of
 * max and average pooling). The exporter's output is checked against it; it shares no code with
 * the exporter.
 */
import { inferShapes, type GraphNode, type NetworkGraph } from '@affnet/core';

export interface Tensor {
  shape: number[]; // without batch: [h, w, c] or [n]
  data: Float64Array;
}
type Weights = Map<string, { shape: number[]; data: Float32Array }>;

function samePad(n: number, k: number, s: number): number {
  const out = Math.ceil(n / s);
  return Math.floor(Math.max((out - 1) * s + k - n, 0) / 2);
}

function window(
  x: Tensor,
  k: [number, number],
  s: [number, number],
  padding: 'same' | 'valid',
  outC: number,
  cell: (acc: number[], y: number, xx: number, inside: boolean, o: number) => void,
  finish: (acc: number[], o: number) => number,
  init: () => number[],
): Tensor {
  const [h, w, c] = x.shape as [number, number, number];
  const oh = padding === 'same' ? Math.ceil(h / s[0]) : Math.floor((h - k[0]) / s[0]) + 1;
  const ow = padding === 'same' ? Math.ceil(w / s[1]) : Math.floor((w - k[1]) / s[1]) + 1;
  const pt = padding === 'same' ? samePad(h, k[0], s[0]) : 0;
  const pl = padding === 'same' ? samePad(w, k[1], s[1]) : 0;
  const out = new Float64Array(oh * ow * outC);
  for (let y = 0; y < oh; y++)
    for (let xx = 0; xx < ow; xx++)
      for (let o = 0; o < outC; o++) {
        const acc = init();
        for (let ky = 0; ky < k[0]; ky++)
          for (let kx = 0; kx < k[1]; kx++) {
            const iy = y * s[0] - pt + ky;
            const ix = xx * s[1] - pl + kx;
            cell(acc, iy, ix, iy >= 0 && iy < h && ix >= 0 && ix < w, o);
          }
        out[(y * ow + xx) * outC + o] = finish(acc, o);
      }
  void c;
  return { shape: [oh, ow, outC], data: out };
}

function act(fn: string, t: Tensor): Tensor {
  if (fn === 'relu') return { shape: t.shape, data: t.data.map((v) => Math.max(0, v)) };
  if (fn === 'softmax') {
    const c = t.shape.at(-1)!;
    const out = new Float64Array(t.data.length);
    for (let i = 0; i < t.data.length; i += c) {
      const row = t.data.subarray(i, i + c);
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < c; j++) out[i + j] = e[j]! / sum;
    }
    return { shape: t.shape, data: out };
  }
  return t;
}

function layer(node: GraphNode, get: (n: string) => Tensor, weights: Weights): Tensor {
  const W = (n: string) => weights.get(`${node.name}/${n}`)!.data;
  switch (node.op) {
    case 'input':
      throw new Error('input');
    case 'conv2d': {
      const x = get(node.input);
      const [h, w, c] = x.shape as [number, number, number];
      const K = W('kernel');
      const b = node.useBias ? W('bias') : undefined;
      const F = node.filters;
      const [kh, kw] = node.kernel;
      const [sh, sw] = node.strides;
      const same = node.padding === 'same';
      const oh = same ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1;
      const ow = same ? Math.ceil(w / sw) : Math.floor((w - kw) / sw) + 1;
      const pt = same ? samePad(h, kh, sh) : 0;
      const pl = same ? samePad(w, kw, sw) : 0;
      const out = new Float64Array(oh * ow * F);
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++)
          for (let o = 0; o < F; o++) {
            let acc = b ? b[o]! : 0;
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = y * sh - pt + ky;
                const ix = xx * sw - pl + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                for (let i = 0; i < c; i++) acc += x.data[(iy * w + ix) * c + i]! * K[((ky * kw + kx) * c + i) * F + o]!;
              }
            out[(y * ow + xx) * F + o] = acc;
          }
      return act(node.activation, { shape: [oh, ow, F], data: out });
    }
    case 'batchnorm': {
      const x = get(node.input);
      const c = x.shape.at(-1)!;
      const g = node.scale ? W('gamma') : undefined;
      const be = node.center ? W('beta') : undefined;
      const mu = W('moving_mean');
      const v = W('moving_variance');
      return {
        shape: x.shape,
        data: x.data.map((val, i) => {
          const j = i % c;
          return ((g ? g[j]! : 1) * (val - mu[j]!)) / Math.sqrt(v[j]! + node.epsilon) + (be ? be[j]! : 0);
        }),
      };
    }
    case 'activation':
      return act(node.fn, get(node.input));
    case 'maxpool':
    case 'avgpool': {
      const x = get(node.input);
      const [, w, c] = x.shape as [number, number, number];
      const max = node.op === 'maxpool';
      return window(
        x,
        node.pool,
        node.strides,
        node.padding,
        c,
        (acc, iy, ix, inside, o) => {
          if (!inside) return;
          const v = x.data[(iy * w + ix) * c + o]!;
          if (max) acc[0] = Math.max(acc[0]!, v);
          else {
            acc[0]! += v;
            acc[1]!++;
          }
        },
        (acc) => (max ? acc[0]! : acc[0]! / acc[1]!),
        () => (max ? [-Infinity] : [0, 0]),
      );
    }
    case 'zeropad': {
      const x = get(node.input);
      const [h, w, c] = x.shape as [number, number, number];
      const [[t, b], [l, r]] = node.pad;
      const oh = h + t + b,
        ow = w + l + r;
      const out = new Float64Array(oh * ow * c);
      for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let i = 0; i < c; i++) out[((y + t) * ow + xx + l) * c + i] = x.data[(y * w + xx) * c + i]!;
      return { shape: [oh, ow, c], data: out };
    }
    case 'add': {
      const xs = node.inputs.map(get);
      return { shape: xs[0]!.shape, data: xs[0]!.data.map((_, i) => xs.reduce((s, x) => s + x.data[i]!, 0)) };
    }
    case 'concat': {
      const xs = node.inputs.map(get);
      const [h, w] = xs[0]!.shape as [number, number];
      const C = xs.reduce((s, x) => s + x.shape[2]!, 0);
      const out = new Float64Array(h * w * C);
      for (let p = 0; p < h * w; p++) {
        let off = 0;
        for (const x of xs) {
          const c = x.shape[2]!;
          for (let i = 0; i < c; i++) out[p * C + off + i] = x.data[p * c + i]!;
          off += c;
        }
      }
      return { shape: [h, w, C], data: out };
    }
    case 'gap': {
      const x = get(node.input);
      const [h, w, c] = x.shape as [number, number, number];
      const out = new Float64Array(c);
      for (let p = 0; p < h * w; p++) for (let i = 0; i < c; i++) out[i]! += x.data[p * c + i]! / (h * w);
      return { shape: [c], data: out };
    }
    case 'dense': {
      const x = get(node.input);
      const K = W('kernel');
      const b = node.useBias ? W('bias') : undefined;
      const n = x.shape[0]!;
      const out = new Float64Array(node.units);
      for (let o = 0; o < node.units; o++) {
        let s = b ? b[o]! : 0;
        for (let i = 0; i < n; i++) s += x.data[i]! * K[i * node.units + o]!;
        out[o] = s;
      }
      return act(node.activation, { shape: [node.units], data: out });
    }
  }
}

/** Every layer's output for one image (NHWC, no batch axis). */
export function referenceForward(graph: NetworkGraph, weights: Weights, image: Float32Array): Map<string, Tensor> {
  const shapes = inferShapes(graph);
  const out = new Map<string, Tensor>();
  const first = graph.nodes[0]!;
  out.set(first.name, { shape: shapes.get(first.name)!, data: Float64Array.from(image) });
  for (const node of graph.nodes.slice(1)) {
    const t = layer(node, (n) => out.get(n)!, weights);
    if (t.shape.join() !== shapes.get(node.name)!.join()) throw new Error(`reference shape mismatch at ${node.name}`);
    out.set(node.name, t);
  }
  return out;
}
