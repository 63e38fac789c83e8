/**
 * Internal: writes the ONNX nodes of one layer of a {@link NetworkGraph}. Inside the graph every
 * feature map is NCHW (ONNX Conv / pooling layout); flat tensors are [N, C].
 */
import { AffnetError, type GraphNode, type NetworkGraph, type ShapeMap } from '@affnet/core';
import { DataType } from '../proto/onnx.js';
import { onnxPads2d } from './padding.js';
import type { ExportPlan } from './plan.js';
import { convKernelToOihw, foldBatchNorm, getWeight, type WeightMap } from './weights.js';
import type { OnnxGraphWriter } from './writer.js';

export interface EmitContext {
  graph: NetworkGraph;
  plan: ExportPlan;
  shapes: ShapeMap;
  weights: WeightMap;
  writer: OnnxGraphWriter;
  /** layer name → ONNX tensor holding its output */
  tensors: Map<string, string>;
  /** layer name → ONNX tensor of its pre-activation output (dense / conv with an activation) */
  preActivation: Map<string, string>;
  byName: Map<string, GraphNode>;
}

const tensorOf = (ctx: EmitContext, layer: string): string => {
  const t = ctx.tensors.get(layer);
  if (!t) throw new Error(`internal: layer "${layer}" used before it was written`);
  return t;
};

/** Input tensor and extra [top, left, bottom, right] pads when the input is a folded zero pad. */
function paddedInput(ctx: EmitContext, input: string): { tensor: string; extra: [number, number, number, number]; signed: boolean } {
  const src = ctx.byName.get(input);
  if (src?.op === 'zeropad' && ctx.plan.foldedPads.has(input)) {
    const [[t, b], [l, r]] = src.pad;
    return { tensor: tensorOf(ctx, src.input), extra: [t, l, b, r], signed: !ctx.plan.nonNegative.has(src.input) };
  }
  return { tensor: tensorOf(ctx, input), extra: [0, 0, 0, 0], signed: false };
}

/**
 * For max pooling over a folded zero pad: 0 where the window holds a zero-pad cell, −FLT_MAX elsewhere
 * (layout [1, 1, oh, ow]); `undefined` when no window needs it. `hw` is the zero-padded input size,
 * `extra` the zero pad [t, l, b, r], `own` the pooling's own (−∞) pads.
 */
function zeroPadMask(hw: [number, number], extra: number[], own: number[], pool: [number, number], strides: [number, number], outHW: [number, number], signed: boolean): Float32Array | undefined {
  const [H, W] = hw;
  const [t, l, b, r] = extra as [number, number, number, number];
  const isZero = (y: number, x: number) => y < t || y >= H - b || x < l || x >= W - r;
  const mask = new Float32Array(outHW[0] * outHW[1]);
  let needed = false;
  for (let oy = 0; oy < outHW[0]; oy++)
    for (let ox = 0; ox < outHW[1]; ox++) {
      let zero = false;
      let real = false;
      for (let ky = 0; ky < pool[0]; ky++)
        for (let kx = 0; kx < pool[1]; kx++) {
          const y = oy * strides[0] - own[0]! + ky;
          const x = ox * strides[1] - own[1]! + kx;
          if (y < 0 || y >= H || x < 0 || x >= W) continue;
          if (isZero(y, x)) zero = true;
          else real = true;
        }
      // with a non-negative map, a window that also holds a real value needs no mask
      const m = zero && (signed || !real);
      mask[oy * outHW[1] + ox] = m ? 0 : -3.4028234663852886e38;
      needed ||= m;
    }
  return needed ? mask : undefined;
}

function hw(ctx: EmitContext, layer: string): [number, number] {
  const s = ctx.shapes.get(layer)!;
  return [s[0]!, s[1]!];
}

function activation(ctx: EmitContext, node: GraphNode, fn: 'linear' | 'relu' | 'softmax', x: string, output = `${node.name}/${fn}`): string {
  const w = ctx.writer;
  if (fn === 'linear') return x;
  ctx.preActivation.set(node.name, x);
  if (fn === 'relu') return w.node1('Relu', [x], output);
  // Keras softmax is over the last axis: channels (axis 1 in NCHW, axis 1 of [N, C]).
  return w.node1('Softmax', [x], output, { axis: 1 });
}

export function emitLayer(ctx: EmitContext, node: GraphNode): void {
  const w = ctx.writer;
  let out: string;
  switch (node.op) {
    case 'input':
      throw new Error('internal: the input is written by the exporter');
    case 'conv2d': {
      const { tensor: x, extra } = paddedInput(ctx, node.input);
      const cin = ctx.shapes.get(node.input)![2]!;
      const [kh, kw] = node.kernel;
      let wt = convKernelToOihw(getWeight(ctx.weights, node.name, 'kernel'), kh, kw, cin, node.filters);
      let bias = node.useBias ? getWeight(ctx.weights, node.name, 'bias') : undefined;
      const bnName = ctx.plan.convBn.get(node.name);
      if (bnName) {
        const bn = ctx.byName.get(bnName)!;
        if (bn.op !== 'batchnorm') throw new Error('internal: folded layer is not a batch norm');
        const folded = foldBatchNorm(
          wt,
          bias,
          {
            gamma: bn.scale ? getWeight(ctx.weights, bn.name, 'gamma') : undefined,
            beta: bn.center ? getWeight(ctx.weights, bn.name, 'beta') : undefined,
            mean: getWeight(ctx.weights, bn.name, 'moving_mean'),
            variance: getWeight(ctx.weights, bn.name, 'moving_variance'),
            epsilon: bn.epsilon,
          },
          node.filters,
        );
        wt = folded.w;
        bias = folded.b;
      }
      const pads = onnxPads2d(hw(ctx, node.input), node.kernel, node.strides, node.padding).map((p, i) => p + extra[i]!);
      const inputs = [x, w.initializer(`${node.name}/W`, DataType.FLOAT, [node.filters, cin, kh, kw], wt)];
      if (bias) inputs.push(w.initializer(`${node.name}/B`, DataType.FLOAT, [node.filters], bias));
      const conv = w.node1('Conv', inputs, bnName ? `${node.name}+${bnName}` : node.name, {
        kernel_shape: [kh, kw],
        strides: [...node.strides],
        pads,
        dilations: [1, 1],
        group: 1,
      });
      out = activation(ctx, node, node.activation, conv);
      if (bnName) ctx.tensors.set(bnName, out);
      break;
    }
    case 'batchnorm': {
      if (ctx.plan.bnIntoConv.has(node.name)) return; // written with its convolution
      const c = ctx.shapes.get(node.input)!.at(-1)!;
      const ones = new Float32Array(c).fill(1);
      const scale = node.scale ? getWeight(ctx.weights, node.name, 'gamma') : ones;
      const beta = node.center ? getWeight(ctx.weights, node.name, 'beta') : new Float32Array(c);
      out = w.node1(
        'BatchNormalization',
        [
          tensorOf(ctx, node.input),
          w.initializer(`${node.name}/scale`, DataType.FLOAT, [c], scale),
          w.initializer(`${node.name}/B`, DataType.FLOAT, [c], beta),
          w.initializer(`${node.name}/mean`, DataType.FLOAT, [c], getWeight(ctx.weights, node.name, 'moving_mean')),
          w.initializer(`${node.name}/var`, DataType.FLOAT, [c], getWeight(ctx.weights, node.name, 'moving_variance')),
        ],
        node.name,
        { epsilon: { float: node.epsilon } },
      );
      break;
    }
    case 'activation':
      out = activation(ctx, node, node.fn, tensorOf(ctx, node.input), node.name);
      break;
    case 'maxpool':
    case 'avgpool': {
      const { tensor: x, extra, signed } = paddedInput(ctx, node.input);
      const own = onnxPads2d(hw(ctx, node.input), node.pool, node.strides, node.padding);
      const pads = own.map((p, i) => p + extra[i]!);
      if (pads.some((p, i) => p >= node.pool[i % 2]!)) {
        // ONNX Runtime requires pads < kernel, and a separate Pad would be fused wrongly (plan.ts)
        throw new AffnetError(
          'E_OPTION_INVALID',
          `graph ${ctx.graph.architecture}: zero padding [${extra.join(', ')}] before max pooling "${node.name}" (pool ${node.pool.join('×')}) cannot be exported: the padding must be smaller than the pool`,
        );
      }
      const attrs: Record<string, number | number[]> = { kernel_shape: [...node.pool], strides: [...node.strides], pads };
      // Keras / TensorFlow average pooling leaves padded cells out of the mean.
      if (node.op === 'avgpool') attrs.count_include_pad = 0;
      const mask = extra.some((e) => e > 0) ? zeroPadMask(hw(ctx, node.input), extra, own, node.pool, node.strides, hw(ctx, node.name), signed) : undefined;
      const op = node.op === 'maxpool' ? 'MaxPool' : 'AveragePool';
      out = w.node1(op, [x], mask ? `${node.name}/pool` : node.name, attrs);
      if (mask) {
        const [oh, ow] = hw(ctx, node.name);
        out = w.node1('Max', [out, w.initializer(`${node.name}/zero_pad_mask`, DataType.FLOAT, [1, 1, oh, ow], mask)], node.name);
      }
      break;
    }
    case 'zeropad': {
      if (ctx.plan.foldedPads.has(node.name)) return; // written into its readers' pads
      const [[t, b], [l, r]] = node.pad;
      const pads = w.initializer(`${node.name}/pads`, DataType.INT64, [8], BigInt64Array.from([0, 0, t, l, 0, 0, b, r].map(BigInt)));
      out = w.node1('Pad', [tensorOf(ctx, node.input), pads], node.name, { mode: 'constant' });
      break;
    }
    case 'add': {
      const ins = node.inputs.map((i) => tensorOf(ctx, i));
      out = w.node1(ins.length === 2 ? 'Add' : 'Sum', ins, node.name);
      break;
    }
    case 'concat':
      out = w.node1(
        'Concat',
        node.inputs.map((i) => tensorOf(ctx, i)),
        node.name,
        { axis: 1 },
      );
      break;
    case 'gap': {
      const pooled = w.node1('GlobalAveragePool', [tensorOf(ctx, node.input)], `${node.name}/pool`);
      out = w.node1('Flatten', [pooled], node.name, { axis: 1 });
      break;
    }
    case 'dense': {
      const cin = ctx.shapes.get(node.input)![0]!;
      if (ctx.shapes.get(node.input)!.length !== 1) {
        throw new AffnetError('E_OPTION_INVALID', `dense "${node.name}" needs a flat input`);
      }
      const inputs = [tensorOf(ctx, node.input), w.initializer(`${node.name}/W`, DataType.FLOAT, [cin, node.units], getWeight(ctx.weights, node.name, 'kernel'))];
      if (node.useBias) inputs.push(w.initializer(`${node.name}/B`, DataType.FLOAT, [node.units], getWeight(ctx.weights, node.name, 'bias')));
      const gemm = w.node1('Gemm', inputs, node.name);
      out = activation(ctx, node, node.activation, gemm);
      break;
    }
  }
  ctx.tensors.set(node.name, out);
}
