// Automatic alignment for the `auto` pathway: fracture centre and shaft axis found on the image.
export { trainAligner, alignRadiograph, alignerMaps, validateAligner, ALIGNER_FORMAT, ALIGNER_VERSION } from './aligner.js';
export type { AlignerModel, AlignerTrainItem, AlignerTrainOptions, AlignmentResult } from './aligner.js';
export { readAligner, writeAligner } from './io.js';
