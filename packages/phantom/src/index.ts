// Public API of @affnet/phantom. This file only re-exports.
export { generateCohort, COHORT_FORMAT, COHORT_VERSION, type CohortSummary } from './cohort/generate.js';
export type { CohortOptions } from './cohort/options.js';
export { planCohort, uidFor, type ImageJob } from './cohort/plan.js';
export { relativePaths, type ImageRecord } from './cohort/write-image.js';
export type { ImageFailure } from './cohort/pool.js';
export { drawPatient, patientIdOf } from './radiograph/draw-patient.js';
export { drawView, viewOf, DEFAULT_HEIGHT, type ViewOptions } from './radiograph/draw-view.js';
export { renderImage, placement, type RenderedImage } from './radiograph/render.js';
export type { PhantomPatient, ViewSpec, ViewName } from './radiograph/types.js';
export { cueRanges, drawFracture } from './fracture/draw.js';
export type { FracturePattern, FractureLabel, ComminutionPiece, Displacement } from './fracture/types.js';
export type { FemurAnatomy } from './anatomy/femur.js';
export type { Acquisition } from './detector/expose.js';
export { TRUTH_FORMAT, TRUTH_VERSION, type GroundTruth } from './truth/ground-truth.js';
export { renderContactSheet, type ContactSheetOptions } from './sheet/contact-sheet.js';
