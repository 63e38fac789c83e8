/**
 * Classify every radiograph of a study (or one series) on a DICOMweb server and, on request, store
 * the results back: QIDO-RS finds the series and instances, WADO-RS brings each radiograph, the
 * model pipeline classifies it (micro-batched with whatever else runs), STOW-RS stores its CAM
 * Secondary Capture and its SR (results.ts). Instances that are not radiographs (other SOP classes,
 * including affnet's own results) are listed as skipped; a failing instance is an error entry and
 * the rest go on.
 */
import { bundleFingerprint, readDicomAttributes } from '@affnet/core';
import { ServeError, toWire } from '../http-errors.js';
import type { ImageResult, ModelPipeline } from '../pipeline.js';
import { jsonValue, type DicomwebClient } from './client.js';
import { camSecondaryCapture, predictionReport, RADIOGRAPH_CLASSES, resultUids, type ResultModel } from './results.js';

export interface InstanceOutcome {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  status: 'classified' | 'skipped' | 'failed';
  /** The prediction (without the CAM pixels). */
  prediction?: Omit<ImageResult, 'cam'>;
  /** Stored results' UIDs. */
  stored?: { secondaryCapture: string; report: string };
  reason?: string;
  error?: { code: string; message: string };
}

export interface StudyOutcome {
  studyInstanceUid: string;
  model: string;
  classified: number;
  skipped: number;
  failed: number;
  stored: number;
  instances: InstanceOutcome[];
}

export interface ClassifyStudyOptions {
  client: DicomwebClient;
  pipeline: ModelPipeline;
  study: string;
  /** Only this series. */
  series?: string;
  /** STOW-RS the results back. @defaultValue true */
  store?: boolean;
  /** Instances in flight at once (their forward passes are shared). @defaultValue 8 */
  concurrency?: number;
  threshold?: number;
  /** The bundle's fingerprint, when the caller has it already (it hashes every weight). */
  fingerprint?: string;
  /** Told after each instance. */
  onInstance?: (o: InstanceOutcome) => void;
}

const fingerprints = new WeakMap<object, string>();

/** The fingerprint of a pipeline's bundle, computed once per bundle. */
export function pipelineFingerprint(pipeline: ModelPipeline): string {
  const b = pipeline.model.bundle;
  let f = fingerprints.get(b);
  if (!f) {
    f = bundleFingerprint(b);
    fingerprints.set(b, f);
  }
  return f;
}

export async function classifyStudy(o: ClassifyStudyOptions): Promise<StudyOutcome> {
  const { client, pipeline, study } = o;
  const store = o.store ?? true;
  const m = pipeline.model.bundle.manifest;
  const model: ResultModel = {
    architecture: m.architecture,
    pathway: m.preprocessing.pathway,
    fingerprint: o.fingerprint ?? pipelineFingerprint(pipeline),
    runtime: pipeline.runtime,
    threshold: o.threshold ?? pipeline.threshold,
  };
  const seriesList = o.series ? [o.series] : (await client.searchSeries(study)).map((s) => jsonValue(s, '0020000E')).filter((s): s is string => Boolean(s));
  const todo: { series: string; sop: string; sopClass: string | undefined; n: number }[] = [];
  const outcomes: InstanceOutcome[] = [];
  for (const series of seriesList) {
    for (const inst of await client.searchInstances(study, series)) {
      const sop = jsonValue(inst, '00080018');
      if (!sop) continue;
      const sopClass = jsonValue(inst, '00080016');
      if (sopClass && !RADIOGRAPH_CLASSES.has(sopClass)) {
        outcomes.push({ seriesInstanceUid: series, sopInstanceUid: sop, status: 'skipped', reason: `not a radiograph (SOP class ${sopClass})` });
        continue;
      }
      todo.push({ series, sop, sopClass, n: todo.length + 1 });
    }
  }
  let next = 0;
  const results: InstanceOutcome[] = new Array(todo.length);
  const worker = async () => {
    while (next < todo.length) {
      const t = todo[next++]!;
      const base = { seriesInstanceUid: t.series, sopInstanceUid: t.sop };
      let outcome: InstanceOutcome;
      try {
        const bytes = await client.retrieveInstance(study, t.series, t.sop);
        const source = readDicomAttributes(bytes, `instance ${t.n}`);
        if (source.SOPClassUID && !RADIOGRAPH_CLASSES.has(String(source.SOPClassUID))) {
          outcome = { ...base, status: 'skipped', reason: `not a radiograph (SOP class ${String(source.SOPClassUID)})` };
        } else {
          const result = await pipeline.predict({ bytes, source: `instance ${t.n} of study`, ...(store ? { cam: 'rgb' as const } : {}) });
          const { cam: _cam, ...prediction } = result;
          outcome = { ...base, status: 'classified', prediction };
          if (store) {
            const when = new Date();
            const sc = camSecondaryCapture({ source, result, model, when });
            const sr = predictionReport({ source, result, model, when });
            const answer = await client.store([sc, sr], study);
            if (answer.failed.length > 0) throw new ServeError('E_DICOMWEB', `STOW-RS refused ${answer.failed.length} of 2 result objects (${answer.failed.map((f) => f.reason).join(', ')})`, 502);
            const uids = resultUids(study, t.sop, model.fingerprint);
            outcome.stored = { secondaryCapture: uids.scInstance, report: uids.srInstance };
          }
        }
      } catch (e) {
        const w = toWire(e);
        outcome = { ...base, status: 'failed', error: { code: w.code, message: w.message } };
      }
      results[t.n - 1] = outcome;
      o.onInstance?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 8, todo.length)) }, worker));
  const all = [...results, ...outcomes];
  return {
    studyInstanceUid: study,
    model: pipeline.name,
    classified: all.filter((x) => x.status === 'classified').length,
    skipped: all.filter((x) => x.status === 'skipped').length,
    failed: all.filter((x) => x.status === 'failed').length,
    stored: all.filter((x) => x.stored).length,
    instances: all,
  };
}
