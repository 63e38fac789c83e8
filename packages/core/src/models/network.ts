/**
 * Building a network description by architecture name: the one entry point every backend, the ONNX
 * exporter and the CLI use.
 */
import { AffnetError, choiceError } from '../errors.js';
import type { Architecture, NetworkGraph } from './graph.js';
import { buildInceptionV3 } from './inception-v3.js';
import { buildResNet } from './resnet.js';
import { inferShapes } from './shapes.js';
import { buildVgg19 } from './vgg.js';

const ARCHITECTURES: readonly Architecture[] = ['vgg19', 'inception_v3', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'];

/**
 * The smallest input side each network accepts: Keras Applications' `_obtain_input_shape` minimums
 * (32 px for VGG and ResNet, 75 px for InceptionV3, whose stem and two grid reductions shrink
 * 75 px to 1×1 at mixed8).
 */
export const MIN_INPUT_SIZE: Readonly<Record<Architecture, number>> = {
  vgg19: 32,
  inception_v3: 75,
  resnet18: 32,
  resnet34: 32,
  resnet50: 32,
  resnet101: 32,
  resnet152: 32,
};

/** Default network input side N (N×N), as in the reference study's automated pathway (256×256). */
export const DEFAULT_INPUT_SIZE = 256;
/** Default number of classes: AFF and NFF. */
export const DEFAULT_NUM_CLASSES = 2;

export interface BuildNetworkOptions {
  /** Input side N in pixels (N×N×3). @defaultValue 256 */
  inputSize?: number;
  /** Output classes of the softmax head. @defaultValue 2 */
  numClasses?: number;
}

/** The architectures core can describe, in a stable order. */
export function listArchitectures(): readonly Architecture[] {
  return ARCHITECTURES;
}

export function isArchitecture(name: string): name is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(name);
}

/** Validates a user-given architecture name ("did you mean …? available: …" on error). */
export function parseArchitecture(name: string, option = 'architecture'): Architecture {
  if (isArchitecture(name)) return name;
  throw choiceError(option, name, ARCHITECTURES);
}

/**
 * Describes a network: Keras Applications layer names and weight shapes, then the head global
 * average pooling → dense(numClasses, softmax) named `avg_pool` → `predictions`.
 *
 * @param architecture - one of {@link listArchitectures}
 * @throws AffnetError E_OPTION_INVALID for an unknown architecture, a non-integer or too small
 *   input size, or fewer than 2 classes
 */
export function buildNetwork(architecture: Architecture | string, options: BuildNetworkOptions = {}): NetworkGraph {
  const arch = parseArchitecture(architecture);
  const inputSize = options.inputSize ?? DEFAULT_INPUT_SIZE;
  const numClasses = options.numClasses ?? DEFAULT_NUM_CLASSES;
  const min = MIN_INPUT_SIZE[arch];
  if (!Number.isInteger(inputSize) || inputSize < min) {
    throw new AffnetError('E_OPTION_INVALID', `inputSize: ${inputSize} is not valid for ${arch}; it needs an integer of at least ${min} px`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new AffnetError('E_OPTION_INVALID', `numClasses: ${numClasses} is not valid; it needs an integer ≥ 2`);
  }
  const graph = buildByName(arch, inputSize, numClasses);
  inferShapes(graph); // every description is checked once at build time
  return graph;
}

function buildByName(arch: Architecture, inputSize: number, numClasses: number): NetworkGraph {
  switch (arch) {
    case 'vgg19':
      return buildVgg19(inputSize, numClasses);
    case 'inception_v3':
      return buildInceptionV3(inputSize, numClasses);
    case 'resnet18':
      return buildResNet(18, inputSize, numClasses);
    case 'resnet34':
      return buildResNet(34, inputSize, numClasses);
    case 'resnet50':
      return buildResNet(50, inputSize, numClasses);
    case 'resnet101':
      return buildResNet(101, inputSize, numClasses);
    case 'resnet152':
      return buildResNet(152, inputSize, numClasses);
  }
}

/** The input side of a graph (from its input node). */
export function graphInputSize(graph: NetworkGraph): number {
  const input = graph.nodes[0];
  if (input?.op !== 'input') throw new AffnetError('E_OPTION_INVALID', 'graph: the first node must be the input');
  return input.shape[0];
}
