/**
 * The backend-neutral description of a network: a graph of plain operations in NHWC layout, with
 * Keras Applications layer names and weight shapes, so that Keras ImageNet weights load by name.
 * Each network is described once (models/vgg.ts, models/inception-v3.ts, models/resnet.ts); every
 * backend (TensorFlow.js layers, the ONNX exporter) consumes this description and nothing else.
 *
 * Weights are addressed as `${layer}/${weight}` with Keras weight names:
 *   conv2d:    kernel [kh, kw, cin, cout], bias [cout] (when useBias)
 *   batchnorm: gamma [c] (when scale), beta [c] (when center), moving_mean [c], moving_variance [c]
 *   dense:     kernel [in, out], bias [out] (when useBias)
 */
export type Activation = 'linear' | 'relu' | 'softmax';
/**
 * TensorFlow semantics: 'same' gives ceil(n / stride) outputs and, when the total padding is odd, puts
 * the extra row/column at the bottom/right (ONNX `auto_pad = SAME_UPPER`); 'valid' pads nothing.
 * Average pooling with 'same' averages only the values inside the image (ONNX `count_include_pad = 0`).
 */
export type Padding = 'same' | 'valid';

interface NodeBase {
  /** Unique layer name (Keras naming). */
  name: string;
  /**
   * The trainable block the layer belongs to (e.g. "block5", "conv5", "mixed9"); the order of
   * `NetworkGraph.blocks` is input to output and drives "fine-tune the top K blocks".
   */
  block: string;
}

export interface InputNode extends NodeBase {
  op: 'input';
  /** [height, width, channels] */
  shape: [number, number, number];
}
export interface Conv2dNode extends NodeBase {
  op: 'conv2d';
  input: string;
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: Padding;
  useBias: boolean;
  activation: Activation;
}
export interface BatchNormNode extends NodeBase {
  op: 'batchnorm';
  input: string;
  epsilon: number;
  momentum: number;
  /** Has gamma (Keras `scale`). InceptionV3 uses scale=false. */
  scale: boolean;
  /** Has beta (Keras `center`). */
  center: boolean;
}
export interface ActivationNode extends NodeBase {
  op: 'activation';
  input: string;
  fn: Activation;
}
export interface PoolNode extends NodeBase {
  op: 'maxpool' | 'avgpool';
  input: string;
  pool: [number, number];
  strides: [number, number];
  padding: Padding;
}
export interface ZeroPadNode extends NodeBase {
  op: 'zeropad';
  input: string;
  /** [[top, bottom], [left, right]] */
  pad: [[number, number], [number, number]];
}
export interface AddNode extends NodeBase {
  op: 'add';
  inputs: string[];
}
export interface ConcatNode extends NodeBase {
  op: 'concat';
  inputs: string[];
  /** Always the channel axis in NHWC. */
  axis: -1;
}
export interface GlobalAvgPoolNode extends NodeBase {
  op: 'gap';
  input: string;
}
export interface DenseNode extends NodeBase {
  op: 'dense';
  input: string;
  units: number;
  useBias: boolean;
  activation: Activation;
}

export type GraphNode = InputNode | Conv2dNode | BatchNormNode | ActivationNode | PoolNode | ZeroPadNode | AddNode | ConcatNode | GlobalAvgPoolNode | DenseNode;

export type Architecture = 'vgg19' | 'inception_v3' | 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101' | 'resnet152';

export interface NetworkGraph {
  architecture: Architecture;
  /** Nodes in topological order; the first is the input. */
  nodes: GraphNode[];
  /** Block names from input to output (the head last). */
  blocks: string[];
  outputs: {
    /** The softmax class probabilities. */
    probabilities: string;
    /** The last convolutional feature map, the input of global average pooling (for CAM). */
    features: string;
    /** The dense layer whose kernel weighs the features (CAM weights). */
    classifier: string;
  };
  numClasses: number;
}

export interface WeightSpec {
  /** `${layer}/${weight}` */
  name: string;
  layer: string;
  weight: 'kernel' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';
  shape: number[];
  /** Batch-norm statistics are weights but not trained by gradient descent. */
  trainable: boolean;
}
