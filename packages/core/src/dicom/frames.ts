/**
 * Finding one frame's bytes in the Pixel Data element: a slice of native pixel data, or the fragments of
 * one frame of encapsulated pixel data (DICOM PS3.5 A.4: with or without a Basic Offset Table, one or
 * many fragments per frame). Lengths are checked against the header before any codec runs.
 */
import type { DataSet, Element, Fragment } from 'dicom-parser';
import { AffnetError } from '../errors.js';
import type { PixelModule } from './pixel-module.js';
import type { PixelCodec } from './transfer-syntax.js';

export function pixelDataElement(ds: DataSet, file: string): Element {
  const el = ds.elements.x7fe00010;
  if (!el) throw new AffnetError('E_DICOM_PIXEL_DATA', 'no Pixel Data element (7FE0,0010)', { file });
  const size = ds.byteArray.length;
  if (el.encapsulatedPixelData) {
    for (const f of el.fragments ?? []) {
      if (f.position + f.length > size) {
        throw new AffnetError('E_DICOM_PIXEL_DATA', `pixel data fragment at byte ${f.position} runs past the end of the file (truncated?)`, {
          file,
        });
      }
    }
  } else if (el.dataOffset + el.length > size) {
    throw new AffnetError('E_DICOM_PIXEL_DATA', `Pixel Data is declared as ${el.length} bytes but only ${size - el.dataOffset} remain in the file (truncated?)`, { file });
  }
  return el;
}

/** Bytes of one native frame, as stored (byte order of the transfer syntax). */
export function nativeFrameBytes(ds: DataSet, el: Element, pm: PixelModule, index: number, file: string): Uint8Array {
  const frameBytes = (pm.rows * pm.columns * pm.samplesPerPixel * pm.bitsAllocated) / 8;
  const needed = frameBytes * pm.numberOfFrames;
  if (el.length < needed) {
    throw new AffnetError(
      'E_DICOM_PIXEL_DATA',
      `Pixel Data has ${el.length} bytes but the header says ${pm.numberOfFrames} frame(s) of ${pm.columns}x${pm.rows}x${pm.samplesPerPixel} at ${pm.bitsAllocated} bits = ${needed} bytes`,
      { file },
    );
  }
  const start = ds.byteArray.byteOffset + el.dataOffset + index * frameBytes;
  return new Uint8Array(ds.byteArray.buffer, start, frameBytes);
}

function concat(bytes: Uint8Array, fragments: Fragment[]): Uint8Array {
  if (fragments.length === 1) return bytes.subarray(fragments[0]!.position, fragments[0]!.position + fragments[0]!.length);
  const total = fragments.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const f of fragments) {
    out.set(bytes.subarray(f.position, f.position + f.length), at);
    at += f.length;
  }
  return out;
}

/** A fragment that starts a new codestream: JPEG/JPEG-LS SOI (FFD8) or JPEG 2000 SOC (FF4F). */
function startsCodestream(bytes: Uint8Array, f: Fragment, codec: PixelCodec): boolean {
  if (f.length < 2 || bytes[f.position] !== 0xff) return false;
  const m = bytes[f.position + 1];
  return codec === 'jpeg-2000' ? m === 0x4f : m === 0xd8;
}

/**
 * Groups fragments into frames. Order of evidence: Basic Offset Table; one fragment per frame; codestream
 * start markers (JPEG family); otherwise the layout is ambiguous and refused.
 */
export function frameFragments(el: Element, bytes: Uint8Array, frames: number, codec: PixelCodec, file: string): Fragment[][] {
  const fragments = el.fragments ?? [];
  const err = (m: string) => new AffnetError('E_DICOM_PIXEL_DATA', m, { file });
  if (fragments.length === 0) throw err('encapsulated Pixel Data has no fragments');
  if (frames === 1) return [fragments];
  const bot = el.basicOffsetTable ?? [];
  if (bot.length > 0) {
    if (bot.length !== frames) throw err(`Basic Offset Table has ${bot.length} entries for ${frames} frames`);
    return bot.map((start, i) => {
      const end = i + 1 < bot.length ? bot[i + 1]! : Number.POSITIVE_INFINITY;
      if (end <= start) throw err(`Basic Offset Table is not increasing at frame ${i + 1}`);
      const own = fragments.filter((f) => f.offset >= start && f.offset < end);
      if (own.length === 0 || own[0]!.offset !== start) throw err(`Basic Offset Table entry ${i} (${start}) does not start a fragment`);
      return own;
    });
  }
  if (fragments.length === frames) return fragments.map((f) => [f]);
  if (codec === 'rle') throw err(`RLE needs one fragment per frame; found ${fragments.length} fragments for ${frames} frames`);
  const groups: Fragment[][] = [];
  for (const f of fragments) {
    if (groups.length === 0 || startsCodestream(bytes, f, codec)) groups.push([f]);
    else groups[groups.length - 1]!.push(f);
  }
  if (groups.length !== frames) {
    throw err(`found ${groups.length} codestreams in ${fragments.length} fragments without an offset table, but Number of Frames is ${frames}`);
  }
  return groups;
}

/** The compressed bytes of one encapsulated frame. */
export function encapsulatedFrameBytes(bytes: Uint8Array, groups: Fragment[][], index: number): Uint8Array {
  return concat(bytes, groups[index]!);
}
