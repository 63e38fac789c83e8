// Automatic alignment for the `auto` pathway: fracture centre and shaft axis found on the image.
export { trainAligner, alignRadiograph, alignerMaps, alignerSample, validateAligner, ALIGNER_FORMAT, ALIGNER_VERSION, DEFAULT_ALIGNER_GRID } from './aligner.js';
export type { AlignerModel, AlignerSample, AlignerTrainItem, AlignerTrainOptions, AlignmentResult } from './aligner.js';
export { readAligner, readAlignerSamples, writeAligner } from './io.js';
