/** The descriptive attributes affnet carries with a radiograph (patient fields never go to logs). */
import type { DataSet } from 'dicom-parser';

export interface DicomMetadata {
  patientId?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  sopClassUid?: string;
  modality?: string;
  bodyPart?: string;
  viewPosition?: string;
  laterality?: string;
  /** [row spacing, column spacing] in mm, and which attribute it came from. */
  pixelSpacing?: [number, number];
  pixelSpacingSource?: 'PixelSpacing' | 'ImagerPixelSpacing';
}

function str(ds: DataSet, tag: string): string | undefined {
  const v = ds.string(tag)?.replace(/\0/g, '').trim();
  return v ? v : undefined;
}

function spacing(ds: DataSet, tag: string): [number, number] | undefined {
  const r = ds.floatString(tag, 0);
  const c = ds.floatString(tag, 1);
  return r !== undefined && c !== undefined && r > 0 && c > 0 && Number.isFinite(r) && Number.isFinite(c) ? [r, c] : undefined;
}

export function readMetadata(ds: DataSet): DicomMetadata {
  const out: DicomMetadata = {};
  const set = <K extends keyof DicomMetadata>(k: K, v: DicomMetadata[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('patientId', str(ds, 'x00100020'));
  set('studyInstanceUid', str(ds, 'x0020000d'));
  set('seriesInstanceUid', str(ds, 'x0020000e'));
  set('sopInstanceUid', str(ds, 'x00080018'));
  set('sopClassUid', str(ds, 'x00080016'));
  set('modality', str(ds, 'x00080060'));
  set('bodyPart', str(ds, 'x00180015'));
  set('viewPosition', str(ds, 'x00185101'));
  // Image Laterality (0020,0062) describes the image itself; Laterality (0020,0060) the series.
  set('laterality', str(ds, 'x00200062') ?? str(ds, 'x00200060'));
  const ps = spacing(ds, 'x00280030');
  const ips = spacing(ds, 'x00181164');
  if (ps) {
    out.pixelSpacing = ps;
    out.pixelSpacingSource = 'PixelSpacing';
  } else if (ips) {
    out.pixelSpacing = ips;
    out.pixelSpacingSource = 'ImagerPixelSpacing';
  }
  return out;
}
