import { describe, expect, it } from 'vitest';
import { buildNetwork, countParameters, inferShapes, isAffnetError, layersInBlocks, listArchitectures, topBlocks, weightSpecs, type Architecture } from '../../src/index.js';
import { buildInceptionV3 } from '../../src/models/inception-v3.js';

// Keras Applications parameter counts (include_top=False, total incl. batch-norm statistics), and the
// with-top totals of the Keras table (1000 ImageNet classes: 2048·1000 + 1000 = 2,049,000 head weights).
describe('parameter counts equal Keras Applications', () => {
  it.each<[Architecture, number, number, number]>([
    // architecture, notop total, notop non-trainable, total with a 2-class head
    ['vgg19', 20_024_384, 0, 20_024_384 + 512 * 2 + 2],
    ['resnet50', 23_587_712, 53_120, 23_587_712 + 2048 * 2 + 2],
    ['inception_v3', 21_802_784, 34_432, 21_802_784 + 2048 * 2 + 2],
    ['resnet101', 42_658_176, 105_344, 42_658_176 + 2048 * 2 + 2],
    ['resnet152', 58_370_944, 151_424, 58_370_944 + 2048 * 2 + 2],
    // Not in Keras: torchvision's 11,689,512 / 21,797,672 minus its fc (513,000), plus the running
    // statistics torchvision keeps as buffers and the conv biases of the Keras v1 scheme.
    ['resnet18', 11_176_512 + 9_600 + 4_800, 9_600, 11_190_912 + 512 * 2 + 2],
    ['resnet34', 21_284_672 + 17_024 + 8_512, 17_024, 21_310_208 + 512 * 2 + 2],
  ])('%s: notop %i, non-trainable %i, with 2-class head %i', (arch, notop, nonTrainable, total) => {
    const count = countParameters(buildNetwork(arch));
    expect(count.total - count.byBlock.head!).toBe(notop);
    expect(count.nonTrainable).toBe(nonTrainable);
    expect(count.total).toBe(total);
    expect(count.trainable + count.nonTrainable).toBe(total);
  });

  it.each<[Architecture, number]>([
    ['resnet50', 25_636_712],
    ['resnet101', 44_707_176],
    ['resnet152', 60_419_944],
    ['inception_v3', 23_851_784],
  ])('%s with a 1000-class head has the Keras table total %i', (arch, total) => {
    expect(countParameters(buildNetwork(arch, { numClasses: 1000 })).total).toBe(total);
  });
});

describe('shapes', () => {
  it.each<[Architecture, number, string, number[]]>([
    ['vgg19', 256, 'block5_pool', [8, 8, 512]],
    ['vgg19', 224, 'block5_conv4', [14, 14, 512]],
    ['resnet50', 256, 'conv5_block3_out', [8, 8, 2048]],
    ['resnet50', 224, 'pool1_pool', [56, 56, 64]],
    ['resnet18', 256, 'conv5_block2_out', [8, 8, 512]],
    ['resnet18', 64, 'conv3_block1_1_pad', [18, 18, 64]],
    ['inception_v3', 299, 'mixed10', [8, 8, 2048]],
    ['inception_v3', 299, 'mixed2', [35, 35, 288]],
    ['inception_v3', 299, 'mixed7', [17, 17, 768]],
    ['inception_v3', 256, 'mixed10', [6, 6, 2048]],
    ['inception_v3', 75, 'mixed10', [1, 1, 2048]],
    ['resnet152', 256, 'predictions', [2]],
  ])('%s at %i px: %s is %j', (arch, size, layer, shape) => {
    expect(inferShapes(buildNetwork(arch, { inputSize: size })).get(layer)).toEqual(shape);
  });

  it.each<[Architecture, string]>([
    ['vgg19', 'block5_pool'],
    ['inception_v3', 'mixed10'],
    ['resnet34', 'conv5_block3_out'],
    ['resnet101', 'conv5_block3_out'],
  ])('%s: the CAM features are %s and feed avg_pool → predictions', (arch, features) => {
    const g = buildNetwork(arch);
    expect(g.outputs).toEqual({ probabilities: 'predictions', features, classifier: 'predictions' });
    const gap = g.nodes.find((n) => n.name === 'avg_pool');
    expect(gap).toMatchObject({ op: 'gap', input: features, block: 'head' });
    expect(g.nodes.at(-1)).toMatchObject({ op: 'dense', input: 'avg_pool', units: 2, activation: 'softmax' });
  });
});

describe('invalid options are E_OPTION_INVALID naming the option', () => {
  it.each<[string, number, number, RegExp]>([
    ['inception_v3', 74, 2, /inputSize: 74 is not valid for inception_v3; it needs an integer of at least 75 px/],
    ['vgg19', 31, 2, /at least 32 px/],
    ['resnet50', 100.5, 2, /inputSize: 100.5/],
    ['resnet50', 256, 1, /numClasses: 1 is not valid/],
    ['resnet51', 256, 2, /architecture: unknown value "resnet51". Did you mean "resnet18"\?.*resnet152/],
  ])('%s, inputSize %d, numClasses %d', (arch, inputSize, numClasses, message) => {
    let error: unknown;
    try {
      buildNetwork(arch, { inputSize, numClasses });
    } catch (e) {
      error = e;
    }
    expect(isAffnetError(error, 'E_OPTION_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('inferShapes names the first layer whose output would be empty', () => {
    // Bypass buildNetwork's minimum: 74 px dies at the second grid reduction (mixed8).
    expect(() => inferShapes(buildInceptionV3(74, 2))).toThrow(/inputSize: 74 px is too small for inception_v3: layer "conv2d_72" would output 0×0×320/);
  });
});

describe('Keras layer names and weight shapes', () => {
  it('resnet50 starts with the Keras ResNet v1 names', () => {
    const names = buildNetwork('resnet50')
      .nodes.slice(0, 20)
      .map((n) => n.name);
    expect(names).toEqual([
      'input_1',
      'conv1_pad',
      'conv1_conv',
      'conv1_bn',
      'conv1_relu',
      'pool1_pad',
      'pool1_pool',
      'conv2_block1_0_conv',
      'conv2_block1_0_bn',
      'conv2_block1_1_conv',
      'conv2_block1_1_bn',
      'conv2_block1_1_relu',
      'conv2_block1_2_conv',
      'conv2_block1_2_bn',
      'conv2_block1_2_relu',
      'conv2_block1_3_conv',
      'conv2_block1_3_bn',
      'conv2_block1_add',
      'conv2_block1_out',
      'conv2_block2_1_conv',
    ]);
  });

  it('resnet18 uses basic blocks: _1_/_2_ convs, a projection only where the shape changes', () => {
    const names = new Set(buildNetwork('resnet18').nodes.map((n) => n.name));
    expect(['conv2_block1_1_conv', 'conv2_block2_2_conv', 'conv3_block1_0_conv', 'conv3_block1_1_pad', 'conv5_block2_out'].every((n) => names.has(n))).toBe(true);
    expect(['conv2_block1_0_conv', 'conv2_block1_3_conv', 'conv3_block2_0_conv', 'conv3_block2_1_pad'].some((n) => names.has(n))).toBe(false);
  });

  it('inception_v3 numbers conv2d/batch_normalization/activation 1…94 and names the mixed concatenations', () => {
    const nodes = buildNetwork('inception_v3').nodes;
    const convs = nodes.filter((n) => n.op === 'conv2d').map((n) => n.name);
    expect(convs.length).toBe(94);
    expect(new Set(convs)).toEqual(new Set(Array.from({ length: 94 }, (_, i) => `conv2d_${i + 1}`)));
    expect(nodes.filter((n) => n.op === 'concat').map((n) => n.name)).toEqual([
      'mixed0',
      'mixed1',
      'mixed2',
      'mixed3',
      'mixed4',
      'mixed5',
      'mixed6',
      'mixed7',
      'mixed8',
      'mixed9_0',
      'concatenate_1',
      'mixed9',
      'mixed9_1',
      'concatenate_2',
      'mixed10',
    ]);
    // Keras creation order inside mixed0: the 1×1 branch (conv2d_6) reads max_pooling2d_2 directly.
    expect(nodes.find((n) => n.name === 'conv2d_6')).toMatchObject({ input: 'max_pooling2d_2', filters: 64, block: 'mixed0' });
    expect(nodes.find((n) => n.name === 'conv2d_12')).toMatchObject({ input: 'average_pooling2d_1', filters: 32 });
  });

  it.each<[Architecture, string, number[], boolean]>([
    ['vgg19', 'block1_conv1/kernel', [3, 3, 3, 64], true],
    ['vgg19', 'block5_conv4/bias', [512], true],
    ['vgg19', 'predictions/kernel', [512, 2], true],
    ['resnet50', 'conv1_conv/kernel', [7, 7, 3, 64], true],
    ['resnet50', 'conv2_block1_0_conv/kernel', [1, 1, 64, 256], true],
    ['resnet50', 'conv3_block1_1_conv/kernel', [1, 1, 256, 128], true],
    ['resnet50', 'conv5_block3_3_bn/gamma', [2048], true],
    ['resnet50', 'conv5_block3_3_bn/moving_variance', [2048], false],
    ['resnet50', 'predictions/kernel', [2048, 2], true],
    ['resnet18', 'conv4_block1_1_conv/kernel', [3, 3, 128, 256], true],
    ['inception_v3', 'conv2d_1/kernel', [3, 3, 3, 32], true],
    ['inception_v3', 'batch_normalization_1/beta', [32], true],
    ['inception_v3', 'conv2d_94/kernel', [1, 1, 2048, 192], true],
  ])('%s: %s has shape %j (trainable %s)', (arch, name, shape, trainable) => {
    const spec = weightSpecs(buildNetwork(arch)).find((s) => s.name === name);
    expect(spec).toMatchObject({ shape, trainable });
  });

  it('inception_v3 batch norm has no gamma (scale=false) and epsilon 1e-3; resnet uses 1.001e-5', () => {
    const inc = buildNetwork('inception_v3');
    expect(weightSpecs(inc).some((s) => s.weight === 'gamma')).toBe(false);
    expect(inc.nodes.find((n) => n.name === 'batch_normalization_1')).toMatchObject({ epsilon: 1e-3, momentum: 0.99, scale: false });
    expect(buildNetwork('resnet50').nodes.find((n) => n.name === 'conv1_bn')).toMatchObject({ epsilon: 1.001e-5, scale: true });
  });

  it('weight specs come in Keras get_weights() order within a layer', () => {
    const names = weightSpecs(buildNetwork('resnet50'))
      .slice(0, 6)
      .map((s) => s.name);
    expect(names).toEqual(['conv1_conv/kernel', 'conv1_conv/bias', 'conv1_bn/gamma', 'conv1_bn/beta', 'conv1_bn/moving_mean', 'conv1_bn/moving_variance']);
  });
});

describe('blocks for fine-tuning the top K', () => {
  it.each<[Architecture, string[]]>([
    ['vgg19', ['block1', 'block2', 'block3', 'block4', 'block5', 'head']],
    ['resnet152', ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'head']],
    ['inception_v3', ['stem', ...Array.from({ length: 11 }, (_, i) => `mixed${i}`), 'head']],
  ])('%s blocks are %j', (arch, blocks) => {
    expect(buildNetwork(arch).blocks).toEqual(blocks);
  });

  it.each<[number, string[]]>([
    [0, ['head']],
    [2, ['block4', 'block5', 'head']],
    [9, ['block1', 'block2', 'block3', 'block4', 'block5', 'head']],
  ])('vgg19 top %i blocks: %j', (k, blocks) => {
    expect(topBlocks(buildNetwork('vgg19'), k)).toEqual(blocks);
  });

  it('layersInBlocks lists the layers of a block', () => {
    expect(layersInBlocks(buildNetwork('vgg19'), ['block1', 'head'])).toEqual(['input_1', 'block1_conv1', 'block1_conv2', 'block1_pool', 'avg_pool', 'predictions']);
  });

  it('every node carries a listed block and unique name', () => {
    for (const arch of listArchitectures()) {
      const g = buildNetwork(arch, { inputSize: 96 });
      expect(new Set(g.nodes.map((n) => n.name)).size).toBe(g.nodes.length);
      expect(g.nodes.every((n) => g.blocks.includes(n.block))).toBe(true);
    }
  });
});
