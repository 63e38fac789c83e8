// @affnet/serve: affnet's models as an HTTP service (micro-batched, metrics, limits) and DICOMweb. Re-exports only.
export * from './batcher.js';
export * from './http-errors.js';
export * from './metrics.js';
export * from './pipeline.js';
export * from './prepare-pool.js';
export type { OverlayOk, PlainImage, PrepareOk } from './prepare-task.js';
export * from './server.js';
export * from './dicomweb/classify.js';
export * from './dicomweb/client.js';
export * from './dicomweb/multipart.js';
export * from './dicomweb/results.js';
export * from './dicomweb/routes.js';
export * from './screen/queue.js';
export * from './screen/store.js';
export * from './screen/worker.js';
export * from './screen/plan.js';
export * from './screen/report.js';
