/**
 * `affnet inspect FILE`: what affnet sees in a radiograph file — metadata, the pixel pipeline that was
 * applied (transfer syntax, bits, LUTs, inversion) and pixel statistics — and optionally the displayed
 * image as a 16-bit PNG. Patient identifiers are hidden unless --show-patient-id is given.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AffnetError, decodeDicom, encodePng, isDicom, readRadiograph, type DicomMetadata, type DicomPixelInfo, type Radiograph, type VoiChoice } from '@affnet/core';
import { CliError } from '../errors.js';
import { emit, progress } from '../output.js';

interface InspectOptions {
  json?: boolean;
  frame: string;
  png?: string;
  voi: string;
  showPatientId?: boolean;
}

export interface PixelStats {
  min: number;
  max: number;
  mean: number;
  sd: number;
}

export function pixelStats(a: ArrayLike<number>): PixelStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sq += v * v;
  }
  const mean = sum / a.length;
  const round = (x: number) => Number(x.toPrecision(6));
  return { min: round(min), max: round(max), mean: round(mean), sd: round(Math.sqrt(Math.max(0, sq / a.length - mean * mean))) };
}

function parseVoi(v: string): VoiChoice {
  if (v === 'auto' || v === 'none') return v;
  if (/^\d+$/.test(v)) return Number(v);
  const lut = /^lut:(\d+)$/.exec(v);
  if (lut) return { lut: Number(lut[1]) };
  const win = /^(-?[\d.]+),([\d.]+)$/.exec(v);
  if (win) return { center: Number(win[1]), width: Number(win[2]) };
  throw new CliError(`--voi: "${v}" is not one of: auto, none, N (window index), lut:N, CENTER,WIDTH`, 2);
}

interface Inspection {
  file: string;
  format: 'dicom' | 'raster';
  width: number;
  height: number;
  metadata: Omit<DicomMetadata, 'patientId'> & { patientId?: string; patientIdPresent: boolean };
  pipeline: string[];
  info?: DicomPixelInfo;
  statistics: { stored?: PixelStats; modality?: PixelStats; display: PixelStats };
  png?: string;
}

function metadataOf(r: Radiograph, showId: boolean, dicomMeta?: DicomMetadata): Inspection['metadata'] {
  const base: DicomMetadata = dicomMeta ?? {
    ...(r.meta.modality ? { modality: r.meta.modality } : {}),
    ...(r.meta.pixelSpacing ? { pixelSpacing: r.meta.pixelSpacing } : {}),
  };
  const { patientId, ...rest } = base;
  return { ...rest, patientIdPresent: patientId !== undefined, ...(showId && patientId ? { patientId } : {}) };
}

function render(x: Inspection): string {
  const m = x.metadata;
  const lines = [
    `file: ${x.file}`,
    `format: ${x.format}${x.info ? ` (${x.info.layout}), frame ${x.info.frames.index} of ${x.info.frames.count} (0-based)` : ''}`,
    `size: ${x.width} x ${x.height}`,
    `modality: ${m.modality ?? '-'}  body part: ${m.bodyPart ?? '-'}  view: ${m.viewPosition ?? '-'}  laterality: ${m.laterality ?? '-'}`,
    `pixel spacing: ${m.pixelSpacing ? `${m.pixelSpacing[0]} x ${m.pixelSpacing[1]} mm${m.pixelSpacingSource ? ` (${m.pixelSpacingSource})` : ''}` : '-'}`,
    `patient id: ${m.patientId ?? (m.patientIdPresent ? '(present, hidden; --show-patient-id prints it)' : '-')}`,
    ...(m.studyInstanceUid ? [`study: ${m.studyInstanceUid}`] : []),
    ...(m.sopInstanceUid ? [`instance: ${m.sopInstanceUid}`] : []),
    'pipeline:',
    ...x.pipeline.map((l) => `  ${l}`),
    'pixels (min / max / mean / sd):',
  ];
  const s = x.statistics;
  const row = (label: string, p: PixelStats) => `  ${label.padEnd(9)} ${p.min} / ${p.max} / ${p.mean} / ${p.sd}`;
  if (s.stored) lines.push(row('stored', s.stored));
  if (s.modality) lines.push(row('modality', s.modality));
  lines.push(row('display', s.display));
  if (x.png) lines.push(`png: ${x.png} (16-bit; display range 0..${x.info?.outputRange[1] ?? 2 ** 16 - 1} scaled to 0..65535)`);
  return lines.join('\n');
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Show what affnet sees in a radiograph (DICOM or raster): metadata, pixel pipeline, statistics')
    .argument('<file>', 'DICOM, PNG, JPEG or TIFF file')
    .option('--json', 'machine-readable output')
    .option('--frame <n>', 'frame of a multi-frame DICOM file (0-based)', '0')
    .option('--voi <choice>', 'VOI: auto, none, N (window index, 0-based), lut:N, or CENTER,WIDTH', 'auto')
    .option('--png <out>', 'write the displayed image as a 16-bit PNG')
    .option('--show-patient-id', 'print the Patient ID (hidden by default)')
    .action(async (file: string, opts: InspectOptions) => {
      if (!/^\d+$/.test(opts.frame)) throw new CliError(`--frame: expected a whole number ≥ 0, got "${opts.frame}"`, 2);
      const frame = Number(opts.frame);
      const voi = parseVoi(opts.voi);
      const bar = progress('inspect', opts.png ? 2 : 1);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new AffnetError(code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO', code === 'ENOENT' ? 'file not found' : `cannot read (${code})`, { file });
      }
      let x: Inspection;
      let r: Radiograph;
      if (isDicom(bytes)) {
        const d = await decodeDicom(bytes, { source: file, frame, voi });
        r = d.radiograph;
        x = {
          file,
          format: 'dicom',
          width: r.width,
          height: r.height,
          metadata: metadataOf(r, opts.showPatientId === true, d.metadata),
          pipeline: r.meta.pipeline ?? [],
          info: d.info,
          statistics: { stored: pixelStats(d.stored), modality: pixelStats(d.modality), display: pixelStats(r.data) },
        };
      } else {
        if (opts.voi !== 'auto') throw new CliError('--voi applies to DICOM files only', 2);
        r = await readRadiograph(bytes, { source: file, frame });
        x = { file, format: 'raster', width: r.width, height: r.height, metadata: metadataOf(r, false), pipeline: r.meta.pipeline ?? [], statistics: { display: pixelStats(r.data) } };
      }
      bar.tick();
      if (opts.png) {
        await writeFile(opts.png, await encodePng(r, { bitDepth: 16, range: 'stored' }));
        x.png = opts.png;
        bar.tick();
      }
      bar.stop();
      emit(x, opts, () => render(x));
    });
}
