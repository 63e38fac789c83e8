/**
 * ResNet v1 (He et al. 2016, "Deep Residual Learning for Image Recognition", table 1) with the layer
 * names and weight shapes of Keras Applications (keras/applications/resnet.py, ResNet50/101/152):
 *
 *   conv1_pad (3 px) → conv1_conv (7×7/2, bias) → conv1_bn → conv1_relu → pool1_pad (1 px) → pool1_pool
 *   (3×3/2 max) → stacks conv2 … conv5 of blocks `convN_blockM` → avg_pool → predictions.
 *
 * Bottleneck block (ResNet50/101/152, Keras `block1`): the first block of a stack has a projection
 * shortcut `_0_conv`/`_0_bn` (1×1, stride s, 4·filters); then `_1_conv` 1×1 stride s (the stride sits on
 * the first 1×1 as in Keras/Caffe ResNet v1), `_1_bn`, `_1_relu`, `_2_conv` 3×3 'same', `_2_bn`,
 * `_2_relu`, `_3_conv` 1×1 4·filters, `_3_bn`, `_add`, `_out` (ReLU). Other blocks use the identity.
 *
 * Basic block (ResNet18/34, not in Keras Applications; same naming scheme, documented here): the
 * first block of stacks conv3 … conv5 has the projection shortcut `_0_conv`/`_0_bn` (1×1, stride 2);
 * then `_1_conv` 3×3 stride s, `_1_bn`, `_1_relu`, `_2_conv` 3×3 'same', `_2_bn`, `_add`, `_out`.
 * A stride-2 `_1_conv` is preceded by `_1_pad` (1 px each side) and uses 'valid' padding, which is the
 * symmetric padding of torchvision's ResNet18/34 (TensorFlow's 'same' pads only bottom/right at
 * stride 2), so ported torchvision weights give the same features.
 *
 * All convolutions have a bias (Keras ResNet v1); batch-norm epsilon is 1.001e-5 as in resnet.py.
 * Blocks: conv1 (stem incl. pool1), conv2 … conv5, head. Features for CAM: the last `convN_blockM_out`.
 */
import { GraphBuilder } from './builder.js';
import type { NetworkGraph } from './graph.js';

/** Batch-norm epsilon of Keras resnet.py (`epsilon=1.001e-5`). */
export const RESNET_BN_EPSILON = 1.001e-5;

export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

/** Blocks per stack conv2 … conv5 (He et al. 2016, table 1). */
export const RESNET_STACKS: Record<ResNetDepth, readonly [number, number, number, number]> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
  152: [3, 8, 36, 3],
};

const STACK_FILTERS = [64, 128, 256, 512] as const;

function bnRelu(g: GraphBuilder, prefix: string, input: string, relu = true): string {
  const bn = g.batchNorm(`${prefix}_bn`, input, RESNET_BN_EPSILON);
  return relu ? g.relu(`${prefix}_relu`, bn) : bn;
}

function bottleneck(g: GraphBuilder, x: string, name: string, filters: number, stride: number, project: boolean): string {
  let shortcut = x;
  if (project) {
    const sc = g.conv(`${name}_0_conv`, x, 4 * filters, [1, 1], { strides: [stride, stride], padding: 'valid' });
    shortcut = bnRelu(g, `${name}_0`, sc, false);
  }
  let y = g.conv(`${name}_1_conv`, x, filters, [1, 1], { strides: [stride, stride], padding: 'valid' });
  y = bnRelu(g, `${name}_1`, y);
  y = g.conv(`${name}_2_conv`, y, filters, [3, 3], { padding: 'same' });
  y = bnRelu(g, `${name}_2`, y);
  y = g.conv(`${name}_3_conv`, y, 4 * filters, [1, 1], { padding: 'valid' });
  y = bnRelu(g, `${name}_3`, y, false);
  const sum = g.add({ op: 'add', name: `${name}_add`, inputs: [shortcut, y] });
  return g.relu(`${name}_out`, sum);
}

function basic(g: GraphBuilder, x: string, name: string, filters: number, stride: number, project: boolean): string {
  let shortcut = x;
  if (project) {
    const sc = g.conv(`${name}_0_conv`, x, filters, [1, 1], { strides: [stride, stride], padding: 'valid' });
    shortcut = bnRelu(g, `${name}_0`, sc, false);
  }
  let y = x;
  if (stride > 1) {
    y = g.zeroPad(`${name}_1_pad`, y, 1);
    y = g.conv(`${name}_1_conv`, y, filters, [3, 3], { strides: [stride, stride], padding: 'valid' });
  } else {
    y = g.conv(`${name}_1_conv`, y, filters, [3, 3], { padding: 'same' });
  }
  y = bnRelu(g, `${name}_1`, y);
  y = g.conv(`${name}_2_conv`, y, filters, [3, 3], { padding: 'same' });
  y = bnRelu(g, `${name}_2`, y, false);
  const sum = g.add({ op: 'add', name: `${name}_add`, inputs: [shortcut, y] });
  return g.relu(`${name}_out`, sum);
}

export function buildResNet(depth: ResNetDepth, inputSize: number, numClasses: number): NetworkGraph {
  const g = new GraphBuilder(`resnet${depth}`, inputSize, 'conv1');
  let x = g.zeroPad('conv1_pad', 'input_1', 3);
  x = g.conv('conv1_conv', x, 64, [7, 7], { strides: [2, 2], padding: 'valid' });
  x = bnRelu(g, 'conv1', x);
  x = g.zeroPad('pool1_pad', x, 1);
  x = g.pool('maxpool', 'pool1_pool', x, 3, 2, 'valid');

  const useBottleneck = depth >= 50;
  RESNET_STACKS[depth].forEach((blocks, s) => {
    const stack = `conv${s + 2}`;
    g.setBlock(stack);
    const filters = STACK_FILTERS[s];
    for (let b = 1; b <= blocks; b++) {
      const first = b === 1;
      const stride = first && s > 0 ? 2 : 1;
      const name = `${stack}_block${b}`;
      // Keras stack1: the first bottleneck block always projects (64 → 256 channels even at stride 1);
      // a basic block projects only where the shape changes (stacks conv3 … conv5).
      x = useBottleneck ? bottleneck(g, x, name, filters, stride, first) : basic(g, x, name, filters, stride, first && s > 0);
    }
  });
  return g.finish(x, numClasses);
}
