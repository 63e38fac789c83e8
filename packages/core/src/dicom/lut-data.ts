/**
 * Reading the LUT attributes of the Modality LUT and VOI LUT modules (DICOM PS3.3 C.11.1 and C.11.2):
 * sequences of LUT Descriptor + LUT Data, and the window attributes.
 */
import type { DataSet, Element } from 'dicom-parser';
import { AffnetError } from '../errors.js';

export interface LutTable {
  /** Stored/modality value mapped to the first entry (LUT Descriptor value 2). */
  firstMapped: number;
  /** Bits per entry (LUT Descriptor value 3). */
  bits: number;
  data: Uint16Array;
  explanation?: string;
}

export interface WindowAttr {
  center: number;
  width: number;
  explanation?: string;
}

function u16At(ds: DataSet, el: Element, i: number): number {
  return ds.byteArrayParser.readUint16(ds.byteArray, el.dataOffset + 2 * i);
}

/** LUT items of a sequence (Modality LUT Sequence 0028,3000 or VOI LUT Sequence 0028,3010). */
export function readLutSequence(ds: DataSet, tag: string, inputSigned: boolean, file: string): LutTable[] {
  const seq = ds.elements[tag];
  const items = seq?.items ?? [];
  const out: LutTable[] = [];
  for (const [k, item] of items.entries()) {
    const it = item.dataSet;
    if (!it) continue;
    const desc = it.elements.x00283002;
    const data = it.elements.x00283006;
    if (!desc || !data || desc.length < 6) {
      // An item with absent or empty descriptor and data says nothing (seen in files with empty LUT sequences).
      if ((desc?.length ?? 0) === 0 && (data?.length ?? 0) === 0) continue;
      throw new AffnetError('E_DICOM_PIXEL_DATA', `LUT item ${k + 1} of (${tag.slice(1, 5)},${tag.slice(5)}) lacks LUT Descriptor or LUT Data`, {
        file,
      });
    }
    const entries = u16At(it, desc, 0) || 65536; // PS3.3 C.11.1.1.1: 0 means 2^16 entries
    let firstMapped = u16At(it, desc, 1);
    // The first mapped value is US or SS depending on the data it maps (C.11.1.1.1).
    if (inputSigned && firstMapped >= 0x8000) firstMapped -= 0x10000;
    const bits = u16At(it, desc, 2);
    if (bits < 1 || bits > 16) throw new AffnetError('E_DICOM_PIXEL_DATA', `LUT Descriptor bits per entry is ${bits}; valid: 1..16`, { file });
    const table = new Uint16Array(entries);
    if (data.length >= 2 * entries) {
      for (let i = 0; i < entries; i++) table[i] = u16At(it, data, i);
    } else if (bits <= 8 && data.length >= entries) {
      // 8-bit entries packed two per 16-bit word (an encoding some writers use).
      for (let i = 0; i < entries; i++) table[i] = it.byteArray[data.dataOffset + i]!;
    } else {
      throw new AffnetError('E_DICOM_PIXEL_DATA', `LUT Data has ${data.length} bytes for ${entries} entries of ${bits} bits`, { file });
    }
    const explanation = it.string('x00283003');
    out.push({ firstMapped, bits, data: table, ...(explanation ? { explanation } : {}) });
  }
  return out;
}

/** Window Center / Width pairs (0028,1050 / 0028,1051), multi-valued, with their explanations. */
export function readWindows(ds: DataSet): WindowAttr[] {
  const n = Math.min(ds.numStringValues('x00281050') ?? 0, ds.numStringValues('x00281051') ?? 0);
  const out: WindowAttr[] = [];
  for (let i = 0; i < n; i++) {
    const center = ds.floatString('x00281050', i);
    const width = ds.floatString('x00281051', i);
    if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width)) continue;
    const explanation = ds.string('x00281055', i);
    out.push({ center, width, ...(explanation ? { explanation } : {}) });
  }
  return out;
}

export function lutLookup(lut: LutTable, x: number): number {
  const i = Math.round(x) - lut.firstMapped;
  return lut.data[i < 0 ? 0 : i >= lut.data.length ? lut.data.length - 1 : i]!;
}
