/**
 * Generates a cohort: plans it from the seed, renders and writes every radiograph (PNG, DICOM, ground
 * truth), then writes `manifest.csv` (PNG paths; columns path, label, patientId, view, fx, fy, ax, ay,
 * dicom, truth), `manifest-dicom.csv` (the same with DICOM paths) and `cohort.json` (options and counts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { AffnetError, saveManifest, type Manifest, type ManifestItem } from '@affnet/core';
import { resolveCohortOptions, type CohortOptions } from './options.js';
import { planCohort } from './plan.js';
import { runJobs, type ImageFailure } from './pool.js';
import type { ImageRecord } from './write-image.js';

export const COHORT_FORMAT = 'affnet-phantom-cohort';
export const COHORT_VERSION = 1;

export interface CohortSummary {
  out: string;
  patients: { AFF: number; NFF: number };
  images: { AFF: number; NFF: number; written: number; failed: number };
  /** Paths of the manifests (absolute); `dicomManifest` is absent when no DICOM was written. */
  manifest: string;
  dicomManifest?: string;
  failures: ImageFailure[];
  seconds: number;
  imagesPerSecond: number;
  workers: number;
}

function manifestOf(out: string, records: ImageRecord[], kind: 'png' | 'dicom'): Manifest {
  const items: ManifestItem[] = records.map((r) => {
    const rel = (kind === 'png' ? r.png : r.dicom)!;
    const extra: Record<string, string> = { truth: r.truth };
    if (kind === 'png' && r.dicom) extra.dicom = r.dicom;
    if (kind === 'dicom' && r.png) extra.png = r.png;
    return { path: join(out, rel), pathAsWritten: rel, label: r.label, patientId: r.patientId, view: r.view, clicks: r.clicks, extra };
  });
  return { baseDir: out, labels: ['AFF', 'NFF'], positive: 'AFF', patientIdsKnown: true, items };
}

/** Generates the cohort described by `options` (see {@link CohortOptions}); returns counts and timing. */
export async function generateCohort(options: CohortOptions): Promise<CohortSummary> {
  const o = resolveCohortOptions(options, availableParallelism());
  const out = resolve(o.out);
  try {
    await mkdir(out, { recursive: true });
  } catch (e) {
    throw new AffnetError('E_IO', `cannot create the output folder (${(e as Error).message})`, { file: out, cause: e });
  }
  const start = performance.now();
  const jobs = planCohort(o);
  const results = await runJobs(jobs, { out, png: o.png, dicom: o.dicom, pngCompression: o.pngCompression }, o.workers, (done) => o.onProgress?.(done, jobs.length));
  const records = results.flatMap((r) => ('record' in r ? [r.record] : []));
  const failures = results.flatMap((r) => ('failure' in r ? [r.failure] : []));
  const manifest = join(out, 'manifest.csv');
  const primary = o.png ? 'png' : 'dicom';
  await saveManifest(manifest, manifestOf(out, records, primary));
  let dicomManifest: string | undefined;
  if (o.png && o.dicom) {
    dicomManifest = join(out, 'manifest-dicom.csv');
    await saveManifest(dicomManifest, manifestOf(out, records, 'dicom'));
  }
  const seconds = (performance.now() - start) / 1000;
  const patientsOf = (l: 'AFF' | 'NFF') => new Set(jobs.filter((j) => j.patient.label === l).map((j) => j.patient.patientId)).size;
  const summary: CohortSummary = {
    out,
    patients: { AFF: patientsOf('AFF'), NFF: patientsOf('NFF') },
    images: {
      AFF: records.filter((r) => r.label === 'AFF').length,
      NFF: records.filter((r) => r.label === 'NFF').length,
      written: records.length,
      failed: failures.length,
    },
    manifest,
    ...(dicomManifest ? { dicomManifest } : {}),
    failures,
    seconds,
    imagesPerSecond: records.length / seconds,
    workers: o.workers,
  };
  // the file is identical for any number of workers, so the worker count is not recorded
  const { onProgress: _progress, out: _out, workers: _workers, ...settings } = o;
  const doc = { format: COHORT_FORMAT, version: COHORT_VERSION, settings, patients: summary.patients, images: summary.images, failures };
  await writeFile(join(out, 'cohort.json'), `${JSON.stringify(doc, null, 2)}\n`);
  return summary;
}
