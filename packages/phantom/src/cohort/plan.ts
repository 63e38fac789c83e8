/**
 * The cohort's plan: every patient and every radiograph drawn up front from the seed, so that the
 * files are identical whatever the number of workers and the order they finish in.
 */
import { createHash } from 'node:crypto';
import { createRng } from '@affnet/core';
import type { FractureLabel } from '../fracture/types.js';
import { drawPatient } from '../radiograph/draw-patient.js';
import { drawView } from '../radiograph/draw-view.js';
import type { PhantomPatient, ViewSpec } from '../radiograph/types.js';
import type { ResolvedCohortOptions } from './options.js';

export interface ImageJob {
  patient: PhantomPatient;
  /** 1-based number of the radiograph within the patient's study. */
  number: number;
  view: ViewSpec;
  /** Seed of the quantum noise. */
  noiseSeed: number;
  /** File stem, e.g. "PH0007-2-LAT". */
  stem: string;
  modality: 'CR' | 'DX';
  uids: { study: string; series: string; sop: string };
}

/**
 * A DICOM UID under the 2.25 root (PS3.5 B.2) derived from a name: the first 128 bits of its SHA-256
 * as a decimal integer, so a cohort regenerated from the same seed has the same UIDs.
 */
export function uidFor(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

export function planCohort(o: ResolvedCohortOptions): ImageJob[] {
  const master = createRng(o.seed);
  const nAff = Math.round(o.patients * o.affShare);
  const labels: FractureLabel[] = Array.from({ length: o.patients }, (_, i) => (i < nAff ? 'AFF' : 'NFF'));
  master.shuffle(labels);
  const jobs: ImageJob[] = [];
  const [minImages, maxImages] = o.imagesPerPatient;
  for (let i = 0; i < o.patients; i++) {
    const rng = createRng(master.int(2 ** 32));
    const patient = drawPatient(rng, i, labels[i]!, o.difficulty);
    const count = minImages + rng.int(maxImages - minImages + 1);
    const modality = rng.next() < 0.5 ? 'CR' : 'DX';
    const study = uidFor(`affnet-phantom/${o.seed}/${patient.patientId}`);
    for (let k = 1; k <= count; k++) {
      const view = drawView(rng, patient, k - 1, { height: o.height });
      const stem = `${patient.patientId}-${k}-${view.view}`;
      jobs.push({
        patient,
        number: k,
        view,
        noiseSeed: rng.int(2 ** 32),
        stem,
        modality,
        uids: { study, series: uidFor(`${study}/${k}`), sop: uidFor(`${study}/${k}/image`) },
      });
    }
  }
  return jobs;
}
