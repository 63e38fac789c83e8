/**
 * Testing one trained model on its held-out images: probabilities, the class activation map of the
 * predicted class (core `camFromFeatures` on the features and dense kernel), overlays of a few right
 * and wrong cases for the report's gallery, and — where the ground-truth fracture region is known
 * (phantoms) — the pointing game and deletion AUC.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRng, predictImages, readRadiograph, upsampleBilinear, type AlignmentRecord, type LoadedModel, type Point, type Radiograph } from '@affnet/core';
import { deletionCurve, randomOrder, saliencyOrder } from '../cam-quality/deletion.js';
import { distanceToPolygon, pointingGame, pointingTolerance, transformPolygon } from '../cam-quality/pointing-game.js';
import { camOverlayPng } from '../overlay/cam-overlay.js';
import type { CamCase, CamQualityResult, Prediction } from '../results/experiment.js';
import type { PreparedImage } from './dataset.js';

export interface FoldEvaluationOptions {
  /** Images per forward call. @defaultValue 16 */
  batchSize?: number;
  /** Decision threshold on the positive probability. @defaultValue 0.5 */
  threshold?: number;
  /** Overlays for the report's gallery. */
  gallery?: {
    /** Folder the PNGs go to. */
    dir: string;
    /** Folder the recorded paths are relative to (the results file's). */
    relativeTo: string;
    /** File name prefix, e.g. "resnet50-automated-fold1". */
    prefix: string;
    /** @defaultValue 4 (the most confident right case of each class, the two most confident wrong ones) */
    count?: number;
  };
  /** CAM quality against ground-truth regions (phantoms). */
  quality?: {
    /** The fracture region in original-image pixels, or undefined when unknown. */
    regionOf(image: PreparedImage): Promise<Point[] | undefined>;
    /** In network-input pixels. @defaultValue {@link pointingTolerance} of the input size (15 px at 224 px) */
    tolerancePx?: number;
    /** Deletion steps. @defaultValue 16 */
    steps?: number;
    /**
     * Images per fold whose deletion curves are measured (each costs 2·(steps + 1) forward passes);
     * the pointing game uses every image with a region (it needs no extra pass). @defaultValue 6
     */
    maxImages?: number;
    seed?: number;
  };
  read?(path: string): Promise<Radiograph>;
}

export interface FoldEvaluation {
  predictions: Prediction[];
  camCases: CamCase[];
  camQuality?: CamQualityResult;
}

/** Gallery cases of one fold: most confident right case per class, then the most confident errors. */
export function galleryPicks(rows: Array<{ truth: 0 | 1; correct: boolean; confidence: number }>, count: number): number[] {
  const order = rows.map((r, i) => ({ ...r, i })).sort((a, b) => b.confidence - a.confidence || a.i - b.i);
  const picks: number[] = [];
  for (const t of [1, 0]) {
    const r = order.find((x) => x.correct && x.truth === t);
    if (r && picks.length < Math.ceil(count / 2)) picks.push(r.i);
  }
  for (const r of order) if (!r.correct && picks.length < count) picks.push(r.i);
  for (const r of order) if (r.correct && !picks.includes(r.i) && picks.length < count) picks.push(r.i);
  return picks;
}

export async function evaluateFold(model: LoadedModel, images: PreparedImage[], options: FoldEvaluationOptions = {}): Promise<FoldEvaluation> {
  const { batchSize = 16, threshold = 0.5 } = options;
  const manifest = model.bundle.manifest;
  const N = manifest.inputSize;
  // CAMs only where they are used (a runtime without the feature map can still be evaluated).
  const results = await predictImages(model, images, { cam: Boolean(options.gallery || options.quality), threshold, batchSize });
  const probabilities = results.map((r) => r.probability);
  const cams = results.map((r) => r.cam!);

  const predictions: Prediction[] = images.map((img, i) => ({
    id: img.id,
    patientId: img.patientId,
    label: img.label,
    truth: img.truth,
    probability: probabilities[i]!,
    ...(img.alignment?.source === 'auto' ? { alignment: alignmentOf(img.alignment) } : {}),
  }));
  const predicted = (i: number): string => results[i]!.label;
  const read = options.read ?? ((p: string) => readRadiograph(p));

  const camCases: CamCase[] = [];
  if (options.gallery) {
    const g = options.gallery;
    mkdirSync(g.dir, { recursive: true });
    const rows = images.map((img, i) => ({ truth: img.truth, correct: predicted(i) === img.label, confidence: Math.abs(probabilities[i]! - 0.5) }));
    for (const i of galleryPicks(rows, g.count ?? 4)) {
      const img = images[i]!;
      const file = join(g.dir, `${g.prefix}-${camCases.length + 1}.png`);
      writeFileSync(file, await camOverlayPng(await read(img.path), cams[i]!, img.transform, N));
      camCases.push({ id: img.id, label: img.label, predicted: predicted(i), probability: probabilities[i]!, correct: rows[i]!.correct, overlay: relative(g.relativeTo, file) });
    }
  }

  let camQuality: CamQualityResult | undefined;
  if (options.quality) {
    const q = options.quality;
    const tolerancePx = q.tolerancePx ?? pointingTolerance(N);
    const rng = createRng(q.seed ?? 0);
    const [, fh, fw] = cams[0]?.shape ?? [1, 1, 1];
    camQuality = { pointingHits: 0, pointingTotal: 0, tolerancePx, pointingCentreHits: 0, mapSize: [fh, fw], deletionAuc: [], deletionAucRandom: [] };
    const centre = { x: (N - 1) / 2, y: (N - 1) / 2 };
    for (let i = 0; i < images.length; i++) {
      const img = images[i]!;
      const region = await q.regionOf(img);
      if (!region || region.length === 0) continue;
      const inInput = transformPolygon(region, img.transform);
      camQuality.pointingTotal++;
      if (pointingGame(cams[i]!.data, fw, fh, inInput, { inputSize: N, tolerancePx }).hit) camQuality.pointingHits++;
      if (distanceToPolygon(centre, inInput) <= tolerancePx) camQuality.pointingCentreHits!++;
      // Deletion needs 2·(steps + 1) forward passes per image: only the first few images.
      if (camQuality.deletionAuc.length < (q.maxImages ?? 6)) {
        const saliency = upsampleBilinear(cams[i]!, N, N).data;
        const one = { data: img.data, shape: [1, N, N, 3] as [number, number, number, number] };
        const cls = results[i]!.classIndex;
        camQuality.deletionAuc.push((await deletionCurve(model, one, saliencyOrder(saliency), cls, { steps: q.steps ?? 16 })).auc);
        camQuality.deletionAucRandom.push((await deletionCurve(model, one, randomOrder(N * N, rng), cls, { steps: q.steps ?? 16 })).auc);
      }
    }
  }
  return { predictions, camCases, ...(camQuality ? { camQuality } : {}) };
}

function alignmentOf(a: AlignmentRecord): NonNullable<Prediction['alignment']> {
  return { source: a.source, fracture: a.clicks.fracture, axis: a.clicks.axis, ...(a.confidence !== undefined ? { confidence: a.confidence } : {}), ...(a.warning ? { warning: a.warning } : {}) };
}
