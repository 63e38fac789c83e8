/**
 * The ONNX exporter: a core {@link NetworkGraph} and Keras-layout weights → an ONNX ModelProto
 * (opset 17), written in TypeScript with no Python in the path.
 *
 * Layout: the input is NHWC [N, H, W, 3] (core's ImageBatch layout) named `input`, transposed to NCHW
 * inside the graph because ONNX Conv and pooling are NCHW; the `features` output is transposed back
 * to NHWC so that CAM code reads it exactly as it reads the tfjs backend's. `inputLayout: 'nchw'`
 * drops the first transpose (for runtimes that feed NCHW, e.g. transformers.js).
 */
import { AffnetError, checkWeights, inferShapes, type NetworkGraph } from '@affnet/core';
import { DataType, encodeModel, IR_VERSION, OPSET, valueInfo, type Dim, type ModelProto } from '../proto/onnx.js';
import { emitLayer, type EmitContext } from './emit.js';
import { resolveExportOptions, ZSCORE_EPSILON, type ExportOptions } from './options.js';
import { makePlan } from './plan.js';
import { validateModel } from './validate.js';
import type { WeightMap } from './weights.js';
import { OnnxGraphWriter } from './writer.js';

/** Version of this exporter; part of the export cache key. */
export const EXPORTER_VERSION = '1';
export const PRODUCER_NAME = 'affnet-backend-onnx';

export interface ExportInfo {
  opset: number;
  inputName: string;
  inputLayout: 'nhwc' | 'nchw';
  inputShape: Dim[];
  outputs: { name: string; shape: Dim[] }[];
  /** Batch-norm layers folded into convolutions. */
  foldedBatchNorms: number;
  /** Zero-pad layers folded into their readers. */
  foldedPads: number;
  nodes: number;
  initializers: number;
}

export interface OnnxExport {
  /** The model as ONNX ModelProto bytes. */
  bytes: Uint8Array;
  /** The decoded form, for further passes (fp16, int8) without re-parsing. */
  model: ModelProto;
  info: ExportInfo;
}

/**
 * Writes the ONNX model of `graph` with `weights` (`${layer}/${weight}` → Keras layout).
 * @throws AffnetError E_BUNDLE_INVALID when a weight is missing, unexpected, mis-shaped or
 *   non-finite (core's checkWeights); E_OPTION_INVALID for invalid options
 */
export function exportOnnx(graph: NetworkGraph, weights: WeightMap, options: ExportOptions = {}): OnnxExport {
  const o = resolveExportOptions(options);
  checkWeights(graph, weights, options.weightsFile ?? 'weights');
  const shapes = inferShapes(graph);
  const plan = makePlan(graph, { foldBatchNorm: o.foldBatchNorm });
  const writer = new OnnxGraphWriter();
  const ctx: EmitContext = {
    graph,
    plan,
    shapes,
    weights,
    writer,
    tensors: new Map(),
    preActivation: new Map(),
    byName: new Map(graph.nodes.map((n) => [n.name, n])),
  };

  const input = graph.nodes[0];
  if (input?.op !== 'input') throw new AffnetError('E_OPTION_INVALID', `graph ${graph.architecture}: the first node must be the input`);
  const [h, w, c] = input.shape;
  const B: Dim = o.batch === 'dynamic' ? 'batch' : o.batch;
  const inputShape: Dim[] = o.inputLayout === 'nhwc' ? [B, h, w, c] : [B, c, h, w];
  let x = writer.claim(o.inputName);
  if (o.inputLayout === 'nhwc') x = writer.node1('Transpose', [x], 'input/nchw', { perm: [0, 3, 1, 2] });
  if (o.zscore) x = zscore(writer, x);
  ctx.tensors.set(input.name, x);

  for (const node of graph.nodes.slice(1)) emitLayer(ctx, node);

  const outputs: { name: string; shape: Dim[] }[] = [];
  const k = graph.numClasses;
  const expose = (name: string, source: string, shape: Dim[]) => {
    writer.claim(name);
    writer.node('Identity', [source], [], {}, `output/${name}`);
    writer.nodes.at(-1)!.output = [name];
    outputs.push({ name, shape });
  };
  if (o.outputs.probabilities) expose(o.outputs.probabilities, ctx.tensors.get(graph.outputs.probabilities)!, [B, k]);
  if (o.outputs.features) {
    const [fh, fw, fc] = shapes.get(graph.outputs.features)!;
    writer.claim(o.outputs.features);
    writer.node('Transpose', [ctx.tensors.get(graph.outputs.features)!], [], { perm: [0, 2, 3, 1] }, 'output/features');
    writer.nodes.at(-1)!.output = [o.outputs.features];
    outputs.push({ name: o.outputs.features, shape: [B, fh!, fw!, fc!] });
  }
  if (o.outputs.logits) {
    const pre = ctx.preActivation.get(graph.outputs.probabilities);
    if (!pre) {
      throw new AffnetError('E_OPTION_INVALID', `outputs.logits: layer "${graph.outputs.probabilities}" of ${graph.architecture} has no softmax to take the logits from`);
    }
    expose(o.outputs.logits, pre, [B, k]);
  }

  const model: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: EXPORTER_VERSION,
    docString: o.docString,
    metadataProps: Object.entries({ architecture: graph.architecture, ...o.metadata }).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.architecture,
      node: writer.nodes,
      initializer: writer.initializers,
      input: [valueInfo(o.inputName, DataType.FLOAT, inputShape)],
      output: outputs.map((out) => valueInfo(out.name, DataType.FLOAT, out.shape)),
    },
  };
  validateModel(model);
  return {
    bytes: encodeModel(model),
    model,
    info: {
      opset: OPSET,
      inputName: o.inputName,
      inputLayout: o.inputLayout,
      inputShape,
      outputs,
      foldedBatchNorms: plan.bnIntoConv.size,
      foldedPads: plan.foldedPads.size,
      nodes: writer.nodes.length,
      initializers: writer.initializers.length,
    },
  };
}

/** Per-image z-score over C, H, W: (x − mean) / max(std, ε), std the population deviation. */
function zscore(w: OnnxGraphWriter, x: string): string {
  const mean = w.node1('ReduceMean', [x], 'preprocess/mean', { axes: [1, 2, 3], keepdims: 1 });
  const centred = w.node1('Sub', [x, mean], 'preprocess/centred');
  const sq = w.node1('Mul', [centred, centred], 'preprocess/squared');
  const variance = w.node1('ReduceMean', [sq], 'preprocess/variance', { axes: [1, 2, 3], keepdims: 1 });
  const std = w.node1('Sqrt', [variance], 'preprocess/std');
  const eps = w.initializer('preprocess/epsilon', DataType.FLOAT, [], new Float32Array([ZSCORE_EPSILON]));
  const denom = w.node1('Max', [std, eps], 'preprocess/denominator');
  return w.node1('Div', [centred, denom], 'preprocess/zscore');
}
