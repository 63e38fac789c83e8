// DICOM ingest: parsing, pixel decoding, the grey-level pipeline, writing. This file only re-exports.
export { decodeDicom, dicomFrames, openDicom, type DicomFile, type DicomFrame, type DicomReadOptions } from './decode.js';
export { describePipeline, type DicomPixelInfo } from './pipeline-info.js';
export type { ModalityStep, VoiChoice, VoiFunction, VoiStep } from './grey-pipeline.js';
export type { DicomMetadata } from './metadata.js';
export type { PixelModule, Photometric } from './pixel-module.js';
export { isDicom, sniffDicom, type DicomLayout } from './sniff.js';
export { TRANSFER_SYNTAXES, type TransferSyntax, type PixelCodec } from './transfer-syntax.js';
export { writeDicom, writeDicomDataset, writeDicomFile, generateUid, derivedUid, DX_FOR_PRESENTATION, type DicomWriteImage, type DicomWriteMetadata } from './write.js';
export { readDicomAttributes } from './attributes.js';
