/**
 * A prediction stored back beside its radiograph, as two DICOM objects in the source's study:
 *
 * - a Secondary Capture (1.2.840.10008.5.1.4.1.1.7) of the CAM overlay, RGB, referencing the source
 *   image (Source Image Sequence);
 * - a Comprehensive SR (1.2.840.10008.5.1.4.1.1.88.33): the probability as a NUM item (inferred from
 *   the source image), the decided label, the model (architecture, pathway, bundle fingerprint,
 *   runtime, affnet version), a reference to the CAM capture; the source instance in the evidence.
 *
 * Their UIDs are derived (core `derivedUid`) from the source SOP Instance UID and the bundle's
 * fingerprint, so storing the result of the same image and bundle again replaces nothing and
 * duplicates nothing. Patient and study attributes are copied from the source as they are.
 */
import { derivedUid, writeDicom, writeDicomDataset } from '@affnet/core';
import type { ImageResult } from '../pipeline.js';

export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
export const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
/** Radiograph storage classes classified: CR, DX for presentation, DX for processing. */
export const RADIOGRAPH_CLASSES: ReadonlySet<string> = new Set(['1.2.840.10008.5.1.4.1.1.1', '1.2.840.10008.5.1.4.1.1.1.1', '1.2.840.10008.5.1.4.1.1.1.1.1']);
export const AFFNET_VERSION = '0.1.0';

/** The model a result came from, as the report names it. */
export interface ResultModel {
  architecture: string;
  pathway: string;
  /** core `bundleFingerprint`. */
  fingerprint: string;
  runtime: string;
  threshold: number;
}

export interface ResultUids {
  scSeries: string;
  scInstance: string;
  srSeries: string;
  srInstance: string;
}

/** The four UIDs of one image's results: the same for the same source instance and bundle. */
export function resultUids(study: string, sourceInstance: string, fingerprint: string): ResultUids {
  return {
    scSeries: derivedUid('affnet-cam-series', study, fingerprint),
    scInstance: derivedUid('affnet-cam', sourceInstance, fingerprint),
    srSeries: derivedUid('affnet-sr-series', study, fingerprint),
    srInstance: derivedUid('affnet-sr', sourceInstance, fingerprint),
  };
}

const PATIENT_STUDY = [
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'StudyID',
  'AccessionNumber',
  'ReferringPhysicianName',
  'StudyDescription',
] as const;
/** Type 2 attributes: present, empty when the source lacks them. */
const TYPE2 = new Set(['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'ReferringPhysicianName']);

function copied(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PATIENT_STUDY) {
    if (source[k] !== undefined && source[k] !== null && source[k] !== '') out[k] = source[k];
    else if (TYPE2.has(k)) out[k] = '';
  }
  return out;
}

/** DICOM DA and TM of `when`, UTC. */
function dateTime(when: Date): { date: string; time: string } {
  const iso = when.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

const code = (value: string, scheme: string, meaning: string) => [{ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning }];

export interface BuildOptions {
  source: Record<string, unknown>;
  result: ImageResult;
  model: ResultModel;
  /** When the result was made. @defaultValue now */
  when?: Date;
}

/** The CAM overlay of `result` (raw RGB, see `cam: 'rgb'`) as a Secondary Capture. */
export function camSecondaryCapture(o: BuildOptions): Uint8Array {
  const cam = o.result.cam;
  if (cam?.format !== 'rgb') throw new TypeError('camSecondaryCapture needs the CAM as raw RGB (cam: "rgb")');
  const src = o.source;
  const study = String(src.StudyInstanceUID);
  const uids = resultUids(study, String(src.SOPInstanceUID), o.model.fingerprint);
  const { date, time } = dateTime(o.when ?? new Date());
  return writeDicom(
    { width: cam.width, height: cam.height, pixels: cam.bytes, bitsStored: 8, signed: false, photometric: 'RGB' },
    {
      SOPClassUID: SECONDARY_CAPTURE,
      SOPInstanceUID: uids.scInstance,
      StudyInstanceUID: study,
      SeriesInstanceUID: uids.scSeries,
      Modality: 'OT',
      extra: {
        ...copied(src),
        SpecificCharacterSet: 'ISO_IR 192',
        SeriesNumber: 9801,
        SeriesDescription: `affnet CAM (${o.model.architecture})`,
        InstanceNumber: Number(src.InstanceNumber ?? 1) || 1,
        ConversionType: 'WSD',
        Manufacturer: 'affnet',
        SoftwareVersions: AFFNET_VERSION,
        ImageType: ['DERIVED', 'SECONDARY'],
        DerivationDescription: `affnet class activation map of ${o.result.label} (probability ${o.result.probability.toFixed(4)}), not for diagnosis alone`,
        SourceImageSequence: [{ ReferencedSOPClassUID: src.SOPClassUID, ReferencedSOPInstanceUID: src.SOPInstanceUID }],
        BurnedInAnnotation: 'NO',
        ContentDate: date,
        ContentTime: time,
        ...(src.Laterality ? { Laterality: src.Laterality } : {}),
      },
    },
  );
}

/** The prediction of `result` as a Comprehensive SR referencing the source and the CAM capture. */
export function predictionReport(o: BuildOptions): Uint8Array {
  const src = o.source;
  const study = String(src.StudyInstanceUID);
  const uids = resultUids(study, String(src.SOPInstanceUID), o.model.fingerprint);
  const { date, time } = dateTime(o.when ?? new Date());
  const r = o.result;
  const sourceRef = [{ ReferencedSOPClassUID: src.SOPClassUID, ReferencedSOPInstanceUID: src.SOPInstanceUID }];
  const camRef = [{ ReferencedSOPClassUID: SECONDARY_CAPTURE, ReferencedSOPInstanceUID: uids.scInstance }];
  const text = (meaning: [string, string, string], value: string) => ({ RelationshipType: 'CONTAINS', ValueType: 'TEXT', ConceptNameCodeSequence: code(...meaning), TextValue: value });
  const content = [
    {
      RelationshipType: 'CONTAINS',
      ValueType: 'NUM',
      ConceptNameCodeSequence: code('AFF-P', '99AFFNET', `Probability of ${r.positiveLabel}`),
      MeasuredValueSequence: [{ NumericValue: r.probability.toFixed(6), MeasurementUnitsCodeSequence: code('1', 'UCUM', 'no units') }],
      ContentSequence: [{ RelationshipType: 'INFERRED FROM', ValueType: 'IMAGE', ConceptNameCodeSequence: code('121112', 'DCM', 'Source of Measurement'), ReferencedSOPSequence: sourceRef }],
    },
    text(['121071', 'DCM', 'Finding'], `${r.label} (probability of ${r.positiveLabel} ${r.probability.toFixed(4)}, threshold ${o.model.threshold}); computer output, to be read by a radiologist`),
    text(
      ['111001', 'DCM', 'Algorithm Name'],
      `affnet ${o.model.architecture}, ${o.model.pathway} pathway${r.alignment ? ` (points from ${r.alignment === 'clicks' ? 'the user' : 'the aligner'})` : ''}`,
    ),
    text(['111003', 'DCM', 'Algorithm Version'], `affnet ${AFFNET_VERSION}; bundle sha256 ${o.model.fingerprint}; runtime ${o.model.runtime}`),
    ...(r.warnings?.length ? [text(['121106', 'DCM', 'Comment'], r.warnings.map((w) => w.detail).join('; '))] : []),
    ...(r.cam ? [{ RelationshipType: 'CONTAINS', ValueType: 'IMAGE', ConceptNameCodeSequence: code('AFF-CAM', '99AFFNET', 'Class activation map'), ReferencedSOPSequence: camRef }] : []),
  ];
  return writeDicomDataset({
    ...copied(src),
    SOPClassUID: COMPREHENSIVE_SR,
    SOPInstanceUID: uids.srInstance,
    StudyInstanceUID: study,
    SeriesInstanceUID: uids.srSeries,
    Modality: 'SR',
    SeriesNumber: 9802,
    SeriesDescription: `affnet prediction (${o.model.architecture})`,
    ReferencedPerformedProcedureStepSequence: [],
    PerformedProcedureCodeSequence: [],
    Manufacturer: 'affnet',
    SoftwareVersions: AFFNET_VERSION,
    InstanceNumber: Number(src.InstanceNumber ?? 1) || 1,
    ContentDate: date,
    ContentTime: time,
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: code('18748-4', 'LN', 'Diagnostic imaging report'),
    ContinuityOfContent: 'SEPARATE',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    CurrentRequestedProcedureEvidenceSequence: [{ StudyInstanceUID: study, ReferencedSeriesSequence: [{ SeriesInstanceUID: src.SeriesInstanceUID, ReferencedSOPSequence: sourceRef }] }],
    ...(r.cam ? { PertinentOtherEvidenceSequence: [{ StudyInstanceUID: study, ReferencedSeriesSequence: [{ SeriesInstanceUID: uids.scSeries, ReferencedSOPSequence: camRef }] }] } : {}),
    ContentSequence: content,
  });
}
