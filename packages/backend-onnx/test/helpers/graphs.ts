/**
 * Hand-made small NetworkGraphs, one per exporter feature, each ending in the head that every core
 * network has (global average pooling → dense softmax) so that both outputs can be compared.
 */
import type { GraphNode, NetworkGraph } from '@affnet/core';

type Spec = DistributiveOmit<GraphNode, 'block'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** `body` gets the input name and returns the layers and the name of the feature map. */
export function tinyGraph(size: number, body: (input: string) => { layers: Spec[]; features: string }, numClasses = 3): NetworkGraph {
  const { layers, features } = body('input_1');
  const nodes = [
    { op: 'input', name: 'input_1', shape: [size, size, 3] },
    ...layers,
    { op: 'gap', name: 'avg_pool', input: features },
    { op: 'dense', name: 'predictions', input: 'avg_pool', units: numClasses, useBias: true, activation: 'softmax' },
  ].map((n) => ({ ...n, block: 'b' })) as GraphNode[];
  return { architecture: 'vgg19', nodes, blocks: ['b'], outputs: { probabilities: 'predictions', features, classifier: 'predictions' }, numClasses };
}

export const conv = (name: string, input: string, filters: number, k: number, s: number, padding: 'same' | 'valid', opts: { bias?: boolean; act?: 'linear' | 'relu' } = {}): Spec => ({
  op: 'conv2d',
  name,
  input,
  filters,
  kernel: [k, k],
  strides: [s, s],
  padding,
  useBias: opts.bias ?? true,
  activation: opts.act ?? 'linear',
});
export const bn = (name: string, input: string, scale = true): Spec => ({ op: 'batchnorm', name, input, epsilon: 1e-3, momentum: 0.99, scale, center: true });
export const relu = (name: string, input: string): Spec => ({ op: 'activation', name, input, fn: 'relu' });
export const pool = (op: 'maxpool' | 'avgpool', name: string, input: string, k: number, s: number, padding: 'same' | 'valid'): Spec => ({ op, name, input, pool: [k, k], strides: [s, s], padding });
export const zeropad = (name: string, input: string, t: number, b: number, l: number, r: number): Spec => ({
  op: 'zeropad',
  name,
  input,
  pad: [
    [t, b],
    [l, r],
  ],
});

/** One small graph per exporter feature: name → graph. */
export const TINY_GRAPHS: Record<string, NetworkGraph> = {
  'conv same stride 2, even input (pads bottom/right)': tinyGraph(8, (x) => ({ layers: [conv('c1', x, 4, 3, 2, 'same', { act: 'relu' })], features: 'c1' })),
  'conv same stride 2, odd input': tinyGraph(9, (x) => ({ layers: [conv('c1', x, 4, 3, 2, 'same')], features: 'c1' })),
  'conv same 4x4 kernel stride 1 (pad 1 top, 2 bottom)': tinyGraph(7, (x) => ({ layers: [conv('c1', x, 4, 4, 1, 'same')], features: 'c1' })),
  'conv valid stride 2, no bias': tinyGraph(9, (x) => ({ layers: [conv('c1', x, 5, 3, 2, 'valid', { bias: false })], features: 'c1' })),
  'conv + batch norm (folded)': tinyGraph(8, (x) => ({ layers: [conv('c1', x, 4, 3, 1, 'same'), bn('bn1', 'c1'), relu('r1', 'bn1')], features: 'r1' })),
  'conv without bias + batch norm without scale (folded)': tinyGraph(8, (x) => ({
    layers: [conv('c1', x, 4, 3, 1, 'same', { bias: false }), bn('bn1', 'c1', false), relu('r1', 'bn1')],
    features: 'r1',
  })),
  'batch norm after relu (not foldable)': tinyGraph(8, (x) => ({ layers: [conv('c1', x, 4, 3, 1, 'same', { act: 'relu' }), bn('bn1', 'c1')], features: 'bn1' })),
  'max pool same stride 2, even and odd': tinyGraph(7, (x) => ({
    layers: [conv('c1', x, 4, 1, 1, 'same'), pool('maxpool', 'p1', 'c1', 3, 2, 'same'), pool('maxpool', 'p2', 'p1', 2, 2, 'same')],
    features: 'p2',
  })),
  'max pool valid': tinyGraph(9, (x) => ({ layers: [conv('c1', x, 4, 1, 1, 'same'), pool('maxpool', 'p1', 'c1', 3, 2, 'valid')], features: 'p1' })),
  'average pool same stride 1 (padding left out of the mean)': tinyGraph(6, (x) => ({ layers: [conv('c1', x, 4, 1, 1, 'same'), pool('avgpool', 'p1', 'c1', 3, 1, 'same')], features: 'p1' })),
  'average pool valid stride 2': tinyGraph(8, (x) => ({ layers: [pool('avgpool', 'p1', x, 2, 2, 'valid'), conv('c1', 'p1', 4, 1, 1, 'same')], features: 'c1' })),
  'zero pad → conv (folded), asymmetric': tinyGraph(8, (x) => ({ layers: [zeropad('z1', x, 3, 1, 2, 0), conv('c1', 'z1', 4, 3, 2, 'valid')], features: 'c1' })),
  'zero pad → max pool after relu (folded)': tinyGraph(8, (x) => ({
    layers: [conv('c1', x, 4, 3, 1, 'same', { act: 'relu' }), zeropad('z1', 'c1', 1, 1, 1, 1), pool('maxpool', 'p1', 'z1', 3, 2, 'valid')],
    features: 'p1',
  })),
  'zero pad → max pool of signed values (−∞ pads + zero mask)': tinyGraph(8, (x) => ({
    layers: [conv('c1', x, 4, 3, 1, 'same'), zeropad('z1', 'c1', 1, 1, 1, 1), pool('maxpool', 'p1', 'z1', 3, 2, 'valid')],
    features: 'p1',
  })),
  'zero pad 2 → max pool 3x3 stride 2 of signed values': tinyGraph(6, (x) => ({
    layers: [conv('c1', x, 4, 3, 1, 'same'), zeropad('z1', 'c1', 2, 0, 2, 1), pool('maxpool', 'p1', 'z1', 3, 2, 'valid')],
    features: 'p1',
  })),
  'zero pad → conv and max pool (two readers)': tinyGraph(8, (x) => ({
    layers: [
      conv('c1', x, 4, 3, 1, 'same'),
      zeropad('z1', 'c1', 1, 1, 1, 1),
      pool('maxpool', 'p1', 'z1', 3, 2, 'valid'),
      conv('c2', 'z1', 4, 3, 2, 'valid'),
      { op: 'add', name: 'a', inputs: ['p1', 'c2'] },
    ],
    features: 'a',
  })),
  'zero pad → average pool (Pad node)': tinyGraph(8, (x) => ({
    layers: [conv('c1', x, 4, 3, 1, 'same'), zeropad('z1', 'c1', 1, 0, 1, 0), pool('avgpool', 'p1', 'z1', 3, 2, 'valid')],
    features: 'p1',
  })),
  'add of two and of three maps': tinyGraph(8, (x) => ({
    layers: [
      conv('a', x, 4, 3, 1, 'same'),
      conv('b', x, 4, 1, 1, 'same'),
      conv('c', x, 4, 3, 1, 'same'),
      { op: 'add', name: 'ab', inputs: ['a', 'b'] },
      { op: 'add', name: 'abc', inputs: ['ab', 'b', 'c'] },
      relu('r', 'abc'),
    ],
    features: 'r',
  })),
  'concat of three branches': tinyGraph(8, (x) => ({
    layers: [
      conv('a', x, 2, 1, 1, 'same', { act: 'relu' }),
      conv('b', x, 3, 3, 1, 'same', { act: 'relu' }),
      pool('avgpool', 'c', x, 3, 1, 'same'),
      { op: 'concat', name: 'cat', inputs: ['a', 'b', 'c'], axis: -1 },
    ],
    features: 'cat',
  })),
};
