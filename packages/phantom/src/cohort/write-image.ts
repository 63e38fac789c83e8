/**
 * Renders one planned radiograph and writes it: a 16-bit greyscale PNG holding the stored values
 * (bone bright; not rescaled, so a 12-bit image uses 0..4095), a DICOM file (CR or DX, Explicit VR
 * Little Endian, MONOCHROME1 files store max − value) and the ground truth as JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AffnetError, createRng, encodePng, writeDicom, type DicomWriteMetadata, type Point } from '@affnet/core';
import { renderImage } from '../radiograph/render.js';
import type { GroundTruth } from '../truth/ground-truth.js';
import type { ImageJob } from './plan.js';

/** DICOM SOP classes: CR Image Storage and Digital X-Ray Image Storage – For Presentation (PS3.4 B.5). */
const SOP_CLASS = { CR: '1.2.840.10008.5.1.4.1.1.1', DX: '1.2.840.10008.5.1.4.1.1.1.1' } as const;

export interface WriteSettings {
  out: string;
  png: boolean;
  dicom: boolean;
  pngCompression: number;
}

/** What the manifest needs about one written image; paths relative to the output folder, `/`-separated. */
export interface ImageRecord {
  stem: string;
  patientId: string;
  label: 'AFF' | 'NFF';
  view: 'AP' | 'LAT';
  png?: string;
  dicom?: string;
  truth: string;
  clicks: { fracture: Point; axis: Point };
}

export const relativePaths = (job: ImageJob) => ({
  png: `png/${job.patient.patientId}/${job.stem}.png`,
  dicom: `dicom/${job.patient.patientId}/${job.stem}.dcm`,
  truth: `truth/${job.patient.patientId}/${job.stem}.json`,
});

export function dicomMetadata(job: ImageJob, truth: GroundTruth): DicomWriteMetadata {
  const p = job.patient;
  const lateral = p.side === 'L' ? 'LL' : 'RL';
  return {
    PatientID: p.patientId,
    PatientName: `Phantom^${p.patientId}`,
    StudyInstanceUID: job.uids.study,
    SeriesInstanceUID: job.uids.series,
    SOPInstanceUID: job.uids.sop,
    SOPClassUID: SOP_CLASS[job.modality],
    Modality: job.modality,
    BodyPartExamined: 'FEMUR',
    // CR defined terms for ViewPosition (PS3.3 C.8.1.1): AP, or LL / RL for a lateral of that side.
    ViewPosition: job.view.view === 'AP' ? 'AP' : lateral,
    Laterality: p.side,
    ImageLaterality: p.side,
    PixelSpacing: truth.image.pixelSpacing,
    ImagerPixelSpacing: truth.image.imagerPixelSpacing,
    extra: {
      PatientSex: 'O',
      StudyDescription: 'affnet synthetic femur (phantom)',
      SeriesNumber: job.number,
      InstanceNumber: 1,
      ImageComments: `synthetic phantom, not a patient; label ${p.label}`,
      PatientIdentityRemoved: 'YES',
    },
  };
}

async function write(file: string, data: Uint8Array | string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, data);
  } catch (e) {
    throw new AffnetError('E_IO', `cannot write (${(e as Error).message})`, { file, cause: e });
  }
}

/** max − v for every stored value (MONOCHROME1 files store the inverse; a plain loop, no per-pixel callback). */
function inverted(stored: Uint16Array, max: number): Uint16Array {
  const out = new Uint16Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = max - stored[i]!;
  return out;
}

export async function writeImage(job: ImageJob, s: WriteSettings): Promise<ImageRecord> {
  const r = renderImage(job.patient, job.view, createRng(job.noiseSeed));
  const rel = relativePaths(job);
  const record: ImageRecord = {
    stem: job.stem,
    patientId: job.patient.patientId,
    label: job.patient.label,
    view: job.view.view,
    truth: rel.truth,
    clicks: r.truth.clicks,
  };
  if (s.png) {
    // the stored values as they are (Uint16Array, range [0, 65535]: written without conversion or copy)
    const plane = { width: r.width, height: r.height, data: r.stored, meta: { bitDepth: 16, source: rel.png } };
    await write(join(s.out, rel.png), await encodePng(plane, { bitDepth: 16, range: [0, 65535], compressionLevel: s.pngCompression }));
    record.png = rel.png;
  }
  if (s.dicom) {
    const max = 2 ** r.bitsStored - 1;
    const pixels = job.view.photometric === 'MONOCHROME1' ? inverted(r.stored, max) : r.stored;
    const bytes = writeDicom({ width: r.width, height: r.height, pixels, bitsStored: r.bitsStored, bitsAllocated: 16, signed: false, photometric: job.view.photometric }, dicomMetadata(job, r.truth));
    await write(join(s.out, rel.dicom), bytes);
    record.dicom = rel.dicom;
  }
  await write(join(s.out, rel.truth), `${JSON.stringify(r.truth, null, 1)}\n`);
  return record;
}
