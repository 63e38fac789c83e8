/**
 * VGG19 (Simonyan & Zisserman 2015, "Very Deep Convolutional Networks for Large-Scale Image
 * Recognition", configuration E), described with the layer names and weight shapes of Keras
 * Applications `keras.applications.VGG19(include_top=False)`: `block1_conv1 … block5_conv4`,
 * `block1_pool … block5_pool`. Every convolution is 3×3, stride 1, 'same' padding, with bias and ReLU;
 * every pooling is 2×2 max pooling with stride 2.
 *
 * The features for CAM are `block5_pool` (the input of global average pooling, as with Keras
 * `pooling='avg'`), so the ImageNet notop weights are used unchanged.
 */
import { GraphBuilder } from './builder.js';
import type { NetworkGraph } from './graph.js';

/** Convolutions per block and their filters (VGG configuration E). */
const VGG19_BLOCKS: ReadonlyArray<{ convs: number; filters: number }> = [
  { convs: 2, filters: 64 },
  { convs: 2, filters: 128 },
  { convs: 4, filters: 256 },
  { convs: 4, filters: 512 },
  { convs: 4, filters: 512 },
];

/** Blocks (trainable groups): block1 … block5, then head. */
export function buildVgg19(inputSize: number, numClasses: number): NetworkGraph {
  const g = new GraphBuilder('vgg19', inputSize, 'block1');
  let x = 'input_1';
  VGG19_BLOCKS.forEach(({ convs, filters }, i) => {
    const block = `block${i + 1}`;
    g.setBlock(block);
    for (let c = 1; c <= convs; c++) {
      x = g.conv(`${block}_conv${c}`, x, filters, [3, 3], { activation: 'relu' });
    }
    x = g.pool('maxpool', `${block}_pool`, x, 2, 2);
  });
  return g.finish(x, numClasses);
}
