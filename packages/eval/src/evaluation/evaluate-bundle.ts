/**
 * One trained bundle on a labelled image set (`affnet evaluate --manifest M`): images are read and
 * preprocessed as the bundle says, run on the chosen runtime, and the results are written in the
 * same results format as a cross-validation (protocol "evaluation", one "fold"), so the same report
 * shows them. Unreadable images are recorded and left out.
 */
import { AffnetError, runtimeId, type LoadedModel, type Manifest, type Radiograph } from '@affnet/core';
import { prepareImages, setWarnings, specKey } from '../cv/dataset.js';
import { evaluateFold } from '../cv/evaluate-fold.js';
import { EXPERIMENT_SCHEMA, EXPERIMENT_VERSION, type ExperimentResults } from '../results/experiment.js';

export interface EvaluateBundleOptions {
  manifestName: string;
  /** Folder for CAM overlays (and what their paths are relative to). */
  outDir: string;
  /** Gallery cases. @defaultValue 8 */
  gallery?: number;
  onProgress?(done: number, total: number): void;
  read?(path: string): Promise<Radiograph>;
  tool?: string;
}

export async function evaluateBundle(model: LoadedModel, manifest: Manifest, options: EvaluateBundleOptions): Promise<ExperimentResults> {
  const m = model.bundle.manifest;
  const spec = m.preprocessing;
  for (const label of manifest.labels) {
    if (!m.labels.includes(label)) {
      throw new AffnetError('E_MANIFEST_INVALID', `class "${label}" of the manifest is not one of the bundle's classes (${m.labels.join(', ')}); map the manifest's labels to them (e.g. --labels)`, {
        file: options.manifestName,
      });
    }
  }
  if (manifest.positive !== m.positiveLabel) {
    throw new AffnetError('E_MANIFEST_INVALID', `the manifest's positive class "${manifest.positive}" differs from the bundle's "${m.positiveLabel}"`, { file: options.manifestName });
  }
  const started = Date.now();
  // The bundle's aligner: the auto pathway's points, and an intervention image's when it has no clicks.
  const sets = await prepareImages(manifest, [spec], {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.read ? { read: options.read } : {}),
    ...(m.aligner ? { aligner: m.aligner } : {}),
  });
  const set = sets.get(specKey(spec))!;
  const images = set.images.filter((x) => x !== undefined);
  const ev = await evaluateFold(model, images, {
    ...(options.gallery === 0 ? {} : { gallery: { dir: `${options.outDir}/cam`, relativeTo: options.outDir, prefix: 'evaluate', count: options.gallery ?? 8 } }),
    ...(options.read ? { read: options.read } : {}),
  });
  return {
    schema: EXPERIMENT_SCHEMA,
    version: EXPERIMENT_VERSION,
    protocol: 'evaluation',
    createdAt: new Date().toISOString(),
    tool: options.tool ?? 'affnet',
    config: {
      bundle: model.bundle.path ?? '(in memory)',
      architecture: m.architecture,
      inputSize: m.inputSize,
      pathway: spec.pathway,
      runtime: runtimeId(model.runtime),
      training: m.provenance.training ?? {},
    },
    dataset: {
      manifest: options.manifestName,
      images: manifest.items.length,
      patients: new Set(manifest.items.map((i) => i.patientId)).size,
      patientIdsKnown: manifest.patientIdsKnown,
      labels: [manifest.labels[0], manifest.labels[1]],
      positiveLabel: manifest.positive,
    },
    runs: [
      {
        architecture: m.architecture,
        pathway: spec.pathway,
        fold: 0,
        folds: 1,
        seed: m.provenance.seed ?? 0,
        configHash: 'evaluation',
        train: { images: 0, patients: 0 },
        test: { images: images.length, patients: new Set(images.map((i) => i.patientId)).size },
        history: [],
        bestEpoch: null,
        predictions: ev.predictions,
        threshold: 0.5,
        runtime: { backend: model.runtime.backend, engine: model.runtime.engine },
        predictedOn: runtimeId(model.runtime),
        durationMs: Date.now() - started,
        camCases: ev.camCases,
        warnings: setWarnings(set),
      },
    ],
  };
}
