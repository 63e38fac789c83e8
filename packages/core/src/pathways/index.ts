// Pathways: radiograph → network input (automated | intervention), normalisation, and maps back.
export { preprocess, preprocessBatch, validateSpec, INPUT_CHANNELS } from './preprocess.js';
export type { AlignmentRecord, Preprocessed, PreprocessOptions, PreprocessedItem, PreprocessBatchOptions, PreprocessedBatch } from './preprocess.js';
export { automatedGeometry, type AutomatedGeometry } from './automated.js';
export {
  interventionGeometry,
  DEFAULT_CROP_FRACTION,
  MIN_AXIS_LENGTH_PX,
  type InterventionClicks,
  type InterventionGeometry,
  type InterventionParams,
} from './intervention.js';
export { borderMedian, borderFrameWidth } from './background.js';
export { zscoreToChannels, caffeToChannels, IMAGENET_CAFFE_MEAN_BGR, UNIFORM_SD_TOLERANCE, type ZscoreStats } from './normalise.js';
export { mapHeatmapToOriginal, type MapHeatmapOptions } from './heatmap.js';
export * from './align/index.js';
