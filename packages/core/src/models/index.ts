// Network descriptions (one per architecture) and pure functions of a description. Re-exports only;
// the graph types themselves are exported from ./graph.js by the package index.
export * from './network.js';
export * from './shapes.js';
export { buildVgg19 } from './vgg.js';
export { buildInceptionV3, INCEPTION_BN_EPSILON } from './inception-v3.js';
export { buildResNet, RESNET_BN_EPSILON, RESNET_STACKS, type ResNetDepth } from './resnet.js';
